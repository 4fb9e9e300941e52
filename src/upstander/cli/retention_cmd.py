"""`upstander retention [--apply] [--json]`: what the retention periods make due, and deleting it.

A dry run by default. Exit status 0 when everything due was deleted (or, dry, could be listed); 1 when a setting
is bad (nothing is deleted) or a kind could not be done (the others still are), with the reason in words.
"""

from __future__ import annotations

import json
from datetime import datetime

import typer
from rich.table import Table

from upstander import settings
from upstander.cli import app
from upstander.cli.progress import err_console, progress_bar
from upstander.retention.summary import RetentionSummary


@app.command()
def retention(
    apply_: bool = typer.Option(False, "--apply", help="Delete what is due (without it, only list it)."),
    json_output: bool = typer.Option(False, "--json", help="Print the summary as JSON to standard output."),
) -> None:
    """List, per kind of record, what is past its retention period; with --apply, delete it and log what went."""
    from upstander.retention import run as retention_run
    from upstander.retention.policy import Policy
    from upstander.web import runtime

    try:
        Policy.read(datetime.now().astimezone())  # a bad period stops here, before anything is touched
    except ValueError as exc:
        err_console.print(f"[red]Retention did not run:[/] {exc}", soft_wrap=True, highlight=False)
        raise typer.Exit(1) from None
    if apply_:
        runtime.require_keys()  # every deletion is written to the access log, chained under its key
    runtime.setup()
    runtime.migrate()
    home = settings.home()
    with progress_bar() as bar:
        task = bar.add_task("Deleting what is due" if apply_ else "Finding what is due", total=retention_run.STEPS)

        def step() -> None:
            bar.advance(task)

        summary = (retention_run.apply(home, actor=retention_run.command_line_actor(), on_step=step,
                                       on_wait=lambda m: err_console.print(m, highlight=False))
                   if apply_ else retention_run.plan(home, on_step=step))
    if json_output:
        typer.echo(json.dumps(summary.to_json()))
    else:
        err_console.print(retention_table(summary))
    for kind in summary.failed:
        err_console.print(f"[red]{kind.kind}: not deleted:[/] {kind.error}", soft_wrap=True, highlight=False)
    if summary.failed:
        raise typer.Exit(1)


def _local(when: datetime | None) -> str:
    return when.astimezone().strftime("%d %b %Y %H:%M %Z") if when else "-"


def retention_table(summary: RetentionSummary) -> Table:
    done = "deleted" if summary.applied else "would delete"
    table = Table(title=f"Retention at {_local(summary.now)}: " + (
        f"{summary.deleted:,} records deleted" if summary.applied else "dry run, nothing deleted (--apply deletes)"))
    for name in ("kind of record", "kept for", "due if before", "due", "oldest due", done, "kept past the period"):
        table.add_column(name, justify="left" if name in ("kind of record", "kept past the period") else "right")
    for k in summary.kinds:
        held = f"{k.held:,}: {k.held_because}" if k.held else ""
        deleted = f"{k.deleted:,}" if summary.applied else f"{k.due:,}"
        if k.error:
            deleted = "not done"
        table.add_row(k.kind, f"{k.days:,} days", _local(k.cutoff), f"{k.due:,} {k.unit}", _local(k.oldest), deleted,
                      held)
    return table
