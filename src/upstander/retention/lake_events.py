"""Lake events past their period: whole day files taken out of the manifest, then deleted.

Event feeds are stored one file per UTC day of their event time (`<feed>/day=YYYY-MM-DD/load-N.parquet`), so a
day is due once all of it lies before the cutoff: an event on the cutoff's own day is kept until the next run.
Entity feeds (staff, teams, incidents, people, duties, custody, complaints, watches) have no event time and are
not events; they are kept (see docs/retention.md). Quarantined rows go with the load that refused them, under the
monitoring period.

Deletion goes through the lake's commit protocol, holding its lock (a load waits): the new manifest, which no
longer lists the files and names them in `pending_deletes`, is the commit point; the files are deleted after it,
and a run killed in between is finished by the lake's recovery. Readers only ever see files the manifest lists.
Before that, the rows detection keeps per day (stays, kept views under UPSTANDER_HOME/derived/) of the monitoring
days due are forgotten in the alert store, waiting for a detect run that holds it (upstander.detect.forget).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pyarrow.parquet as pq

from upstander.detect.forget import forget_before
from upstander.feeds.contract import FEEDS
from upstander.lake import Lake
from upstander.lake.manifest import Manifest, read_manifest, write_manifest
from upstander.retention.policy import INCIDENT_LINKS, MONITORING, Policy
from upstander.retention.summary import KindResult

# Every event feed and the period it is kept for (a test checks that every event feed of the contract is here).
PERIOD_OF_FEED = {"audit": MONITORING, "communications": MONITORING, "positions": MONITORING, "radio": MONITORING,
                  "incident_staff": INCIDENT_LINKS, "incident_people": INCIDENT_LINKS}
QUARANTINE = "quarantine"
_DAY = re.compile(r"/day=(\d{4}-\d{2}-\d{2})/")
_LOAD = re.compile(r"/load=(\d+)/")


@dataclass(frozen=True)
class DueFile:
    feed: str
    path: str  # relative to the lake root, as the manifest lists it
    day: date
    rows: int


def event_feeds() -> list[str]:
    return [f.name for f in FEEDS if f.kind == "event" and f.partition_by]


def due_files(lake: Lake, manifest: Manifest, policy: Policy) -> list[DueFile]:
    out = []
    for feed, setting in PERIOD_OF_FEED.items():
        before = policy.cutoff(setting).date()
        for rel in manifest.data.get(feed, []):
            m = _DAY.search("/" + rel)
            if m and (day := date.fromisoformat(m.group(1))) < before:
                out.append(DueFile(feed, rel, day, _rows(lake.root / rel)))
    loaded_at = {int(r["load_id"]): datetime.fromisoformat(str(r["committed_at"])) for r in manifest.loads}
    cutoff = policy.cutoff(MONITORING)
    for rel in manifest.quarantine:
        m = _LOAD.search("/" + rel)
        at = loaded_at.get(int(m.group(1))) if m else None
        if at is not None and at < cutoff:
            out.append(DueFile(QUARANTINE, rel, at.date(), _rows(lake.root / rel)))
    return out


def _rows(path: Path) -> int:
    try:
        return int(pq.read_metadata(path).num_rows)
    except FileNotFoundError:
        return 0  # listed but gone: a damaged lake, which the next read reports; nothing to count here


# The kinds shown, one per period: which due files each counts.
def _kept_for(setting: str) -> Callable[[str], bool]:
    return lambda feed: PERIOD_OF_FEED.get(feed) == setting


_GROUPS = (("monitoring events in the lake", MONITORING, _kept_for(MONITORING)),
           ("incident links in the lake", INCIDENT_LINKS, _kept_for(INCIDENT_LINKS)),
           ("quarantined rows in the lake", MONITORING, lambda feed: feed == QUARANTINE))


def run(home: Path, policy: Policy, apply: bool, on_wait: Callable[[str], None] | None = None) -> list[KindResult]:
    """The lake's kinds of record due (and, with apply, deleted in one commit)."""
    lake = Lake(home)
    results = [KindResult(kind, setting, policy.days[setting], policy.cutoff(setting), "rows")
               for kind, setting, _ in _GROUPS]
    if not (lake.root / "_manifest.json").exists():
        return results
    if not apply:
        _describe(results, due_files(lake, lake.manifest(), policy))
        return results
    if any(PERIOD_OF_FEED.get(d.feed) == MONITORING for d in due_files(lake, lake.manifest(), policy)):
        # First, what detection kept from those days: deleting the days then leaves nothing made from them.
        forget_before(home, policy.cutoff(MONITORING).date(), on_wait)
    with lake.lock(on_wait=on_wait):
        lake.recover()
        manifest = read_manifest(lake.root)
        due = due_files(lake, manifest, policy)
        _describe(results, due)
        if due:
            gone = {d.path for d in due}
            manifest.data = {feed: [p for p in paths if p not in gone] for feed, paths in manifest.data.items()}
            manifest.quarantine = [p for p in manifest.quarantine if p not in gone]
            manifest.pending_deletes = sorted(gone)
            write_manifest(lake.root, manifest)  # the commit point: from here readers no longer see the files
            lake.finish_deletes(manifest)
            for result in results:
                result.deleted = result.due
    return results


def _describe(results: list[KindResult], due: list[DueFile]) -> None:
    for result, (_, _, member) in zip(results, _GROUPS, strict=True):
        mine = [d for d in due if member(d.feed)]
        result.due = sum(d.rows for d in mine)
        result.oldest = (datetime.combine(min(d.day for d in mine), datetime.min.time(), result.cutoff.tzinfo)
                         if mine else None)
        parts = []
        for feed in sorted({d.feed for d in mine}):
            files = [d for d in mine if d.feed == feed]
            first, last = min(d.day for d in files), max(d.day for d in files)
            parts.append(f"{feed}: {sum(d.rows for d in files):,} rows in {len(files):,} files, "
                         f"days {first.isoformat()} to {last.isoformat()}")
        result.deleted_what = "; ".join(parts)
