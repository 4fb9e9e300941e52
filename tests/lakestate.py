"""Helpers to run loads and to capture everything a reader of the lake can see, for before/after comparisons."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from upstander.feeds.contract import FEEDS
from upstander.lake import Lake


def snapshot(home: Path) -> dict[str, Any]:
    """Everything a reader of the lake can see: per view its row count and a digest of every row (the
    quarantine without its timestamp), the files the manifest lists, and every Parquet file actually present
    outside staging (so an orphan file would show)."""
    lake = Lake(home)
    manifest = lake.manifest()
    con = lake.connect()
    views: dict[str, Any] = {}
    for name in [f.name for f in FEEDS] + ["quarantine"]:
        rows = f"(SELECT * EXCLUDE (quarantined_at) FROM {name})" if name == "quarantine" else name
        views[name] = con.execute(
            f"SELECT count(*), md5(coalesce(string_agg(h, ',' ORDER BY h), '')) "
            f"FROM (SELECT md5(CAST(to_json(t) AS VARCHAR)) AS h FROM {rows} t)").fetchone()
    con.close()
    root = home / "lake"
    present = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.parquet")
                     if "_staging" not in p.parts) if root.exists() else []
    return {
        "views": views,
        "data": {k: sorted(v) for k, v in manifest.data.items()},
        "quarantine": sorted(manifest.quarantine),
        "present": present,
        "next_load": manifest.next_load,
    }


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "UPSTANDER_CRASH_AT"}
    env.update(UPSTANDER_HOME=str(home), **extra)
    return env


def run_cli(directory: Path, home: Path, *, json_output: bool = True, timeout: float = 120,
            **extra_env: str) -> subprocess.CompletedProcess[str]:
    """`upstander load DIR --json` in a real process."""
    args = [sys.executable, "-m", "upstander.cli", "load", str(directory)] + (["--json"] if json_output else [])
    return subprocess.run(args, capture_output=True, text=True, env=cli_env(home, **extra_env), timeout=timeout)


def start_cli(directory: Path, home: Path, log: Path, **extra_env: str) -> subprocess.Popen[bytes]:
    """Start `upstander load DIR --json` without waiting; its standard error goes to `log`."""
    args = [sys.executable, "-m", "upstander.cli", "load", str(directory), "--json"]
    with open(log, "wb") as err:
        return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err, env=cli_env(home, **extra_env))
