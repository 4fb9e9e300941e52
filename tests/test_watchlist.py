"""Watchlists: scheduled, recorded audits of the system use of people of concern."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from test_risk_matrix import cli, detected_home, truth
from upstander.lake import Lake
from upstander.risk import watchlist as wl
from upstander.simulate.engine import SimulationResult


@pytest.fixture
def home(every_flag_delivery: SimulationResult, tmp_path: Path) -> Path:
    """A private copy: these tests write watchlist tables and must not see each other's entries."""
    copy = tmp_path / "home"
    shutil.copytree(detected_home(every_flag_delivery.out), copy)
    return copy


@pytest.fixture(scope="module")
def snooper(every_flag_delivery: SimulationResult) -> tuple[str, datetime]:
    """The perpetrator of the no-purpose look-ups scenario (red flag 4) and when it began."""
    row = next(t for t in truth(every_flag_delivery.out) if t["archetype"] == "no_purpose_lookups")
    return row["staff_id"], datetime.fromisoformat(row["start"])


def data_end(home: Path) -> datetime:
    (end,) = Lake(home).connect().execute("SELECT max(occurred_at)::TIMESTAMP FROM audit").fetchone()  # type: ignore[misc]
    return end.replace(tzinfo=UTC)


def test_an_audit_records_the_unexplained_lookups_of_a_red_flag_4_perpetrator(
        home: Path, snooper: tuple[str, datetime]) -> None:
    staff_id, began = snooper
    added = began + timedelta(days=1)  # the first audit reaches back one interval, so covers the start
    entry = wl.add(home, staff_id, "report that they looked up a neighbour", added_by="analyst", every_days=14,
                   now=added)
    assert [e.staff_id for e in wl.entries(home, added)] == [staff_id] and entry.next_due == added
    assert [e.staff_id for e in wl.due(home, added)] == [staff_id]
    now = data_end(home) + timedelta(hours=1)
    [result] = wl.run_audits(home, now)
    assert result.staff_id == staff_id and result.period_end <= now
    assert result.period_start == added - timedelta(days=14)
    assert result.unexplained >= 1 and len(result.unexplained_refs) == result.unexplained
    assert result.lookups > result.unexplained
    assert "nothing in the data explains" in result.summary
    # The same look-ups the detector flagged, found again by the audit from the same explanation logic.
    con = duckdb.connect(str(home / "alerts.duckdb"), read_only=True)
    flagged = {e for (ev,) in con.execute("""SELECT evidence FROM alerts WHERE subject_staff_id = ?
                                             AND detector_id = 'unexplained_lookups'""", [staff_id]).fetchall()
               for e in ev}
    stored = con.execute("SELECT unexplained, unexplained_refs FROM watchlist_audits WHERE staff_id = ?",
                         [staff_id]).fetchall()
    con.close()
    assert flagged and flagged <= set(result.unexplained_refs)
    assert stored == [(result.unexplained, result.unexplained_refs)]
    assert wl.audits(home, staff_id)[0].summary == result.summary


def test_running_twice_does_not_audit_a_period_twice(home: Path, snooper: tuple[str, datetime]) -> None:
    staff_id, began = snooper
    wl.add(home, staff_id, "allegation", every_days=7, now=began)
    mid = began + timedelta(days=8)
    first = wl.run_audits(home, mid)
    assert len(first) == 1 and wl.run_audits(home, mid) == []  # not due again until a week has passed
    assert wl.due(home, mid + timedelta(days=6)) == []
    later = data_end(home) + timedelta(days=1)
    second = wl.run_audits(home, later)
    assert len(second) == 1 and second[0].period_start == first[0].period_end
    assert not set(first[0].unexplained_refs) & set(second[0].unexplained_refs)
    # Due again a week on, but no data has arrived since: nothing is recorded, nothing counted twice.
    assert wl.run_audits(home, later + timedelta(days=8)) == []
    periods = [(a.period_start, a.period_end) for a in sorted(wl.audits(home, staff_id), key=lambda a: a.period_start)]
    assert len(periods) == 2 and periods[0][1] == periods[1][0]


@pytest.mark.parametrize(("staff_id", "reason", "every", "message"), [
    ("S-NOBODY", "a reason", 28, "no member of staff"),
    (None, "", 28, "reason is required"),
    (None, "   ", 28, "reason is required"),
    (None, "a reason", 0, "above zero"),
    (None, "a reason", -7, "above zero"),
])
def test_bad_input_is_refused_with_a_message(home: Path, snooper: tuple[str, datetime], staff_id: str | None,
                                            reason: str, every: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        wl.add(home, staff_id or snooper[0], reason, every_days=every, now=snooper[1])
    assert wl.entries(home, snooper[1]) == []


def test_duplicates_end_dates_and_removal(home: Path, snooper: tuple[str, datetime]) -> None:
    staff_id, now = snooper
    with pytest.raises(wl.WatchlistError, match="must be after"):
        wl.add(home, staff_id, "reason", until=now - timedelta(days=1), now=now)
    with pytest.raises(wl.WatchlistError, match="not on the watchlist"):
        wl.remove(home, staff_id, now=now)
    wl.add(home, staff_id, "reason", until=now + timedelta(days=30), now=now)
    with pytest.raises(wl.WatchlistError, match="already on the watchlist"):
        wl.add(home, staff_id, "another reason", now=now)
    assert wl.entries(home, now + timedelta(days=31)) == []  # expired entries are no longer monitored
    wl.remove(home, staff_id, removed_by="supervisor", now=now + timedelta(days=1))
    assert wl.entries(home, now + timedelta(days=1)) == []
    con = duckdb.connect(str(home / "alerts.duckdb"), read_only=True)
    assert con.execute("SELECT removed_by FROM watchlist").fetchall() == [("supervisor",)]  # kept, marked
    con.close()


def test_cli_watchlist(home: Path, snooper: tuple[str, datetime]) -> None:
    staff_id, began = snooper
    refused = cli(home, "watchlist", "add", staff_id, "--reason", " ")
    assert refused.returncode == 2 and "reason is required" in refused.stderr
    added = cli(home, "watchlist", "add", staff_id, "--reason", "look-ups of a neighbour", "--every", "10",
                "--as-of", began.isoformat())
    assert added.returncode == 0, added.stderr
    ran = cli(home, "watchlist", "run", "--json", "--as-of", (data_end(home) + timedelta(days=1)).isoformat())
    assert ran.returncode == 0, ran.stderr
    [result] = json.loads(ran.stdout)
    assert result["staff_id"] == staff_id and result["unexplained"] >= 1
    listed = cli(home, "watchlist", "list", "--json", "--as-of", began.isoformat())
    assert [e["staff_id"] for e in json.loads(listed.stdout)] == [staff_id]
