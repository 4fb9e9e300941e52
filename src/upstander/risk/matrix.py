"""The risk matrix: one row per member of staff with at least one alert, and every point traced to its source.

How points are given (`upstander risk --method` prints this, so an analyst can check any total by hand):
  alert          weight x (1 + ln(1 + score)). Detectors score on different scales (a count of contacts, a
                 z-score, a sum of lexicon weights); the logarithm stops one very large score from outweighing
                 corroboration, and the detector's weight keeps its judged seriousness. The strongest alert of
                 each detector counts in full, further alerts from the same detector at half: they repeat one
                 method over the same kind of data.
  decay          alert points halve every UPSTANDER_RISK_HALF_LIFE_DAYS days (180 by default) from the alert's
                 latest evidence to the latest data: a pattern that stopped a year ago is less urgent than one
                 going on now, yet it never vanishes while the alert is kept (retention ends it), so a pattern
                 that comes back is seen beside the old one. Corroboration decays with the alert that brings it.
  corroboration  +6 for each further detector that adds a red flag not already raised. Independent signals
                 agreeing is what most separates a pattern from noise (the seeds' perpetrators showed
                 "scattered signals nobody joined"); a detector that only repeats flags already seen adds none.
  complaint      in the twelve months to the latest data: 1 each, 2.5 for sexual conduct or abuse of position
                 (APSP case study 5). The `complaints_accumulating` alert scores the three-in-twelve-months
                 pattern; these points are for the complaints themselves.
  intelligence   2 per record, 3 when graded, from an `intelligence` table in alerts.duckdb when one exists.
  declaration    1.5 per declined business interest, secondary employment or association (`declarations` table).
  amplifier      the red flag 13 amplifiers multiply the subtotal by 1 + 0.1 x their score, at most x1.3. They
                 are context, not misconduct: nobody is listed on amplifiers (or complaints) alone.
  who            people who have left (a leaving date before the latest data) are not ranked. Equal totals are
                 ordered by evidence: the more recent latest evidence, then more alerts, then more red flags;
                 people equal on all of these share a rank.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from upstander.detect.alerts import AlertStore
from upstander.lake import Lake
from upstander.risk.contact_review import GUARDED_TERMS, utc

METHOD = __doc__.split("\n\n", 1)[1].strip() if __doc__ else ""
CORROBORATION = 6.0
REPEAT_FACTOR = 0.5
SEXUAL_ALLEGATIONS = ("sexual_conduct", "abuse_of_position")
# Detectors whose person_ids are the members of the public an officer pursued: the people the APSP offending
# styles are about (not complainants, colleagues or criminal associates).
TARGET_DETECTORS = ("contact_after_purpose", "dwell_near_home", "radio_silence", "excessive_service",
                    "message_content")


@dataclass(frozen=True)
class RiskPoint:
    source: str  # alert, corroboration, complaint, intelligence, declaration or amplifier
    ref: str  # alert_id, complaint_id or intelligence reference
    red_flags: tuple[int, ...]
    points: float
    why: str
    evidence: tuple[str, ...] = ()


@dataclass
class RiskRow:
    staff_id: str
    role: str | None
    team_id: str | None
    total: float
    points: list[RiskPoint]
    red_flags: list[int]
    detectors: list[str]
    style: str  # predatory, exploratory or undetermined
    style_reasons: list[str]
    why_listed: list[str]
    rank: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Alert:
    alert_id: str
    detector_id: str
    red_flags: tuple[int, ...]
    kind: str
    staff_id: str
    person_ids: list[str]
    alerted_at: datetime
    score: float
    weight: float
    evidence: tuple[str, ...]
    summary: str
    latest: datetime | None = None  # the alert's latest evidence (window_end), from which its points decay
    points: float = field(default=0.0)


def risk_matrix(home: Path | None = None, only: list[str] | None = None,
                con: duckdb.DuckDBPyConnection | None = None) -> list[RiskRow]:
    """Everyone with at least one real alert, highest total first; with `only`, just those members of staff
    (their points are the same, their rank is among themselves). `con` is an open lake connection to reuse."""
    lake = Lake(home)
    con = con or lake.connect()
    with AlertStore(lake.home).reading() as store:  # one connection to the alert store for everything below
        return _matrix(con, store, only)


def _matrix(con: duckdb.DuckDBPyConnection, store: duckdb.DuckDBPyConnection,
            only: list[str] | None) -> list[RiskRow]:
    alerts = _read_alerts(store, only)
    by_staff: dict[str, list[_Alert]] = defaultdict(list)
    for a in alerts:
        by_staff[a.staff_id].append(a)
    horizon = _horizon(con, alerts, store)
    left = _left_before(con, sorted(by_staff), horizon)
    listed = sorted(s for s, rows in by_staff.items() if s not in left and any(a.kind == "alert" for a in rows))
    complaints = _complaints(con, listed, horizon)
    intel = _intelligence(store, listed)
    declined = _declarations(store, listed)
    staff = {s: (role, team) for s, role, team in con.execute(
        "SELECT staff_id, role, team_id FROM staff WHERE staff_id IN (SELECT unnest(?::VARCHAR[]))", [listed]
    ).fetchall()}
    people = _vulnerable(con, {p for s in listed for a in by_staff[s] for p in a.person_ids})
    rows, half_life = [], half_life_days()
    for staff_id in listed:
        real = [a for a in by_staff[staff_id] if a.kind == "alert"]
        amps = [a for a in by_staff[staff_id] if a.kind == "amplifier"]
        points = (_alert_points(real, horizon, half_life) + complaints.get(staff_id, [])
                  + intel.get(staff_id, []) + declined.get(staff_id, []))
        points += _amplifier_points(amps, sum(p.points for p in points))
        style, reasons = offending_style(real, people)
        role, team = staff.get(staff_id, (None, None))
        rows.append(RiskRow(
            staff_id=staff_id, role=role, team_id=team, total=round(sum(p.points for p in points), 2),
            points=points, red_flags=sorted({f for a in real for f in a.red_flags}),
            detectors=sorted({a.detector_id for a in real}), style=style, style_reasons=reasons,
            why_listed=[f"{a.detector_id}: {a.summary}" for a in real],
        ))
    evidence = {r.staff_id: _tie_breaker(r, by_staff[r.staff_id]) for r in rows}
    rows.sort(key=lambda r: (evidence[r.staff_id], r.staff_id))  # the id only orders people who share a rank
    for i, r in enumerate(rows, 1):
        ahead = rows[i - 2] if i > 1 else None
        r.rank = ahead.rank if ahead is not None and evidence[ahead.staff_id] == evidence[r.staff_id] else i
    return rows


def half_life_days() -> float:
    from upstander import settings

    return float(settings.get("UPSTANDER_RISK_HALF_LIFE_DAYS"))


def _tie_breaker(row: RiskRow, alerts: list[_Alert]) -> tuple[float, float, int, int]:
    """Sort key: highest total, then the most recent latest evidence, more alerts, more red flags."""
    real = [a for a in alerts if a.kind == "alert"]
    latest = max((a.latest or a.alerted_at).timestamp() for a in real) if real else 0.0
    return (-row.total, -latest, -len(real), -len(row.red_flags))


def _left_before(con: duckdb.DuckDBPyConnection, staff: list[str], horizon: datetime) -> set[str]:
    """Who has a leaving date before the latest data: they have left, so nobody needs to look at them first."""
    return {s for (s,) in con.execute(
        """SELECT staff_id FROM staff WHERE staff_id IN (SELECT unnest(?::VARCHAR[]))
           AND leaving_date IS NOT NULL AND leaving_date < ?::DATE""", [staff, horizon.date()]).fetchall()}


def notes(home: Path | None = None) -> list[str]:
    """What the matrix could and could not draw on, to print beside it."""
    path = Lake(home).home
    out = []
    with AlertStore(path).reading() as store:
        has_intelligence, any_alerts = _has_table(store, "intelligence"), bool(_read_alerts(store))
    if has_intelligence:
        out.append("intelligence: read from the intelligence table in alerts.duckdb")
    else:
        out.append("intelligence: no intelligence table in alerts.duckdb yet, so intelligence contributes zero points")
    if not any_alerts:
        out.append("no alerts are stored: run `upstander detect` after loading a delivery")
    return out


def _read_alerts(store: duckdb.DuckDBPyConnection, only: list[str] | None = None) -> list[_Alert]:
    rows = store.execute("""SELECT alert_id, detector_id, red_flags, kind, subject_staff_id, coalesce(person_ids, []),
                                 alerted_at::TIMESTAMP, score, weight, evidence, coalesce(summary, ''),
                                 coalesce(window_end, alerted_at)::TIMESTAMP
                          FROM alerts
                          WHERE ?::VARCHAR[] IS NULL OR subject_staff_id IN (SELECT unnest(?::VARCHAR[]))
                          ORDER BY alert_id""", [only, only]).fetchall()
    return [_Alert(r[0], r[1], tuple(r[2]), r[3], r[4], list(r[5]), utc(r[6]), float(r[7]), float(r[8]),  # type: ignore[arg-type]
                   tuple(r[9]), r[10], utc(r[11])) for r in rows]


def _horizon(con: duckdb.DuckDBPyConnection, alerts: list[_Alert], store: duckdb.DuckDBPyConnection) -> datetime:
    """'Now' for the twelve-month window: the latest data, so replaying an old delivery reads the same.

    Detection records the last day it processed; only that day's files can hold the latest time, and the
    Parquet statistics let DuckDB skip the rest (a year's scan would cost a page view 0.2 s)."""
    state = store.execute("SELECT value FROM detection_state WHERE key = 'last_day'").fetchall()
    since = state[0][0] if state else "1900-01-01"
    row = con.execute("SELECT max(occurred_at)::TIMESTAMP FROM audit WHERE occurred_at >= ?::TIMESTAMPTZ",
                      [since]).fetchone()
    if row and row[0]:
        return utc(row[0])  # type: ignore[return-value]
    if state:  # no audit feed: the end of the last day of data detection saw (complaints, duties, ...)
        return datetime.fromisoformat(str(state[0][0])).replace(tzinfo=UTC) + timedelta(days=1)
    return max((a.alerted_at for a in alerts), default=datetime.now(UTC))


def decay(latest: datetime | None, horizon: datetime | None, half_life: float | None) -> float:
    """The share of its points an alert keeps: 1 at its latest evidence, halving every `half_life` days."""
    if latest is None or horizon is None or not half_life:
        return 1.0
    return float(0.5 ** (max(0.0, (horizon - latest).total_seconds() / 86400) / half_life))


def _alert_points(real: list[_Alert], horizon: datetime | None = None,
                  half_life: float | None = None) -> list[RiskPoint]:
    """Points for each real alert; with a horizon and half-life, decayed by the age of its latest evidence."""
    kept: dict[str, float] = {}
    for a in real:
        kept[a.alert_id] = decay(a.latest or a.alerted_at, horizon, half_life)
        a.points = a.weight * (1 + math.log1p(max(a.score, 0.0))) * kept[a.alert_id]
    real.sort(key=lambda a: (-a.points, a.alert_id))
    out, seen_detectors, flags_seen = [], set(), set()
    for a in real:
        repeat = a.detector_id in seen_detectors
        share = kept[a.alert_id]
        pts = a.points * (REPEAT_FACTOR if repeat else 1.0)
        why = f"{a.detector_id}: {a.summary}; {a.weight:g} x (1 + ln(1 + {a.score:g}))"
        if share < 1.0:
            age = (horizon - (a.latest or a.alerted_at)).days if horizon else 0  # type: ignore[operator]
            why += f" x {share:.2f} (latest evidence {age} days old, half-life {half_life:g} days)"
        why += f" = {a.points:.2f}"
        out.append(RiskPoint("alert", a.alert_id, a.red_flags, max(0.01, round(pts, 2)),
                             why + ("; halved: another alert from the same detector" if repeat else ""), a.evidence))
        if not repeat:
            new = tuple(sorted(set(a.red_flags) - flags_seen))
            if seen_detectors and new:
                out.append(RiskPoint("corroboration", a.alert_id, new, max(0.01, round(CORROBORATION * share, 2)),
                                     f"{a.detector_id} independently adds red flag {', '.join(map(str, new))}"
                                     + (f" (x {share:.2f} with its alert's age)" if share < 1.0 else "")))
            seen_detectors.add(a.detector_id)
            flags_seen |= set(a.red_flags)
    return out


def _complaints(con: duckdb.DuckDBPyConnection, staff: list[str], horizon: datetime) -> dict[str, list[RiskPoint]]:
    out: dict[str, list[RiskPoint]] = defaultdict(list)
    for cid, staff_id, received, allegation in con.execute("""
        SELECT complaint_id, subject_staff_id, received::TIMESTAMP, allegation FROM complaints
        WHERE subject_staff_id IN (SELECT unnest(?::VARCHAR[])) AND received <= ? AND received > ?
        ORDER BY received, complaint_id""", [staff, horizon, horizon - timedelta(days=365)]).fetchall():
        sexual = allegation in SEXUAL_ALLEGATIONS
        out[staff_id].append(RiskPoint(
            "complaint", cid, (7,), 2.5 if sexual else 1.0,
            f"complaint of {allegation.replace('_', ' ')} received {received:%Y-%m-%d}, within twelve months",
            (f"complaints:{cid}",)))
    return out


def _has_table(store: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the web application has published this table to the alert store yet."""
    return bool(store.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
                              ).fetchone()[0])  # type: ignore[index]


def _intelligence(store: duckdb.DuckDBPyConnection, staff: list[str]) -> dict[str, list[RiskPoint]]:
    """Intelligence records, if the intelligence layer has created its table; none is not the same as zero risk."""
    out: dict[str, list[RiskPoint]] = defaultdict(list)
    if not _has_table(store, "intelligence"):
        return out
    rows = store.execute("""SELECT staff_id, graded, category, recorded_at::TIMESTAMP FROM intelligence
                          WHERE staff_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY recorded_at""",
                       [staff]).fetchall()
    for staff_id, graded, category, recorded in rows:
        # `graded` may be a flag or a grade such as "B2"; either way, an empty or false value is ungraded.
        is_graded = bool(graded) and str(graded).strip().lower() not in ("false", "no", "0", "none")
        ref = f"intelligence:{staff_id}@{recorded:%Y-%m-%dT%H:%M:%S}" if recorded else f"intelligence:{staff_id}"
        out[staff_id].append(RiskPoint(
            "intelligence", ref, (7,), 3.0 if is_graded else 2.0,
            f"intelligence ({category or 'uncategorised'}, {'graded ' + str(graded) if is_graded else 'ungraded'})"
            + (f" recorded {recorded:%Y-%m-%d}" if recorded else ""), (ref,)))
    return out


# Declined declarations whose kind the prevention strand watches: if the interest carries on it is a red flag.
DECLINED_WATCHED = ("business_interest", "secondary_employment", "notifiable_association")


def _declarations(store: duckdb.DuckDBPyConnection, staff: list[str]) -> dict[str, list[RiskPoint]]:
    """Declined business interests, secondary employment and associations, if the web application has published
    its `declarations` table; 1.5 points each (less than a graded intelligence record: a decline is a decision
    about the past, not evidence that the interest carried on)."""
    out: dict[str, list[RiskPoint]] = defaultdict(list)
    if not _has_table(store, "declarations"):
        return out
    rows = store.execute("""SELECT staff_id, reference, kind, decided_at FROM declarations
                            WHERE decision = 'declined' AND kind IN (SELECT unnest(?::VARCHAR[]))
                              AND staff_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY decided_at""",
                         [list(DECLINED_WATCHED), staff]).fetchall()
    for staff_id, reference, kind, decided in rows:
        out[staff_id].append(RiskPoint(
            "declaration", reference, (), 1.5,
            f"declined {kind.replace('_', ' ')} ({reference}, decided {decided:%Y-%m-%d}): a red flag if it carries on",
            (f"declaration:{reference}",)))
    return out


def _amplifier_points(amps: list[_Alert], subtotal: float) -> list[RiskPoint]:
    if not amps or subtotal <= 0:
        return []
    a = max(amps, key=lambda x: x.score)
    factor = 1 + min(0.3, 0.1 * a.score)
    return [RiskPoint("amplifier", a.alert_id, a.red_flags, round(subtotal * (factor - 1), 2),
                      f"x{factor:.2f} on {subtotal:.2f}: {a.summary}", a.evidence)]


def _vulnerable(con: duckdb.DuckDBPyConnection, ids: set[str]) -> dict[str, list[str]]:
    """Vulnerability markers (and under_18 for a child) of each person, empty when none are recorded."""
    return {p: list(v) for p, v in con.execute("""
        SELECT person_id, list_distinct(coalesce(vulnerabilities, [])
                                        || CASE WHEN age_band = '0-17' THEN ['under_18'] ELSE [] END)
        FROM people WHERE person_id IN (SELECT unnest(?::VARCHAR[]))""", [sorted(ids)]).fetchall()}


def offending_style(real: list[_Alert], people: dict[str, list[str]]) -> tuple[str, list[str]]:
    """Predatory or exploratory (APSP offending styles, seed 001), or undetermined, with the reasons.

    Predatory offenders "target and cause lasting harm to more vulnerable members of the public, have a high
    and rapid offending rate, and use methods to evade detection"; exploratory offenders "engage in
    grooming-type behaviour towards a wider range of targets ... and use less guarded methods".
    """
    targets = [a for a in real if a.detector_id in TARGET_DETECTORS]
    if not targets:
        return "undetermined", ["no alerts about pursuing members of the public: the APSP styles do not apply"]
    weight: dict[str, float] = defaultdict(float)
    for a in targets:
        # A message_content alert about a number not in force records is one unknown person.
        who = a.person_ids or [f"an unrecorded counterpart ({a.alert_id[:8]})"]
        for p in who:
            weight[p] += a.points / len(who)
    vulnerable = [p for p in weight if people.get(p)]
    share = sum(weight[p] for p in vulnerable) / (sum(weight.values()) or 1.0)
    named = "; ".join(f"{p}: {', '.join(people[p])}" for p in sorted(vulnerable))
    reasons = [f"{share:.0%} of the alert points about members of the public concern vulnerable people"
               + (f" ({named})" if named else "")]
    escalation = [f"{a.detector_id}: {a.summary}" for a in real
                  if a.detector_id == "contact_after_purpose" and "rising" in a.summary]
    burst = _flags_within(real, days=30)
    if len(burst) >= 3:
        escalation.append(f"red flags {', '.join(map(str, sorted(burst)))} all raised within 30 days")
    evasion = [f"message_content: {a.summary}" for a in real
               if a.detector_id == "message_content" and any(t in a.summary for t in GUARDED_TERMS)]
    evasion += [f"radio_silence: {a.summary}" for a in real if a.detector_id == "radio_silence"]
    # Two alerts with the same summary (one per person) make one reason, not two.
    escalation, evasion = list(dict.fromkeys(escalation)), list(dict.fromkeys(evasion))
    reasons += [f"escalation: {e}" for e in escalation] + [f"evasion: {e}" for e in evasion]
    if share > 0.5 and (escalation or evasion):
        return "predatory", reasons
    if len(weight) >= 3 and not evasion:
        return "exploratory", [f"{len(weight)} distinct people pursued with no sign of evasion", *reasons]
    missing = []
    if share <= 0.5:
        missing.append("most of the people involved are not recorded as vulnerable")
    if not (escalation or evasion):
        missing.append("no escalation or evasion in the data")
    if len(weight) < 3:
        missing.append(f"only {len(weight)} person(s) involved, too few to call the pattern exploratory")
    elif evasion:
        missing.append("evasion is present, so the methods are not 'less guarded'")
    return "undetermined", [*reasons, *("not enough to decide: " + m for m in missing)]


def _flags_within(real: list[_Alert], days: int) -> set[int]:
    """The largest set of distinct red flags whose alerts all fall within `days` of one another."""
    ordered = sorted(real, key=lambda a: a.alerted_at)
    best: set[int] = set()
    for i, first in enumerate(ordered):
        window = {f for a in ordered[i:] if a.alerted_at - first.alerted_at <= timedelta(days=days)
                  for f in a.red_flags}
        best = max(best, window, key=len)
    return best
