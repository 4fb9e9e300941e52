"""Benchmark `upstander load` against the floor: a plain DuckDB copy of the same input.

    python bench/bench_load.py DIR [--runs 3] [--work DIR] [--csv]

Each run loads DIR into a fresh UPSTANDER_HOME in a child process (as a user would run it), sampling the
child's process tree for peak RSS. The baseline, measured in the same run and the same way, is DuckDB doing
`COPY (SELECT * FROM read_parquet(...)) TO ... (FORMAT parquet, COMPRESSION zstd)` of every delivered Parquet
file (and read_csv of every CSV file), with the same memory limit and threads: reading and writing the data
once, with no validation. The ratio says what validation, quarantine and the lake layout cost on top.

With --csv every Parquet file of DIR is first rewritten as CSV (lists joined with ';'), so the CSV reader is what
is measured: the simulator writes Parquet.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

BASELINE = """
import sys, duckdb
from pathlib import Path
src, out, memory, threads = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
con = duckdb.connect()
con.execute(f"SET memory_limit = '{memory}'; SET threads = {threads}; SET temp_directory = '{out / 'tmp'}'")
con.execute("SET preserve_insertion_order = false; SET enable_progress_bar = false")
from upstander.feeds.delivery import discover
groups = {}
for f in discover(src).files:  # exactly the files the loader reads
    groups.setdefault((f.feed, f.format), []).append(str(f.path))
rows = 0
for (feed, suffix), files in groups.items():  # suffix: csv or parquet
    reader = "read_parquet" if suffix == "parquet" else "read_csv"
    extra = ", hive_partitioning = false" if suffix == "parquet" else ", all_varchar = true"
    target = out / f"{feed}_{suffix}.parquet"
    (n,) = con.execute(f"COPY (SELECT * FROM {reader}({files!r}{extra})) TO '{target}' "
                       "(FORMAT parquet, COMPRESSION zstd)").fetchone()
    rows += n
print(rows)
"""


def as_csv(src: Path, out: Path) -> Path:
    """A copy of the delivery `src` with every Parquet feed file written as CSV text, the way a force would."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    for path in sorted(src.rglob("*")):
        if path.is_dir() or path.name.startswith("."):
            continue
        target = out / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix != ".parquet":
            shutil.copyfile(path, target)
            continue
        table = pq.read_table(path)
        for i, column in enumerate(table.schema):
            if pa.types.is_list(column.type):
                joined = pc.binary_join(table.column(i), ";")
                table = table.set_column(i, column.name, joined)
        pacsv.write_csv(table, target.with_suffix(".csv"))
    return out


def measure(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS of the process tree (bytes) and standard output of one child process."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out_file:
        proc = subprocess.Popen(args, stdout=out_file, stderr=subprocess.DEVNULL, env=env)
        parent = psutil.Process(proc.pid)
        peak = 0
        while proc.poll() is None:
            try:
                procs = [parent, *parent.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in procs))
            except psutil.Error:
                pass
            time.sleep(0.05)
        seconds = time.monotonic() - started
        out_file.seek(0)
        output = out_file.read().decode()
    if proc.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(args)} failed with exit {proc.returncode}")
    return seconds, peak, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("delivery", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None, help="Scratch directory (default: a temporary one).")
    parser.add_argument("--csv", action="store_true", help="Measure the CSV reader: load a CSV copy of DIR.")
    opts = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="upstander-bench-", dir=opts.work))
    if opts.csv:
        opts.delivery = as_csv(opts.delivery, work / "csv-delivery")
    memory = os.environ.get("UPSTANDER_MEMORY_LIMIT", "4GB")
    threads = os.environ.get("UPSTANDER_THREADS", str(os.cpu_count() or 1))
    loads, baselines = [], []
    rows = 0
    try:
        for run in range(opts.runs):
            home = work / f"home-{run}"
            env = {**os.environ, "UPSTANDER_HOME": str(home)}
            seconds, peak, output = measure([sys.executable, "-m", "upstander.cli", "load", str(opts.delivery),
                                             "--json"], env)
            summary = json.loads(output)
            rows = sum(summary["loaded"].values()) + sum(summary["unchanged"].values()) + summary["quarantined"]
            loads.append((seconds, peak))
            print(f"load run {run + 1}: {seconds:.1f} s, {rows:,} rows, {rows / seconds:,.0f} rows/s, "
                  f"peak RSS {peak / 2**20:,.0f} MiB, quarantined {summary['quarantined']:,}", flush=True)
            shutil.rmtree(home)
            out = work / f"baseline-{run}"
            out.mkdir()
            seconds, peak, output = measure([sys.executable, "-c", BASELINE, str(opts.delivery), str(out), memory,
                                             threads], dict(os.environ))
            baselines.append((seconds, peak))
            print(f"baseline run {run + 1}: {seconds:.1f} s ({int(output):,} rows copied), "
                  f"peak RSS {peak / 2**20:,.0f} MiB", flush=True)
            shutil.rmtree(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_s = statistics.median(s for s, _ in loads)
    base_s = statistics.median(s for s, _ in baselines)
    print(json.dumps({
        "delivery": str(opts.delivery), "runs": opts.runs, "rows": rows,
        "load_seconds_median": round(load_s, 2), "rows_per_second": round(rows / load_s),
        "load_peak_rss_mib": round(max(p for _, p in loads) / 2**20),
        "baseline_seconds_median": round(base_s, 2),
        "baseline_peak_rss_mib": round(max(p for _, p in baselines) / 2**20),
        "ratio_to_baseline": round(load_s / base_s, 2),
        "memory_limit": memory, "threads": threads,
    }, indent=1))


if __name__ == "__main__":
    main()
