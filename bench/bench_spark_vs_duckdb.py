"""Benchmark `upstander detect --engine spark` (local mode) against DuckDB on the same lakes, at growing force sizes.

    python bench/bench_spark_vs_duckdb.py [--staff 500] [--days 28] [--scales 1,2,4] [--runs 3] [--seed 5]
                                          [--master 'local[2]'] [--work DIR]

For each scale k a force of k x STAFF staff over DAYS days is written by `upstander simulate` and loaded by
`upstander load` into a home of its own, once. Each run is then `upstander detect --full --json` in a child
process on a scratch home whose `lake` is a symlink to that lake (so every run starts with an empty alert store),
once with DuckDB and once with `--engine spark --master MASTER`, the two alternating so that both see the same
load on the machine. Wall time is measured around the child (for Spark it includes starting the JVM); peak
memory is the child's process tree (Python and, for Spark, its JVM), sampled. The DuckDB run is the baseline:
`ratio` is Spark's median over DuckDB's, measured in the same run.

Output: one JSON line per run, then one summary JSON line per scale, then the machine's load average.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench_detect import scratch_home
from bench_load import measure

PYTHON = [sys.executable, "-m", "upstander.cli"]


def build_lake(work: Path, staff: int, days: int, seed: int) -> tuple[Path, dict[str, int]]:
    """A loaded home for this force size; rows per feed as the simulator reports them."""
    delivery, home = work / f"delivery-{staff}", work / f"home-{staff}"
    env = {**os.environ, "UPSTANDER_HOME": str(home)}
    _, _, out = measure([*PYTHON, "simulate", "--staff", str(staff), "--days", str(days), "--seed", str(seed),
                         "--every-flag", "--out", str(delivery), "--json"], env)
    rows = json.loads(out)["rows"]
    measure([*PYTHON, "load", str(delivery), "--json"], env)
    shutil.rmtree(delivery)
    return home, rows


def detect_once(work: Path, lake_root: Path, engine: str, master: str, run: int) -> dict[str, object]:
    home = scratch_home(work, lake_root, f"{engine}-{run}")
    args = [*PYTHON, "detect", "--full", "--json"]
    if engine == "spark":
        args += ["--engine", "spark", "--master", master]
    seconds, peak, out = measure(args, {**os.environ, "UPSTANDER_HOME": str(home)})
    summary = json.loads(out)
    shutil.rmtree(home, ignore_errors=True)
    return {"engine": engine, "run": run, "seconds": round(seconds, 2), "peak_rss_mib": round(peak / 2**20),
            "engine_seconds": summary["seconds"], "findings": summary["findings"],
            "context_seconds": round(sum(summary["context_seconds"].values()), 2),
            "detector_seconds": round(sum(d["seconds"] for d in summary["detectors"].values()), 2)}


def _median(results: list[dict[str, object]], engine: str, key: str = "seconds") -> float:
    return statistics.median(float(r[key]) for r in results if r["engine"] == engine)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--staff", type=int, default=500, help="Staff of the 1x force.")
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--scales", default="1,2,4", help="Force sizes as multiples of --staff.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--work", type=Path, default=None, help="Scratch directory (default: a temporary one).")
    opts = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="upstander-bench-spark-", dir=opts.work))
    try:
        for scale in (int(s) for s in opts.scales.split(",")):
            staff = scale * opts.staff
            home, rows = build_lake(work, staff, opts.days, opts.seed)
            results: list[dict[str, object]] = []
            for run in range(1, opts.runs + 1):
                for engine in ("duckdb", "spark") if run % 2 else ("spark", "duckdb"):
                    results.append({"scale": scale, **detect_once(work, home / "lake", engine, opts.master, run)})
                    print(json.dumps(results[-1]), flush=True)
            findings = {r["findings"] for r in results}
            assert len(findings) == 1, f"the engines found different numbers of things: {findings}"
            print(json.dumps({
                "scale": scale, "staff": staff, "days": opts.days, "rows": sum(rows.values()), "runs": opts.runs,
                "duckdb_seconds_all": [r["seconds"] for r in results if r["engine"] == "duckdb"],
                "spark_seconds_all": [r["seconds"] for r in results if r["engine"] == "spark"],
                "duckdb_seconds_median": _median(results, "duckdb"), "spark_seconds_median": _median(results, "spark"),
                "ratio_spark_to_duckdb": round(_median(results, "spark") / _median(results, "duckdb"), 1),
                "spark_context_seconds_median": _median(results, "spark", "context_seconds"),
                "spark_detector_seconds_median": _median(results, "spark", "detector_seconds"),
                "duckdb_peak_rss_mib_max": max(int(r["peak_rss_mib"]) for r in results if r["engine"] == "duckdb"),  # type: ignore[call-overload]
                "spark_peak_rss_mib_max": max(int(r["peak_rss_mib"]) for r in results if r["engine"] == "spark"),  # type: ignore[call-overload]
                "findings": findings.pop(), "master": opts.master}), flush=True)
            shutil.rmtree(home, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"load_average": os.getloadavg(), "cpus": os.cpu_count()}), flush=True)


if __name__ == "__main__":
    main()
