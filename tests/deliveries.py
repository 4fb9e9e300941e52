"""A tiny but realistic delivery of all 14 feeds, written as CSV and Parquet, with knobs to break it.

Rows are held as the text a force would put in a CSV file. `Delivery.write` renders each feed in its chosen
layout: `<feed>.csv`, `<feed>.parquet`, or a `<feed>/day=.../part-0.<ext>` folder; Parquet columns are
typed to the contract (timestamps UTC-adjusted, lists as lists), like the simulator writes them.
"""

from __future__ import annotations

import copy
import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from upstander.feeds.contract import FEEDS, FEEDS_BY_NAME

Row = dict[str, str]
DAY = "2025-03-01"
NEXT_DAY = "2025-03-02"


def _t(hhmm: str, day: str = DAY) -> str:
    return f"{day}T{hhmm}:00+00:00"


def base_rows(day: str = DAY) -> dict[str, list[Row]]:
    """One morning of a small response and neighbourhood policing area near Swindon."""
    t = lambda hhmm: _t(hhmm, day)  # noqa: E731
    d = day.replace("-", "")  # event identifiers are unique per day, as a force's would be
    inc = [f"I{d}-000{i}" for i in (1, 2, 3)]
    teams = [
        dict(team_id="T01", name="Northgate Response A", unit_type="response", supervisor_id="S0001",
             area="N1", station="Northgate"),
        dict(team_id="T02", name="Northgate Neighbourhood", unit_type="neighbourhood", supervisor_id="S0004",
             area="N2", station="Northgate"),
        dict(team_id="T03", name="Public Protection Unit", unit_type="public_protection", supervisor_id="S0006",
             area="FORCE", station="Headquarters"),
    ]
    staff_spec = [
        ("S0001", "1101", "Priya", "Shah", "sergeant", "PS", "T01", "", "NPPV2"),
        ("S0002", "4211", "Alex", "Marsh", "constable", "PC", "T01", "S0001", "NPPV2"),
        ("S0003", "4388", "Tom", "Reid", "constable", "PC", "T01", "S0001", "MV"),
        ("S0004", "1207", "Jo", "Okafor", "sergeant", "PS", "T02", "S0001", "NPPV2"),
        ("S0005", "", "Sam", "Hughes", "pcso", "", "T02", "S0004", "RV"),
        ("S0006", "2019", "Kate", "Brennan", "investigator", "DS", "T03", "", "NPPV3"),
        ("S0007", "", "Lee", "Walsh", "call_handler", "", "T01", "S0001", "NPPV1"),
    ]
    staff = [
        dict(staff_id=s, collar_number=c, forename=fn, surname=sn, role=role, rank=rank, team_id=team,
             line_manager_id=lm, station="Northgate", start_date=f"20{10 + i}-09-0{1 + i % 8}", leaving_date="",
             vetting_level=vet, vetting_expiry="2027-03-31", apsp_training_date="2024-11-02",
             integrity_review_date="2024-04-18", home_uprn=f"10012145993{i}", home_lat=f"51.5{40 + i}",
             home_lon=f"-1.7{80 + i}", work_phones=f"+44770090012{i}", device_ids=f"MDT-00{i};HS-00{i}")
        for i, (s, c, fn, sn, role, rank, team, lm, vet) in enumerate(staff_spec)
    ]
    duties = [
        dict(duty_id=f"D{d}-{s}", staff_id=s, starts_at=t("07:00"), ends_at=t("17:00"),
             duty_type=dt, area=area, call_sign=cs, vehicle_id=v)
        for s, dt, area, cs, v in [("S0001", "patrol", "N1", "NR10", "VH-0110"), ("S0002", "patrol", "N1", "NR21",
                                   "VH-0113"), ("S0003", "patrol", "N1", "NR22", "VH-0114"),
                                   ("S0005", "neighbourhood", "N2", "NN31", ""), ("S0007", "control_room", "CR",
                                                                                    "", "")]
    ]
    people = [
        dict(person_id="P0093321", surname="Hale", age_band="25-34", sex="female",
             vulnerabilities="domestic_abuse_victim;mental_ill_health", home_uprn="100121460017",
             home_lat="51.5521", home_lon="-1.7702", phones="+447700900456", emails="k.hale@example.org"),
        dict(person_id="P0093322", surname="Hale", age_band="35-44", sex="male", vulnerabilities="",
             home_uprn="100121460017", home_lat="51.5521", home_lon="-1.7702", phones="+447700900457", emails=""),
        dict(person_id="P0093323", surname="Dunn", age_band="18-24", sex="female", vulnerabilities="under_18",
             home_uprn="", home_lat="", home_lon="", phones="", emails=""),
        dict(person_id="P0093324", surname="Foster", age_band="65+", sex="male", vulnerabilities="",
             home_uprn="100121460099", home_lat="51.5610", home_lon="-1.7955", phones="+447700900459;+441793000001",
             emails="r.foster@example.org"),
        dict(person_id="P0093325", surname="Ames", age_band="45-54", sex="unknown", vulnerabilities="missing",
             home_uprn="", home_lat="", home_lon="", phones="", emails=""),
    ]
    incidents = [
        dict(incident_id=inc[0], type="domestic_abuse", priority="1", opened_at=t("08:14"),
             closed_at=t("11:40"), lat="51.5521", lon="-1.7702", area="N1", owning_team_id="T01",
             transferred_to_team_id="T03", transferred_at=t("10:05")),
        dict(incident_id=inc[1], type="theft", priority="3", opened_at=t("09:02"), closed_at="",
             lat="51.5580", lon="-1.7810", area="N2", owning_team_id="T02", transferred_to_team_id="",
             transferred_at=""),
        dict(incident_id=inc[2], type="missing_person", priority="2", opened_at=t("10:30"),
             closed_at=t("12:10"), lat="51.5490", lon="-1.7650", area="N1", owning_team_id="T01",
             transferred_to_team_id="", transferred_at=""),
    ]
    incident_staff = [
        dict(incident_id=inc[0], staff_id="S0007", involvement="call_taker", started_at=t("08:14"),
             ended_at=t("08:20")),
        dict(incident_id=inc[0], staff_id="S0002", involvement="attending", started_at=t("08:22"),
             ended_at=t("09:40")),
        dict(incident_id=inc[0], staff_id="S0006", involvement="investigator", started_at=t("10:05"),
             ended_at=""),
        dict(incident_id=inc[1], staff_id="S0005", involvement="owner", started_at=t("09:10"),
             ended_at=""),
        dict(incident_id=inc[2], staff_id="S0003", involvement="attending", started_at=t("10:41"),
             ended_at=t("12:10")),
    ]
    incident_people = [
        dict(incident_id=inc[0], person_id="P0093321", role="victim", recorded_at=t("08:40")),
        dict(incident_id=inc[0], person_id="P0093322", role="suspect", recorded_at=t("08:41")),
        dict(incident_id=inc[1], person_id="P0093324", role="reporting_person", recorded_at=t("09:05")),
        dict(incident_id=inc[2], person_id="P0093325", role="victim", recorded_at=t("10:35")),
    ]
    custody = [
        dict(custody_id=f"C{d}-0871", person_id="P0093322", incident_id=inc[0], suite="CS-NORTH",
             booked_in=t("09:15"), released=t("16:40"), arresting_staff_id="S0002", custody_officer_id="S0001"),
    ]
    audit = [
        dict(audit_id=f"A{d}{90 + i}", staff_id=s, occurred_at=t(hhmm), system=sys_, action=act,
             object_type=ot, object_id=oid, search_terms=terms)
        for i, (s, hhmm, sys_, act, ot, oid, terms) in enumerate([
            ("S0007", "08:15", "command_and_control", "update", "incident", inc[0], ""),
            ("S0002", "08:30", "records", "search", "person", "", "HALE"),
            ("S0002", "08:31", "records", "view", "person", "P0093321", ""),
            ("S0006", "10:10", "custody", "view", "custody", f"C{d}-0871", ""),
            ("S0003", "10:45", "national_computer", "search", "vehicle", "", "MV58 PSE"),
            ("S0004", "11:00", "crime", "view", "crime", "CR-2025-1142", ""),
        ])
    ]
    communications = [
        dict(comm_id=f"M{d}-00019{i}", staff_id=s, device_id=dev, occurred_at=t(hhmm),
             direction=way, channel=ch, counterpart=cp, duration_s=dur, text=text)
        for i, (s, dev, hhmm, way, ch, cp, dur, text) in enumerate([
            ("S0002", "HS-001", "09:50", "outbound", "call", "+447700900456", "95", ""),
            ("S0002", "HS-001", "11:12", "outbound", "sms", "+447700900456", "0", "Just checking you got home ok"),
            ("S0005", "HS-004", "09:20", "inbound", "call", "+441793000001", "240", ""),
            ("S0006", "HS-005", "10:20", "outbound", "email", "k.hale@example.org", "", "Your crime reference"),
        ])
    ]
    positions = [
        dict(source=src, device_id=dev, recorded_at=t(hhmm), lat=lat, lon=lon, speed_kph=sp)
        for src, dev, hhmm, lat, lon, sp in [
            ("avl", "VH-0113", "08:22", "51.5602", "-1.7851", "48.0"),
            ("avl", "VH-0113", "08:25", "51.5561", "-1.7770", "38.5"),
            ("avl", "VH-0113", "08:28", "51.5523", "-1.7705", "0"),
            ("avl", "VH-0114", "10:41", "51.5530", "-1.7700", "52.1"),
            ("avl", "VH-0114", "10:44", "51.5491", "-1.7652", "0"),
            ("mdt", "MDT-001", "08:22", "51.5602", "-1.7851", ""),
            ("mdt", "MDT-001", "08:28", "51.5523", "-1.7705", ""),
            ("mdt", "MDT-002", "10:44", "51.5491", "-1.7652", ""),
        ]
    ]
    radio = [
        dict(staff_id=s, occurred_at=t(hhmm), status=st, incident_id=inc)
        for s, hhmm, st, inc in [
            ("S0002", "07:02", "on_duty", ""), ("S0002", "08:21", "en_route", inc[0]),
            ("S0002", "08:28", "at_scene", inc[0]), ("S0003", "10:40", "en_route", inc[2]),
            ("S0003", "10:44", "at_scene", inc[2]), ("S0002", "09:41", "available", ""),
        ]
    ]
    complaints = [
        dict(complaint_id="CO2025-0117", received=t("12:00"), subject_staff_id="S0002",
             allegation="individual_behaviour", complainant_person_id="P0093322", outcome="pending"),
        dict(complaint_id="CO2025-0118", received=t("12:30"), subject_staff_id="S0003",
             allegation="delivery_of_duties", complainant_person_id="", outcome="service_acceptable"),
    ]
    watches = [
        dict(watch_id="W0031", object_type="person", object_id="P0093322", reason="ocg_nominal",
             operation="Op Kestrel", valid_from="2025-01-10", valid_to=""),
        dict(watch_id="W0032", object_type="staff", object_id="S0006", reason="colleague", operation="",
             valid_from="2024-06-01", valid_to="2025-06-01"),
    ]
    return {
        "teams": teams, "staff": staff, "duties": duties, "people": people, "incidents": incidents,
        "incident_staff": incident_staff, "incident_people": incident_people, "custody": custody, "audit": audit,
        "communications": communications, "positions": positions, "radio": radio, "complaints": complaints,
        "watches": watches,
    }


# How each feed is laid out by default: a mix of everything the loader must read.
DEFAULT_LAYOUT: dict[str, str] = {
    "teams": "csv", "staff": "csv", "duties": "parquet_dir", "people": "csv", "incidents": "parquet",
    "incident_staff": "csv", "incident_people": "parquet", "custody": "csv", "audit": "csv_dir",
    "communications": "csv", "positions": "parquet_dir", "radio": "csv", "complaints": "csv",
    "watches": "parquet",
}


@dataclass
class Delivery:
    rows: dict[str, list[Row]] = field(default_factory=base_rows)
    layout: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_LAYOUT))
    day: str = DAY

    @classmethod
    def all_csv(cls, day: str = DAY) -> Delivery:
        return cls(base_rows(day), {name: "csv" for name in DEFAULT_LAYOUT}, day)

    def copy(self) -> Delivery:
        return Delivery(copy.deepcopy(self.rows), dict(self.layout), self.day)

    def path_of(self, feed: str) -> str:
        """The file a feed is written to, relative to the delivery directory."""
        layout = self.layout[feed]
        ext = "csv" if layout.startswith("csv") else "parquet"
        return f"{feed}/day={self.day}/part-0.{ext}" if layout.endswith("_dir") else f"{feed}.{ext}"

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        for feed in FEEDS:
            rows = self.rows.get(feed.name)
            if rows is None:
                continue
            path = directory / self.path_of(feed.name)
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix == ".csv":
                path.write_text(csv_text(feed.name, rows), encoding="utf-8")
            else:
                pq.write_table(typed_table(feed.name, rows), path, compression="zstd")
        (directory / "delivery.json").write_text('{"force": "test"}\n')
        return directory


def csv_text(feed: str, rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(FEEDS_BY_NAME[feed].field_names), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def typed_value(kind: str, text: str) -> Any:
    if text == "":
        return None
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "timestamp":
        return datetime.fromisoformat(text)
    if kind in ("list", "phones", "emails"):
        return text.split(";")
    return text


def typed_table(feed: str, rows: list[Row]) -> pa.Table:
    f = FEEDS_BY_NAME[feed]
    columns = {x.name: [typed_value(x.type, r.get(x.name, "")) for r in rows] for x in f.fields}
    # Nullable throughout, so a test can deliver a missing required value in Parquet too.
    schema = pa.schema([x.with_nullable(True) for x in f.arrow_schema()])
    return pa.table(columns, schema=schema)


def many_positions(count: int, day: str = DAY) -> list[Row]:
    """`count` fixes of ten vehicles, one a second each, from 06:00 on `day`: enough to make a load take time."""
    start = datetime.fromisoformat(f"{day}T06:00:00+00:00").timestamp()
    return [
        dict(source="avl", device_id=f"VH-{9000 + i % 10}",
             recorded_at=datetime.fromtimestamp(start + i // 10, UTC).isoformat(),
             lat=f"{51.50 + (i % 997) / 10000:.4f}", lon=f"{-1.80 + (i % 991) / 10000:.4f}", speed_kph=str(i % 90))
        for i in range(count)
    ]


def replace_line(path: Path, row: int, text: str) -> None:
    """Replace data row `row` (1 = first after the header) of a CSV file with raw text."""
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[row] = text
    path.write_text("\n".join(lines), encoding="utf-8")
