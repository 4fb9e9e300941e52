"""A valid delivery of all 14 feeds loads whole and reads back through Lake.connect() as the contract says."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from deliveries import DAY, Delivery, base_rows
from lakestate import run_cli
from upstander.feeds.contract import FEEDS, FEEDS_BY_NAME
from upstander.feeds.loading import load_delivery
from upstander.lake import Lake


def test_valid_delivery_loads_every_feed_with_nothing_quarantined(tmp_path: Path, home: Path) -> None:
    delivery = Delivery()
    summary = load_delivery(delivery.write(tmp_path / "d"))
    assert summary.load_id == 1
    assert summary.quarantined == 0
    assert summary.rejected_files == []
    assert summary.loaded == {name: len(rows) for name, rows in base_rows().items()}
    assert len(summary.loaded) == len(FEEDS) == 14
    assert summary.ignored_files == ["delivery.json"]
    assert summary.rows_per_second > 0

    con = Lake(home).connect()
    for feed in FEEDS:
        (count,) = con.execute(f"SELECT count(*) FROM {feed.name}").fetchone()
        assert count == len(delivery.rows[feed.name]), feed.name
        # Every stored row says where it came from.
        (files,) = con.execute(f"SELECT list(DISTINCT _file) FROM {feed.name}").fetchone()
        assert files == [delivery.path_of(feed.name)], feed.name
        (loads,) = con.execute(f"SELECT list(DISTINCT _load) FROM {feed.name}").fetchone()
        assert loads == [1]
    (q,) = con.execute("SELECT count(*) FROM quarantine").fetchone()
    assert q == 0


def test_stored_types_are_the_contract_types(tmp_path: Path, home: Path) -> None:
    load_delivery(Delivery().write(tmp_path / "d"))
    con = Lake(home).connect()
    for feed in FEEDS:
        table = con.sql(f"SELECT * FROM {feed.name}").to_arrow_table()
        for f in feed.arrow_schema():
            got = table.schema.field(f.name).type
            if pa.types.is_list(f.type):
                assert pa.types.is_list(got) and got.value_type == pa.string(), (feed.name, f.name, got)
            else:
                assert got == f.type, (feed.name, f.name, got)
        assert table.column_names[-3:] == ["_load", "_file", "_row"]


def test_values_are_normalised_and_row_numbers_are_what_a_person_counts(tmp_path: Path, home: Path) -> None:
    delivery = Delivery()
    delivery.rows["staff"][1]["work_phones"] = "07700 900121; +44 (0)7700-900.122"
    delivery.rows["staff"][1]["role"] = " Constable "
    delivery.rows["staff"][1]["vetting_level"] = "nppv2"
    delivery.rows["people"][0]["emails"] = " K.Hale@Example.ORG "
    delivery.rows["people"][0]["vulnerabilities"] = "Domestic_Abuse_Victim ; mental_ill_health;"
    delivery.rows["audit"][0]["occurred_at"] = f"{DAY}T09:15:00+01:00"
    delivery.rows["communications"][2]["counterpart"] = "0044 1793 000001"
    load_delivery(delivery.write(tmp_path / "d"))
    con = Lake(home).connect()
    assert con.execute("SELECT work_phones, role, vetting_level, _row FROM staff WHERE staff_id = 'S0002'"
                       ).fetchone() == (["+447700900121", "+447700900122"], "constable", "NPPV2", 2)
    assert con.execute("SELECT emails, vulnerabilities FROM people WHERE person_id = 'P0093321'").fetchone() == (
        ["k.hale@example.org"], ["domestic_abuse_victim", "mental_ill_health"])
    assert con.execute("SELECT strftime(occurred_at, '%H:%M'), _row FROM audit WHERE audit_id = 'A2025030190'"
                       ).fetchone() == ("08:15", 1)
    assert con.execute("SELECT counterpart FROM communications WHERE _row = 3").fetchone() == ("+441793000001",)
    # Parquet rows are numbered from 1 too.
    assert con.execute("SELECT list(_row ORDER BY _row) FROM positions").fetchone() == ([1, 2, 3, 4, 5, 6, 7, 8],)


def test_a_quoted_line_break_is_one_row(tmp_path: Path, home: Path) -> None:
    delivery = Delivery.all_csv()
    delivery.rows["communications"][1]["text"] = "Just checking\nyou got home ok"
    delivery.rows["communications"][2]["counterpart"] = "not a number"
    load_delivery(delivery.write(tmp_path / "d"))
    con = Lake(home).connect()
    assert con.execute("SELECT text FROM communications WHERE _row = 2").fetchone() == (
        "Just checking\nyou got home ok",)
    assert con.execute("SELECT row, field FROM quarantine").fetchall() == [(3, "counterpart")]


def test_entity_views_show_the_current_version_and_history_keeps_all(tmp_path: Path, home: Path) -> None:
    first = Delivery()
    load_delivery(first.write(tmp_path / "d1"))
    second = Delivery({"incidents": [dict(first.rows["incidents"][1], closed_at=f"{DAY}T15:00:00+00:00")]},
                      {"incidents": "csv"})
    summary = load_delivery(second.write(tmp_path / "d2"))
    assert summary.loaded == {"incidents": 1}
    con = Lake(home).connect()
    assert con.execute("SELECT count(*) FROM incidents").fetchone() == (3,)
    assert con.execute("SELECT strftime(closed_at, '%H:%M'), _load, _file FROM incidents "
                       "WHERE incident_id = 'I20250301-0002'").fetchone() == ("15:00", 2, "incidents.csv")
    assert con.execute("SELECT count(*) FROM incidents_history WHERE incident_id = 'I20250301-0002'"
                       ).fetchone() == (2,)


def test_cli_json_summary(tmp_path: Path, home: Path) -> None:
    proc = run_cli(Delivery().write(tmp_path / "d"), home)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert set(summary) == {"load_id", "lake", "loaded", "unchanged", "quarantined", "quarantined_by_feed",
                            "rejected_files", "skipped_files", "ignored_files", "seconds", "rows_per_second"}
    assert summary["loaded"] == {name: len(rows) for name, rows in base_rows().items()}
    assert summary["quarantined"] == 0
    assert summary["lake"] == str(home / "lake")
    assert "rows/s" in proc.stderr
    assert set(summary["loaded"]) == set(FEEDS_BY_NAME)


def test_cli_table_output(tmp_path: Path, home: Path) -> None:
    proc = run_cli(Delivery().write(tmp_path / "d"), home, json_output=False)
    assert proc.returncode == 0, proc.stderr
    assert "positions" in proc.stderr and "Load 1" in proc.stderr


def test_an_empty_lake_has_every_view_with_the_contract_columns(home: Path) -> None:
    con = Lake(home).connect()
    for feed in FEEDS:
        columns = [r[0] for r in con.execute(f"DESCRIBE {feed.name}").fetchall()]
        assert columns == [*feed.field_names, "_load", "_file", "_row"]
        assert con.execute(f"SELECT count(*) FROM {feed.name}").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (0,)


def test_lake_lists_its_files(tmp_path: Path, home: Path) -> None:
    delivery = Delivery()
    delivery.rows["radio"][0]["status"] = "asleep"
    load_delivery(delivery.write(tmp_path / "d"))
    lake = Lake(home)
    assert lake.files("positions") == [home / "lake" / "positions" / "day=2025-03-01" / "load-000001.parquet"]
    assert lake.files("staff") == [home / "lake" / "staff" / "load=000001" / "part-0.parquet"]
    assert lake.quarantine_files() == [home / "lake" / "_quarantine" / "load=000001" / "part.parquet"]
    assert all(p.exists() for feed in FEEDS for p in lake.files(feed.name))
    [record] = lake.loads()
    assert record["load_id"] == 1 and record["quarantined"] == 1
    assert {f["file"] for f in record["files"]} == {delivery.path_of(f.name) for f in FEEDS}
