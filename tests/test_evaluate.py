"""Evaluation counts a scenario as found only by an alert about the same officer, flag and behaviour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from upstander.evaluate import TruthRow, first_hit_delay, read_truth

START = datetime(2025, 5, 7, 13, 0, tzinfo=UTC)
DRIFT = TruthRow("SC1", 12, "S1", ("P1",), START, START + timedelta(days=14))


def alert(days: float, *, staff: str = "S1", flags: tuple[int, ...] = (12,), people: tuple[str, ...] = ("P1",),
          window_end_days: float | None = None) -> dict:
    raised = (START + timedelta(days=days)).timestamp()
    end = START + timedelta(days=window_end_days if window_end_days is not None else days)
    return {"subject_staff_id": staff, "red_flags": list(flags), "person_ids": list(people),
            "alerted_at": raised, "window_end": end.timestamp()}


def test_an_alert_after_the_first_signal_finds_it_with_its_delay() -> None:
    assert first_hit_delay(DRIFT, [alert(3.5)]) == pytest.approx(3.5)


def test_the_earliest_of_several_alerts_sets_the_delay() -> None:
    assert first_hit_delay(DRIFT, [alert(9), alert(2)]) == pytest.approx(2)


def test_an_earlier_alert_about_the_same_person_that_runs_into_the_scenario_found_it_early() -> None:
    assert first_hit_delay(DRIFT, [alert(-30, window_end_days=6)]) == 0.0


def test_an_earlier_alert_about_someone_else_does_not_count() -> None:
    assert first_hit_delay(DRIFT, [alert(-30, people=("P9",), window_end_days=6)]) is None


def test_an_earlier_alert_that_ended_before_the_scenario_does_not_count() -> None:
    assert first_hit_delay(DRIFT, [alert(-30, window_end_days=-10)]) is None


def test_another_officer_or_another_flag_does_not_count() -> None:
    assert first_hit_delay(DRIFT, [alert(2, staff="S2"), alert(2, flags=(1,))]) is None


def test_a_truth_file_without_the_columns_is_refused_by_name(tmp_path: Path) -> None:
    bad = tmp_path / "truth.csv"
    bad.write_text("scenario_id,red_flag\nSC1,12\n")
    with pytest.raises(ValueError, match=r"truth\.csv: not a ground-truth file"):
        read_truth(bad)


def test_a_bad_date_in_the_truth_file_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "truth.csv"
    bad.write_text("scenario_id,red_flag,staff_id,person_ids,start,end,seed_case\n"
                   "SC1,12,S1,P1,2025-05-07T13:00:00+00:00,2025-05-21T00:00:00+00:00,x\n"
                   "SC2,1,S2,P2,not a date,2025-05-21T00:00:00+00:00,x\n")
    with pytest.raises(ValueError, match="line 3"):
        read_truth(bad)
