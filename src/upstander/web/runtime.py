"""Start Django from the command line: settings, migrations, then the production WSGI server (waitress)."""

from __future__ import annotations

import os


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
