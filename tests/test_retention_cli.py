"""`upstander retention`: a dry run by default (table or --json), --apply deletes and logs, and a bad period
stops it before anything is touched, naming the setting."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from upstander.cli import register
from upstander.feeds.loading import load_delivery
from upstander.lake import Lake
from upstander.retention import apply as apply_retention
from upstander.retention.policy import ALL, Policy
from upstander.simulate.engine import simulate
from upstander.web.models import AccessLog
from upstander.web.sealing import init_keys


def cli(*args: str) -> Any:
    return CliRunner().invoke(register(), list(args))


@pytest.mark.parametrize("setting", ALL)
@pytest.mark.parametrize("value", ["-30", "2.5", "six years", "0"])
def test_a_bad_period_is_refused_naming_the_setting(monkeypatch: pytest.MonkeyPatch, setting: str,
                                                    value: str) -> None:
    monkeypatch.setenv(setting, value)
    with pytest.raises(ValueError, match=f"setting {setting}=.*whole number of days"):
        Policy.read(datetime.now(UTC))


def test_the_command_stops_on_a_bad_period_before_deleting_anything(home: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    simulate(50, 2, 5, tmp_path / "d", start=date(2025, 1, 6))
    load_delivery(tmp_path / "d", home=home)
    before = (Lake(home).root / "_manifest.json").read_text()
    monkeypatch.setenv("UPSTANDER_RETAIN_MONITORING_DAYS", "1")  # everything would be due
    monkeypatch.setenv("UPSTANDER_RETAIN_ACCESS_LOG_DAYS", "-1")
    result = cli("retention", "--apply")
    assert result.exit_code == 1
    assert "UPSTANDER_RETAIN_ACCESS_LOG_DAYS='-1'" in result.output and "at least 1" in result.output
    assert (Lake(home).root / "_manifest.json").read_text() == before


@pytest.fixture
def loaded_home(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home with keys and three days of a 50-strong force from January 2025, monitoring kept a year."""
    init_keys()
    simulate(50, 3, 5, tmp_path / "d", start=date(2025, 1, 6))
    load_delivery(tmp_path / "d", home=home)
    monkeypatch.setenv("UPSTANDER_RETAIN_MONITORING_DAYS", "365")
    return home


@pytest.mark.django_db(transaction=True)  # entries commit, so the access log's checkpoint follows them
def test_dry_run_then_apply_from_the_command_line(loaded_home: Path) -> None:
    files = sorted(Lake(loaded_home).root.rglob("*.parquet"))
    dry = cli("retention", "--json")
    assert dry.exit_code == 0, dry.output
    summary = json.loads(dry.stdout)
    kinds = {k["kind"]: k for k in summary["kinds"]}
    assert summary["applied"] is False and kinds["monitoring events in the lake"]["due"] > 0
    assert set(kinds) == {"monitoring events in the lake", "incident links in the lake",
                          "quarantined rows in the lake", "alerts closed with no further action",
                          "confidential reports after closing", "access-log entries"}
    assert sorted(Lake(loaded_home).root.rglob("*.parquet")) == files and kinds["incident links in the lake"][
        "due"] == 0

    table = cli("retention")
    assert table.exit_code == 0 and "dry run, nothing deleted" in table.output and "365 days" in table.output

    applied = cli("retention", "--apply", "--json")
    assert applied.exit_code == 0, applied.output
    done = {k["kind"]: k for k in json.loads(applied.stdout)["kinds"]}
    rows = kinds["monitoring events in the lake"]["due"]
    assert done["monitoring events in the lake"]["deleted"] == rows
    assert Lake(loaded_home).connect().execute("SELECT count(*) FROM audit").fetchone() == (0,)
    entry = AccessLog.objects.get(object_type="retention", object_id="lake")
    assert entry.username.startswith("retention (command line, ") and f"deleted {rows:,} monitoring" in entry.detail
    assert cli("access-log", "verify").exit_code == 0
    again = json.loads(cli("retention", "--json").stdout)
    assert all(k["due"] == 0 for k in again["kinds"])


@pytest.mark.django_db(transaction=True)
def test_the_daily_job_s_function_applies_and_returns_a_summary(loaded_home: Path) -> None:
    summary = apply_retention(loaded_home, datetime.now(UTC))
    assert summary.applied and summary.deleted > 0 and not summary.failed
    assert AccessLog.objects.get(object_id="lake").username == "retention (daily job)"
