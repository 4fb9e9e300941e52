"""Watchlists: people of concern whose use of force systems is audited on a schedule, with every result kept.

An entry needs a reason (monitoring must be for a stated policing purpose), an interval and an end date (it
is time-limited and must be renewed deliberately: proportionate, as DESIGN.md requires). Removing an entry
keeps it, marked removed, so the record of who was monitored, why and for how long survives.

Each audit covers the period since the previous one: look-ups of people, incidents and custody records and
searches, each with the explanation the look-up detector's context offers (assigned to the incident, team,
area, custody duty, role ...) or none. The first audit reaches back one interval before the entry was added,
because the concern that prompts a listing is usually about recent use. A period ends at the latest data in
the lake, not the wall clock, so data delivered late is picked up by the next audit and no period is audited
twice (the audit table's key is staff and period start).
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from upstander.detect.alerts import AlertStore
from upstander.lake import Lake
from upstander.risk.contact_review import require_staff, scoped_context, utc

DEFAULT_EVERY_DAYS = 28
DEFAULT_TERM_DAYS = 182  # six months, then renew or remove

SCHEMA = """
CREATE TABLE IF NOT EXISTS watchlist (
    staff_id VARCHAR NOT NULL,
    added_by VARCHAR NOT NULL,
    reason VARCHAR NOT NULL CHECK (length(trim(reason)) > 0),
    added_at TIMESTAMPTZ NOT NULL,
    review_every_days INTEGER NOT NULL CHECK (review_every_days > 0),
    until TIMESTAMPTZ NOT NULL,
    removed_at TIMESTAMPTZ,
    removed_by VARCHAR
);
CREATE TABLE IF NOT EXISTS watchlist_audits (
    staff_id VARCHAR NOT NULL,
    run_at TIMESTAMPTZ NOT NULL,
    period_start TIMESTAMPTZ NOT NULL,
    period_end TIMESTAMPTZ NOT NULL,
    lookups INTEGER NOT NULL,
    unexplained INTEGER NOT NULL,
    unexplained_refs VARCHAR[] NOT NULL,
    summary VARCHAR NOT NULL,
    PRIMARY KEY (staff_id, period_start)
);
"""


class WatchlistError(ValueError):
    """Input the watchlist refuses; the message says what to change."""


@dataclass
class WatchEntry:
    staff_id: str
    added_by: str
    reason: str
    added_at: datetime
    review_every_days: int
    until: datetime
    last_audit_end: datetime | None
    last_run_at: datetime | None

    @property
    def next_due(self) -> datetime:
        return self.added_at if self.last_run_at is None else self.last_run_at + timedelta(days=self.review_every_days)

    def to_json(self) -> dict[str, Any]:
        out = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(self).items()}
        out["next_due"] = self.next_due.isoformat()
        return out


@dataclass
class AuditResult:
    staff_id: str
    run_at: datetime
    period_start: datetime
    period_end: datetime
    lookups: int
    unexplained: int
    unexplained_refs: list[str]
    summary: str

    def to_json(self) -> dict[str, Any]:
        return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(self).items()}


@contextmanager
def _changing(home: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A change to the watchlist: written to a copy of the alert store and swapped in (AlertStore.writing), so
    it waits for a detection run in progress (saying so on standard error) and never disturbs readers."""
    with AlertStore(Lake(home).home).writing() as con:
        con.execute(SCHEMA)
        yield con


@contextmanager
def _reading(home: Path | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only; before the first watchlist change the tables are missing, and read as empty (temporary
    tables of the same shape, which vanish with the connection)."""
    with AlertStore(Lake(home).home).reading() as con:
        present = {t for t, in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()}
        if not present & {"watchlist", "watchlist_audits"}:  # made together, so both or neither
            con.execute(SCHEMA.replace("CREATE TABLE IF NOT EXISTS", "CREATE TEMP TABLE IF NOT EXISTS"))
        yield con


def _aware(when: datetime | None) -> datetime:
    if when is None:
        return datetime.now(UTC)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def add(home: Path | None, staff_id: str, reason: str, *, added_by: str | None = None,
        every_days: int = DEFAULT_EVERY_DAYS, until: datetime | None = None, now: datetime | None = None) -> WatchEntry:
    """Put a member of staff on the watchlist. Refuses an unknown id, an empty reason, a non-positive interval,
    an end date not after the start, and a second entry for someone already listed."""
    now = _aware(now)
    until = _aware(until) if until else now + timedelta(days=DEFAULT_TERM_DAYS)
    if not reason or not reason.strip():
        raise WatchlistError("a reason is required: say why this person's system use needs auditing")
    if isinstance(every_days, bool) or not isinstance(every_days, int) or every_days <= 0:
        raise WatchlistError(f"the review interval must be a whole number of days above zero, not {every_days!r}")
    if until <= now:
        raise WatchlistError(f"the end date {until:%Y-%m-%d} must be after the start {now:%Y-%m-%d}")
    added_by = (added_by or getpass.getuser()).strip()
    if not added_by:
        raise WatchlistError("say who is adding the entry (added_by)")
    require_staff(Lake(home).connect(), staff_id)
    with _changing(home) as con:
        if _active(con, staff_id, now):
            raise WatchlistError(f"{staff_id} is already on the watchlist; remove the entry first to change it")
        con.execute("INSERT INTO watchlist (staff_id, added_by, reason, added_at, review_every_days, until) "
                    "VALUES (?, ?, ?, ?, ?, ?)", [staff_id, added_by, reason.strip(), now, every_days, until])
    return next(e for e in entries(home, now) if e.staff_id == staff_id)


def remove(home: Path | None, staff_id: str, *, removed_by: str | None = None, now: datetime | None = None) -> None:
    """End monitoring of a member of staff; the entry and its audits are kept, marked removed."""
    now = _aware(now)
    with _changing(home) as con:
        if not _active(con, staff_id, now):
            raise WatchlistError(f"{staff_id} is not on the watchlist")
        con.execute("UPDATE watchlist SET removed_at = ?, removed_by = ? WHERE staff_id = ? AND removed_at IS NULL",
                    [now, removed_by or getpass.getuser(), staff_id])


def _active(con: duckdb.DuckDBPyConnection, staff_id: str, now: datetime) -> bool:
    return con.execute("SELECT 1 FROM watchlist WHERE staff_id = ? AND removed_at IS NULL AND until > ?",
                       [staff_id, now]).fetchone() is not None


def entries(home: Path | None, now: datetime | None = None) -> list[WatchEntry]:
    """Current entries (not removed, not past their end date), with their last audit."""
    with _reading(home) as con:
        rows = con.execute("""
            SELECT w.staff_id, w.added_by, w.reason, w.added_at::TIMESTAMP, w.review_every_days, w.until::TIMESTAMP,
                   max(a.period_end)::TIMESTAMP, max(a.run_at)::TIMESTAMP
            FROM watchlist w
            LEFT JOIN watchlist_audits a ON a.staff_id = w.staff_id AND a.period_end > w.added_at
                                        - INTERVAL (w.review_every_days) DAY
            WHERE w.removed_at IS NULL AND w.until > ?
            GROUP BY ALL ORDER BY w.staff_id""", [_aware(now)]).fetchall()
    return [WatchEntry(r[0], r[1], r[2], utc(r[3]), r[4], utc(r[5]), utc(r[6]), utc(r[7])) for r in rows]  # type: ignore[arg-type]


def due(home: Path | None, now: datetime | None = None) -> list[WatchEntry]:
    """Entries whose next audit is due at `now`: never audited, or a full interval since the last run."""
    now = _aware(now)
    return [e for e in entries(home, now) if e.next_due <= now]


def run_audits(home: Path | None, now: datetime | None = None) -> list[AuditResult]:
    """Audit the system use of everyone due, record the results and return them.

    A due entry with no new data since its last audit records nothing: the next run covers the gap.
    """
    now = _aware(now)
    todo = due(home, now)
    if not todo:
        return []
    con = Lake(home).connect()
    row = con.execute("SELECT max(occurred_at)::TIMESTAMP FROM audit").fetchone()
    horizon = utc(row[0]) if row else None
    if horizon is None:
        return []
    periods = {}
    for e in todo:
        start = e.last_audit_end or e.added_at - timedelta(days=e.review_every_days)
        end = min(now, e.until, horizon)
        if end > start:
            periods[e.staff_id] = (start, end)
    if not periods:
        return []
    first = min(s for s, _ in periods.values())
    scoped_context(con, sorted(periods), since=first.date())
    results = [_audit(con, staff_id, start, end, now) for staff_id, (start, end) in sorted(periods.items())]
    with _changing(home) as store:
        for r in results:
            store.execute("INSERT INTO watchlist_audits VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                          [r.staff_id, r.run_at, r.period_start, r.period_end, r.lookups, r.unexplained,
                           r.unexplained_refs, r.summary])
    return results


def audits(home: Path | None, staff_id: str | None = None) -> list[AuditResult]:
    """Recorded audit results, newest first."""
    with _reading(home) as con:
        rows = con.execute("""SELECT staff_id, run_at::TIMESTAMP, period_start::TIMESTAMP, period_end::TIMESTAMP,
                                     lookups, unexplained, unexplained_refs, summary FROM watchlist_audits
                              WHERE ? IS NULL OR staff_id = ? ORDER BY run_at DESC, staff_id""",
                           [staff_id, staff_id]).fetchall()
    return [AuditResult(r[0], utc(r[1]), utc(r[2]), utc(r[3]), r[4], r[5], list(r[6]), r[7])  # type: ignore[arg-type]
            for r in rows]


def _audit(con: duckdb.DuckDBPyConnection, staff_id: str, start: datetime, end: datetime,
           now: datetime) -> AuditResult:
    rows = con.execute("""
        SELECT l.audit_id, l.object_type, l.explanation,
               coalesce(pr.vulnerabilities, 0) > 0 OR coalesce(pr.child, false) AS vulnerable,
               pr.watch_reason IS NOT NULL AS watched
        FROM lookups l
        LEFT JOIN custody c ON l.object_type = 'custody' AND c.custody_id = l.object_id
        LEFT JOIN person_risk pr ON pr.person_id = CASE l.object_type WHEN 'person' THEN l.object_id
                                                   WHEN 'custody' THEN c.person_id END
        WHERE l.staff_id = ? AND l.occurred_at > ? AND l.occurred_at <= ?
        ORDER BY l.occurred_at, l.audit_id""", [staff_id, start, end]).fetchall()
    (disposals,) = con.execute("""SELECT count(*) FROM audit WHERE staff_id = ? AND action IN ('delete', 'dispose')
                                  AND occurred_at > ? AND occurred_at <= ?""", [staff_id, start, end]).fetchone()  # type: ignore[misc]
    unexplained = [r for r in rows if r[2] is None]
    kinds: dict[str, int] = {}
    for r in unexplained:
        kinds[r[1]] = kinds.get(r[1], 0) + 1
    explained: dict[str, int] = {}
    for r in rows:
        if r[2] is not None:
            explained[r[2]] = explained.get(r[2], 0) + 1
    summary = f"{len(rows)} look-ups, {len(unexplained)} that nothing in the data explains"
    if unexplained:
        summary += " (" + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + "; "
        summary += f"{sum(1 for r in unexplained if r[3])} of vulnerable people, "
        summary += f"{sum(1 for r in unexplained if r[4])} of watched records)"
    if explained:
        summary += "; explained by " + ", ".join(f"{k} {n}" for k, n in sorted(explained.items()))
    summary += f"; {disposals} records deleted or disposed of"
    return AuditResult(staff_id, now, start, end, len(rows), len(unexplained),
                       ["audit:" + r[0] for r in unexplained], summary)
