"""A tiny force for detector tests: a few typed rows per feed in DuckDB tables named like the lake's views.

Each test adds the rows its case needs to a base world (two response officers, a call handler, an officer
in charge in public protection, a ticket-office clerk, a domestic abuse victim met on a job) and runs one
detector exactly as the engine does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa

from upstander.detect.catalogue import Detector, load_detectors
from upstander.detect.engine import prepare, run_one
from upstander.detect.findings import aggregate_in_memory
from upstander.feeds.contract import FEEDS

T0 = datetime(2025, 3, 1, 20, 0, tzinfo=UTC)  # the job where the officer meets the victim


def at(days: float = 0, hours: float = 0) -> datetime:
    return T0 + timedelta(days=days, hours=hours)


def base_world() -> dict[str, list[dict[str, Any]]]:
    staff = [
        dict(staff_id="S1", surname="Marsh", role="constable", team_id="T1", vetting_level="RV",
             vetting_expiry=date(2030, 1, 1), apsp_training_date=date(2024, 6, 1),
             integrity_review_date=date(2025, 1, 10), home_uprn="900001", home_lat=51.60, home_lon=-1.60,
             work_phones=["+447300000001"], device_ids=["HS-1"], start_date=date(2015, 1, 1)),
        dict(staff_id="S2", surname="Kent", role="constable", team_id="T1", vetting_level="RV",
             vetting_expiry=date(2030, 1, 1), apsp_training_date=date(2024, 6, 1),
             integrity_review_date=date(2025, 1, 10), home_uprn="900002", home_lat=51.61, home_lon=-1.61,
             work_phones=["+447300000002"], device_ids=["HS-2"], start_date=date(2015, 1, 1)),
        dict(staff_id="S3", surname="Hale", role="call_handler", team_id="T2", vetting_level="RV",
             vetting_expiry=date(2030, 1, 1), apsp_training_date=date(2024, 6, 1),
             integrity_review_date=date(2025, 1, 10), work_phones=["+447300000003"], start_date=date(2015, 1, 1)),
        dict(staff_id="S4", surname="Reid", role="investigator", team_id="T3", vetting_level="MV",
             vetting_expiry=date(2030, 1, 1), apsp_training_date=date(2024, 6, 1),
             integrity_review_date=date(2025, 1, 10), work_phones=["+447300000004"], start_date=date(2015, 1, 1)),
        dict(staff_id="S5", surname="Dean", role="police_staff_other", team_id="T4", vetting_level="RV",
             vetting_expiry=date(2030, 1, 1), apsp_training_date=date(2024, 6, 1),
             integrity_review_date=date(2025, 1, 10), work_phones=["+447300000005"], start_date=date(2015, 1, 1)),
    ]
    teams = [
        dict(team_id="T1", name="Response 1", unit_type="response", area="A1"),
        dict(team_id="T2", name="Control room", unit_type="control_room", area="A1"),
        dict(team_id="T3", name="Public protection", unit_type="public_protection", area="A1"),
        dict(team_id="T4", name="Ticket office", unit_type="support", area="A1"),
    ]
    people = [
        dict(person_id="P1", surname="Lowe", age_band="25-34", sex="female",
             vulnerabilities=["domestic_abuse_victim", "mental_ill_health"], home_uprn="800001", home_lat=51.50,
             home_lon=-1.80, phones=["+447500000001"]),
        dict(person_id="P2", surname="Lowe", age_band="35-44", sex="male", vulnerabilities=[], home_uprn="800001",
             home_lat=51.50, home_lon=-1.80, phones=["+447500000002"]),
        dict(person_id="P3", surname="Cole", age_band="25-34", sex="male", vulnerabilities=[], home_uprn="800003",
             home_lat=51.45, home_lon=-1.70, phones=["+447500000003"]),
        dict(person_id="P4", surname="Nash", age_band="45-54", sex="female", vulnerabilities=[],
             home_uprn="800004", home_lat=51.52, home_lon=-1.75, phones=["+447500000004"]),
    ]
    incidents = [
        dict(incident_id="I1", type="domestic_abuse", priority=2, opened_at=at(), closed_at=at(20), lat=51.50,
             lon=-1.80, area="A1", owning_team_id="T1", transferred_to_team_id="T3", transferred_at=at(1)),
    ]
    incident_staff = [
        dict(incident_id="I1", staff_id="S3", involvement="call_taker", started_at=at(), ended_at=at(0, 0.1)),
        dict(incident_id="I1", staff_id="S1", involvement="attending", started_at=at(0, 0.2), ended_at=at(0, 1.5)),
        dict(incident_id="I1", staff_id="S4", involvement="owner", started_at=at(1), ended_at=at(20)),
    ]
    incident_people = [
        dict(incident_id="I1", person_id="P1", role="victim", recorded_at=at(0, 0.5)),
        dict(incident_id="I1", person_id="P2", role="suspect", recorded_at=at(0, 0.5)),
    ]
    duties = []
    for d in range(-2, 60):  # S1 works 07:00-17:00 every day; S4 and S5 08:00-16:30; S3 19:00-07:00
        day = datetime(2025, 3, 1, tzinfo=UTC) + timedelta(days=d)
        duties += [
            dict(duty_id=f"D1-{d}", staff_id="S1", starts_at=day + timedelta(hours=7),
                 ends_at=day + timedelta(hours=17), duty_type="patrol", area="A1", vehicle_id="VH-1"),
            dict(duty_id=f"D4-{d}", staff_id="S4", starts_at=day + timedelta(hours=8),
                 ends_at=day + timedelta(hours=16.5), duty_type="investigation", area="A1"),
            dict(duty_id=f"D5-{d}", staff_id="S5", starts_at=day + timedelta(hours=8),
                 ends_at=day + timedelta(hours=16.5), duty_type="office", area="A1"),
            dict(duty_id=f"D3-{d}", staff_id="S3", starts_at=day + timedelta(hours=19),
                 ends_at=day + timedelta(hours=31), duty_type="control_room", area="A1"),
        ]
    # S1 was on a night shift the evening of the job, so the attendance is on duty.
    duties.append(dict(duty_id="D1-job", staff_id="S1", starts_at=at(0, -1), ends_at=at(0, 6), duty_type="patrol",
                       area="A1", vehicle_id="VH-1"))
    watches = [dict(watch_id="W1", object_type="person", object_id="P3", reason="ocg_nominal",
                    valid_from=date(2024, 1, 1))]
    audit = [dict(audit_id="A0", staff_id="S3", occurred_at=at(-30), system="records", action="view",
                  object_type="vehicle", object_id="AB12 CDE")]
    return dict(staff=staff, teams=teams, people=people, incidents=incidents, incident_staff=incident_staff,
                incident_people=incident_people, duties=duties, watches=watches, audit=audit, communications=[],
                positions=[], radio=[], complaints=[], custody=[])


_counter = [0]


def comm(staff: str, when: datetime, counterpart: str, text: str | None = None, channel: str = "sms",
         direction: str = "outbound") -> dict[str, Any]:
    _counter[0] += 1
    return dict(comm_id=f"M{_counter[0]}", staff_id=staff, occurred_at=when, direction=direction, channel=channel,
                counterpart=counterpart, duration_s=60 if channel == "call" else None, text=text)


def look(staff: str, when: datetime, object_type: str, object_id: str | None, action: str = "view") -> dict[str, Any]:
    _counter[0] += 1
    return dict(audit_id=f"A{_counter[0]}", staff_id=staff, occurred_at=when, system="records", action=action,
                object_type=object_type, object_id=object_id)


def stay(device: str, start: datetime, minutes: int, lat: float, lon: float, source: str = "avl") -> list[dict]:
    """Stationary fixes every ten minutes, the way a parked vehicle reports."""
    return [dict(source=source, device_id=device, recorded_at=start + timedelta(minutes=m), lat=lat, lon=lon,
                 speed_kph=0.0) for m in range(0, minutes + 1, 10)]


def _table(feed_name: str, rows: list[dict[str, Any]]) -> pa.Table:
    feed = next(f for f in FEEDS if f.name == feed_name)
    schema = feed.arrow_schema()
    cols = {f.name: [r.get(f.name) for r in rows] for f in schema}
    return pa.Table.from_pydict(cols, schema=schema)


def world_connection(world: dict[str, list[dict[str, Any]]]) -> duckdb.DuckDBPyConnection:
    """The world's rows as DuckDB tables named like the lake's views."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for name, rows in world.items():
        con.register(f"_{name}", _table(name, rows))
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _{name}")
    return con


def findings(detector_id: str, world: dict[str, list[dict[str, Any]]],
             overrides: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    det: Detector = next(d for d in load_detectors() if d.id == detector_id)
    if overrides:
        det = replace(det, parameters=tuple(replace(p, value=overrides.get(p.name, p.value))
                                            for p in det.parameters))
    con = world_connection(world)
    prepare(con, date(2025, 1, 1), date(2025, 6, 30))
    table = run_one(con, det, None)
    # What is compared is what the store makes of the findings: the alerts.
    return sorted(aggregate_in_memory(det, table), key=lambda r: (r["subject_staff_id"], str(r["person_ids"])))


Change = Callable[[dict[str, list[dict[str, Any]]]], None]


def both(*changes: Change) -> Change:
    """The base world changed by each of `changes` in turn."""
    def apply(world: dict[str, list[dict[str, Any]]]) -> None:
        for change in changes:
            change(world)
    return apply


def run_case(detector: str, change: Change, end_day: int) -> list[dict[str, Any]]:
    """`detector`'s findings on the base world changed by `change`, with data running to `end_day`."""
    world = base_world()
    change(world)
    world["audit"].append(look("S3", at(end_day), "vehicle", "ZZ99 ZZZ"))  # the data runs to the end of the period
    return findings(detector, world)
