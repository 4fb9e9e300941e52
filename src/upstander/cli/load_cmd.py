"""`upstander load DIR [--json]`: validate a delivery against the contract and add it to the lake.

Exit status: 0 when the load committed (even with quarantined rows), 3 when a file was refused whole (the
rest still committed), 2 when DIR cannot be used or a setting is invalid, 1 when the lake itself is damaged.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from upstander.cli import app
from upstander.cli.progress import err_console, progress_bar
from upstander.feeds.delivery import DeliveryError
from upstander.feeds.loading import LoadSummary, load_delivery
from upstander.lake import LakeError


@app.command()
def load(
    directory: Path = typer.Argument(..., help="Delivery folder: <feed>.csv, <feed>.parquet or <feed>/ folders.",
                                     show_default=False),
    json_output: bool = typer.Option(False, "--json", help="Print a JSON summary to standard output."),
) -> None:
    """Validate a delivery against the contract and add it to the lake; bad rows are quarantined with file,
    row, field and reason."""
    try:
        summary = load_delivery(directory, progress=progress_bar(), on_wait=lambda m: say(escape(m)))
    except DeliveryError as exc:
        say(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    except LakeError as exc:
        say(f"[red]lake error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    except ValueError as exc:  # an invalid setting, named by settings.get
        say(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    if json_output:
        typer.echo(json.dumps(summary.to_json()))
    else:
        err_console.print(load_table(summary))
    for note in summary.rejected_files:
        say(f"[red]rejected[/] {escape(note.file)}: {escape(note.reason)}")
    say(
        f"{summary.rows_read:,} rows read in {summary.seconds:.1f} s ({summary.rows_per_second:,.0f} rows/s)"
        + ("" if summary.load_id else "; nothing new to load")
    )
    if summary.rejected_files:
        raise typer.Exit(3)


def say(message: str) -> None:
    """A line on standard error, never wrapped, so it can be searched for the file it names."""
    err_console.print(message, soft_wrap=True)


def load_table(summary: LoadSummary) -> Table:
    """The summary of a load as a table: rows loaded, unchanged and quarantined per feed; files skipped."""
    title = f"Load {summary.load_id} into {summary.lake}" if summary.load_id else f"Nothing new for {summary.lake}"
    table = Table(title=title)
    for name in ("feed", "loaded", "unchanged", "quarantined"):
        table.add_column(name, justify="left" if name == "feed" else "right")
    for feed, loaded in summary.loaded.items():
        table.add_row(feed, f"{loaded:,}", f"{summary.unchanged.get(feed, 0):,}",
                      f"{summary.quarantined_by_feed.get(feed, 0):,}")
    for note in summary.skipped_files:
        table.add_row(escape(note.file), "skipped", "", escape(note.reason))
    for name in summary.ignored_files:
        table.add_row(escape(name), "ignored", "", "not a feed file")
    return table
