"""`upstander rank fit|evaluate|show|audit`: the learned risk ranking (docs/ranking.md).

Tables go to standard error (Rich); --json writes JSON to standard output.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from upstander.cli import app
from upstander.cli.progress import err_console, progress_bar
from upstander.rank import audit as fairness
from upstander.rank import ranking, store
from upstander.rank.evaluate import BUDGET_WORDS, BUDGETS, METHOD_WORDS, METHODS
from upstander.rank.ranking import Ranked

rank_app = typer.Typer(help="The learned risk ranking: fit it, judge it against the three-in-twelve rule, show it, "
                            "audit its fairness.", no_args_is_help=True)
app.add_typer(rank_app, name="rank")


@contextmanager
def steps(title: str) -> Iterator[Callable[[str], None]]:
    """A progress bar advancing once per step a long job reports."""
    with progress_bar() as bar:
        task = bar.add_task(title, total=None)

        def step(what: str) -> None:
            bar.update(task, description=f"{title}: {what}", advance=1)

        yield step


def _refused(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except ValueError as exc:
        err_console.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None


@rank_app.command("fit")
def fit_cmd() -> None:
    """Fit the ranking on every snapshot whose outcomes are known now; store it as a new version."""
    with steps("fit") as step:
        result = _refused(lambda: ranking.fit(on_step=step))
    if result.stored is None:
        err_console.print(f"[yellow]not fitted:[/] {escape(result.message)}", soft_wrap=True)
        raise typer.Exit(1)
    err_console.print(f"fitted {escape(result.message)}", soft_wrap=True)
    err_console.print("`upstander rank evaluate` judges the method on earlier years; `upstander rank show` ranks.")


@rank_app.command("evaluate")
def evaluate_cmd(
    json_output: bool = typer.Option(False, "--json", help="Print the whole evaluation as JSON to standard output."),
    replicates: int = typer.Option(1000, "--replicates", min=100, help="Bootstrap replicates for the intervals."),
) -> None:
    """Backtest: at each yearly cut-off, the ranking fitted on earlier years against the rule and simple rankings."""
    with steps("evaluate") as step:
        result = _refused(lambda: ranking.evaluate(on_step=step, replicates=replicates))
    if json_output:
        typer.echo(json.dumps(result, default=float))
        return
    if "all" not in result:
        err_console.print(escape(result.get("verdict", "nothing to evaluate")), soft_wrap=True)
        return
    for part in ("all", "public"):
        if part in result:
            err_console.print(evaluation_table(result[part]))
    goal = result.get("goals", {})
    err_console.print(f"goal (precision at the rule's budget >= 1.5x the rule's and above both counts, intervals "
                      f"above zero): {'met' if goal.get('met') else 'not met'}; ratio to the rule "
                      f"{goal.get('ratio_to_rule')}", soft_wrap=True)


def evaluation_table(part: dict[str, Any]) -> Table:
    table = Table(title=f"Precision for {escape(part['label_words'])}, pooled over "
                        f"{sum('methods' in c for c in part['cutoffs'])} yearly cut-offs", show_lines=False)
    table.add_column("ranking")
    for b in BUDGETS:
        table.add_column(BUDGET_WORDS[b], justify="right")
    table.add_column("model minus it, at the rule's budget (95% interval)", justify="right")
    pooled, diffs = part.get("pooled") or {}, part.get("differences") or {}
    for m in METHODS:
        cells = [_pct(pooled.get(b, {}).get(m, {}).get("precision")) for b in BUDGETS]
        d = diffs.get("rule_budget", {}).get(m)
        diff = f"{d['difference']:+.3f} ({d['interval'][0]:+.3f} to {d['interval'][1]:+.3f})" if d else ""
        table.add_row(METHOD_WORDS[m], *cells, diff)
    return table


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x:.1%}"


@rank_app.command("show")
def show_cmd(
    top: int = typer.Option(20, "--top", min=0, help="Show the first N people (0 for everyone)."),
    json_output: bool = typer.Option(False, "--json", help="Print the ranking as JSON to standard output."),
) -> None:
    """People ranked by the fitted model today, with score and top five reasons in words."""
    current, people = _refused(lambda: ranking.rank_now())
    if current is None:
        message = "no ranking is fitted (`upstander rank fit`): the points matrix ranks (`upstander risk`)"
        if json_output:
            typer.echo(json.dumps({"model_version": None, "note": message, "people": []}))
        else:
            err_console.print(message)
        return
    shown = people[:top] if top else people
    if json_output:
        typer.echo(json.dumps({"model_version": current.version, "model": current.meta,
                               "people": [p.to_json() for p in shown]}, default=str))
        return
    err_console.print(ranked_table(current, shown, len(people)))


def ranked_table(current: store.StoredModel, people: list[Ranked], total: int) -> Table:
    table = Table(title=f"Learned ranking {current.version}: {len(people)} of {total} people; score = estimated "
                        f"chance of {escape(str(current.meta.get('label_words', 'the outcome')))}", show_lines=True)
    for name in ("rank", "staff", "role", "score", "top reasons"):
        table.add_column(name, justify="right" if name in ("rank", "score") else "left")
    for p in people:
        table.add_row(str(p.rank), p.staff_id, escape(p.role.replace("_", " ")), f"{p.score:.1%}",
                      escape("\n".join(r.words for r in p.reasons)))
    return table


@rank_app.command("audit")
def audit_cmd(
    json_output: bool = typer.Option(False, "--json", help="Print the audit as JSON to standard output."),
    top: int | None = typer.Option(None, "--top", min=1, help="Flag the first N (default: as many as the rule)."),
) -> None:
    """Fairness: flag rates, mean rank and disproportionality by sex, ethnicity and age band, where delivered."""
    result = _refused(lambda: fairness.audit(top=top))
    if json_output:
        typer.echo(json.dumps(result, default=str))
        return
    if result.get("model_version") is None:
        err_console.print(result["note"])
        return
    for characteristic, groups in result["groups"].items():
        table = Table(title=f"{characteristic.replace('_', ' ')}: {result['flagged_by']}")
        for name in ("group", "people", "flagged", "flag rate", "ratio (95% interval)", "rule's ratio",
                     "mean percentile rank"):
            table.add_column(name, justify="left" if name == "group" else "right")
        for group, row in groups.items():
            r, rule = row["ranking"], row["rule"]
            table.add_row(escape(group), str(r["people"]), str(r["flagged"]), _pct(r["flag_rate"]),
                          _ratio(r), _ratio(rule), f"{row['mean_percentile_rank']:.2f}")
        err_console.print(table)
    if result["not_delivered"]:
        err_console.print(f"not delivered in the staff feed, so not audited: {', '.join(result['not_delivered'])}")


def _ratio(r: dict[str, Any]) -> str:
    if r.get("ratio") is None:
        return ""
    iv = r.get("interval")
    return f"{r['ratio']:.2f}" + (f" ({iv[0]:.2f} to {iv[1]:.2f})" if iv else "")
