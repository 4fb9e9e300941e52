"""Benchmark `upstander detect --full` against its floor: one DuckDB scan of the Parquet columns it reads.

    python bench/bench_detect.py --home H [--runs 3] [--work DIR] [--floor-columns used|all|both]

Each run starts `upstander detect --full --json` as a child process on a scratch UPSTANDER_HOME whose `lake`
is a symlink to H/lake, so every run starts with an empty alert store and H itself is never written to
(except the lake's lock file). Wall time is measured around the child; peak RSS is the child's own
ru_maxrss, read with os.wait4 (DuckDB runs in-process, so that is the whole detector's peak).

The floor, measured in the same run the same way (a child Python process using the same memory limit and
threads), is one pass over the same Parquet files the manifest lists: per feed
`SELECT count(*), sum(hash(col, ...)) FROM read_parquet([...])`. `used` (the default) hashes the contract
columns whose names appear in the context views and detectors of feeds those files read; `all` hashes every
contract column. Detection cannot do less than read those columns once, so `ratio_to_floor` says what the
joins, windows and aggregations cost on top.

Output: one JSON line per run, then one summary JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from upstander import settings
from upstander.detect.catalogue import context_dir, detectors_dir
from upstander.feeds.contract import FEEDS
from upstander.lake import Lake

FLOOR = """
import json, sys, time
from upstander.lake.duck import connect
began = time.perf_counter()
con = connect(temp_dir=__import__('pathlib').Path(sys.argv[2]))
rows = {}
for feed, (columns, files) in json.loads(open(sys.argv[1]).read()).items():
    cols = ", ".join('"' + c + '"' for c in columns)
    (n, _h) = con.execute(f"SELECT count(*), sum(hash({cols})) FROM read_parquet(?, hive_partitioning = false)",
                          [files]).fetchone()
    rows[feed] = n
print(json.dumps({"rows": rows, "seconds_in_process": round(time.perf_counter() - began, 3)}))
"""


def used_columns() -> dict[str, list[str]]:
    """Per feed read by the SQL, the contract columns whose names occur in the context views or detectors.

    A name used for one feed (say `staff_id`) counts for every feed that has it and is read: an
    over-estimate, which only makes the floor slower and the ratio kinder to detection."""
    text = "\n".join(p.read_text(encoding="utf-8") for d in (context_dir(), detectors_dir())
                     for p in sorted(d.glob("*.sql")))
    body = "\n".join(line.split("--", 1)[0] for line in text.splitlines())  # comments and headers out
    words = set(re.findall(r"[a-z_][a-z0-9_]*", body.lower()))
    return {f.name: [c.name for c in f.fields if c.name in words] for f in FEEDS if f.name in words}


def all_columns() -> dict[str, list[str]]:
    return {f.name: [c.name for c in f.fields] for f in FEEDS}


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall seconds, the child's peak RSS in bytes and its standard output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, errors = out.read().decode(), err.read().decode()
    if code != 0:
        raise SystemExit(f"{' '.join(args)} exited {code}: {errors[-2000:]}")
    return seconds, usage.ru_maxrss * 1024, text  # ru_maxrss is in KiB on Linux


def scratch_home(work: Path, lake_root: Path, name: str) -> Path:
    home = work / name
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    (home / "lake").symlink_to(lake_root.resolve(), target_is_directory=True)
    return home


def detect_once(work: Path, lake_root: Path, run: int) -> dict[str, object]:
    home = scratch_home(work, lake_root, f"detect-{run}")
    env = {**os.environ, "UPSTANDER_HOME": str(home)}
    seconds, peak, out = run_child([sys.executable, "-m", "upstander.cli", "detect", "--full", "--json"], env)
    summary = json.loads(out)
    shutil.rmtree(home, ignore_errors=True)
    return {"what": "detect", "run": run, "seconds": round(seconds, 2), "peak_rss_mib": round(peak / 2**20),
            "findings": summary["findings"], "engine_seconds": summary["seconds"],
            "detectors": {k: v["seconds"] for k, v in summary["detectors"].items()}}


def floor_once(work: Path, plan: Path, run: int, label: str) -> dict[str, object]:
    tmp = work / "floor-tmp"
    tmp.mkdir(exist_ok=True)
    seconds, peak, out = run_child([sys.executable, "-c", FLOOR, str(plan), str(tmp)], dict(os.environ))
    result = json.loads(out)
    return {"what": f"floor_{label}", "run": run, "seconds": round(seconds, 2), "peak_rss_mib": round(peak / 2**20),
            "seconds_in_process": result["seconds_in_process"], "rows": result["rows"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True, help="An UPSTANDER_HOME with a loaded lake.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="Scratch directory (default: a temporary one).")
    parser.add_argument("--floor-columns", choices=("used", "all", "both"), default="both")
    opts = parser.parse_args()
    lake = Lake(opts.home)
    manifest = lake.manifest()
    work = Path(tempfile.mkdtemp(prefix="upstander-bench-detect-", dir=opts.work))
    labels = ["used", "all"] if opts.floor_columns == "both" else [opts.floor_columns]
    plans: dict[str, Path] = {}
    for label in labels:
        columns = used_columns() if label == "used" else all_columns()
        plan = {feed: (cols, [str(lake.root / p) for p in manifest.data.get(feed, [])])
                for feed, cols in columns.items() if cols and manifest.data.get(feed)}
        plans[label] = work / f"floor-{label}.json"
        plans[label].write_text(json.dumps(plan))
        print(json.dumps({"floor_columns": label, "columns": {f: c for f, (c, _) in plan.items()}}), flush=True)
    results: list[dict[str, object]] = []
    try:
        for run in range(1, opts.runs + 1):
            results.append(detect_once(work, lake.root, run))
            print(json.dumps(results[-1]), flush=True)
            for label in labels:
                results.append(floor_once(work, plans[label], run, label))
                print(json.dumps(results[-1]), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def median(what: str) -> float:
        return statistics.median(float(r["seconds"]) for r in results if r["what"] == what)  # type: ignore[arg-type]

    detect_s = median("detect")
    summary: dict[str, object] = {
        "home": str(opts.home), "runs": opts.runs,
        "detect_seconds_median": round(detect_s, 2),
        "detect_seconds_all": [r["seconds"] for r in results if r["what"] == "detect"],
        "detect_peak_rss_mib_max": max(int(r["peak_rss_mib"]) for r in results if r["what"] == "detect"),  # type: ignore[call-overload]
        "memory_limit": os.environ.get("UPSTANDER_MEMORY_LIMIT")
        or f"{settings.get('UPSTANDER_MEMORY_LIMIT')} (default)",
        "threads": os.environ.get("UPSTANDER_THREADS", f"{os.cpu_count()} (default)"),
    }
    for label in labels:
        floor_s = median(f"floor_{label}")
        summary[f"floor_{label}_seconds_median"] = round(floor_s, 2)
        summary[f"floor_{label}_seconds_all"] = [r["seconds"] for r in results if r["what"] == f"floor_{label}"]
        summary[f"ratio_to_floor_{label}"] = round(detect_s / floor_s, 2)
    rows = next((r["rows"] for r in results if str(r["what"]).startswith("floor_all")), None) or next(
        r["rows"] for r in results if str(r["what"]).startswith("floor_"))
    summary["rows"] = rows
    summary["rows_total"] = sum(rows.values())  # type: ignore[union-attr]
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
