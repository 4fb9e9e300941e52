"""`upstander detect [--full] [--json]`: run the detector files over the lake and store alerts.

A run waits for another run (or another change to the alert store) to finish, saying so on standard error; a
run that fails prints one line naming what failed and exits 1, leaving the previous alerts in place.
"""

from __future__ import annotations

import json

import duckdb
import typer
from rich.markup import escape
from rich.table import Table

from upstander.cli import app
from upstander.cli.progress import err_console, progress_bar
from upstander.detect.catalogue import load_detectors
from upstander.detect.engine import DetectionSummary, run_detection
from upstander.detect.store_files import StoreError
from upstander.lake import LakeError


@app.command()
def detect(
    full: bool = typer.Option(False, "--full", help="Re-run over all data instead of only days since the last run."),
    json_output: bool = typer.Option(False, "--json", help="Print a JSON summary to standard output."),
) -> None:
    """Run every detector over the lake (incrementally by default) and store what they find as alerts."""
    detectors = load_detectors()
    try:
        with progress_bar() as bar:
            task = bar.add_task("Detecting", total=len(detectors))
            summary = run_detection(full=full, detectors=detectors, on_detector=lambda _id: bar.advance(task),
                                    on_wait=lambda m: bar.console.print(escape(m), soft_wrap=True))
    except (StoreError, LakeError, duckdb.Error, OSError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        err_console.print(f"[red]detection failed, alerts unchanged:[/] {escape(first)}", soft_wrap=True)
        raise typer.Exit(1) from None
    if json_output:
        typer.echo(json.dumps(summary.to_json()))
    else:
        err_console.print(detection_table(summary))


def detection_table(summary: DetectionSummary) -> Table:
    if summary.since:
        scope = f"Detection from {summary.since.isoformat()}"
    elif summary.runs:
        scope = f"Full detection ({summary.reason})" if summary.reason else "Full detection"
    else:
        scope = f"No detection: {summary.reason}" if summary.reason else "No detection: the lake is empty"
    explained = "" if summary.explained_lookups is None else f"; {summary.explained_lookups:.2%} of look-ups explained"
    table = Table(title=f"{scope}: {summary.alerts_total:,} alerts stored{explained}")
    for name in ("detector", "findings", "new", "seconds"):
        table.add_column(name, justify="left" if name == "detector" else "right")
    for run in summary.runs:
        table.add_row(run.id, f"{run.findings:,}", f"{run.new:,}", f"{run.seconds:.2f}")
    return table
