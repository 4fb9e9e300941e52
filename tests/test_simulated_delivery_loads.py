"""The simulator's output is a valid delivery, and --corrupt quarantines exactly the rows it lists."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from upstander.simulate.engine import SimulationResult


def _load(delivery: Path, home: Path) -> tuple[int, dict]:
    env = {**os.environ, "UPSTANDER_HOME": str(home)}
    proc = subprocess.run([sys.executable, "-m", "upstander.cli", "load", str(delivery), "--json"],
                          capture_output=True, text=True, env=env, timeout=600)
    return proc.returncode, json.loads(proc.stdout)


def test_every_flag_delivery_loads_with_nothing_quarantined(every_flag_delivery: SimulationResult,
                                                            tmp_path: Path) -> None:
    code, summary = _load(every_flag_delivery.out, tmp_path / "home")
    assert code == 0, summary
    assert summary["quarantined"] == 0
    assert summary["rejected_files"] == []
    assert summary["loaded"] == every_flag_delivery.rows
    assert "ground_truth.csv" in " ".join(summary["ignored_files"])


def test_corrupt_delivery_quarantines_exactly_the_listed_rows(corrupt_delivery: SimulationResult,
                                                              tmp_path: Path) -> None:
    home = tmp_path / "home"
    code, summary = _load(corrupt_delivery.out, home)
    assert code == 0, summary
    with (corrupt_delivery.out / "corruptions.csv").open() as fh:
        listed = {(r["file"], int(r["row"])): r for r in csv.DictReader(fh)}
    assert summary["quarantined"] == len(listed)
    quarantine = list((home / "lake" / "_quarantine").rglob("*.parquet"))
    rows = duckdb.sql(f"SELECT file, row, field, reason FROM read_parquet({[str(q) for q in quarantine]!r})").fetchall()
    assert {(f, r) for f, r, _, _ in rows} == set(listed)
    for file, row, field, reason in rows:
        assert reason, (file, row)
        assert field == listed[(file, row)]["field"], (file, row, field, reason)
    # Everything else loaded: the good rows of the corrupted files too.
    expected = dict(corrupt_delivery.rows)
    assert summary["loaded"] == expected
