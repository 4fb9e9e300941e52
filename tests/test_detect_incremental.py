"""An incremental run builds each shared view only as far back as the detectors reading it look."""

from __future__ import annotations

from datetime import date, timedelta

from detect_world import at, base_world, look, world_connection
from upstander.detect.catalogue import Detector, context_lookbacks, load_detectors
from upstander.detect.engine import prepare


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
    world["audit"] += [look("S2", at(d), "person", "P1") for d in (-40, 10, 60)]
    con = world_connection(world)
    since = (at(60) + timedelta(days=1)).date()
    prepare(con, date(2025, 1, 1), date(2025, 6, 30), since)
    lookback = next(d.lookback_days for d in load_detectors() if d.id == "unexplained_lookups")
    [(earliest, n)] = con.execute(
        "SELECT min(occurred_at)::DATE, count(*) FROM lookups WHERE staff_id = 'S2'").fetchall()
    assert earliest >= since - timedelta(days=lookback)
    assert n == 2  # days 10 and 60; the one forty days before the job is older than the look-back
    prepare(con, date(2025, 1, 1), date(2025, 6, 30), None)
    [(n_full,)] = con.execute("SELECT count(*) FROM lookups WHERE staff_id = 'S2'").fetchall()
    assert n_full == 3
