"""Start Django from the command line: settings, migrations, then the production WSGI server (waitress)."""

from __future__ import annotations

import os


def require_keys() -> None:
    """Stop the command, in words saying what is missing and what to run, unless the key directory holds every
    key: a server without them would refuse every report, or worse, once keys were made on first use."""
    import typer

    from upstander.cli.progress import err_console
    from upstander.web.reporting.sealing import KeyUnavailable
    from upstander.web.reporting.sealing import require_keys as check

    try:
        check()
    except KeyUnavailable as exc:
        err_console.print(f"[red]Upstander will not start:[/] {exc}", soft_wrap=True, highlight=False)
        raise typer.Exit(2) from None


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upstander.web.settings")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def serve(port: int, threads: int = 8) -> None:
    from waitress import serve as waitress_serve

    from upstander.web.wsgi import application

    waitress_serve(application, host="127.0.0.1", port=port, threads=threads, ident="upstander")
