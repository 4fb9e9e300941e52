"""`upstander evaluate --truth FILE [--json]`: measure detection against a simulator's ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from upstander import settings
from upstander.cli import app
from upstander.cli.progress import err_console
from upstander.evaluate import evaluate as run_evaluation


@app.command()
def evaluate(
    truth: Path = typer.Option(..., "--truth", help="ground_truth.csv written by `upstander simulate`.",
                               exists=True, dir_okay=False, readable=True),
    json_output: bool = typer.Option(False, "--json", help="Print the figures as JSON to standard output."),
) -> None:
    """Recall and delay per red flag, alert rate, precision and explained look-ups against ground truth."""
    try:
        result = run_evaluation(settings.home(), truth)
    except ValueError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    if json_output:
        typer.echo(json.dumps(result))
        return
    table = Table(title=f"Detection against {truth} ({result['staff']:,} staff, {result['days']} days)")
    for name in ("red flag", "scenarios", "recall", "median delay (days)"):
        table.add_column(name, justify="right")
    for flag, row in result["per_flag"].items():
        table.add_row(flag, str(row["scenarios"]), f"{row['recall']:.2f}", str(row["median_delay_days"]))
    err_console.print(table)
    for key, goal in result["goals"].items():
        met = result["met"][key]
        mark = "[green]met[/]" if met else ("[red]not met[/]" if met is not None else "n/a")
        err_console.print(f"{key}: {result.get(key)} (goal {goal}) {mark}")
