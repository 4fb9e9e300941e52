"""`upstander access-log export`: the web application's access log as an audit feed delivery."""

from __future__ import annotations

from pathlib import Path

import typer

from upstander.cli import app
from upstander.cli.progress import err_console

access_log = typer.Typer(help="The web application's hash-chained access log.", no_args_is_help=True)
app.add_typer(access_log, name="access-log")


@access_log.command("export")
def export_command(
    out: Path = typer.Option(..., "--out", help="Delivery folder to write audit/*.csv into."),
    after: int = typer.Option(0, "--after", help="Only entries after this access-log id."),
) -> None:
    """Write the access log as an `audit` feed, to load with `upstander load OUT`, after checking its chain."""
    from upstander.web import runtime

    runtime.setup()
    runtime.migrate()  # a database from an older version is brought up to date first, never read half-migrated
    from upstander.web.access_export import export_access_log
    from upstander.web.models.access_log import verify_chain

    broken = verify_chain()
    if broken is not None:
        err_console.print(f"[red]The access log's hash chain breaks at entry {broken}: export refused.[/]")
        raise typer.Exit(3)
    path, n = export_access_log(out, after)
    err_console.print(f"{n:,} access-log entries written to {path}" if path else "Nothing new to export.")
