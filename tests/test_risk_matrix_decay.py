"""The points matrix's treatment of time and people: old alerts decay, leavers are not ranked, and equal totals
are ordered by evidence. A small force built in memory in the lake's shape, so each rule is seen on its own."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest

from upstander.detect.alerts import SCHEMA
from upstander.risk.matrix import METHOD, _matrix, decay

NOW = datetime(2025, 6, 30, 12, tzinfo=UTC)


def _lake(staff: list[tuple[str, date | None]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE TABLE staff (staff_id VARCHAR, role VARCHAR, team_id VARCHAR, leaving_date DATE)")
    con.executemany("INSERT INTO staff VALUES (?, 'constable', 'T1', ?)", staff)
    con.execute("CREATE TABLE complaints (complaint_id VARCHAR, subject_staff_id VARCHAR, received TIMESTAMPTZ, "
                "allegation VARCHAR)")
    con.execute("CREATE TABLE audit (occurred_at TIMESTAMPTZ)")
    con.execute("INSERT INTO audit VALUES (?)", [NOW])
    con.execute("CREATE TABLE people (person_id VARCHAR, vulnerabilities VARCHAR[], age_band VARCHAR)")
    return con


def _store(alerts: list[tuple[str, str, str, float, datetime]]) -> duckdb.DuckDBPyConnection:
    """alerts: (alert_id, staff_id, detector_id, score, latest evidence)."""
    store = duckdb.connect()
    store.execute("SET TimeZone = 'UTC'")
    store.execute(SCHEMA)
    for alert_id, staff_id, detector, score, latest in alerts:
        store.execute("""INSERT INTO alerts (alert_id, detector_id, red_flags, category, kind, subject_staff_id,
                                             person_ids, window_start, window_end, alerted_at, score, weight,
                                             evidence, summary)
                         VALUES (?, ?, [4], 'misuse', 'alert', ?, [], ?, ?, ?, ?, 2.5, ['audit:x'], 'look-ups')""",
                      [alert_id, detector, staff_id, latest - timedelta(days=3), latest, latest - timedelta(days=3),
                       score])
    return store


def test_an_alert_loses_half_its_points_each_half_life(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPSTANDER_RISK_HALF_LIFE_DAYS", "180")
    con = _lake([("S1", None), ("S2", None)])
    store = _store([("a1", "S1", "unexplained_lookups", 4.0, NOW - timedelta(days=2)),
                    ("a2", "S2", "unexplained_lookups", 4.0, NOW - timedelta(days=362))])
    rows = {r.staff_id: r for r in _matrix(con, store, None)}
    fresh, old = rows["S1"].points[0], rows["S2"].points[0]
    # Same detector, same score: the year-old alert keeps a quarter of the points (two half-lives).
    assert old.points / fresh.points == pytest.approx(0.25, rel=0.03)
    assert "half-life 180 days" in old.why and "362 days old" in old.why
    assert [r.staff_id for r in _matrix(con, store, None)] == ["S1", "S2"]
    assert "UPSTANDER_RISK_HALF_LIFE_DAYS" in METHOD and "less urgent" in METHOD


def test_a_shorter_half_life_setting_decays_faster(monkeypatch: pytest.MonkeyPatch) -> None:
    con = _lake([("S1", None)])
    store = _store([("a1", "S1", "unexplained_lookups", 4.0, NOW - timedelta(days=90))])
    monkeypatch.setenv("UPSTANDER_RISK_HALF_LIFE_DAYS", "365")
    slow = _matrix(con, store, None)[0].total
    monkeypatch.setenv("UPSTANDER_RISK_HALF_LIFE_DAYS", "30")
    fast = _matrix(con, store, None)[0].total
    assert fast == pytest.approx(slow * 0.5 ** 3 / 0.5 ** (90 / 365), rel=0.02)


@pytest.mark.parametrize("bad", ["0", "-5", "half a year"])
def test_a_bad_half_life_is_refused_with_its_name(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    from upstander import settings

    monkeypatch.setenv("UPSTANDER_RISK_HALF_LIFE_DAYS", bad)
    with pytest.raises(ValueError, match="UPSTANDER_RISK_HALF_LIFE_DAYS"):
        settings.get("UPSTANDER_RISK_HALF_LIFE_DAYS")


def test_evidence_newer_than_the_latest_data_is_not_inflated() -> None:
    assert decay(NOW + timedelta(days=5), NOW, 180) == 1.0
    assert decay(NOW - timedelta(days=180), NOW, 180) == pytest.approx(0.5)


def test_people_who_have_left_are_not_ranked() -> None:
    con = _lake([("S1", None), ("S2", date(2025, 3, 31)), ("S3", date(2025, 12, 31))])
    store = _store([(f"a{i}", s, "unexplained_lookups", 4.0, NOW - timedelta(days=5)) for i, s in
                    enumerate(("S1", "S2", "S3"))])
    # S2 left before the latest data; S3's leaving date is still to come, so S3 is still serving.
    assert sorted(r.staff_id for r in _matrix(con, store, None)) == ["S1", "S3"]
    assert _matrix(con, store, ["S2"]) == []


def test_equal_totals_are_ordered_by_evidence_never_by_id() -> None:
    # S1 and S9 have the same total; S9's evidence is more recent, so S9 comes first even though its id is later.
    con = _lake([("S1", None), ("S9", None), ("S5", None), ("S6", None)])
    same = NOW - timedelta(days=1)
    store = _store([("a1", "S1", "unexplained_lookups", 4.0, NOW - timedelta(days=1, hours=5)),
                    ("a9", "S9", "unexplained_lookups", 4.0, NOW - timedelta(days=1, hours=5) + timedelta(hours=4)),
                    ("a5", "S5", "unexplained_lookups", 1.0, same), ("a6", "S6", "unexplained_lookups", 1.0, same)])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UPSTANDER_RISK_HALF_LIFE_DAYS", "100000")  # no decay to speak of: the totals are equal
        rows = _matrix(con, store, None)
    assert rows[0].total == rows[1].total
    assert [r.staff_id for r in rows[:2]] == ["S9", "S1"] and [r.rank for r in rows[:2]] == [1, 2]
    # S5 and S6 are equal on every piece of evidence: they share a rank rather than being split by their ids.
    assert {r.staff_id for r in rows[2:]} == {"S5", "S6"} and [r.rank for r in rows[2:]] == [3, 3]
