"""Detection while people work (issue 11): N `upstander detect --full` runs while C signed-in clients browse.

    python bench/bench_detect_while_browsing.py --home H [--runs 12] [--clients 16] [--pages 24]

H is an UPSTANDER_HOME with a loaded lake and detection run. The script works in a scratch home (the lake linked,
the alert store copied, its own SQLite web database with the web tests' people), starts `upstander serve
--no-sync` on loopback, and runs the detections two at a time (the second of each pair waits for the first)
while each client sends --pages requests (person views of people on the risk matrix and the alert queue),
spread over the runs: a client's k-th request waits until run 1 + k * runs // pages has started. It also times
copying the alert store (what every write costs now: the copy it swaps in). Output: one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from portal_http import Browser
from served_world import free_port, prepare, start_server, stop_server
from storeworld import copy_home, start_detect


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def copy_seconds(store: Path, times: int = 3) -> float:
    """Median seconds to copy the store and fsync the copy, as a write does before it starts."""
    spent = []
    for _ in range(times):
        target = store.with_name("bench-copy.duckdb")
        t0 = time.perf_counter()
        shutil.copyfile(store, target)
        with open(target, "rb") as fh:
            os.fsync(fh.fileno())
        spent.append(time.perf_counter() - t0)
        target.unlink()
    return statistics.median(spent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--pages", type=int, default=24, help="requests per client")
    opts = parser.parse_args()
    work = copy_home(opts.home.resolve(), Path(tempfile.mkdtemp(prefix="upstander-bench-dwb-")) / "home")
    world = prepare(work)
    paths = [*sorted(world["person_totals"])[:8], world["queue"]]
    store = work / "alerts.duckdb"
    figures: dict[str, object] = {"store_mb": round(store.stat().st_size / 2**20, 1),
                                  "copy_seconds": round(copy_seconds(store), 3), "cpus": os.cpu_count(),
                                  "load_1m_before": round(os.getloadavg()[0], 2)}
    started = threading.Condition()
    runs_started = [0]
    exits: list[int] = []
    run_seconds: list[float] = []
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    wrong_totals = [0]
    lock = threading.Lock()

    def detect_runs() -> None:
        try:
            for n in range(0, opts.runs, 2):
                t0 = time.perf_counter()
                pair = [start_detect(work, work / f"detect{n + i}.log") for i in range(min(2, opts.runs - n))]
                with started:
                    runs_started[0] += len(pair)
                    started.notify_all()
                exits.extend(p.wait(timeout=1800) for p in pair)
                run_seconds.append((time.perf_counter() - t0) / len(pair))
        finally:
            with started:
                runs_started[0] = opts.runs
                started.notify_all()

    def browse(port: int, client: int) -> None:
        browser = Browser(port)
        browser.cookies["sessionid"] = world["session"]
        for k in range(opts.pages):
            with started:
                started.wait_for(lambda k=k: runs_started[0] >= 1 + k * opts.runs // opts.pages)
            path = paths[(client + k) % len(paths)]
            t0 = time.perf_counter()
            status, body = browser.request("GET", path)
            elapsed = (time.perf_counter() - t0) * 1000
            total = world["person_totals"].get(path)
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
                if total is not None and f"Total {total} points" not in body.decode("utf-8", "replace"):
                    wrong_totals[0] += 1
        browser.close()

    port = free_port()
    server = start_server(work, port, work / "server.log")
    began = time.perf_counter()
    try:
        threads = [threading.Thread(target=browse, args=(port, c)) for c in range(opts.clients)]
        runner = threading.Thread(target=detect_runs)
        for t in threads:
            t.start()
        runner.start()
        for t in [*threads, runner]:
            t.join()
    finally:
        stop_server(server)
    figures |= {
        "runs": len(exits), "runs_exit_0": exits.count(0), "seconds": round(time.perf_counter() - began, 1),
        "run_seconds_median": round(statistics.median(run_seconds), 1), "requests": len(latencies),
        "statuses": statuses, "http_500": statuses.get(500, 0), "wrong_totals": wrong_totals[0],
        "p50_ms": round(statistics.median(latencies), 1), "p95_ms": round(percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies), 1), "load_1m_after": round(os.getloadavg()[0], 2),
        "server_tracebacks": (work / "server.log").read_text().count("Traceback"),
    }
    print(json.dumps(figures), flush=True)
    shutil.rmtree(work.parent, ignore_errors=True)
    if exits.count(0) != len(exits) or statuses.get(500) or wrong_totals[0]:
        sys.exit("bench_detect_while_browsing: a run failed, a page answered 500 or showed another total")


if __name__ == "__main__":
    main()
