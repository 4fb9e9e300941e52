"""The first dirty day: what an incremental run recomputes after each kind of delivery."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from deliveries import DEFAULT_LAYOUT, Delivery, base_rows
from upstander.detect.engine import run_detection
from upstander.feeds.loading import load_delivery

LATER = "2025-03-05"


def _only(day: str, **rows: list[dict[str, str]]) -> Delivery:
    return Delivery(dict(rows), {name: "csv" for name in DEFAULT_LAYOUT}, day)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A lake with one day of everything, detected in full."""
    home = tmp_path / "home"
    load_delivery(Delivery.all_csv(LATER).write(tmp_path / "first"), home=home)
    assert run_detection(home).full  # the first run over a lake is a full one
    return home


def test_a_backdated_delivery_reopens_the_days_it_belongs_to(home: Path, tmp_path: Path) -> None:
    late = _only("2025-03-01", audit=base_rows("2025-03-01")["audit"])
    load_delivery(late.write(tmp_path / "late"), home=home)
    summary = run_detection(home)
    assert (summary.full, summary.since) == (False, date(2025, 3, 1))
    assert summary.runs  # every detector ran again from that day


def test_a_delivery_already_loaded_leaves_nothing_to_do(home: Path, tmp_path: Path) -> None:
    load_delivery(Delivery.all_csv(LATER).write(tmp_path / "again"), home=home)
    summary = run_detection(home)
    assert summary.runs == [] and summary.since is None and not summary.full
    assert summary.reason == "nothing loaded since the last run"


def test_an_incident_closed_later_reopens_the_day_it_opened(home: Path, tmp_path: Path) -> None:
    incidents = base_rows(LATER)["incidents"]
    incidents[1]["closed_at"] = "2025-03-09T10:00:00+00:00"  # the open theft job is closed days later
    load_delivery(_only("2025-03-09", incidents=incidents).write(tmp_path / "closed"), home=home)
    summary = run_detection(home)
    assert (summary.full, summary.since) == (False, date(2025, 3, 5))


def test_changed_reference_data_makes_the_run_a_full_one(home: Path, tmp_path: Path) -> None:
    staff = base_rows(LATER)["staff"]
    staff[1]["surname"] = "Marsh-Okafor"  # no date says from when: every day is judged again
    load_delivery(_only(LATER, staff=staff).write(tmp_path / "staff"), home=home)
    summary = run_detection(home)
    assert summary.full and summary.since is None
    assert "staff changed" in summary.reason
