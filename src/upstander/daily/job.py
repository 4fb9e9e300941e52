"""The daily job's steps, in the order a day needs them: load the delivery, detect what is new, bring the
results into the web application, run the watchlist audits that are due, apply retention, and check the
reporting and case obligations.

Every step is idempotent (a file already loaded is skipped by its checksum, detection only looks at days that
changed, the sync updates in place, an audit already run is not due, retention deletes only what is due), so
running the job twice, or after a crash, gives the same state as running it once. A step that fails stops the
steps after it: results are never brought into the application from a detection that did not finish.
"""

from __future__ import annotations

import getpass
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from upstander.daily.job_lock import daily_lock

# Exit statuses, as `upstander load` uses them, plus 4 for an obligation in breach when asked to fail on it.
OK, FAILED, UNUSABLE, FILE_REFUSED, OBLIGATION_BREACHED = 0, 1, 2, 3, 4


@dataclass
class Step:
    name: str
    ok: bool
    seconds: float
    said: str  # one line, in words, for the summary
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class DailySummary:
    directory: str
    home: str
    steps: list[Step] = field(default_factory=list)
    exit_code: int = OK
    breaches: dict[str, int] = field(default_factory=dict)
    planned: int = 0  # steps the job would run

    def to_json(self) -> dict[str, Any]:
        return {"directory": self.directory, "home": self.home, "exit_code": self.exit_code, "planned": self.planned,
                "breaches": self.breaches,
                "steps": [{"name": s.name, "ok": s.ok, "seconds": round(s.seconds, 2), "said": s.said,
                           "detail": s.detail} for s in self.steps]}


class StepFailed(Exception):
    def __init__(self, message: str, exit_code: int = FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def run_daily(directory: Path, home: Path, *, fail_on_breach: bool = False,
              on_step: Callable[[Step], None] | None = None, on_wait: Callable[[str], None] | None = None,
              progress: Any = None) -> DailySummary:
    summary = DailySummary(str(directory), str(home))
    steps: list[tuple[str, Callable[[], tuple[str, dict[str, Any]]]]] = [
        ("keys", _check_keys),
        ("load", lambda: _load(directory, home, progress, on_wait, summary)),
        ("detect", lambda: _detect(home)),
        ("web", lambda: _bring_into_web(home)),
        ("watchlist", lambda: _watchlist_audits(home)),
        ("retention", lambda: _retention(home)),
        ("obligations", lambda: _obligations(summary)),
    ]
    summary.planned = len(steps)
    with daily_lock(home, on_wait):
        for name, action in steps:
            began = time.perf_counter()
            try:
                said, detail = action()
                step = Step(name, True, time.perf_counter() - began, said, detail)
            except StepFailed as exc:
                step = Step(name, False, time.perf_counter() - began, str(exc))
                summary.exit_code = exc.exit_code
            summary.steps.append(step)
            if on_step:
                on_step(step)
            if not step.ok:
                break
        if summary.exit_code == OK and summary.breaches and fail_on_breach:
            summary.exit_code = OBLIGATION_BREACHED
        _log_run(summary)
    return summary


def _check_keys() -> tuple[str, dict[str, Any]]:
    from upstander.web.sealing import KeyUnavailable, require_keys

    try:
        require_keys()
    except KeyUnavailable as exc:
        raise StepFailed(f"{exc}", UNUSABLE) from None
    return "the key directory holds every key", {}


def _load(directory: Path, home: Path, progress: Any, on_wait: Any,
          summary: DailySummary) -> tuple[str, dict[str, Any]]:
    from upstander.feeds.delivery import DeliveryError
    from upstander.feeds.loading import load_delivery
    from upstander.lake import LakeError

    try:
        loaded = load_delivery(directory, home=home, progress=progress, on_wait=on_wait)
    except DeliveryError as exc:
        raise StepFailed(str(exc), UNUSABLE) from None
    except LakeError as exc:
        raise StepFailed(f"lake error: {exc}", FAILED) from None
    except ValueError as exc:  # an invalid setting, named by settings.get
        raise StepFailed(str(exc), UNUSABLE) from None
    rows = sum(loaded.loaded.values())
    said = (f"load {loaded.load_id}: {rows:,} rows, {loaded.quarantined:,} quarantined" if loaded.load_id
            else "nothing new in the delivery")
    if loaded.rejected_files:
        said += "; refused: " + "; ".join(f"{n.file} ({n.reason})" for n in loaded.rejected_files)
        summary.exit_code = FILE_REFUSED  # the rest committed; the job goes on with what loaded
    return said, loaded.to_json()


def _detect(home: Path) -> tuple[str, dict[str, Any]]:
    from upstander.detect.engine import run_detection

    try:
        result = run_detection(home)
    except Exception as exc:  # detection must never take the job down with a traceback; say what failed
        raise StepFailed(f"detection failed: {type(exc).__name__}: {exc}") from exc
    new = sum(r.new for r in result.runs)
    since = result.since.isoformat() if result.since else "the beginning"
    return (f"detection from {since}: {new:,} new alerts and amplifiers, {result.alerts_total:,} stored",
            result.to_json())


def _bring_into_web(home: Path) -> tuple[str, dict[str, Any]]:
    from upstander.web import runtime

    runtime.setup()
    runtime.migrate()
    from upstander.web.sync import sync_all

    synced = sync_all(home)
    return (f"web application: {synced.alerts_new:,} new alerts to triage of {synced.alerts_seen:,}, "
            f"{synced.staff:,} staff in the directory",
            {"staff": synced.staff, "alerts_seen": synced.alerts_seen, "alerts_new": synced.alerts_new})


def _watchlist_audits(home: Path) -> tuple[str, dict[str, Any]]:
    from upstander.risk import watchlist

    results = watchlist.run_audits(home)
    unexplained = sum(r.unexplained for r in results)
    said = (f"watchlist: {len(results)} audits run, {unexplained} unexplained look-ups" if results
            else "watchlist: no audit due")
    return said, {"audits": len(results), "unexplained": unexplained,
                  "people": sorted(r.staff_id for r in results)}


def _retention(home: Path) -> tuple[str, dict[str, Any]]:
    from upstander import retention

    try:
        done = retention.apply(home, actor=retention.Actor(f"daily job ({getpass.getuser()})"))
    except ValueError as exc:  # a bad retention setting, named: nothing was deleted
        raise StepFailed(str(exc), UNUSABLE) from None
    if done.failed:
        raise StepFailed("retention: " + "; ".join(f"{k.kind}: {k.error}" for k in done.failed))
    deleted = [f"{k.deleted:,} {k.unit} of {k.kind}" for k in done.kinds if k.deleted]
    said = "retention: deleted " + ", ".join(deleted) if deleted else "retention: nothing due"
    return said, done.to_json()


def _obligations(summary: DailySummary) -> tuple[str, dict[str, Any]]:
    from upstander.web.products.obligations import BREACHES, count_obligations

    counts = count_obligations()
    summary.breaches = counts.overdue()
    if not summary.breaches:
        return "obligations: none overdue", counts.to_json()
    return ("obligations overdue: " + "; ".join(f"{n} {BREACHES[k]}" for k, n in summary.breaches.items()),
            counts.to_json())


def _log_run(summary: DailySummary) -> None:
    """One access-log entry per run, when the web database is reachable: who ran it, and what each step did."""
    if not any(s.name == "web" and s.ok for s in summary.steps):
        return
    from upstander.web.models.access_log import record

    job = SimpleNamespace(pk=None, username=f"daily job ({getpass.getuser()})", staff_id="")
    detail = "; ".join(f"{s.name}: {'ok' if s.ok else 'FAILED'}: {s.said}" for s in summary.steps)
    record(job, "daily run", "delivery", summary.directory, detail[:2000])
