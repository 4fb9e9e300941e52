"""`upstander run DIR [--json] [--fail-on-breach]`: the daily job (see `upstander.daily.job`).

Exit status: 0 when every step ran; 3 when a delivery file was refused whole (the rest loaded and every later
step ran); 2 when DIR, a setting or the keys cannot be used (nothing was changed); 1 when a step failed (the steps
after it did not run); 4 with --fail-on-breach when a reporting or case obligation is overdue.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape

from upstander import settings
from upstander.cli import app
from upstander.cli.progress import err_console, progress_bar
from upstander.daily.job import Step, run_daily


@app.command()
def run(
    directory: Path = typer.Argument(..., help="Today's delivery folder, as for `upstander load`.",
                                     show_default=False),
    json_output: bool = typer.Option(False, "--json", help="Print a JSON summary to standard output."),
    fail_on_breach: bool = typer.Option(False, "--fail-on-breach",
                                        help="Exit 4 when a reporting or case obligation is overdue."),
) -> None:
    """The daily job: load the delivery, detect incrementally, bring the results into the web application, run
    the watchlist audits due, apply retention and check the reporting and case obligations. Idempotent; safe to
    run from cron or a systemd timer while the application serves."""
    home = settings.home()

    def said(step: Step) -> None:
        mark = "[green]done[/]" if step.ok else "[red]failed[/]"
        err_console.print(f"{mark} {step.name:<12} {step.seconds:6.1f} s  {escape(step.said)}", soft_wrap=True,
                          highlight=False)

    summary = run_daily(directory, home, fail_on_breach=fail_on_breach, on_step=said, progress=progress_bar(),
                        on_wait=lambda m: err_console.print(escape(m), soft_wrap=True))
    if json_output:
        typer.echo(json.dumps(summary.to_json()))
    ran = sum(s.ok for s in summary.steps)
    err_console.print(f"Daily run on {escape(str(directory))}: {ran} of {summary.planned} steps done, exit status "
                      f"{summary.exit_code}", soft_wrap=True, highlight=False)
    raise typer.Exit(summary.exit_code)
