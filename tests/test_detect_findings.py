"""Findings become alerts: headers say what one alert is, the store aggregates exactly that, and a full run
removes alerts whose findings are gone while keeping first_seen of those that persist."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from detect_world import at, base_world, findings
from upstander.detect.alerts import AlertStore
from upstander.detect.catalogue import DetectorError, load_detectors, parse
from upstander.detect.findings import DetectorResult, aggregate_in_memory, commit_run

HEADER = """-- id = "demo"
-- title = "Demo"
-- red_flags = [1]
-- seed_case = "none"
-- category = "sexual_misconduct"
-- weight = 1.0
-- lookback_days = 30
-- key = ["subject_staff_id"]
-- reading = "One alert per member of staff."
"""
BODY = "SELECT 1"


def test_every_shipped_detector_says_what_one_alert_is() -> None:
    for det in load_detectors():
        assert det.alert.startswith("One alert per "), det.path


@pytest.mark.parametrize(("extra", "message"), [
    ("", "lacks alert"),
    ('-- alert = "Alerts for everyone"\n', "starting 'One alert per '"),
    ('-- alert = "One alert per member of staff."\n-- episode_gap_days = 0\n', "episode_gap_days must be"),
    ('-- alert = "One alert per member of staff."\n-- episode_gap_days = "a year"\n', "episode_gap_days must be"),
    ('-- alert = "One alert per member of staff."\n-- episode_gap_days = true\n', "episode_gap_days must be"),
    ('-- alert = "One alert per member of staff."\n-- lookahead_days = -1\n', "lookahead_days must be"),
    ('-- alert = "One alert per member of staff."\n-- lookahead_days = 1.5\n', "lookahead_days must be"),
])
def test_a_bad_header_is_refused_naming_the_file(extra: str, message: str) -> None:
    with pytest.raises(DetectorError, match=message) as caught:
        parse(HEADER + extra + BODY, "detectors/f99_demo.sql")
    assert "detectors/f99_demo.sql" in str(caught.value)


def test_a_key_without_the_subject_is_refused() -> None:
    text = HEADER.replace('["subject_staff_id"]', '["person_ids"]') + '-- alert = "One alert per person."\n' + BODY
    with pytest.raises(DetectorError, match=r"f99_demo\.sql: key must"):
        parse(text, "f99_demo.sql")


def _finding(staff: str, when: datetime, evidence: list[str], score: float, summary: str,
             people: list[str] | None = None) -> dict[str, object]:
    return dict(subject_staff_id=staff, person_ids=people or [], window_start=when - timedelta(days=3),
                window_end=when, alerted_at=when, score=score, evidence=evidence, summary=summary)


def _table(rows: list[dict[str, object]]) -> pa.Table:
    schema = pa.schema([("subject_staff_id", pa.string()), ("person_ids", pa.list_(pa.string())),
                        ("window_start", pa.timestamp("us", tz="UTC")), ("window_end", pa.timestamp("us", tz="UTC")),
                        ("alerted_at", pa.timestamp("us", tz="UTC")), ("score", pa.float64()),
                        ("evidence", pa.list_(pa.string())), ("summary", pa.string())])
    return pa.Table.from_pylist(rows, schema=schema)


def _complaints_detector():  # a Detector; kept short
    return next(d for d in load_detectors() if d.id == "complaints_accumulating")


D0 = datetime(2024, 1, 10, 9, tzinfo=UTC)


def test_findings_of_a_key_make_one_alert_with_unions_min_max_and_the_latest_summary() -> None:
    det = replace(_complaints_detector(), episode_gap_days=None)
    rows = [_finding("S1", D0, ["c:2", "c:1"], 4.0, "first", ["P2"]),
            _finding("S1", D0 + timedelta(days=40), ["c:3", "c:2"], 6.5, "second", ["P1"]),
            _finding("S1", D0 + timedelta(days=20), ["c:9"], 5.0, "middle", ["P2"])]
    [alert] = aggregate_in_memory(det, _table(rows))
    assert alert["window_start"] == D0 - timedelta(days=3)
    assert alert["window_end"] == D0 + timedelta(days=40)
    assert alert["alerted_at"] == D0
    assert alert["evidence"] == ["c:1", "c:2", "c:3", "c:9"]
    assert alert["person_ids"] == ["P1", "P2"]
    assert alert["score"] == 6.5 and alert["summary"] == "second"


def test_findings_further_apart_than_the_episode_gap_are_separate_alerts() -> None:
    det = _complaints_detector()
    assert det.episode_gap_days == 365
    rows = [_finding("S1", D0 + timedelta(days=d), [f"c:{d}"], 3.0, f"day {d}") for d in (0, 200, 500, 900)]
    alerts = aggregate_in_memory(det, _table(rows))
    # 0 and 200 chain (200 days apart), 500 is 300 days after 200 so it chains too; 900 is 400 days later.
    assert [a["evidence"] for a in alerts if a["alerted_at"] == D0] == [["c:0", "c:200", "c:500"]]
    assert len(alerts) == 2
    assert len({a["alert_id"] for a in alerts}) == 2


def test_complaints_a_decade_apart_are_two_runs_not_one_alert_spanning_both() -> None:
    world = base_world()
    world["complaints"] += [dict(complaint_id=f"C{y}{i}", received=at(365 * y + 40 * i), subject_staff_id="S1",
                                 allegation="sexual_conduct", complainant_person_id=None, outcome="pending")
                            for y in (-8, 0) for i in range(3)]
    got = findings("complaints_accumulating", world)
    assert len(got) == 2
    for alert in got:  # each alert's window stays inside its own run of complaints
        assert alert["window_end"] - alert["window_start"] <= timedelta(days=365)


def test_a_full_run_drops_alerts_whose_findings_are_gone_and_keeps_first_seen(tmp_path: Path) -> None:
    det = replace(_complaints_detector(), episode_gap_days=None)
    store = AlertStore(tmp_path)
    stats = pa.table({"day": pa.array([], pa.date32()), "staff_id": pa.array([], pa.string()),
                      "lookups": pa.array([], pa.int64()), "explained": pa.array([], pa.int64())})
    both = _table([_finding("S1", D0, ["c:1"], 3.0, "one"), _finding("S2", D0, ["c:2"], 3.0, "two")])
    commit_run(store, [DetectorResult(det, both, None)], stats, None, D0.date(), 1, forget_others=False)
    with store.writing() as con:
        con.execute("UPDATE alerts SET first_seen = TIMESTAMPTZ '2024-01-11 00:00:00+00'")
        con.execute("""INSERT INTO alerts (alert_id, detector_id, red_flags, category, kind, subject_staff_id,
                       alerted_at, score, weight, evidence) VALUES ('old-key', 'retired_detector', [1],
                       'theft', 'alert', 'S3', now(), 1, 1, [])""")
    only_s1 = _table([_finding("S1", D0 + timedelta(days=1), ["c:1", "c:5"], 4.0, "one, grown")])
    new = commit_run(store, [DetectorResult(det, only_s1, None)], stats, None, D0.date(), 2, forget_others=True)
    with store.connect() as con:
        rows = con.execute("SELECT subject_staff_id, evidence, first_seen FROM alerts").fetchall()
    assert new == {det.id: 0}
    [(staff, evidence, first_seen)] = rows  # S2's alert and the retired detector's are gone
    assert (staff, evidence) == ("S1", ["c:1", "c:5"])
    assert first_seen == datetime(2024, 1, 11, tzinfo=UTC)


def test_an_incremental_commit_replaces_only_the_days_from_its_dirty_day(tmp_path: Path) -> None:
    det = replace(_complaints_detector(), episode_gap_days=None)
    store = AlertStore(tmp_path)
    stats = pa.table({"day": pa.array([], pa.date32()), "staff_id": pa.array([], pa.string()),
                      "lookups": pa.array([], pa.int64()), "explained": pa.array([], pa.int64())})
    early = _finding("S1", D0, ["c:1"], 3.0, "early")
    late = _finding("S1", D0 + timedelta(days=9), ["c:2"], 5.0, "late")
    commit_run(store, [DetectorResult(det, _table([early, late]), None)], stats, None, D0.date(), 1, False)
    redone = _finding("S1", D0 + timedelta(days=8), ["c:3"], 4.0, "redone")
    commit_run(store, [DetectorResult(det, _table([redone]), date(2024, 1, 15))], stats, date(2024, 1, 15),
               D0.date(), 2, False)
    with store.connect() as con:
        [(evidence, score, summary)] = con.execute("SELECT evidence, score, summary FROM alerts").fetchall()
        days = [d for (d,) in con.execute("SELECT day FROM findings ORDER BY day").fetchall()]
    assert evidence == ["c:1", "c:3"] and score == 4.0 and summary == "redone"
    assert days == [date(2024, 1, 10), date(2024, 1, 18)]
    assert store.state()["last_load"] == "2"
