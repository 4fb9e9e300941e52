"""`upstander simulate`: write a synthetic force's delivery with injected red-flag scenarios and ground truth."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from upstander.cli import app
from upstander.cli.progress import err_console, progress_bar
from upstander.simulate.engine import DEFAULT_START, SimulationResult, simulate


def run_simulation(staff: int, days: int, seed: int, out: Path, every_flag: bool, corrupt: bool,
                   start: date = DEFAULT_START, quiet: bool = False, every_case: bool = False) -> SimulationResult:
    if quiet:
        return simulate(staff, days, seed, out, every_flag=every_flag, corrupt=corrupt, start=start,
                        every_case=every_case)
    with progress_bar() as bar:
        task = bar.add_task(f"Simulating {staff:,} staff", total=days)
        return simulate(staff, days, seed, out, every_flag=every_flag, corrupt=corrupt, start=start,
                        on_day=lambda _d: bar.advance(task), every_case=every_case)


def summary_table(result: SimulationResult) -> Table:
    table = Table(title=f"Delivery written to {result.out}")
    table.add_column("feed")
    table.add_column("rows", justify="right")
    for name, count in sorted(result.rows.items()):
        table.add_row(name, f"{count:,}")
    return table


@app.command("simulate")
def simulate_command(
    staff: int = typer.Option(300, "--staff", help="Members of staff in the simulated force (at least 50)."),
    days: int = typer.Option(30, "--days", help="Days to simulate."),
    seed: int = typer.Option(1, "--seed", help="Random seed: the same seed gives the same delivery."),
    out: Path = typer.Option(..., "--out", help="Directory to write the delivery to (created if missing)."),
    every_flag: bool = typer.Option(False, "--every-flag", help="Guarantee a scenario for every red flag 1-12."),
    every_case: bool = typer.Option(False, "--every-case",
                                    help="Inject at least one scenario for each case study in the seeds."),
    corrupt: bool = typer.Option(False, "--corrupt", help="Add realistic bad rows, listed in corruptions.csv."),
    start: str = typer.Option(DEFAULT_START.isoformat(), "--start", help="First day, YYYY-MM-DD."),
    json_output: bool = typer.Option(False, "--json", help="Print a JSON summary instead of a table."),
) -> None:
    """Simulate a force: routine work, injected red-flag scenarios, benign look-alikes and ground truth."""
    try:
        first = date.fromisoformat(start)
    except ValueError:
        raise typer.BadParameter(f"--start must be a date YYYY-MM-DD, got {start!r}") from None
    try:
        result = run_simulation(staff, days, seed, out, every_flag, corrupt, first, quiet=json_output,
                                every_case=every_case)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    if json_output:
        typer.echo(json.dumps({"out": str(out), "rows": result.rows, "scenarios": result.scenarios,
                               "red_flags": result.flags, "corruptions": result.corruptions,
                               "seconds": round(result.seconds, 2)}))
        return
    err_console.print(summary_table(result))
    err_console.print(f"{result.scenarios} scenarios covering red flags {result.flags}; ground truth in "
                      f"{out / 'ground_truth.csv'}; {sum(result.rows.values()):,} rows in {result.seconds:.1f} s")
    if corrupt:
        err_console.print(f"{result.corruptions} corrupted rows listed in {out / 'corruptions.csv'}")
