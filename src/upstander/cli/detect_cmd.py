"""`upstander detect [--full] [--engine duckdb|spark] [--master URL] [--json]`: run the detector files over the
lake and store alerts.

A run waits for another run (or another change to the alert store) to finish, saying so on standard error; a
run that fails prints one line naming what failed and exits 1, leaving the previous alerts in place. On Spark,
whatever stops it (no PySpark, no Java, a bad master) is one line, exit 1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum

import duckdb
import typer
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from upstander.cli import app
from upstander.cli.progress import err_console, progress_bar
from upstander.detect.backends import Backend, DuckDBBackend, SparkBackend
from upstander.detect.catalogue import load_detectors
from upstander.detect.engine import DetectionSummary, run_detection
from upstander.detect.spark_env import DEFAULT_MASTER, MASTER_FORMS, SparkUnavailable, check_spark, detection_session
from upstander.detect.store_files import StoreError
from upstander.lake import LakeError


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


@app.command()
def detect(
    full: bool = typer.Option(False, "--full", help="Re-run over all data instead of only days since the last run."),
    engine: Engine = typer.Option(Engine.duckdb, "--engine",
                                  help="Where the detector SQL runs: duckdb (in this process) or spark."),
    master: str | None = typer.Option(None, "--master", show_default=False,
                                      help=f"With --engine spark: the Spark master, {MASTER_FORMS} "
                                           f"[default: {DEFAULT_MASTER}]."),
    json_output: bool = typer.Option(False, "--json", help="Print a JSON summary to standard output."),
) -> None:
    """Run every detector over the lake (incrementally by default) and store what they find as alerts."""
    if master is not None and engine is not Engine.spark:
        raise typer.BadParameter("--master is for --engine spark only", param_hint="--master")
    report(detect_on(engine, master or DEFAULT_MASTER, full=full), engine, json_output=json_output)


def report(summary: DetectionSummary, engine: Engine, *, json_output: bool) -> None:
    if json_output:
        typer.echo(json.dumps({**summary.to_json(), "engine": engine.value}))
    else:
        err_console.print(detection_table(summary))
        print_skipped(summary)


def detect_on(engine: Engine, master: str | None, *, full: bool) -> DetectionSummary:
    """One detection run with a progress bar; `master=None` on Spark takes the one spark-submit was given."""
    detectors = load_detectors()
    try:
        if engine is Engine.spark:
            check_spark(master)  # before the progress bar, so that a refusal is the only line printed
        with progress_bar() as bar, backend_for(engine, master, bar) as backend:
            task = bar.add_task("Detecting", total=len(detectors))
            summary = run_detection(full=full, detectors=detectors, backend=backend,
                                    on_detector=lambda _id: bar.advance(task),
                                    on_wait=lambda m: bar.console.print(escape(m), soft_wrap=True))
            bar.update(task, completed=len(detectors))  # the skipped ones, and all when there was nothing to do
            return summary
    except SparkUnavailable as exc:
        err_console.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True, highlight=False)
        raise typer.Exit(1) from None
    except (StoreError, LakeError, duckdb.Error, OSError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        err_console.print(f"[red]detection failed, alerts unchanged:[/] {escape(first)}", soft_wrap=True)
        raise typer.Exit(1) from None


@contextmanager
def backend_for(engine: Engine, master: str | None, bar: Progress) -> Iterator[Backend]:
    if engine is Engine.duckdb:
        yield DuckDBBackend()
        return
    starting = bar.add_task(f"Starting Spark ({master or 'as spark-submit set it'})", total=1)
    with detection_session(master) as spark:
        bar.advance(starting)
        yield SparkBackend(spark)


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


def print_skipped(summary: DetectionSummary) -> None:
    """One line per detector that did not run, saying which feeds it lacks, under the table."""
    for detector_id, why in summary.skipped.items():
        err_console.print(f"[dim]skipped {escape(detector_id)}: {escape(why)}[/]", soft_wrap=True, highlight=False)
