"""`upstander import chicago|phl DIR [--home H] [--json]`: a public complaints release mapped to the contract,
written as a delivery under the home's `imports/` and loaded through the normal loader.

Exit status: 0 when the delivery loaded (even with rows the importer could not map, or the loader quarantined:
both are listed), 2 when DIR cannot be used (a file missing or without its columns), 1 when the lake is damaged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from upstander.cli import app
from upstander.cli.progress import err_console, progress_bar
from upstander.feeds.delivery import DeliveryError
from upstander.importers.chicago import import_chicago
from upstander.importers.common import ImportSummary, SourceError
from upstander.importers.phl import import_phl
from upstander.lake import LakeError
from upstander.private import make_private

import_app = typer.Typer(help="Import a public complaints release: map it to the contract, write it as a delivery "
                              "and load it.", no_args_is_help=True)
app.add_typer(import_app, name="import")

SHOWN_PER_KIND = 3  # example rows printed for each kind of problem; --json lists every one
HOME = typer.Option(None, "--home", help="The Upstander home to load into (default: UPSTANDER_HOME).",
                    show_default=False)
JSON = typer.Option(False, "--json", help="Print the import summary, every problem included, as JSON.")


@import_app.command("chicago")
def chicago(
    directory: Path = typer.Argument(..., help="Folder holding officers.csv.gz and complaints.csv.gz.",
                                     show_default=False),
    home: Path | None = HOME,
    json_output: bool = JSON,
) -> None:
    """Chicago Police Department complaints (officers.csv.gz, complaints.csv.gz) to staff and complaints."""
    run(import_chicago, directory, home, json_output)


@import_app.command("phl")
def phl(
    directory: Path = typer.Argument(..., help="Folder holding ppd_complaints.csv.gz and "
                                               "ppd_complaint_disciplines.csv.gz.", show_default=False),
    home: Path | None = HOME,
    json_output: bool = JSON,
) -> None:
    """Philadelphia Police Department complaints against police to staff and complaints."""
    run(import_phl, directory, home, json_output)


def run(importer: Callable[..., ImportSummary], directory: Path, home: Path | None, json_output: bool) -> None:
    if home is not None:
        make_private(home)
    try:
        summary = importer(directory, home=home, progress=progress_bar())
    except (SourceError, DeliveryError) as exc:
        say(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    except LakeError as exc:
        say(f"[red]lake error:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    if json_output:
        typer.echo(json.dumps(summary.to_json()))
    else:
        err_console.print(summary_table(summary))
        for line in problem_lines(summary):
            say(line)
    load = summary.load
    say(f"imported in {summary.seconds:.1f} s into {escape(load.lake if load else '')}"
        + (f", load {load.load_id}" if load and load.load_id else "; nothing new to load"))


def say(message: str) -> None:
    err_console.print(message, soft_wrap=True, highlight=False)


def summary_table(summary: ImportSummary) -> Table:
    table = Table(title=f"Import of {summary.source}")
    for name in ("what", "rows"):
        table.add_column(name, justify="left" if name == "what" else "right")
    for file, rows in summary.read.items():
        table.add_row(f"read from {escape(file)}", f"{rows:,}")
    for why, rows in summary.skipped.items():
        table.add_row(f"skipped: {escape(why)}", f"{rows:,}")
    for feed_name, rows in summary.written.items():
        table.add_row(f"written to {feed_name}", f"{rows:,}")
    if summary.load:
        for feed_name, rows in summary.load.loaded.items():
            table.add_row(f"loaded into {feed_name}", f"{rows:,}")
        for feed_name, rows in summary.load.unchanged.items():
            if rows:
                table.add_row(f"unchanged in {feed_name}", f"{rows:,}")
        table.add_row("quarantined by the loader", f"{summary.load.quarantined:,}")
    return table


def problem_lines(summary: ImportSummary) -> list[str]:
    """Each kind of problem with its count and a few of its rows; the loader's quarantine the same way."""
    lines = []
    for file, field_name, what, rows in summary.problem_counts():
        examples = [f"{p.row}" + (f" ({p.detail!r})" if p.detail else "") for p in summary.problems
                    if (p.file, p.field, p.what) == (file, field_name, what)][:SHOWN_PER_KIND]
        plural = "s" if rows != 1 else ""
        lines.append(f"[yellow]{rows:,} row{plural}[/] of {escape(file)}, field {escape(field_name)}: {escape(what)}; "
                     f"row{plural} {escape(', '.join(examples))}{', ...' if rows > len(examples) else ''}")
    for p in summary.quarantined[:20]:
        lines.append(f"[red]quarantined[/] {escape(p.file)} row {p.row}, field {escape(p.field)}: {escape(p.what)}")
    if len(summary.quarantined) > 20:
        lines.append(f"... and {len(summary.quarantined) - 20:,} more quarantined rows (--json lists them all)")
    if summary.load:
        lines += [f"[red]rejected[/] {escape(n.file)}: {escape(n.reason)}" for n in summary.load.rejected_files]
    return lines
