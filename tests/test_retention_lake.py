"""Retention of lake events: whole days past the period leave the manifest, then the disk, under the lake's lock;
entity feeds stay; a dry run deletes nothing; a run killed after its commit is finished by recovery."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from upstander.feeds.contract import FEEDS
from upstander.feeds.loading import load_delivery
from upstander.lake import Lake
from upstander.retention import lake_events
from upstander.retention.policy import INCIDENT_LINKS, MONITORING, Policy
from upstander.simulate.engine import simulate

START = date(2025, 1, 6)
NOW = datetime(2025, 2, 17, 12, 0, tzinfo=UTC)  # minus 40 days is 8 Jan 2025, 12:00


@pytest.fixture(scope="module")
def delivery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 60-strong force over six days from Monday 6 January 2025."""
    out = tmp_path_factory.mktemp("retention-sim") / "delivery"
    simulate(60, 6, 3, out, start=START)
    return out


@pytest.fixture
def lake(delivery: Path, home: Path) -> Lake:
    load_delivery(delivery, home=home)
    return Lake(home)


def policy(monitoring: int = 40, links: int = 3650) -> Policy:
    return Policy({MONITORING: monitoring, INCIDENT_LINKS: links}, NOW)


def days_of(lake: Lake, feed: str, column: str) -> list[str]:
    con = lake.connect()
    return [d.isoformat() for (d,) in con.execute(
        f"SELECT DISTINCT CAST({column} AS DATE) FROM {feed} ORDER BY 1").fetchall()]  # nosec B608  # test constants


def test_every_event_feed_of_the_contract_has_a_period() -> None:
    assert set(lake_events.event_feeds()) == set(lake_events.PERIOD_OF_FEED)
    entity = {f.name for f in FEEDS if f.kind == "entity"}
    assert not entity & set(lake_events.PERIOD_OF_FEED), "entity feeds are not events"


def test_days_just_outside_the_period_go_and_the_day_just_inside_stays(lake: Lake) -> None:
    assert days_of(lake, "audit", "occurred_at")[:4] == ["2025-01-06", "2025-01-07", "2025-01-08", "2025-01-09"]
    staff_before = lake.connect().execute("SELECT count(*) FROM staff").fetchone()
    gone_files = [lake.root / p for p in lake.manifest().data["audit"] if "day=2025-01-07" in p]
    assert gone_files and all(f.exists() for f in gone_files)

    results = lake_events.run(lake.home, policy(), apply=True)

    monitoring = results[0]
    assert monitoring.kind == "monitoring events in the lake" and monitoring.deleted == monitoring.due > 0
    assert monitoring.oldest == datetime(2025, 1, 6, tzinfo=UTC)
    assert "audit:" in monitoring.deleted_what and "days 2025-01-06 to 2025-01-07" in monitoring.deleted_what
    for feed, column in (("audit", "occurred_at"), ("communications", "occurred_at"), ("radio", "occurred_at")):
        days = days_of(lake, feed, column)
        assert days[0] == "2025-01-08", f"{feed}: the cutoff's own day (8 January) is just inside and kept"
    assert not any(f.exists() for f in gone_files) and not gone_files[0].parent.exists()
    assert days_of(lake, "incident_staff", "started_at")[0] == "2025-01-06"  # kept ten years
    assert lake.connect().execute("SELECT count(*) FROM staff").fetchone() == staff_before  # an entity feed
    manifest = json.loads((lake.root / "_manifest.json").read_text())
    assert manifest["pending_deletes"] == []
    assert not [p for p in manifest["data"]["positions"] if "day=2025-01-0" in p and p < "positions/day=2025-01-08"]


def test_a_dry_run_deletes_nothing(lake: Lake) -> None:
    before = (lake.root / "_manifest.json").read_text()
    files = sorted(lake.root.rglob("*.parquet"))
    results = lake_events.run(lake.home, policy(), apply=False)
    assert results[0].due > 0 and results[0].deleted == 0
    assert (lake.root / "_manifest.json").read_text() == before and sorted(lake.root.rglob("*.parquet")) == files


def test_incident_links_follow_their_own_period(lake: Lake) -> None:
    results = lake_events.run(lake.home, policy(monitoring=3650, links=40), apply=True)
    assert results[0].due == 0 and results[1].kind == "incident links in the lake" and results[1].deleted > 0
    assert days_of(lake, "incident_people", "recorded_at")[0] == "2025-01-08"
    assert days_of(lake, "audit", "occurred_at")[0] == "2025-01-06"


def test_pruned_events_do_not_come_back_when_the_same_delivery_is_loaded_again(lake: Lake, delivery: Path) -> None:
    lake_events.run(lake.home, policy(), apply=True)
    again = load_delivery(delivery, home=lake.home)
    assert again.load_id is None and again.skipped_files  # every file is known by its fingerprint
    assert days_of(lake, "audit", "occurred_at")[0] == "2025-01-08"


def test_a_run_killed_after_its_commit_is_finished_by_recovery(lake: Lake) -> None:
    manifest = lake.manifest()
    doomed = [p for p in manifest.data["audit"] if "day=2025-01-06" in p]
    manifest.data["audit"] = [p for p in manifest.data["audit"] if p not in doomed]
    manifest.pending_deletes = doomed
    from upstander.lake.manifest import write_manifest

    write_manifest(lake.root, manifest)  # committed, as if killed before the files were deleted
    assert (lake.root / doomed[0]).exists()
    assert days_of(lake, "audit", "occurred_at")[0] == "2025-01-07"  # readers never see it
    assert not (lake.root / doomed[0]).exists() and lake.manifest().pending_deletes == []


def test_quarantined_rows_go_with_their_load_under_the_monitoring_period(lake: Lake, tmp_path: Path) -> None:
    bad = tmp_path / "bad" / "radio"
    bad.mkdir(parents=True)
    (bad / "radio.csv").write_text("staff_id,occurred_at,status,incident_id\nS000001,not a time,en_route,\n")
    load_delivery(bad.parent, home=lake.home)
    assert lake.manifest().quarantine
    loaded = datetime.fromisoformat(lake.manifest().loads[-1]["committed_at"])
    kept = lake_events.run(lake.home, Policy({MONITORING: 40, INCIDENT_LINKS: 3650}, loaded), apply=True)
    assert kept[2].due == 0 and lake.manifest().quarantine
    later = Policy({MONITORING: 40, INCIDENT_LINKS: 3650}, NOW.replace(year=2099))
    gone = lake_events.run(lake.home, later, apply=True)
    assert gone[2].kind == "quarantined rows in the lake" and gone[2].deleted >= 1 and not lake.manifest().quarantine
