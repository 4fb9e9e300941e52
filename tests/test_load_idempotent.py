"""Loading is repeatable and incremental: the same delivery twice changes nothing, a new day adds files without
touching the past, an entity update is a new version, a re-delivered event key with new values is refused."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from deliveries import NEXT_DAY, Delivery, base_rows
from lakestate import run_cli, snapshot
from upstander.feeds.loading import load_delivery
from upstander.lake import Lake


def _files(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every file of the lake (not the lock) with inode, mtime and content hash."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.name != "_lock":
            st, digest = p.stat(), hashlib.sha256(p.read_bytes()).hexdigest()
            out[p.relative_to(root).as_posix()] = (st.st_ino, st.st_mtime_ns, digest)
    return out


def test_loading_the_same_delivery_twice_changes_nothing(tmp_path: Path, home: Path) -> None:
    delivery = Delivery()
    delivery.rows["audit"][1]["occurred_at"] = "yesterday"  # a quarantined row must not be quarantined twice
    directory = delivery.write(tmp_path / "d")
    first = run_cli(directory, home)
    assert first.returncode == 0, first.stderr
    before, files = snapshot(home), _files(home / "lake")
    second = run_cli(directory, home)
    assert second.returncode == 0, second.stderr
    summary = json.loads(second.stdout)
    assert summary["load_id"] is None
    assert summary["loaded"] == {} and summary["quarantined"] == 0
    assert {n["reason"] for n in summary["skipped_files"]} == {"already loaded in load 1"}
    assert len(summary["skipped_files"]) == 14
    assert snapshot(home) == before
    assert _files(home / "lake") == files  # not a byte, not a timestamp


def test_the_same_rows_in_new_files_are_unchanged_not_duplicated(tmp_path: Path, home: Path) -> None:
    load_delivery(Delivery().write(tmp_path / "d1"))
    before = snapshot(home)
    # The same rows in other bytes: CSV where the first delivery had Parquet, headers in capitals.
    directory = Delivery.all_csv().write(tmp_path / "d2")
    for path in directory.glob("*.csv"):
        header, rest = path.read_text().split("\n", 1)
        path.write_text(header.upper() + "\n" + rest)
    summary = load_delivery(directory)
    assert summary.skipped_files == []
    assert summary.load_id == 2
    assert sum(summary.loaded.values()) == 0 and summary.quarantined == 0
    assert summary.unchanged == {name: len(rows) for name, rows in base_rows().items()}
    after = snapshot(home)
    assert after["views"] == before["views"] and after["data"] == before["data"]


def test_a_new_days_delivery_adds_files_and_never_rewrites_the_past(tmp_path: Path, home: Path) -> None:
    load_delivery(Delivery().write(tmp_path / "d1"))
    manifest_before = Lake(home).manifest()
    files_before = _files(home / "lake")
    summary = load_delivery(Delivery(base_rows(NEXT_DAY), day=NEXT_DAY).write(tmp_path / "d2"))
    assert summary.quarantined == 0
    files_after = _files(home / "lake")
    for path, identity in files_before.items():
        if path != "_manifest.json":
            assert files_after[path] == identity, path  # same inode, mtime and bytes
    added = sorted(set(files_after) - set(files_before))
    assert "positions/day=2025-03-02/load-000002.parquet" in added
    assert "audit/day=2025-03-02/load-000002.parquet" in added
    assert not [p for p in added if "day=2025-03-01" in p]
    manifest_after = Lake(home).manifest()
    for feed, paths in manifest_before.data.items():
        assert manifest_after.data[feed][: len(paths)] == paths
    # Entities that did not change are not stored again.
    assert {n.file for n in summary.skipped_files} == {"teams.csv", "staff.csv", "people.csv", "watches.parquet"}
    assert not [p for p in added if p.startswith(("staff/", "teams/", "people/", "watches/"))]
    con = Lake(home).connect()
    assert con.execute("SELECT count(*) FROM positions").fetchone() == (16,)
    assert con.execute("SELECT count(*) FROM duties").fetchone() == (10,)


def test_an_entity_update_is_a_new_current_version(tmp_path: Path, home: Path) -> None:
    first = Delivery()
    load_delivery(first.write(tmp_path / "d1"))
    moved = dict(first.rows["staff"][2], team_id="T02", line_manager_id="S0004", vetting_level="NPPV2")
    summary = load_delivery(Delivery({"staff": [first.rows["staff"][0], moved]}, {"staff": "csv"})
                            .write(tmp_path / "d2"))
    assert summary.loaded == {"staff": 1} and summary.unchanged == {"staff": 1}
    con = Lake(home).connect()
    assert con.execute("SELECT team_id, vetting_level, _load FROM staff WHERE staff_id = 'S0003'").fetchone() == (
        "T02", "NPPV2", 2)
    assert con.execute("SELECT list(team_id ORDER BY _load) FROM staff_history WHERE staff_id = 'S0003'"
                       ).fetchone() == (["T01", "T02"],)
    assert con.execute("SELECT count(*) FROM staff").fetchone() == (7,)


def test_a_redelivered_event_key_with_different_values_is_quarantined(tmp_path: Path, home: Path) -> None:
    first = Delivery()
    load_delivery(first.write(tmp_path / "d1"))
    radio = [dict(r) for r in first.rows["radio"][:3]]
    radio[2]["status"] = "committed"  # same staff and time as a stored row, another status
    summary = load_delivery(Delivery({"radio": radio}, {"radio": "csv"}).write(tmp_path / "d2"))
    assert summary.loaded == {"radio": 0} and summary.unchanged == {"radio": 2}
    con = Lake(home).connect()
    assert con.execute("SELECT file, row, field, reason FROM quarantine").fetchall() == [
        ("radio.csv", 3, "status", "key already loaded (load 1) with different values in: status")]
    assert con.execute("SELECT status FROM radio WHERE _row = 3").fetchone() == ("at_scene",)


def test_the_lake_directory_holds_only_what_the_manifest_lists(tmp_path: Path, home: Path) -> None:
    load_delivery(Delivery().write(tmp_path / "d1"))
    load_delivery(Delivery(base_rows(NEXT_DAY), day=NEXT_DAY).write(tmp_path / "d2"))
    state = snapshot(home)
    listed = sorted([p for paths in state["data"].values() for p in paths] + state["quarantine"])
    assert state["present"] == listed
    assert not (home / "lake" / "_staging").exists() or not os.listdir(home / "lake" / "_staging")
