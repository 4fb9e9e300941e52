"""Retention and the rows detection keeps per day (detect/forget.py): once lake retention has deleted the oldest
days, nothing under derived/ or in the alert store holds a row or a message of those days, and the next
incremental run, which derives nothing again in full, still equals a full run over what is left.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from daily_slices import DailySlices, read_delivery
from test_detect_kept import _from_scratch, _kept
from upstander.detect import derived, kept
from upstander.detect.alerts import AlertStore
from upstander.detect.engine import run_detection
from upstander.feeds.loading import load_delivery
from upstander.retention import lake_events
from upstander.retention.policy import INCIDENT_LINKS, MONITORING, Policy
from upstander.simulate.engine import simulate

START = date(2025, 1, 6)
FLOOR = START + timedelta(days=2)  # retention keeps the monitoring events from this day on
MARK = "Zephyr-kept-retention-test: "  # begins every message text of the days retention deletes
POLICY = Policy({MONITORING: 40, INCIDENT_LINKS: 3650}, datetime.combine(FLOOR, datetime.min.time(), UTC)
                + timedelta(days=40, hours=12))


@pytest.fixture(scope="module")
def slices(tmp_path_factory: pytest.TempPathFactory) -> DailySlices:
    root = tmp_path_factory.mktemp("force")
    simulate(60, 8, 29, root / "delivery", every_flag=True, start=START)
    tables = read_delivery(root / "delivery")
    comms = tables["communications"]
    deleted = pc.less(pc.cast(pc.cast(comms["occurred_at"], pa.timestamp("us", tz="UTC")), pa.date32()),
                      pa.scalar(FLOOR, pa.date32()))
    marked = pc.if_else(pc.and_(deleted, pc.is_valid(comms["text"])),
                        pc.binary_join_element_wise(MARK, comms["text"], ""), comms["text"])
    tables["communications"] = comms.set_column(comms.schema.get_field_index("text"), "text", marked)
    tables["positions"] = _parked_over_midnight(tables)
    return DailySlices(tables)


def _parked_over_midnight(tables: dict[str, pa.Table]) -> pa.Table:
    """The positions with a vehicle of a night duty parked from 23:35 to 00:40 across the floor's midnight (fixes
    every five minutes where it was), so that a stay begins on a day retention deletes and ends on one it keeps."""
    con = duckdb.connect()
    con.register("duties", tables["duties"])
    con.register("positions", tables["positions"])
    midnight = datetime.combine(FLOOR, datetime.min.time(), UTC)
    params = {"from": midnight - timedelta(minutes=25), "to": midnight + timedelta(minutes=40)}
    [(vehicle,)] = con.execute("""SELECT min(vehicle_id) FROM duties WHERE vehicle_id IS NOT NULL
                                  AND starts_at < $from - INTERVAL 1 HOUR AND ends_at > $to + INTERVAL 1 HOUR""",
                               params).fetchall()
    assert vehicle, "no night duty with a vehicle across the floor's midnight"
    return con.sql("""SELECT * FROM positions WHERE NOT (device_id = $v AND recorded_at BETWEEN $from AND $to)
                          UNION ALL
                          SELECT 'avl', $v, t, 51.2771, -1.0832, 0.0
                          FROM unnest(generate_series($from, $to, INTERVAL 5 MINUTE)) AS g(t)""",
                   params={**params, "v": vehicle}).to_arrow_table().cast(tables["positions"].schema)


def _derived_strings(home: Path) -> set[str]:
    """Every string value in every Parquet file under derived/, listed or not, read decoded (the files are
    compressed, so their raw bytes would not show a text)."""
    found = set()
    for file in (home / "derived").rglob("*.parquet"):
        for column in pq.read_table(file).columns:
            if str(column.type) in ("string", "large_string"):
                found |= {v for v in column.to_pylist() if v is not None}
    return found


def _store_holds(home: Path, text: str) -> list[str]:
    """The store's tables with a text column holding `text`."""
    with AlertStore(home).connect() as con:
        columns = con.execute("""SELECT table_name, column_name FROM information_schema.columns
                                 WHERE data_type = 'VARCHAR'""").fetchall()
        return [f"{t}.{c}" for t, c in columns
                if con.execute(f'SELECT count(*) FROM "{t}" WHERE contains("{c}", ?)', [text]).fetchone()[0]]  # nosec B608  # names from the store's catalogue


def _findings(home: Path, since: date) -> list[tuple[Any, ...]]:
    """The findings of the days a run after retention reports: those of earlier days were made, before it, from
    data it deleted, and a full run over what is left makes them differently, as it should."""
    with AlertStore(home).connect() as con:
        return sorted(con.execute("SELECT * FROM findings WHERE day >= ?", [since]).fetchall(), key=repr)


def _oldest(home: Path) -> tuple[date | None, datetime | None]:
    with AlertStore(home).connect() as con:
        [(day,)] = con.execute(f"SELECT min(day) FROM {kept.FILES_TABLE}").fetchall()  # nosec B608  # test SQL
        [(stay,)] = con.execute(f"SELECT min(started) FROM {derived.DERIVED_TABLE}").fetchall()  # nosec B608  # test SQL
    return day, stay


def test_retention_forgets_the_kept_rows_of_the_days_it_deletes(slices: DailySlices, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    days = slices.days
    for n, part in enumerate((days[:3], days[3:6])):
        load_delivery(slices.write(part, tmp_path / f"load-{n}"), home=home)
        run_detection(home, on_wait=None)
    assert any(MARK in t for t in _derived_strings(home)), "the kept rows should hold those days' messages"
    assert _oldest(home)[0] == START
    with AlertStore(home).connect() as con:
        crossing = con.execute(f"SELECT count(*) FROM {derived.DERIVED_TABLE} WHERE started < $f AND ended >= $f",  # nosec B608  # test SQL
                               {"f": datetime.combine(FLOOR, datetime.min.time(), UTC)}).fetchone()[0]
    assert crossing, "no stay crosses the floor: the stays' tails are not exercised"

    lake_events.run(home, POLICY, apply=True)

    assert not [t for t in _derived_strings(home) if MARK in t], "a kept file still holds a deleted day's message"
    assert _store_holds(home, MARK) == []
    day, stay = _oldest(home)
    assert day == FLOOR and stay is not None and stay >= datetime.combine(FLOOR, datetime.min.time(), UTC)
    assert _kept(home) == _from_scratch(home), "the kept rows are not what the remaining lake makes"

    # The next delivery: an incremental run, which neither derives the stays again nor any kept view in full.
    with AlertStore(home).connect() as con:
        listed_before = set(con.execute(f"SELECT view, day, path FROM {kept.FILES_TABLE} WHERE day = ?",  # nosec B608  # test SQL
                                        [FLOOR]).fetchall())
    monkeypatch.setattr(derived, "_replace_all", lambda *_a: pytest.fail("the stays were derived again in full"))
    load_delivery(slices.write(days[6:], tmp_path / "load-late"), home=home)
    summary = run_detection(home, on_wait=None)
    assert summary.since is not None and not summary.full
    with AlertStore(home).connect() as con:
        listed_after = set(con.execute(f"SELECT view, day, path FROM {kept.FILES_TABLE}").fetchall())  # nosec B608  # test SQL
    assert listed_before <= listed_after, "the floor day, days before the dirty day, was derived again"
    monkeypatch.undo()
    incremental, kept_rows = _findings(home, summary.since), _kept(home)
    assert kept_rows == _from_scratch(home)
    run_detection(home, full=True, on_wait=None)
    assert _findings(home, summary.since) == incremental and incremental, "incremental differs from a full run"
    assert _kept(home) == kept_rows


def test_a_failed_forget_leaves_store_and_lake_as_they_were(slices: DailySlices, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    load_delivery(slices.write(slices.days[:5], tmp_path / "load"), home=home)
    run_detection(home, on_wait=None)
    before, manifest = _kept(home), (home / "lake" / "_manifest.json").read_text()

    def fail(*_args: object, **_kwargs: object) -> None:
        raise duckdb.IOException("disk full")

    monkeypatch.setattr("upstander.detect.kept.write_days", fail)
    with pytest.raises(duckdb.IOException, match="disk full"):
        lake_events.run(home, POLICY, apply=True)
    assert _kept(home) == before and _oldest(home)[0] == START
    assert (home / "lake" / "_manifest.json").read_text() == manifest, "the lake lost days the store still keeps"
    monkeypatch.undo()
    lake_events.run(home, POLICY, apply=True)
    assert _oldest(home)[0] == FLOOR and _kept(home) == _from_scratch(home)


def test_rows_kept_again_after_the_forget_are_not_used_once_the_lake_loses_their_days(
        slices: DailySlices, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A detect run between retention's forget and its lake commit (here: the forget left out) keeps rows of the
    days the lake then deletes; the next run finds the lake holds nothing that old and derives the kept views in
    full, as a full run would."""
    home = tmp_path / "home"
    load_delivery(slices.write(slices.days[:5], tmp_path / "first"), home=home)
    run_detection(home, on_wait=None)
    monkeypatch.setattr(lake_events, "forget_before", lambda *_a: [])
    lake_events.run(home, POLICY, apply=True)
    monkeypatch.undo()
    assert _oldest(home)[0] == START, "the forget was not left out"
    load_delivery(slices.write(slices.days[5:], tmp_path / "second"), home=home)
    run_detection(home, on_wait=None)
    assert _kept(home) == _from_scratch(home) and _oldest(home)[0] == FLOOR
    run_detection(home, full=True, on_wait=None)  # the next run deletes the files no list names
    assert not [t for t in _derived_strings(home) if MARK in t] and _store_holds(home, MARK) == []
