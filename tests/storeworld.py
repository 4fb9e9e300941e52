"""Helpers for the alert store's concurrency tests: a home of the test's own, `upstander detect` in a real
process, and everything a reader of the store can see, to compare before and after."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from lakestate import cli_env
from upstander.detect.alerts import AlertStore

DETECT_FULL = [sys.executable, "-m", "upstander.cli", "detect", "--full", "--json"]


def copy_home(source: Path, dest: Path) -> Path:
    """The lake linked (no test writes it), the alert store copied."""
    dest.mkdir(parents=True)
    (dest / "lake").symlink_to(source / "lake", target_is_directory=True)
    shutil.copy(source / "alerts.duckdb", dest / "alerts.duckdb")
    return dest


def start_detect(home: Path, log: Path, **extra_env: str) -> subprocess.Popen[bytes]:
    """`upstander detect --full --json` without waiting; standard error to `log`."""
    with open(log, "wb") as err:
        return subprocess.Popen(DETECT_FULL, stdout=subprocess.DEVNULL, stderr=err, env=cli_env(home, **extra_env))


def run_detect(home: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(DETECT_FULL, capture_output=True, text=True, env=cli_env(home, **extra_env), timeout=300)


def store_state(home: Path) -> tuple[int, str, list[tuple[str, int, int]]]:
    """What a reader sees: the number of alerts, a digest of every alert's key, subject, score and evidence, and
    the look-up statistics."""
    with AlertStore(home).reading() as con:
        count, digest = con.execute(
            "SELECT count(*), md5(coalesce(string_agg(h, ',' ORDER BY h), '')) FROM (SELECT md5(concat_ws('|', "
            "alert_id, subject_staff_id, score, array_to_string(evidence, ';'))) AS h FROM alerts)").fetchone()  # type: ignore[misc]
        stats = sorted(con.execute("SELECT staff_id, lookups, explained FROM lookup_stats").fetchall())
    return count, digest, stats
