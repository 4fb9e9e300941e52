"""Benchmark the simulator: wall time, peak memory and rows per feed, with a Parquet-rewrite baseline.

Each run is a separate `upstander simulate` process, so its peak resident memory is measured alone. The
baseline, measured in the same run, re-reads the delivery's Parquet parts and writes them again with
pyarrow: the cost of only moving those rows to disk, which the generator can never beat.

    python bench/bench_simulate.py --staff 6000 --days 365 --runs 3
    python bench/bench_simulate.py --staff 6000 --days 45 --scales 1,2,4   # growth with staff x days
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq


def simulate_once(staff: int, days: int, seed: int, out: Path) -> tuple[float, float, dict]:
    """Wall seconds, peak RSS in MiB of the child, and its JSON summary."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "upstander.cli", "simulate", "--staff", str(staff), "--days", str(days),
         "--seed", str(seed), "--out", str(out), "--json"],
        check=True, capture_output=True, text=True,
    )
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest child so far; runs grow in size, so this is this run's peak.
    return wall, max(peak, before) / 1024, json.loads(proc.stdout)


def rewrite_baseline(out: Path) -> float:
    scratch = out.parent / (out.name + "-rewrite")
    start = time.perf_counter()
    for path in out.rglob("*.parquet"):
        target = scratch / path.relative_to(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pq.read_table(path), target, compression="zstd")
    seconds = time.perf_counter() - start
    shutil.rmtree(scratch)
    return seconds


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GiB, Python " \
           f"{platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--staff", type=int, default=6000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scales", default="1", help="multiples of --days to time, e.g. 1,2,4")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-sim-") as tmp:
        for scale in [int(s) for s in args.scales.split(",")]:
            days = args.days * scale
            walls, peaks, baselines = [], [], []
            summary: dict = {}
            for run in range(args.runs):
                out = Path(tmp) / f"s{scale}-r{run}"
                wall, peak, summary = simulate_once(args.staff, days, args.seed, out)
                baselines.append(rewrite_baseline(out))
                walls.append(wall)
                peaks.append(peak)
                shutil.rmtree(out)
            rows = sum(summary["rows"].values())
            result = {
                "staff": args.staff, "days": days, "runs": args.runs, "median_s": round(statistics.median(walls), 1),
                "all_s": [round(w, 1) for w in walls], "peak_rss_mib": round(max(peaks)),
                "rows": rows, "rows_per_s": round(rows / statistics.median(walls)),
                "baseline_rewrite_s": round(statistics.median(baselines), 1),
                "ratio_to_baseline": round(statistics.median(walls) / statistics.median(baselines), 1),
                "rows_per_feed": summary["rows"],
            }
            results.append(result)
            print(json.dumps(result))
    if len(results) > 1:
        base = results[0]
        for r in results[1:]:
            growth = (r["median_s"] / base["median_s"]) / (r["days"] / base["days"])
            print(f"x{r['days'] // base['days']} data: time x{r['median_s'] / base['median_s']:.2f} "
                  f"(1.00 is linear; measured {growth:.2f} per unit of data)")


if __name__ == "__main__":
    main()
