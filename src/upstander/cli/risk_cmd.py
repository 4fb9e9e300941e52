"""`upstander risk`, `upstander contact-review STAFF_ID` and `upstander watchlist ...`: the risk layer's commands.

Tables go to standard error (Rich); --json writes JSON to standard output. Exit status 2 for input the command
refuses (an unknown staff id, an empty reason, a bad interval or date), with the reason on standard error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import typer
from rich.markup import escape
from rich.table import Table

from upstander.cli import app
from upstander.cli.progress import err_console
from upstander.risk import watchlist as wl
from upstander.risk.contact_review import ContactRow, contact_review
from upstander.risk.matrix import METHOD, RiskRow, notes, risk_matrix

T = TypeVar("T")
watchlist_app = typer.Typer(help="Watchlists: scheduled audits of the system use of people of concern.",
                            no_args_is_help=True)
app.add_typer(watchlist_app, name="watchlist")

AS_OF = typer.Option(None, "--as-of", help="Treat this ISO date or time as now (to replay an old delivery).")


def refused(action: Callable[[], T]) -> T:
    """Run action; input it refuses becomes a message on standard error and exit status 2."""
    try:
        return action()
    except ValueError as exc:  # UnknownStaff, WatchlistError and bad dates are all ValueErrors
        err_console.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None


def when(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO date or date and time, such as 2025-03-07") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def emit(payload: Any) -> None:
    typer.echo(json.dumps(payload, default=str))


def day(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


@app.command()
def risk(
    json_output: bool = typer.Option(False, "--json", help="Print the matrix as JSON to standard output."),
    top: int = typer.Option(20, "--top", min=0, help="Show the first N people (0 for everyone)."),
    method: bool = typer.Option(False, "--method", help="Also print how points are given."),
    points: bool = typer.Option(False, "--points", help="The points matrix even when a learned ranking is fitted."),
) -> None:
    """Who to look at first: the learned ranking when one is fitted (`upstander rank fit`), with each person's top
    reasons; otherwise (or with --points) the risk matrix, every point traced to its source."""
    if not points and learned(json_output, top):
        return
    rows = refused(lambda: risk_matrix())
    shown = rows[:top] if top else rows
    if json_output:
        emit({"notes": notes(), "method": METHOD, "people": [r.to_json() for r in shown]})
        return
    err_console.print(risk_table(shown, len(rows)))
    for note in notes():
        err_console.print(f"[dim]{escape(note)}[/]", soft_wrap=True)
    if method:
        err_console.print(escape(METHOD))


def learned(json_output: bool, top: int) -> bool:
    """Print the learned ranking if one is fitted; False when there is none (the points matrix ranks)."""
    from upstander.cli.rank_cmd import ranked_table
    from upstander.rank import ranking

    current, people = refused(lambda: ranking.rank_now())
    if current is None:
        return False
    shown = people[:top] if top else people
    note = (f"learned ranking {current.version} ({current.meta.get('description', '')}); "
            "`upstander risk --points` for the points matrix")
    if json_output:
        emit({"ranking": "learned", "model_version": current.version, "notes": [note],
              "method": "score = the model's estimated chance of " + str(current.meta.get("label_words")) +
                        "; reasons = the five largest contributions to it (docs/ranking.md)",
              "people": [p.to_json() for p in shown]})
        return True
    err_console.print(ranked_table(current, shown, len(people)))
    err_console.print(f"[dim]{escape(note)}[/]", soft_wrap=True)
    return True


def risk_table(rows: list[RiskRow], total: int) -> Table:
    table = Table(title=f"Risk matrix: {len(rows)} of {total} people with alerts", show_lines=True)
    for name in ("rank", "staff", "role", "points", "red flags", "style", "why listed (points, source)"):
        table.add_column(name, justify="right" if name in ("rank", "points") else "left")
    for r in rows:
        lines = [f"{p.points:6.2f}  {p.source}: {p.why}" for p in r.points]
        style = r.style + ("\n" + r.style_reasons[0] if r.style_reasons else "")
        table.add_row(str(r.rank), r.staff_id, r.role or "", f"{r.total:.2f}", ", ".join(map(str, r.red_flags)),
                      escape(style), escape("\n".join(lines)))
    return table


@app.command("contact-review")
def contact_review_cmd(
    staff_id: str = typer.Argument(..., help="The member of staff the allegation is about.", show_default=False),
    json_output: bool = typer.Option(False, "--json", help="Print every row as JSON to standard output."),
    top: int = typer.Option(0, "--top", min=0, help="Only the first N people (0 for all; the table shows 30)."),
) -> None:
    """Everyone STAFF_ID met on duty, phoned, looked up or stopped near, ranked, with the evidence.

    Ranked by vulnerability and by how the contact looks: the audit that found a second woman in APSP case
    study 8."""
    rows = refused(lambda: contact_review(None, staff_id))
    if json_output:
        emit({"staff_id": staff_id, "people": [r.to_json() for r in (rows[:top] if top else rows)]})
        return
    shown = rows[: top or 30]
    err_console.print(contact_table(staff_id, shown, len(rows)))
    if len(shown) < len(rows):
        err_console.print(f"{len(rows) - len(shown)} more; --top 0 --json lists everyone with the evidence.")


def contact_table(staff_id: str, rows: list[ContactRow], total: int) -> Table:
    table = Table(title=f"Contact review of {staff_id}: {len(rows)} of {total} people", show_lines=True)
    for name in ("#", "person", "vulnerability", "how met", "calls/msgs", "after purpose / no link",
                 "night / off duty", "look-ups expl / unexpl", "stays near home", "first - last", "alerts", "score"):
        table.add_column(name, justify="left" if name in ("person", "vulnerability", "how met") else "right",
                         overflow="fold")
    for i, r in enumerate(rows, 1):
        vuln = ", ".join(r.vulnerabilities) or ("unknown" if r.person_id is None else "none recorded")
        how = "\n".join(r.how_met[:3]) + (f"\n(+{len(r.how_met) - 3} more)" if len(r.how_met) > 3 else "")
        table.add_row(str(i), escape(r.who), escape(vuln), escape(how or "not met through duty"),
                      f"{r.calls}/{r.messages}", f"{r.after_purpose} / {r.no_duty_link}",
                      f"{r.at_night} / {r.off_duty}",
                      f"{r.lookups_explained} / {r.lookups_unexplained}", str(r.stays_near_home),
                      f"{day(r.first_contact)} - {day(r.last_contact)}", str(len(r.alerts)), f"{r.rank_score:.1f}")
    return table


@watchlist_app.command("add")
def watchlist_add(
    staff_id: str = typer.Argument(..., help="The member of staff to monitor.", show_default=False),
    reason: str = typer.Option(..., "--reason", help="Why their system use needs auditing (required).",
                               show_default=False),
    every: int = typer.Option(wl.DEFAULT_EVERY_DAYS, "--every", help="Audit every DAYS days."),
    until: str | None = typer.Option(None, "--until", help="End of monitoring (ISO date); default six months."),
    by: str | None = typer.Option(None, "--by", help="Who is adding the entry; default the login name."),
    as_of: str | None = AS_OF,
) -> None:
    """Put a member of staff on the watchlist; their system use is audited every --every days."""
    entry = refused(lambda: wl.add(None, staff_id, reason, added_by=by, every_days=every, until=when(until),
                                   now=when(as_of)))
    err_console.print(f"{entry.staff_id} added by {escape(entry.added_by)} until {day(entry.until)}, audited every "
                      f"{entry.review_every_days} days; first audit due {day(entry.next_due)}", soft_wrap=True)


@watchlist_app.command("remove")
def watchlist_remove(
    staff_id: str = typer.Argument(..., show_default=False),
    by: str | None = typer.Option(None, "--by", help="Who is removing the entry; default the login name."),
    as_of: str | None = AS_OF,
) -> None:
    """End monitoring; the entry and its audit results are kept, marked removed."""
    refused(lambda: wl.remove(None, staff_id, removed_by=by, now=when(as_of)))
    err_console.print(f"{staff_id} removed from the watchlist")


@watchlist_app.command("list")
def watchlist_list(
    json_output: bool = typer.Option(False, "--json", help="Print the entries as JSON to standard output."),
    as_of: str | None = AS_OF,
) -> None:
    """Current entries, why each person is on the list, and when their next audit is due."""
    entries = refused(lambda: wl.entries(None, when(as_of)))
    if json_output:
        emit([e.to_json() for e in entries])
        return
    table = Table(title=f"Watchlist: {len(entries)} people")
    for name in ("staff", "reason", "added", "by", "every", "until", "audited to", "next due"):
        table.add_column(name)
    for e in entries:
        table.add_row(e.staff_id, escape(e.reason), day(e.added_at), escape(e.added_by), f"{e.review_every_days} d",
                      day(e.until), day(e.last_audit_end), day(e.next_due))
    err_console.print(table)


@watchlist_app.command("run")
def watchlist_run(
    json_output: bool = typer.Option(False, "--json", help="Print the audit results as JSON to standard output."),
    as_of: str | None = AS_OF,
) -> None:
    """Audit everyone due: their look-ups since the last audit, each explained from the data or not. Recorded."""
    results = refused(lambda: wl.run_audits(None, when(as_of)))
    if json_output:
        emit([r.to_json() for r in results])
        return
    table = Table(title=f"Watchlist audits: {len(results)} run", show_lines=True)
    for name in ("staff", "period", "look-ups", "unexplained", "summary"):
        table.add_column(name, justify="right" if name in ("look-ups", "unexplained") else "left")
    for r in results:
        table.add_row(r.staff_id, f"{day(r.period_start)} - {day(r.period_end)}", str(r.lookups), str(r.unexplained),
                      escape(r.summary + ("\n" + ", ".join(r.unexplained_refs) if r.unexplained_refs else "")))
    err_console.print(table)
