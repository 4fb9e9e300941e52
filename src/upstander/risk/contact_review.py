"""Contact review: every member of the public one member of staff has had contact with, ranked.

What an investigator needs the day an allegation arrives. In APSP case study 8 it was "an audit of the PCSO's
activity on force systems" after one woman's complaint that found a second vulnerable woman. The review joins
every kind of contact the force's own data shows: people met through duty (incident links), calls and
messages on the work device (matched to force records where possible, otherwise listed by number), record
look-ups (with the explanation the look-up detector's context offers, or none) and undeployed stays near
their home. One row per person (or unmatched number), with the evidence references behind every count.

Rank score = (1 + vulnerability) x (1 + concern), both listed in `rank_reasons`:
  vulnerability  one per marker on the record (a child is marked under_18), plus one more for a domestic
                 abuse victim (the commonest aggravating vulnerability in the seeds) and for a child
  concern        3 ln(1+after purpose) + 3 ln(1+no duty link) + ln(1+at night) + ln(1+off duty)
                 + 2 ln(1+unexplained look-ups) + 3 ln(1+stays near home) + 2 ln(1+messages with lexicon terms)
                 + 3 if any message asked for secrecy, deletion or a personal channel + 2 per alert naming them
                 + 0.5 ln(1+contact within the policing purpose)
Logarithms, because the fortieth call says less than the third; the product, because the review's purpose is
to find who is both vulnerable and in contact that does not look like policing. A vulnerable person met once
on duty and never contacted again still appears, low down.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from upstander.detect.alerts import AlertStore
from upstander.detect.engine import data_span, prepare
from upstander.lake import Lake

# Feeds whose rows belong to one member of staff: the context views need only that staff's rows, so a review
# reads a sliver of a year-long lake instead of materialising every officer's context.
_STAFF_FEEDS = ("audit", "communications", "duties", "incident_staff")
GUARDED_TERMS = ("secrecy", "deletion", "personal_channel")


RowFor = Callable[..., "ContactRow"]  # person_id, counterpart -> the row for that person or number


class UnknownStaff(ValueError):
    """The staff id is not in the lake's staff feed."""


def require_staff(con: duckdb.DuckDBPyConnection, staff_id: str) -> None:
    if not staff_id or con.execute("SELECT 1 FROM staff WHERE staff_id = ?", [staff_id]).fetchone() is None:
        raise UnknownStaff(f"no member of staff with id {staff_id!r} in the loaded staff feed")


def utc(value: datetime | None) -> datetime | None:
    """DuckDB hands back naive UTC when TIMESTAMPTZ is cast to TIMESTAMP (pytz is not a dependency)."""
    return None if value is None else value.replace(tzinfo=UTC)


def scoped_context(con: duckdb.DuckDBPyConnection, staff_ids: list[str], since: date | None = None) -> None:
    """The detection context tables (`met`, `public_comms`, `lookups`, `stays_near_met`, ...) for these staff.

    Temporary views shadow the per-staff feeds with only these staff's rows; the context SQL is the engine's
    own, so a look-up is explained here exactly as the detector explains it.
    """
    span = data_span(con)
    if span is None:
        raise ValueError("the lake holds no audit data: load a delivery first")
    db = con.execute("SELECT current_database()").fetchone()[0]  # type: ignore[index]
    con.execute("CREATE OR REPLACE TEMP TABLE _scope AS SELECT unnest(?::VARCHAR[]) AS staff_id", [staff_ids])
    # Terminals issued to them and vehicles they crewed: positions are keyed by device, not by person.
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _scope_devices AS
        SELECT unnest(device_ids) AS device_id FROM "{db}".main.staff WHERE staff_id IN (SELECT staff_id FROM _scope)
        UNION SELECT vehicle_id FROM "{db}".main.duties
        WHERE vehicle_id IS NOT NULL AND staff_id IN (SELECT staff_id FROM _scope)""")  # nosec B608  # feed names from a constant tuple and the session's own database name
    for feed in _STAFF_FEEDS:
        con.execute(f"""CREATE OR REPLACE TEMP VIEW {feed} AS SELECT * FROM "{db}".main.{feed}
                        WHERE staff_id IN (SELECT staff_id FROM _scope)""")  # nosec B608  # feed names from a constant tuple and the session's own database name
    con.execute(f"""CREATE OR REPLACE TEMP VIEW positions AS SELECT * FROM "{db}".main.positions
                    WHERE device_id IN (SELECT device_id FROM _scope_devices)""")  # nosec B608  # feed names from a constant tuple and the session's own database name
    prepare(con, span[0], span[1], since, detectors=[])  # read from `since` itself, no look-back


@dataclass
class ContactRow:
    person_id: str | None  # None for a number or address not in force records
    counterpart: str | None
    vulnerabilities: list[str] = field(default_factory=list)
    child: bool = False
    watch_reason: str | None = None
    how_met: list[str] = field(default_factory=list)
    purpose_until: datetime | None = None
    calls: int = 0
    messages: int = 0
    within_purpose: int = 0
    after_purpose: int = 0
    no_duty_link: int = 0
    at_night: int = 0
    off_duty: int = 0
    message_terms: dict[str, int] = field(default_factory=dict)
    lookups_explained: int = 0
    lookups_unexplained: int = 0
    stays_near_home: int = 0
    stay_minutes: int = 0
    first_contact: datetime | None = None
    last_contact: datetime | None = None
    alerts: list[str] = field(default_factory=list)
    vulnerability: float = 0.0
    concern: float = 0.0
    rank_score: float = 0.0
    rank_reasons: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)

    @property
    def who(self) -> str:
        return self.person_id or f"number {self.counterpart}"

    def seen(self, at: datetime | None) -> None:
        at = utc(at)
        if at is not None:
            self.first_contact = at if self.first_contact is None else min(self.first_contact, at)
            self.last_contact = at if self.last_contact is None else max(self.last_contact, at)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("purpose_until", "first_contact", "last_contact"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


def contact_review(home: Path | None, staff_id: str) -> list[ContactRow]:
    """Every member of the public `staff_id` met, phoned or messaged, looked up or stopped near, ranked."""
    lake = Lake(home)
    con = lake.connect()
    require_staff(con, staff_id)
    scoped_context(con, [staff_id])
    rows: dict[str, ContactRow] = {}

    def row(person_id: str | None, counterpart: str | None = None) -> ContactRow:
        key = person_id or f"tel:{counterpart}"
        if key not in rows:
            rows[key] = ContactRow(person_id, None if person_id else counterpart)
        return rows[key]

    _met(con, staff_id, row)
    _comms(con, staff_id, row)
    _lookups(con, staff_id, row)
    _stays(con, staff_id, row)
    _people(con, rows)
    _alerts(lake.home, staff_id, rows)
    for r in rows.values():
        _rank(r)
    return sorted(rows.values(), key=lambda r: (-r.rank_score, -r.vulnerability, r.who))


def _met(con: duckdb.DuckDBPyConnection, staff_id: str, row: RowFor) -> None:
    for person_id, first_met, until, how in con.execute("""
        SELECT m.person_id, m.first_met::TIMESTAMP, m.purpose_until::TIMESTAMP,
               list_sort(list(DISTINCT ip.incident_id || ': ' || ip.role || ' in ' || i.type || ' (P' || i.priority
                              || '); staff ' || s.involvement))
        FROM met m
        JOIN incident_staff s ON s.staff_id = m.staff_id AND list_contains(m.incidents, s.incident_id)
        JOIN incident_people ip ON ip.incident_id = s.incident_id AND ip.person_id = m.person_id
        JOIN incidents i ON i.incident_id = s.incident_id
        WHERE m.staff_id = ? GROUP BY ALL""", [staff_id]).fetchall():
        r = row(person_id)
        r.how_met, r.purpose_until = how, utc(until)
        r.seen(first_met)
        r.evidence += ["incidents:" + h.split(":", 1)[0] for h in how]


def _comms(con: duckdb.DuckDBPyConnection, staff_id: str, row: RowFor) -> None:
    for comm_id, at, person_id, counterpart, channel, purpose, night, on_duty, terms in con.execute("""
        SELECT pc.comm_id, pc.occurred_at::TIMESTAMP, pc.person_id, pc.counterpart, pc.channel,
               CASE WHEN m.person_id IS NULL OR pc.occurred_at < m.first_met - INTERVAL 1 DAY THEN 'none'
                    WHEN pc.occurred_at > m.purpose_until THEN 'after' ELSE 'within' END,
               pc.local_hour >= 22 OR pc.local_hour < 6, pc.on_duty, t.categories
        FROM public_comms pc
        LEFT JOIN met m ON m.staff_id = pc.staff_id AND m.person_id = pc.person_id
        LEFT JOIN (SELECT comm_id, list(DISTINCT category) AS categories FROM message_terms WHERE weight > 0
                   GROUP BY comm_id) t
               ON t.comm_id = pc.comm_id
        WHERE pc.staff_id = ?""", [staff_id]).fetchall():
        r = row(person_id, counterpart)
        r.seen(at)
        r.evidence.append("communications:" + comm_id)
        if channel == "call":
            r.calls += 1
        else:
            r.messages += 1
        if purpose == "after":
            r.after_purpose += 1
        elif purpose == "none":
            r.no_duty_link += 1
        else:
            r.within_purpose += 1
        r.at_night += bool(night)
        r.off_duty += not on_duty
        for term in terms or []:
            r.message_terms[term] = r.message_terms.get(term, 0) + 1


def _lookups(con: duckdb.DuckDBPyConnection, staff_id: str, row: RowFor) -> None:
    # An incident look-up counts against each person in the incident, as in the look-up detector.
    for person_id, audit_id, at, explanation in con.execute("""
        SELECT DISTINCT CASE l.object_type WHEN 'person' THEN l.object_id WHEN 'custody' THEN c.person_id
                        ELSE ip.person_id END AS person_id, l.audit_id, l.occurred_at::TIMESTAMP, l.explanation
        FROM lookups l
        LEFT JOIN custody c ON l.object_type = 'custody' AND c.custody_id = l.object_id
        LEFT JOIN incident_people ip ON l.object_type = 'incident' AND ip.incident_id = l.object_id
        WHERE l.staff_id = ? AND l.object_type IN ('person', 'custody', 'incident')""", [staff_id]).fetchall():
        if person_id is None:
            continue
        r = row(person_id)
        r.seen(at)
        r.evidence.append("audit:" + audit_id)
        if explanation is None:
            r.lookups_unexplained += 1
        else:
            r.lookups_explained += 1


def _stays(con: duckdb.DuckDBPyConnection, staff_id: str, row: RowFor) -> None:
    # The same reference the detectors write: the device and the stay's first fix.
    for person_id, ref, started, minutes in con.execute("""
        SELECT person_id, 'positions:' || device_id || '@' || CAST(started AS VARCHAR), started::TIMESTAMP, minutes
        FROM stays_near_met WHERE staff_id = ?""", [staff_id]).fetchall():
        r = row(person_id)
        r.seen(started)
        r.stays_near_home += 1
        r.stay_minutes += int(minutes)
        r.evidence.append(ref)


def _people(con: duckdb.DuckDBPyConnection, rows: dict[str, ContactRow]) -> None:
    ids = [r.person_id for r in rows.values() if r.person_id]
    for person_id, vulns, child, watch in con.execute("""
        SELECT p.person_id, coalesce(p.vulnerabilities, []), p.age_band = '0-17', pr.watch_reason
        FROM people p JOIN person_risk pr ON pr.person_id = p.person_id
        WHERE p.person_id IN (SELECT unnest(?::VARCHAR[]))""", [ids]).fetchall():
        r = rows[person_id]
        r.vulnerabilities, r.child, r.watch_reason = list(vulns), bool(child), watch


def _alerts(home: Path, staff_id: str, rows: dict[str, ContactRow]) -> None:
    """Alerts about this member of staff that name the person or cite one of the row's evidence rows."""
    with AlertStore(home).reading() as con:
        alerts = con.execute("""SELECT alert_id, detector_id, person_ids, evidence FROM alerts
                                WHERE subject_staff_id = ? AND kind = 'alert'""", [staff_id]).fetchall()
    for r in rows.values():
        mine = set(r.evidence)
        r.alerts = sorted(f"{det}:{aid}" for aid, det, persons, evidence in alerts
                          if (r.person_id and r.person_id in (persons or [])) or mine.intersection(evidence))


def _rank(r: ContactRow) -> None:
    markers = sorted(set(r.vulnerabilities) | ({"under_18"} if r.child else set()))
    # A child counts twice (APSP case studies 6 and 9), as does a domestic abuse victim.
    vuln = len(markers) + ("domestic_abuse_victim" in markers) + r.child
    terms = sum(r.message_terms.values())
    guarded = [t for t in GUARDED_TERMS if t in r.message_terms]
    parts = [
        (3 * math.log1p(r.after_purpose), f"{r.after_purpose} contacts after the policing purpose ended"),
        (3 * math.log1p(r.no_duty_link), f"{r.no_duty_link} contacts with no duty link"),
        (math.log1p(r.at_night), f"{r.at_night} at night"),
        (math.log1p(r.off_duty), f"{r.off_duty} off duty"),
        (2 * math.log1p(r.lookups_unexplained), f"{r.lookups_unexplained} unexplained look-ups"),
        (3 * math.log1p(r.stays_near_home), f"{r.stays_near_home} undeployed stays near home"),
        (2 * math.log1p(terms), f"{terms} messages with lexicon terms"),
        (3.0 if guarded else 0.0, "messages about " + ", ".join(guarded)),
        (2.0 * len(r.alerts), f"named in {len(r.alerts)} alerts"),
        (0.5 * math.log1p(r.within_purpose), f"{r.within_purpose} contacts within the policing purpose"),
    ]
    r.vulnerability = float(vuln)
    r.concern = round(sum(p for p, _ in parts), 3)
    r.rank_score = round((1 + r.vulnerability) * (1 + r.concern), 3)
    r.rank_reasons = [f"vulnerability {vuln:g}: " + (", ".join(markers) if markers else "no markers on record")]
    r.rank_reasons += [f"+{p:.1f} {why}" for p, why in parts if p > 0]
    if r.person_id is None:
        r.rank_reasons[0] = "vulnerability unknown: the number is not in force records"
    r.evidence = sorted(set(r.evidence))
