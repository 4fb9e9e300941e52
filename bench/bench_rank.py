"""Benchmark fitting and evaluating the learned ranking on a synthetic force's complaints history.

    python bench/bench_rank.py [--staff 20000] [--years 10] [--runs 3] [--seed 7] [--replicates 1000]

The history is generated once (simulate/history.py: 20,000 officers x 10 years by default) and held as an
in-memory lake; each run opens a fresh DuckDB connection on it and times, in this process:
  baseline  building the monthly snapshots alone (every cut-off's features: the floor any learned or
            counted ranking pays, measured in the same run)
  fit       `rank fit`'s work: snapshots, choice of regularisation, fit (ranking.fit, stored in a scratch home)
  evaluate  `rank evaluate`'s work: snapshots, a fit per yearly test cut-off and label, every baseline, the
            bootstrap (ranking.evaluate)
Peak RSS is the process's own (ru_maxrss), so it is the largest of all runs. One JSON line per run, then a
summary line with the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from upstander.rank import ranking
from upstander.rank.labels import delay_months
from upstander.rank.snapshots import build, categories, load, training_cutoffs
from upstander.simulate.history import complaint_history


def lake(history: object) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET threads = {os.cpu_count() or 1}")
    con.register("staff", history.staff)  # type: ignore[attr-defined]
    con.register("complaints", history.complaints)  # type: ignore[attr-defined]
    return con


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--staff", type=int, default=20_000)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--replicates", type=int, default=1000)
    args = ap.parse_args()
    began = time.perf_counter()
    history = complaint_history(args.staff, args.years, args.seed)
    generated = time.perf_counter() - began
    runs = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as scratch:
            home = Path(scratch)
            t = time.perf_counter()
            con = lake(history)
            span, _ = load(con, None, delay_months())
            snaps = build(con, training_cutoffs(span), 180, categories(con, span.as_of))
            baseline = time.perf_counter() - t
            t = time.perf_counter()
            fitted = ranking.fit(home, lake(history))
            fit = time.perf_counter() - t
            t = time.perf_counter()
            result = ranking.evaluate(home, lake(history), replicates=args.replicates)
            evaluate = time.perf_counter() - t
        row = {"run": run + 1, "baseline_snapshots_s": round(baseline, 2), "fit_s": round(fit, 2),
               "evaluate_s": round(evaluate, 2), "fit_and_evaluate_s": round(fit + evaluate, 2),
               "snapshots": len(snaps), "fitted": fitted.stored is not None,
               "test_cutoffs": len(result.get("test_cutoffs", [])),
               "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
        runs.append(row)
        print(json.dumps(row), flush=True)
    summary = {"staff": args.staff, "years": args.years, "complaints": history.complaints.num_rows,
               "generate_s": round(generated, 2), "runs": args.runs, "replicates": args.replicates,
               "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
               **{f"median_{k}": statistics.median(r[k] for r in runs)
                  for k in ("baseline_snapshots_s", "fit_s", "evaluate_s", "fit_and_evaluate_s")},
               "peak_rss_mb": max(r["peak_rss_mb"] for r in runs), "python": sys.version.split()[0]}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
