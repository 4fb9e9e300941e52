"""Evaluation counts a scenario as found only by an alert about the same officer, flag and behaviour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from upstander.evaluate import Lookalike, TruthRow, first_hit_delay, lookalikes_alerted, read_lookalikes, read_truth

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


def _lookalike_alert(staff: str, people: tuple[str, ...]) -> dict:
    return dict(alert(3, staff=staff, people=people), alert_id="AL1", detector_id="message_volume")


@pytest.mark.parametrize(("lookalike", "alerts", "fell"), [
    # An officer living near a victim: only an alert about that officer naming that victim falls for it.
    (Lookalike("lives_near_victim", "S7", ("P9",), ""), [_lookalike_alert("S7", ("P9",))], True),
    (Lookalike("lives_near_victim", "S7", ("P9",), ""), [_lookalike_alert("S7", ("P2",))], False),
    (Lookalike("lives_near_victim", "S7", ("P9",), ""), [_lookalike_alert("S8", ("P9",))], False),
    # A busy call handler with nobody in particular: any alert about them.
    (Lookalike("busy_call_handler", "S7", (), ""), [_lookalike_alert("S7", ())], True),
    # A victim beside a station: an alert about an innocent officer naming her; a perpetrator's does not count.
    (Lookalike("victim_near_station", "", ("P9",), ""), [_lookalike_alert("S8", ("P9",))], True),
    (Lookalike("victim_near_station", "", ("P9",), ""), [_lookalike_alert("S1", ("P9",))], False),
])
def test_a_lookalike_counts_as_alerted_only_by_an_alert_that_fell_for_it(lookalike: Lookalike, alerts: list[dict],
                                                                        fell: bool) -> None:
    assert bool(lookalikes_alerted([lookalike], alerts, perpetrators={"S1"})) is fell


def test_a_lookalikes_file_without_the_columns_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "lookalikes.csv"
    path.write_text("kind,staff_id\nlives_near_victim,S1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"lookalikes.csv: not a look-alikes file, it lacks note, person_ids"):
        read_lookalikes(path)
    assert read_lookalikes(tmp_path / "absent.csv") == []
