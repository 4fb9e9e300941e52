"""Incremental detection equals a full run, however the data arrives.

A small simulated force with every red flag is cut into one delivery per day and loaded in shuffled order,
some days held back and delivered last, some delivered twice and two again together; incremental `detect`
runs after every load. At the end the alert store must hold exactly what one `detect --full` over the final
lake stores, field for field, for every detector, and the same look-up statistics, stay-points and rows of
the views kept per day (kept.py); and that later `--full` keeps each alert's first_seen.
The force seeds and the delivery orders are fixed (not tuned): each is a different shuffle.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from daily_slices import DailySlices, delivery_order, read_delivery
from upstander.detect.alerts import AlertStore
from upstander.detect.catalogue import load_detectors
from upstander.detect.derived import DERIVED_TABLE
from upstander.detect.engine import run_detection
from upstander.detect.kept import FILES_TABLE, declared
from upstander.feeds.loading import load_delivery
from upstander.simulate.engine import simulate

pytestmark = pytest.mark.slow
FIELDS = ("alert_id", "detector_id", "subject_staff_id", "person_ids", "window_start", "window_end", "alerted_at",
          "score", "evidence", "summary")
# (force seed, delivery-order seed): two forces, three orders in all.
CASES = [(5, 101), (5, 202), (9, 303)]


@pytest.fixture(scope="module")
def forces(tmp_path_factory: pytest.TempPathFactory) -> dict[int, DailySlices]:
    out = {}
    for seed in sorted({s for s, _ in CASES}):
        root = tmp_path_factory.mktemp(f"force{seed}")
        simulate(80, 21, seed, root / "delivery", every_flag=True)
        out[seed] = DailySlices(read_delivery(root / "delivery"))
    return out


def _lookup_stats(home: Path) -> list[tuple[Any, ...]]:
    with AlertStore(home).connect() as con:
        return con.execute("SELECT day, staff_id, lookups, explained FROM lookup_stats_daily ORDER BY ALL").fetchall()


def _stays(home: Path) -> list[tuple[Any, ...]]:
    with AlertStore(home).connect() as con:
        return con.execute(f"SELECT source, device_id, stay_no, started, ended, round(lat, 9), round(lon, 9), fixes "
                           f"FROM {DERIVED_TABLE} ORDER BY ALL").fetchall()  # nosec B608  # test SQL


def _rounded(value: Any) -> Any:
    """Averages (a stay's position) summed in another order differ in the last bits."""
    if isinstance(value, float):
        return round(value, 9)
    return tuple(_rounded(v) for v in value) if isinstance(value, tuple | list) else value


def _kept(home: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Each kept view's rows, from the files the store lists."""
    out = {}
    with AlertStore(home).connect() as con:
        for view in declared():
            paths = [str(home / "derived" / p) for (p,) in con.execute(
                f"SELECT path FROM {FILES_TABLE} WHERE view = ?", [view]).fetchall()]  # nosec B608  # test SQL
            query = "SELECT * FROM read_parquet(?, hive_partitioning = false)"
            rows = con.execute(query, [paths]).fetchall() if paths else []
            out[view] = sorted((_rounded(r) for r in rows), key=repr)
    return out


def _alerts(home: Path) -> dict[str, dict[str, Any]]:
    with AlertStore(home).connect() as con:
        cur = con.execute(f"SELECT {', '.join(FIELDS)}, first_seen FROM alerts ORDER BY alert_id")
        names = [d[0] for d in cur.description]
        return {r[0]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}


@pytest.mark.parametrize(("force_seed", "order_seed"), CASES, ids=[f"force{f}-order{o}" for f, o in CASES])
def test_incremental_detection_in_any_order_ends_as_a_full_run(force_seed: int, order_seed: int,
                                                               forces: dict[int, DailySlices],
                                                               tmp_path: Path) -> None:
    slices = forces[force_seed]
    home = tmp_path / "home"
    loads = delivery_order(slices.days, order_seed)
    reopened = 0
    latest: date | None = None
    for n, days in enumerate(loads):
        load_delivery(slices.write(days, tmp_path / f"load-{n:02d}"), home=home)
        summary = run_detection(home)
        if summary.since is not None and latest is not None and summary.since < latest:
            reopened += 1  # late data re-opened days an earlier run had already judged
        latest = max(latest or days[-1], *days)
    incremental, incremental_stats, incremental_stays = _alerts(home), _lookup_stats(home), _stays(home)
    incremental_kept = _kept(home)

    run_detection(home, full=True)
    full = _alerts(home)
    assert incremental_stats == _lookup_stats(home), "look-up statistics differ from a full run's"
    assert incremental_stays == _stays(home), "stay-points kept per day differ from a full run's"
    full_kept = _kept(home)
    for view, rows in full_kept.items():
        assert rows, f"{view}: a full run kept no rows, so the comparison would be empty"
        assert incremental_kept[view] == rows, f"{view}: rows kept per day differ from a full run's"

    for det in load_detectors():
        mine = {k: v for k, v in incremental.items() if v["detector_id"] == det.id}
        theirs = {k: v for k, v in full.items() if v["detector_id"] == det.id}
        assert sorted(mine) == sorted(theirs), f"{det.id}: alert ids differ"
        for k, row in theirs.items():
            assert {f: mine[k][f] for f in FIELDS} == {f: row[f] for f in FIELDS}, f"{det.id}: alert {k} differs"
            assert mine[k]["first_seen"] == row["first_seen"], f"{det.id}: the full run lost first_seen of {k}"
    assert reopened >= 3, "the delivery order never sent data older than what detection had already seen"
    firing = {v["detector_id"] for v in full.values()}
    assert len(firing) >= 8, f"only {sorted(firing)} found anything: the comparison would be too easy"
