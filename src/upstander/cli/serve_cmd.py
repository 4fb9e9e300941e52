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

    runtime.require_keys()  # before anything else: never serve a portal that cannot seal what it is sent
    runtime.setup()
    runtime.migrate()
    console = Console(stderr=True)
    if sync:
        from upstander.web.sync import sync_all

        result = sync_all(settings.home())
        console.print(f"{result.staff:,} staff; {result.alerts_seen:,} alerts ({result.alerts_new:,} new)")
    console.print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)")
    runtime.serve(port)
