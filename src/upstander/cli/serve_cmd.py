"""`upstander serve`: the web application over UPSTANDER_HOME, on 127.0.0.1."""

from __future__ import annotations

import typer
from rich.console import Console

from upstander import settings
from upstander.cli import app


@app.command("serve")
def serve_command(
    port: int = typer.Option(8000, "--port", help="Port on 127.0.0.1."),
    sync: bool = typer.Option(True, "--sync/--no-sync", help="Bring the staff directory and alerts in first."),
) -> None:
    """Serve the web application: alert triage over the alerts detect stored, with need-to-know access."""
    from upstander.web import runtime

    console = Console(stderr=True)
    try:  # a bad proxy or single sign-on setting stops the server before it starts, naming the setting
        proxy = settings.get("UPSTANDER_TRUSTED_PROXY")
        header = settings.get("UPSTANDER_TRUSTED_PROXY_HEADER")
        sso = _single_sign_on()
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    runtime.require_keys()  # never serve a portal that cannot seal what it is sent
    runtime.setup()
    runtime.migrate()
    if sync:
        from upstander.web.sync import sync_all

        result = sync_all(settings.home())
        console.print(f"{result.staff:,} staff; {result.alerts_seen:,} alerts ({result.alerts_new:,} new)")
    if proxy:
        console.print(f"Client addresses from {header} when the connection comes from {proxy}")
    if sso:
        console.print(sso, highlight=False)
    console.print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)")
    runtime.serve(port)


def _single_sign_on() -> str:
    """A line saying single sign-on is on and with whom, or "" when it is off; ValueError naming the setting when
    it is on but cannot work (the client secret's file is read now, not at someone's first sign-in)."""
    from upstander.web.sso import config as sso_config

    config = sso_config.current()
    if config is None:
        return ""
    config.client_secret()
    return f"Single sign-on with {config.provider_name} ({config.issuer})"
