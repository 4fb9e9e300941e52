"""`upstander access-log verify|export`: check the web application's access log; write it as an audit feed.

Exit status: 0 when the log is whole; 3 when its chain breaks, entries were cut from the end, or its checkpoint
is missing or unreadable (the message says which entry or how many).
"""

from __future__ import annotations

from pathlib import Path

import typer

from upstander.cli import app
from upstander.cli.progress import err_console

access_log = typer.Typer(help="The web application's keyed, hash-chained access log.", no_args_is_help=True)
app.add_typer(access_log, name="access-log")


def _checked(anchor: bool = False) -> None:
    """Set up the web application and check the log; stop with exit status 3, saying why, unless it is whole."""
    from upstander.web import runtime

    runtime.require_keys()  # the chain's key is in the key directory
    runtime.setup()
    runtime.migrate()  # a database from an older version is brought up to date first, never read half-migrated
    from upstander.web import access_integrity

    verdict = access_integrity.anchor() if anchor else access_integrity.verify_log()
    if not verdict.intact:
        err_console.print(f"[red]{verdict.summary}[/]", soft_wrap=True, highlight=False)
        raise typer.Exit(3)
    err_console.print(verdict.summary, soft_wrap=True, highlight=False)


@access_log.command("verify")
def verify_command(
    anchor: bool = typer.Option(False, "--anchor", help="Start a checkpoint where there is none yet (a log from "
                                                        "before checkpoints); never replaces one."),
) -> None:
    """Check the keyed chain from first entry to last, and that nothing was cut from its end."""
    _checked(anchor)


@access_log.command("export")
def export_command(
    out: Path = typer.Option(..., "--out", help="Delivery folder to write audit/*.csv into."),
    after: int = typer.Option(0, "--after", help="Only entries after this access-log id."),
) -> None:
    """Write the access log as an `audit` feed, to load with `upstander load OUT`, after checking it whole."""
    _checked()
    from upstander.web.access_export import export_access_log

    path, n = export_access_log(out, after)
    err_console.print(f"{n:,} access-log entries written to {path}" if path else "Nothing new to export.")
