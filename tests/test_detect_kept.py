"""Context views kept per day (detect/kept.py): what a run keeps equals the view over the whole final lake, and a
failed run, a lost file or a changed rule never leaves rows a full derivation would not make.

A small simulated force is delivered a day at a time, one day late; an incremental run follows every load.
The kept rows are compared with the shipped view SQL run over the whole lake by `engine.prepare` without a
store (as Spark and the contact review derive it), a different path through the code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from daily_slices import DailySlices, read_delivery
from upstander.detect import engine, kept
from upstander.detect.alerts import AlertStore
from upstander.detect.engine import run_detection
from upstander.feeds.loading import load_delivery
from upstander.lake import Lake
from upstander.simulate.engine import simulate


@pytest.fixture(scope="module")
def slices(tmp_path_factory: pytest.TempPathFactory) -> DailySlices:
    root = tmp_path_factory.mktemp("force")
    simulate(60, 8, 23, root / "delivery", every_flag=True)
    return DailySlices(read_delivery(root / "delivery"))


def _columns(view: str) -> str:
    """All but a stay's number: the derived stays number a stay by its start, 40_stays.sql by its order."""
    return "* EXCLUDE (stay_no)" if view == "undeployed_stays" else "*"


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 9)
    return tuple(_rounded(v) for v in value) if isinstance(value, tuple | list) else value


def _kept(home: Path) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with AlertStore(home).connect() as con:
        for view in kept.declared():
            paths = [str(home / "derived" / p) for (p,) in con.execute(
                f"SELECT path FROM {kept.FILES_TABLE} WHERE view = ?", [view]).fetchall()]  # nosec B608  # test SQL
            query = f"SELECT {_columns(view)} FROM read_parquet(?, hive_partitioning = false)"
            rows = con.execute(query, [paths]).fetchall() if paths else []
            out[view] = sorted((_rounded(r) for r in rows), key=repr)
    return out


def _from_scratch(home: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = Lake(home).connect()
    first, last = engine.data_span(con)  # type: ignore[misc]
    engine.prepare(con, first, last)
    out = {}
    for view in kept.declared():
        rows = con.execute(f"SELECT {_columns(view)} FROM {view}").fetchall()  # nosec B608  # test SQL
        out[view] = sorted((_rounded(r) for r in rows), key=repr)
    return out


def _delivered_day_by_day(slices: DailySlices, home: Path, tmp_path: Path) -> None:
    days = slices.days
    order = [days[:2], days[3:5], [days[2]], days[5:]]  # the third day comes late
    for n, part in enumerate(order):
        load_delivery(slices.write(part, tmp_path / f"load-{n}"), home=home)
        run_detection(home, on_wait=None)


def test_the_kept_views_are_declared_with_their_margins() -> None:
    margins = {view: k.margin_days for view, k in kept.declared().items()}
    assert margins == {"public_comms": 0, "message_terms": 0, "lookups": 1, "undeployed_stays": 2}


def test_rows_kept_day_by_day_equal_the_view_over_the_whole_lake(slices: DailySlices, tmp_path: Path) -> None:
    home = tmp_path / "home"
    _delivered_day_by_day(slices, home, tmp_path)
    mine, theirs = _kept(home), _from_scratch(home)
    assert all(theirs[v] for v in ("public_comms", "lookups", "undeployed_stays")), "nothing to compare"
    assert mine == theirs


def test_a_failed_run_leaves_the_kept_rows_as_they_were(slices: DailySlices, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    load_delivery(slices.write(slices.days[:4], tmp_path / "first"), home=home)
    run_detection(home, on_wait=None)
    before = _kept(home)
    load_delivery(slices.write(slices.days[4:], tmp_path / "second"), home=home)

    def fail(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("upstander.detect.engine.commit_run", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        run_detection(home, on_wait=None)
    assert _kept(home) == before, "the failed run's files replaced the committed ones"
    monkeypatch.undo()
    run_detection(home, on_wait=None)
    assert _kept(home) == _from_scratch(home) != before
    with AlertStore(home).connect() as con:
        listed = {p for (p,) in con.execute(f"SELECT path FROM {kept.FILES_TABLE}").fetchall()}  # nosec B608  # test SQL
    run_detection(home, full=True, on_wait=None)  # replaces every file; the run after it deletes the old ones
    run_detection(home, full=True, on_wait=None)
    on_disk = {f.relative_to(home / "derived").as_posix() for f in (home / "derived").rglob("*.parquet")}
    assert not on_disk & listed, "files the full run replaced were not deleted"


def test_a_lost_file_or_a_changed_rule_derives_the_kept_views_again(slices: DailySlices, tmp_path: Path) -> None:
    home = tmp_path / "home"
    load_delivery(slices.write(slices.days[:4], tmp_path / "first"), home=home)
    run_detection(home, on_wait=None)
    next(iter((home / "derived" / "lookups").rglob("*.parquet"))).unlink()  # a restored backup without its files
    load_delivery(slices.write(slices.days[4:6], tmp_path / "second"), home=home)
    run_detection(home, on_wait=None)
    assert _kept(home) == _from_scratch(home)

    with AlertStore(home).writing(on_wait=None) as con:  # as an older rule would have left them
        con.execute("UPDATE detection_state SET value = 'older' WHERE key = ?",
                    [kept.declared()["public_comms"].version_key])
        con.execute(f"DELETE FROM {kept.FILES_TABLE} WHERE view = 'public_comms' AND day = "  # nosec B608  # test SQL
                    f"(SELECT min(day) FROM {kept.FILES_TABLE} WHERE view = 'public_comms')")
    load_delivery(slices.write(slices.days[6:], tmp_path / "third"), home=home)
    run_detection(home, on_wait=None)
    assert _kept(home) == _from_scratch(home)


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_kept_file_that_cannot_be_read_derives_the_kept_views_again(slices: DailySlices, tmp_path: Path,
                                                                      damage: str) -> None:
    home = tmp_path / "home"
    load_delivery(slices.write(slices.days[:4], tmp_path / "first"), home=home)
    run_detection(home, on_wait=None)
    with AlertStore(home).connect() as con:
        [(path,)] = con.execute(f"SELECT path FROM {kept.FILES_TABLE} WHERE view = 'lookups' "  # nosec B608  # test SQL
                                f"ORDER BY day LIMIT 1").fetchall()
    file = home / "derived" / path
    data = file.read_bytes()
    file.write_bytes(b"not a parquet file at all" * 40 if damage == "garbage" else data[: len(data) // 2])
    load_delivery(slices.write(slices.days[4:6], tmp_path / "second"), home=home)
    summary = run_detection(home, on_wait=None)
    assert "cannot be read" in summary.reason and "lookups" in summary.reason
    assert _kept(home) == _from_scratch(home)
    load_delivery(slices.write(slices.days[6:], tmp_path / "third"), home=home)
    run_detection(home, on_wait=None)  # the next run deletes the damaged file, which no list names
    assert not file.exists() and _kept(home) == _from_scratch(home)
