"""Stay-points kept per day in the alert store (detect/derived.py) equal a derivation from scratch.

A small simulated force, plus one vehicle left parked with its tracker on for three days (a stay across two
midnights, longer than the first margin the refresh tries), is delivered a day at a time with one day late and
one twice; an incremental run follows every load. The stored stays must then be what the shipped stay-point SQL
(context/40_stays.sql, a different query) derives from the whole final lake.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from daily_slices import DailySlices, read_delivery
from upstander.detect import derived, engine
from upstander.detect.alerts import SCHEMA, AlertStore
from upstander.detect.catalogue import Detector, context_dir, load_detectors
from upstander.detect.engine import run_detection
from upstander.feeds.contract import feed
from upstander.feeds.loading import load_delivery
from upstander.lake import Lake
from upstander.simulate.engine import simulate

PARKED = "VH-PARKED-01"


def _reading_stays() -> list[Detector]:
    """One detector that reads the stays (a run with no detector to run does nothing at all)."""
    return [d for d in load_detectors() if d.id == "dwell_near_home"]


def _parked_vehicle(start: datetime) -> pa.Table:
    """A fix every 10 minutes for three days at one spot (drifting a few metres), speed 0."""
    times = [start + timedelta(minutes=10 * i) for i in range(3 * 24 * 6)]
    return pa.table({
        "source": ["avl"] * len(times), "device_id": [PARKED] * len(times), "recorded_at": times,
        "lat": [51.5500 + 0.00001 * (i % 3) for i in range(len(times))],
        "lon": [-1.7800 - 0.00001 * (i % 2) for i in range(len(times))],
        "speed_kph": [0.0] * len(times),
    }).cast(feed("positions").arrow_schema())


@pytest.fixture(scope="module")
def slices(tmp_path_factory: pytest.TempPathFactory) -> DailySlices:
    root = tmp_path_factory.mktemp("force")
    simulate(60, 8, 17, root / "delivery")
    tables = read_delivery(root / "delivery")
    first = tables["positions"]["recorded_at"][0].as_py().astimezone(UTC)
    parked_from = datetime.combine(first.date() + timedelta(days=2), datetime.min.time(), UTC) + timedelta(hours=7)
    tables["positions"] = pa.concat_tables([tables["positions"], _parked_vehicle(parked_from)])
    return DailySlices(tables)


def _stored(home: Path) -> list[tuple[Any, ...]]:
    with AlertStore(home).connect() as con:
        return con.execute(f"""SELECT source, device_id, stay_no, started, ended, round(lat, 9), round(lon, 9), fixes
                               FROM {derived.DERIVED_TABLE} ORDER BY ALL""").fetchall()  # nosec B608  # test SQL


def _from_scratch(home: Path) -> list[tuple[Any, ...]]:
    """The shipped view SQL over the whole lake, keyed by start as the derived table is."""
    sql = "\n".join(line for line in (context_dir() / "40_stays.sql").read_text(encoding="utf-8").splitlines()
                    if not line.startswith("--")).replace(":since", "TIMESTAMPTZ '1900-01-01 00:00:00+00'")
    con = Lake(home).connect()
    con.execute("SET TimeZone = 'UTC'")
    return con.execute(f"""SELECT source, device_id, epoch_ms(started), started, ended, round(lat, 9), round(lon, 9),
                                  fixes FROM ({sql}) ORDER BY ALL""").fetchall()  # nosec B608  # test SQL


def test_stays_kept_per_day_equal_a_derivation_from_scratch_after_late_and_repeated_days(
        slices: DailySlices, tmp_path: Path) -> None:
    days = slices.days
    order = [[d] for d in days[:3]] + [[days[4]], [days[3]], [days[5]], [days[5]]] + [[d] for d in days[6:]]
    home = tmp_path / "home"
    for n, load in enumerate(order):
        load_delivery(slices.write(load, tmp_path / f"load-{n:02d}"), home=home)
        run_detection(home, detectors=_reading_stays())
    stored = _stored(home)
    assert stored == _from_scratch(home)
    parked = [row for row in stored if row[1] == PARKED]
    assert len(parked) == 1 and parked[0][4] - parked[0][3] > timedelta(days=2), "the three-day stay is one stay"
    assert sum(1 for row in stored if row[1] != PARKED) > 100, "the force's own stays are there too"


def test_a_failed_run_leaves_the_stored_stays_as_they_were(slices: DailySlices, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    days = slices.days
    load_delivery(slices.write(days[:4], tmp_path / "first"), home=home)
    run_detection(home, detectors=_reading_stays())
    before = _stored(home)
    load_delivery(slices.write(days[4:6], tmp_path / "second"), home=home)

    def die(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed after the stays were refreshed")

    monkeypatch.setattr(engine, "commit_run", die)
    with pytest.raises(RuntimeError):
        run_detection(home, detectors=_reading_stays())
    assert _stored(home) == before
    monkeypatch.undo()
    run_detection(home, detectors=_reading_stays())
    assert _stored(home) == _from_scratch(home) != before


def test_stays_stored_by_another_derivation_are_derived_again_in_full(slices: DailySlices, tmp_path: Path) -> None:
    home = tmp_path / "home"
    days = slices.days
    load_delivery(slices.write(days[:3], tmp_path / "first"), home=home)
    run_detection(home, detectors=_reading_stays())
    with AlertStore(home).writing(on_wait=None) as con:  # as an older release would have left them
        con.execute(f"UPDATE {derived.DERIVED_TABLE} SET fixes = fixes + 1")  # nosec B608  # test SQL
        con.execute("UPDATE detection_state SET value = 'older' WHERE key = ?", [derived.VERSION_KEY])
    load_delivery(slices.write(days[3:5], tmp_path / "second"), home=home)
    run_detection(home, detectors=_reading_stays())
    assert _stored(home) == _from_scratch(home)


def _fixes(day: datetime, device: str) -> list[tuple[Any, ...]]:
    """Two stops of half an hour a day (fixes every 5 minutes), with driving between."""
    rows = []
    for stop, (lat, lon) in enumerate([(51.5500, -1.7800), (51.5600, -1.7900)]):
        begin = day + timedelta(hours=9 + 4 * stop)
        rows += [("mdt", device, begin + timedelta(minutes=5 * i), lat, lon, 0.0) for i in range(7)]
        rows.append(("mdt", device, begin + timedelta(minutes=40), lat + 0.01, lon, 40.0))
    return rows


def test_stays_of_position_days_retention_removed_are_dropped(tmp_path: Path) -> None:
    lake, store = duckdb.connect(), duckdb.connect()
    for con in (lake, store):
        con.execute("SET TimeZone = 'UTC'")
    store.execute(SCHEMA)
    lake.execute("""CREATE TABLE positions (source VARCHAR, device_id VARCHAR, recorded_at TIMESTAMPTZ, lat DOUBLE,
                    lon DOUBLE, speed_kph DOUBLE)""")
    days = [datetime(2025, 3, d, tzinfo=UTC) for d in range(1, 6)]
    for day in days[:4]:
        lake.executemany("INSERT INTO positions VALUES (?, ?, ?, ?, ?, ?)", _fixes(day, "MDT-7"))
    derived.refresh_stays(lake, store, None, None)
    assert store.execute(f"SELECT count(*) FROM {derived.DERIVED_TABLE}").fetchall() == [(8,)]  # nosec B608  # test SQL

    lake.execute("DELETE FROM positions WHERE recorded_at < ?", [days[1]])  # retention took the first day
    lake.executemany("INSERT INTO positions VALUES (?, ?, ?, ?, ?, ?)", _fixes(days[4], "MDT-7"))
    derived.refresh_stays(lake, store, days[4].date(), days[0].date())
    kept = store.execute(f"SELECT started FROM {derived.DERIVED_TABLE} ORDER BY started").fetchall()  # nosec B608  # test SQL
    assert len(kept) == 8 and kept[0][0] >= days[1], "the first day's stays went with its fixes; the fifth's came"
