"""Benchmark retention on a simulated force: the dry run and the apply of the lake, and pruning the access log.

    python bench/bench_retention.py [--staff 300] [--days 60] [--entries 50000] [--work DIR]

Simulates `--staff` for `--days` from 6 January 2025 and loads it into a scratch home; then times, with the
monitoring period set so that the first half of the days is due, the dry run (reading every due file's row count
from its Parquet footer) and the apply (one manifest commit, the files deleted). Then it writes `--entries`
access-log entries a minute apart into the home's SQLite web database (chained under the home's key, in bulk,
as `record` would chain them), and times pruning the older half and verifying the rest. One JSON line out.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=300)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="upstander-bench-retention-"))
    home = work / "home"
    os.environ["UPSTANDER_HOME"] = str(home)
    os.environ.setdefault("UPSTANDER_SECRET_KEY", "bench-only-signing-key")

    from upstander.feeds.loading import load_delivery
    from upstander.retention import lake_events
    from upstander.retention.policy import INCIDENT_LINKS, MONITORING, Policy
    from upstander.simulate.engine import simulate

    start = date(2025, 1, 6)
    simulate(args.staff, args.days, 11, work / "delivery", start=start)
    load_delivery(work / "delivery", home=home)
    now = datetime.combine(start + timedelta(days=args.days // 2 + 30), datetime.min.time(), UTC)
    policy = Policy({MONITORING: 30, INCIDENT_LINKS: 3650}, now)
    files = len(list((home / "lake").rglob("*.parquet")))
    began = time.perf_counter()
    dry = lake_events.run(home, policy, apply=False)
    dry_s = time.perf_counter() - began
    began = time.perf_counter()
    done = lake_events.run(home, policy, apply=True)
    apply_s = time.perf_counter() - began
    out = {"staff": args.staff, "days": args.days, "lake_files": files, "rows_due": dry[0].due,
           "lake_dry_run_s": round(dry_s, 3), "lake_apply_s": round(apply_s, 3), "rows_deleted": done[0].deleted}
    out |= access_log(args.entries, now)
    print(json.dumps(out))


def access_log(n: int, now: datetime) -> dict[str, object]:
    os.environ["DJANGO_SETTINGS_MODULE"] = "upstander.web.settings"
    from upstander.web import runtime
    from upstander.web.sealing import init_keys

    init_keys()
    runtime.setup()
    runtime.migrate()
    from upstander.retention import access_log as pruning
    from upstander.retention.policy import ACCESS_LOG, Policy
    from upstander.retention.run import Actor
    from upstander.web import access_integrity
    from upstander.web.models import AccessLog
    from upstander.web.models.access_log import GENESIS, chain_key

    key, prev = chain_key(), GENESIS
    first = now - timedelta(minutes=n)
    batch = []
    for seq in range(1, n + 1):
        entry = AccessLog(seq=seq, at=first + timedelta(minutes=seq), username="analyst.bench", staff_id="S000001",
                          action="view", object_type="person", object_id=f"S{seq % 900:06d}", detail="", prev_hash=prev)
        entry.hash = prev = entry.compute_hash(key)
        batch.append(entry)
    AccessLog.objects.bulk_create(batch, batch_size=5000)
    access_integrity.advance(access_integrity.Head.of(AccessLog.objects.order_by("-seq").first()))
    began = time.perf_counter()
    result = pruning.run(Path("."), Policy({ACCESS_LOG: 1}, first + timedelta(minutes=n // 2) + timedelta(days=1)),
                         apply=True, actor=Actor("retention (bench)"))
    prune_s = time.perf_counter() - began
    began = time.perf_counter()
    verdict = access_integrity.verify_log()
    verify_s = time.perf_counter() - began
    return {"log_entries": n, "log_pruned": result.deleted, "log_prune_s": round(prune_s, 3),
            "log_verify_after_s": round(verify_s, 3), "log_intact": verdict.intact}


if __name__ == "__main__":
    main()
