"""A load killed at any point (kill -9, a real process) leaves the lake exactly as before, or, once it has
committed, as after; the next load completes it. Concurrent loads are serialised by the lake lock."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from deliveries import NEXT_DAY, Delivery, base_rows, many_positions
from lakestate import run_cli, snapshot, start_cli
from upstander.feeds.loading import load_delivery
from upstander.lake import Lake
from upstander.lake.crash import POINTS

BEFORE_COMMIT = ("after_read", "after_stage")


@dataclass
class Scenario:
    day2: Path  # the delivery the crashing loads try
    before_home: Path  # a lake holding day 1
    before: dict[str, Any]
    after: dict[str, Any]  # day 1 then day 2, loaded cleanly


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    base = tmp_path_factory.mktemp("crash")
    day1 = Delivery().write(base / "day1")
    second = Delivery(base_rows(NEXT_DAY), day=NEXT_DAY)
    second.rows["audit"][1]["occurred_at"] = "soon"  # quarantined: the quarantine must be atomic too
    second.rows["staff"][2]["vetting_level"] = "SC"  # an entity update: a new version
    second.rows["positions"] += many_positions(40_000, NEXT_DAY)  # enough work for kills to land mid-load
    day2 = second.write(base / "day2")
    before_home = base / "before"
    load_delivery(day1, home=before_home)
    after_home = base / "after"
    shutil.copytree(before_home, after_home)
    summary = load_delivery(day2, home=after_home)
    assert summary.quarantined == 1 and summary.loaded["staff"] == 1
    before, after = snapshot(before_home), snapshot(after_home)
    for view in ("positions", "staff", "audit", "quarantine"):  # the two states can be told apart
        assert before["views"][view] != after["views"][view], view
    return Scenario(day2, before_home, before, after)


def _fresh(scenario: Scenario, path: Path) -> Path:
    shutil.copytree(scenario.before_home, path)
    return path


@pytest.mark.parametrize("point", POINTS)
def test_a_load_killed_at_a_crash_point(scenario: Scenario, tmp_path: Path, point: str) -> None:
    home = _fresh(scenario, tmp_path / "home")
    manifest = home / "lake" / "_manifest.json"
    committed = manifest.read_bytes()
    proc = run_cli(scenario.day2, home, UPSTANDER_CRASH_AT=point)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert any((home / "lake" / "_staging").iterdir())  # it died with work in progress
    if point in BEFORE_COMMIT:
        assert manifest.read_bytes() == committed  # not a byte of the committed state changed
        expected = scenario.before
    else:
        assert json.loads(manifest.read_text())["pending_moves"]  # committed, files not all moved
        expected = scenario.after
    # Kept aside: a copy the next load must recover by itself, without a reader first.
    untouched = tmp_path / "untouched"
    shutil.copytree(home, untouched)
    assert snapshot(home) == expected  # what any reader sees: recovery on open rolls a commit forward
    assert not (home / "lake" / "_staging").exists()

    for lake_home in (home, untouched):
        proc = run_cli(scenario.day2, lake_home)
        assert proc.returncode == 0, proc.stderr
        assert snapshot(lake_home) == scenario.after
        again = json.loads(proc.stdout)
        if point in BEFORE_COMMIT:
            assert again["load_id"] == 2 and again["quarantined"] == 1
        else:
            assert again["load_id"] is None  # already committed: nothing is loaded twice


def _wait_until_staging(running: subprocess.Popen[bytes], home: Path) -> None:
    """Wait for the load to be under way (its work database made in staging) or to have ended."""
    staging = home / "lake" / "_staging"
    while running.poll() is None and not any(staging.glob("*/work.duckdb")):
        time.sleep(0.005)


def test_loads_killed_from_outside_at_random_moments(scenario: Scenario, tmp_path: Path) -> None:
    """Each load is stopped (SIGSTOP) at a moment of the test's choosing once it is staging, the manifest read
    while it is frozen, then killed: the lake must be as before when the manifest had not changed, and as after
    when it had. The first kill comes as staging begins, so at least one lands inside a load whatever the
    machine's speed; the others come at random moments after, spread over a clean load's length."""
    started = time.monotonic()
    proc = run_cli(scenario.day2, _fresh(scenario, tmp_path / "timing"))
    assert proc.returncode == 0
    duration = time.monotonic() - started  # only spreads the random moments: no assertion depends on it
    rng = random.Random(20250302)
    outcomes = []
    for attempt in range(6):
        home = _fresh(scenario, tmp_path / f"home{attempt}")
        manifest = home / "lake" / "_manifest.json"
        committed = manifest.read_bytes()
        running = start_cli(scenario.day2, home, tmp_path / f"stderr{attempt}")
        _wait_until_staging(running, home)
        if attempt:
            time.sleep(rng.uniform(0, 1.0) * duration)  # a random moment, not a wait for anything
        killed = running.poll() is None
        unchanged = True
        if killed:
            os.kill(running.pid, signal.SIGSTOP)
            unchanged = manifest.read_bytes() == committed  # frozen: what it had published when it was killed
            os.kill(running.pid, signal.SIGKILL)
        running.wait(timeout=60)
        state = snapshot(home)
        if killed:
            expected = scenario.before if unchanged else scenario.after
            assert state == expected, f"attempt {attempt}: lake in between, or not as its manifest says"
        else:
            assert state == scenario.after, f"attempt {attempt}: a load that finished left the lake in between"
        outcomes.append(("before" if state == scenario.before else "after", killed))
        proc = run_cli(scenario.day2, home)
        assert proc.returncode == 0, proc.stderr
        assert snapshot(home) == scenario.after
    # The kills did land inside loads, not only before they started or after they ended.
    assert ("before", True) in outcomes, outcomes


def test_a_second_load_waits_for_the_running_one(tmp_path: Path, home: Path) -> None:
    directory = Delivery().write(tmp_path / "d")
    log = tmp_path / "stderr"
    with Lake(home).lock():
        waiting = start_cli(directory, home, log)
        deadline = time.monotonic() + 30
        while "already running" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "a load is already running on lake" in log.read_text()
        time.sleep(0.5)
        assert waiting.poll() is None  # still waiting, and nothing written
        assert not (home / "lake" / "_manifest.json").exists()
    assert waiting.wait(timeout=60) == 0
    assert Lake(home).manifest().next_load == 2


def test_concurrent_loads_both_commit_one_after_the_other(tmp_path: Path, home: Path) -> None:
    one = Delivery().write(tmp_path / "d1")
    two = Delivery(base_rows(NEXT_DAY), day=NEXT_DAY).write(tmp_path / "d2")
    procs = [start_cli(d, home, tmp_path / f"log{i}") for i, d in enumerate((one, two))]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    manifest = Lake(home).manifest()
    assert [r["load_id"] for r in manifest.loads] == [1, 2]
    con = Lake(home).connect()
    assert con.execute("SELECT count(*) FROM positions").fetchone() == (16,)


def test_a_reader_never_removes_the_staging_of_a_running_load(tmp_path: Path, home: Path) -> None:
    load_delivery(Delivery().write(tmp_path / "d"))
    staging = home / "lake" / "_staging" / "000002"
    with Lake(home).lock():  # as a running load would
        staging.mkdir(parents=True)
        (staging / "work.duckdb").write_text("in progress")
        assert Lake(home).manifest().next_load == 2
        assert (staging / "work.duckdb").exists()
    Lake(home).manifest()  # nobody loading: a leftover staging is cleared
    assert not staging.exists()
