"""Benchmark the web application's busiest pages at a realistic volume.

    python bench/bench_web.py --home H [--alerts 100000] [--intelligence 20000] [--requests 60]

H is an UPSTANDER_HOME with a loaded lake and detection run (a simulated 6,000-staff year). The script works in
a scratch home (the lake symlinked, the alert store copied, a fresh SQLite database), syncs the staff directory
and the real alerts, then adds synthetic alerts (copies of the real ones under new keys, spread over a year) up
to --alerts and --intelligence graded intelligence records. It times, in process with Django's test client (the
server-side time to render a page: routing, access checks, queries, template), N requests each of:
the triage queue (default filters), the queue filtered by red flag and by team, an alert's evidence page, and
the person view of the most-alerted members of staff; and, as a baseline measured the same way in the same
run, the sign-in page (a template and no data). Output: one JSON line per page, then a summary.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def scratch_home(home: Path) -> Path:
    """A scratch UPSTANDER_HOME over H: the lake symlinked, the alert store copied, no web database yet."""
    work = Path(tempfile.mkdtemp(prefix="upstander-bench-web-"))
    (work / "lake").symlink_to(home.resolve() / "lake", target_is_directory=True)
    shutil.copy(home / "alerts.duckdb", work / "alerts.duckdb")
    return work


def build(work: Path, opts: argparse.Namespace) -> dict[str, object]:
    """Set Django up over `work` (and UPSTANDER_DATABASE_URL if set), sync, and pad to opts.alerts alerts and
    opts.intelligence records. Returns what the pages need: the real alerts, (staff id, team id) pairs, the lead."""
    os.environ["UPSTANDER_HOME"] = str(work)
    os.environ.setdefault("UPSTANDER_SECRET_KEY", "benchmark-only-key")
    from upstander.web import runtime
    from upstander.web.sealing import init_keys

    init_keys()  # a fresh scratch home: keys are made only on purpose, never on first use
    runtime.setup()
    runtime.migrate()
    from upstander.web.intelligence.models import IntelligenceRecord, link_subjects
    from upstander.web.models import StaffMember, User
    from upstander.web.roles import Role
    from upstander.web.sync import sync_all
    from upstander.web.triage.models import Alert

    began = time.perf_counter()
    synced = sync_all(work)
    rng = random.Random(7)
    real = list(Alert.objects.all())
    staff_ids = list(StaffMember.objects.values_list("staff_id", "team_id"))
    extra = []
    for i in range(max(0, opts.alerts - len(real))):
        a = rng.choice(real)
        subject, team = rng.choice(staff_ids)
        extra.append(Alert(alert_id=f"bench-{i:07d}", detector_id=a.detector_id, red_flags=a.red_flags,
                           category=a.category, subject_staff_id=subject, subject_team_id=team,
                           person_ids=a.person_ids, window_start=a.window_start, window_end=a.window_end,
                           alerted_at=a.alerted_at - timedelta(days=rng.randint(0, 365)),
                           score=round(rng.uniform(1, 60), 2), evidence=a.evidence, summary=a.summary))
    Alert.objects.bulk_create(extra, batch_size=5000)
    lead = User(username="bench-lead", role=Role.ACU_LEAD, staff_id="")
    lead.set_password("bench-lead-password-42")
    lead.save()
    records = [IntelligenceRecord(reference=f"INT-B-{i:06d}", created_by=lead, category="sexual_misconduct",
                                  theme="sexual_misconduct", source_grade=rng.choice("123"),
                                  assessment=rng.choice("ABCDE"), handling=rng.choice("PC"),
                                  text="Synthetic intelligence for the benchmark.",
                                  staff_ids=[rng.choice(staff_ids)[0]]) for i in range(opts.intelligence)]
    link_subjects(IntelligenceRecord.objects.bulk_create(records, batch_size=5000))
    return {"real": real, "staff_ids": staff_ids, "synced": synced, "lead": lead,
            "setup_seconds": round(time.perf_counter() - began, 1)}


def pages(built: dict[str, object], requests: int) -> dict[str, Callable[[int], str]]:
    """The pages timed: name -> the path of the i-th request."""
    from django.urls import reverse

    from upstander.web.triage.models import Alert

    real, staff_ids = built["real"], built["staff_ids"]
    top_alert = Alert.objects.filter(alert_id__in=[a.alert_id for a in real]).order_by("-score").first()
    busiest = [s for s, in Alert.objects.values_list("subject_staff_id").order_by("-score")[:requests]]
    flag = top_alert.red_flags[0] if top_alert else 1
    return {
        "baseline_sign_in_page": lambda i: reverse("login"),  # a template and no data: the floor for a page
        "queue": lambda i: reverse("queue"),
        "queue_red_flag": lambda i: reverse("queue") + f"?red_flag={flag}&status=all",
        "queue_team": lambda i: reverse("queue") + f"?team={staff_ids[i % len(staff_ids)][1]}",
        "alert_evidence": lambda i: reverse("alert", args=[top_alert.pk]),
        "person_view": lambda i: reverse("person", args=[busiest[i % len(busiest)]]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--alerts", type=int, default=100_000)
    parser.add_argument("--intelligence", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=60)
    opts = parser.parse_args()

    work = scratch_home(opts.home)
    built = build(work, opts)
    from django.test import Client

    from upstander.web.intelligence.models import IntelligenceRecord
    from upstander.web.triage.models import Alert
    from upstander.web.views.auth import SECOND_FACTOR_OK

    client = Client()
    assert client.login(username="bench-lead", password="bench-lead-password-42")
    session = client.session
    session[SECOND_FACTOR_OK] = True
    session.save()
    summary: dict[str, object] = {"alerts": Alert.objects.count(), "intelligence": IntelligenceRecord.objects.count(),
                                  "staff": built["synced"].staff, "setup_seconds": built["setup_seconds"],
                                  "database": "sqlite", "requests_per_page": opts.requests}
    anonymous = Client()
    for name, url in pages(built, opts.requests).items():
        who = anonymous if name.startswith("baseline") else client
        who.get(url(0))  # warm
        times = []
        for i in range(opts.requests):
            t0 = time.perf_counter()
            response = who.get(url(i))
            times.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                sys.exit(f"{name}: {url(i)} answered {response.status_code}")
        line = {"page": name, "p50_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 0.95), 1),
                "max_ms": round(max(times), 1)}
        print(json.dumps(line), flush=True)
        summary[name] = line
    print(json.dumps(summary), flush=True)
    shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
