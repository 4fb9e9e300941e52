"""An incremental run builds each shared view only as far back as the detectors reading it look, and records
its look-up statistics so that a re-run of the same window, after an interruption, never counts twice."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from deliveries import DAY, NEXT_DAY, Delivery
from detect_world import at, base_world, look, world_connection
from upstander.detect.alerts import AlertStore
from upstander.detect.backends import DuckDBBackend
from upstander.detect.catalogue import Detector, context_lookbacks, context_reads, load_detectors
from upstander.detect.engine import prepare, run_detection
from upstander.feeds.loading import load_delivery


def _detector(id_: str, lookback: int, sql: str) -> Detector:
    return Detector(id=id_, title=id_, red_flags=(1,), seed_case="-", category="sexual_misconduct", weight=1.0,
                    lookback_days=lookback, key=("subject_staff_id",), kind="alert", reading="-", parameters=(),
                    sql=sql, path=f"{id_}.sql")


def test_a_view_takes_the_longest_look_back_of_the_detectors_reading_it_directly_or_through_another() -> None:
    context = [("stays", "SELECT * FROM positions WHERE recorded_at >= :since"),
               ("stays_near", "SELECT * FROM stays JOIN met USING (staff_id)"),
               ("met", "SELECT * FROM incident_staff"),
               ("unused", "SELECT * FROM audit")]
    detectors = [_detector("dwell", 30, "SELECT * FROM stays_near"),
                 _detector("wide", 90, "SELECT * FROM met -- mentions stays only in a comment")]
    assert context_lookbacks(context, detectors) == {"stays": 30, "stays_near": 30, "met": 90, "unused": 0}


def test_a_view_named_only_in_a_literal_or_a_comment_is_not_read() -> None:
    # A lexicon pattern written into message_terms says 'stays between us'; read as a view, it made retention
    # remake the floor day's message terms from the stays and keep them twice.
    context = [("stays", "SELECT * FROM positions"),
               ("met", "SELECT * FROM incident_staff"),
               ("terms", "SELECT regexp_matches(words, 'this stays between us|we met') -- not met either\n"
                         "FROM message_text WHERE note = 'it''s the stays'"),
               ("near", "SELECT '--' AS dash, * FROM stays")]
    reads = context_reads(context)
    assert reads["terms"] == set()
    assert reads["near"] == {"stays"}, "a dash inside a literal is not a comment"
    detectors = [_detector("lexical", 60, "SELECT 'met' AS word, * FROM terms")]
    assert context_lookbacks(context, detectors) == {"stays": 0, "met": 0, "terms": 60, "near": 0}


def test_the_shipped_message_terms_read_only_the_message_text() -> None:
    from upstander.detect import kept
    from upstander.detect.catalogue import load_context

    assert kept.upstream(context_reads(load_context()), "message_terms") == {"message_text"}


def test_the_shipped_views_never_look_back_less_than_a_detector_reading_them() -> None:
    from upstander.detect.catalogue import load_context

    context, detectors = load_context(), load_detectors()
    lookbacks = context_lookbacks(context, detectors)
    by_id = {d.id: d.lookback_days for d in detectors}
    assert lookbacks["lookups"] >= by_id["unexplained_lookups"]
    assert lookbacks["audit_lookups"] >= lookbacks["lookups"]  # read through `lookups`
    assert lookbacks["stays"] >= by_id["dwell_near_home"]


def test_an_incremental_run_reads_look_ups_from_the_look_back_only() -> None:
    world = base_world()
    world["audit"] += [look("S2", at(d), "person", "P1") for d in (-120, 10, 60)]
    con = world_connection(world)
    since = (at(60) + timedelta(days=1)).date()
    prepare(con, date(2025, 1, 1), date(2025, 6, 30), since)
    det = next(d for d in load_detectors() if d.id == "unexplained_lookups")
    lookback = det.lookback_days + det.lookahead_days
    [(earliest, n)] = con.execute(
        "SELECT min(occurred_at)::DATE, count(*) FROM lookups WHERE staff_id = 'S2'").fetchall()
    assert earliest >= since - timedelta(days=lookback)
    assert n == 2  # days 10 and 60; the one 120 days before the job is older than the look-back
    prepare(con, date(2025, 1, 1), date(2025, 6, 30), None)
    [(n_full,)] = con.execute("SELECT count(*) FROM lookups WHERE staff_id = 'S2'").fetchall()
    assert n_full == 3


def _two_days_loaded(home: Path, tmp_path: Path) -> None:
    """A lake holding day one, detected in full, then day two delivered: the next run is incremental."""
    load_delivery(Delivery.all_csv(DAY).write(tmp_path / f"{home.name}-1"), home=home)
    run_detection(home, full=True)
    load_delivery(Delivery.all_csv(NEXT_DAY).write(tmp_path / f"{home.name}-2"), home=home)


def _stats(home: Path) -> list[tuple[str, int, int]]:
    with AlertStore(home).connect() as con:
        return sorted(con.execute("SELECT staff_id, lookups, explained FROM lookup_stats").fetchall())


def _clean_stats(tmp_path: Path) -> list[tuple[str, int, int]]:
    clean = tmp_path / "clean"
    _two_days_loaded(clean, tmp_path)
    run_detection(clean)
    return _stats(clean)


def test_an_interrupted_incremental_run_does_not_count_look_ups_twice(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _clean_stats(tmp_path)
    home = tmp_path / "interrupted"
    _two_days_loaded(home, tmp_path)
    last_detector = load_detectors()[-1].id
    real_findings = DuckDBBackend.findings

    def run_then_die(self: DuckDBBackend, det: Detector, *args: object) -> pa.Table:
        if det.id == last_detector:  # after every other detector: the run is never recorded
            raise KeyboardInterrupt
        return real_findings(self, det, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(DuckDBBackend, "findings", run_then_die)
    with pytest.raises(KeyboardInterrupt):
        run_detection(home)
    monkeypatch.setattr(DuckDBBackend, "findings", real_findings)
    run_detection(home)  # the same window again
    assert _stats(home) == expected
    assert sum(n for _, n, _ in expected) > 0


def test_statistics_and_watermark_are_one_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _clean_stats(tmp_path)
    home = tmp_path / "torn"
    _two_days_loaded(home, tmp_path)
    before = _stats(home)

    def die(con: object, day: object) -> None:  # the statistics are written, the watermark is not
        raise KeyboardInterrupt

    monkeypatch.setattr(AlertStore, "_set_watermark", staticmethod(die))
    with pytest.raises(KeyboardInterrupt):
        run_detection(home)
    assert _stats(home) == before  # rolled back with the watermark
    monkeypatch.undo()
    run_detection(home)
    assert _stats(home) == expected


def test_incremental_statistics_equal_a_full_run_over_the_same_data(tmp_path: Path) -> None:
    expected = _clean_stats(tmp_path)  # day one in full, then day two incrementally
    run_detection(tmp_path / "clean", full=True)
    assert _stats(tmp_path / "clean") == expected


def test_totals_from_before_daily_statistics_are_kept_through_an_incremental_run(tmp_path: Path) -> None:
    import duckdb

    home = tmp_path / "old"
    home.mkdir()
    with duckdb.connect(str(home / "alerts.duckdb")) as con:  # a store written by the version before
        con.execute("CREATE TABLE lookup_stats (staff_id VARCHAR PRIMARY KEY, lookups BIGINT, explained BIGINT)")
        con.execute("INSERT INTO lookup_stats VALUES ('S0002', 40, 30)")
    store = AlertStore(home)
    stats = pa.table({"day": [date(2025, 3, 2)], "staff_id": ["S0002"], "lookups": [3], "explained": [1]})
    store.finish_run(stats, date(2025, 3, 1), date(2025, 3, 2))
    store.finish_run(stats, date(2025, 3, 1), date(2025, 3, 2))  # the same window again
    assert _stats(home) == [("S0002", 43, 31)]
    assert store.last_processed_day() == date(2025, 3, 2)
