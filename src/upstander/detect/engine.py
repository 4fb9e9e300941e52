"""Runs the detector files on DuckDB over the lake and stores their findings, from which the alerts are built.

Incremental by default: the first dirty day D is the earliest day touched by data loaded since the last run
(dirty.py; a late or backdated delivery re-opens the days it belongs to). Each detector is re-run on data from
D less its look-ahead and look-back, its stored findings of the days from D less its look-ahead are replaced,
and its alerts are rebuilt from all its findings (findings.py). A finding depends only on the days around its
own, so this ends with exactly what `--full` (D = the first day of data) stores, however the data arrived.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from upstander.detect.alerts import AlertStore
from upstander.detect.calendar import calendar_table
from upstander.detect.catalogue import Detector, bind, context_lookbacks, load_context, load_detectors, runnable
from upstander.detect.dirty import FullRunNeeded, first_dirty_day, last_load
from upstander.detect.dirty import data_span as lake_span
from upstander.detect.findings import DetectorResult, commit_run
from upstander.detect.kept import KeptUnreadable, KeptViews, derive_again
from upstander.detect.lexicon import lexicon_table
from upstander.detect.queries import findings_sql
from upstander.detect.store_files import say_on_stderr
from upstander.lake import Lake

if TYPE_CHECKING:
    from upstander.detect.backends import Backend


@dataclass
class DetectorRun:
    id: str
    findings: int
    new: int
    seconds: float


@dataclass
class DetectionSummary:
    since: date | None
    full: bool
    runs: list[DetectorRun] = field(default_factory=list)
    alerts_total: int = 0
    explained_lookups: float | None = None  # share of look-ups in the window that the data explains
    seconds: float = 0.0
    reason: str = ""  # why the run was full, or that there was nothing new
    context_seconds: dict[str, float] = field(default_factory=dict)  # building each shared view
    skipped: dict[str, str] = field(default_factory=dict)  # detector id -> why it did not run

    def to_json(self) -> dict[str, object]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "full": self.full,
            "reason": self.reason,
            "detectors": {r.id: {"findings": r.findings, "new": r.new, "seconds": round(r.seconds, 2)}
                          for r in self.runs},
            "skipped": dict(self.skipped),
            "findings": sum(r.findings for r in self.runs),
            "new_alerts": sum(r.new for r in self.runs),
            "alerts_total": self.alerts_total,
            "explained_lookups": None if self.explained_lookups is None else round(self.explained_lookups, 5),
            "context_seconds": {k: round(v, 2) for k, v in self.context_seconds.items()},
            "seconds": round(self.seconds, 2),
        }


def prepare(con: duckdb.DuckDBPyConnection, first: date, last: date, since: date | None = None,
            detectors: list[Detector] | None = None, kept: KeptViews | None = None) -> dict[str, float]:
    """Reference tables and the shared context views the detectors read; seconds per view.

    With `since` (an incremental run) each view reads from `since` less the longest look-back of the
    detectors that read it; with None, everything. `kept`, when given, makes the stays and the views kept per
    day from the store's derived tables instead (kept.py): the views they read then need only their margin."""
    con.execute("SET TimeZone = 'UTC'")
    con.register("_calendar", calendar_table(first - timedelta(days=400), last + timedelta(days=2)))
    con.execute("CREATE OR REPLACE TABLE uk_calendar AS SELECT * FROM _calendar")
    con.register("_lexicon", lexicon_table())
    con.execute("CREATE OR REPLACE TABLE lexicon AS SELECT * FROM _lexicon")
    context = load_context()
    detectors = detectors if detectors is not None else load_detectors()
    # Deriving the kept views in full (a changed rule) reads all the data; the detectors' windows still apply.
    read_since = None if kept is not None and kept.in_full else since
    lookbacks = context_lookbacks(context, detectors, kept.margins() if kept is not None else None)
    seconds = {}
    for name, sql in context:
        t0 = time.perf_counter()
        if kept is not None and kept.builds(name):
            seconds.update(kept.build(name, sql, None if since is None else since - timedelta(days=lookbacks[name])))
            continue
        start = None if read_since is None else read_since - timedelta(days=lookbacks[name])
        # Materialised once per run: several detectors read each of them.
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {bind(sql, {}, start, name)}")
        seconds[name] = time.perf_counter() - t0
    return seconds


def data_span(con: duckdb.DuckDBPyConnection) -> tuple[date, date] | None:
    """The span of the audit feed alone, for the look-up tools (contact review, evaluation) that read only it."""
    [(first, last)] = con.execute("SELECT min(occurred_at)::DATE, max(occurred_at)::DATE FROM audit").fetchall()
    return None if first is None else (first, last)


def run_detection(home: Path | None = None, *, full: bool = False, detectors: list[Detector] | None = None,
                  on_detector: Callable[[str], None] | None = None,
                  on_wait: Callable[[str], None] | None = say_on_stderr,
                  backend: Backend | None = None) -> DetectionSummary:
    """Detect over the lake of `home` on `backend` (DuckDB in process when None) and store the alerts. The whole
    run writes one copy of the alert store, swapped in at the end (AlertStore.writing): readers go on reading the
    previous store meanwhile, a run that fails leaves it untouched, and a second run waits for this one (told
    through `on_wait`) and then starts from this one's watermark."""
    from upstander.detect.backends import DuckDBBackend  # it builds on this module's prepare and data_span

    began = time.perf_counter()
    lake = Lake(home)
    store = AlertStore(lake.home)
    catalogue = detectors is None
    detectors = detectors if detectors is not None else load_detectors()
    backend = backend if backend is not None else DuckDBBackend()
    with store.writing(on_wait=on_wait) as store_con:
        try:
            summary = _detect(lake, store, full, detectors, on_detector, catalogue, backend)
        except KeptUnreadable as exc:  # nothing committed yet: the same run, deriving the kept views in full
            derive_again(store_con)
            summary = _detect(lake, store, full, detectors, on_detector, catalogue, backend)
            summary.reason = "; ".join(filter(None, (summary.reason, f"{exc}: the kept views were derived again")))
    summary.seconds = time.perf_counter() - began
    return summary


def _detect(lake: Lake, store: AlertStore, full: bool, detectors: list[Detector],
            on_detector: Callable[[str], None] | None, catalogue: bool, backend: Backend) -> DetectionSummary:
    manifest = lake.manifest()
    con = lake.connect()  # the dirty day is the driver's to find, whichever engine runs the SQL
    backend.open_lake(lake)
    summary = DetectionSummary(since=None, full=full)
    detectors, summary.skipped = runnable(detectors, manifest.delivered_feeds())
    span = lake_span(con, manifest)
    if span is None or not detectors:
        return summary
    state = store.state()
    since: date | None = None
    if full:
        summary.reason = "asked for"
    elif "last_load" not in state:
        summary.full, summary.reason = True, "no earlier run over this lake"
    else:
        try:
            since = first_dirty_day(con, manifest, int(state["last_load"]),
                                    date.fromisoformat(state["last_day"]) if "last_day" in state else None)
        except FullRunNeeded as exc:
            summary.full, summary.reason = True, str(exc)
        else:
            if since is None:
                summary.reason = "nothing loaded since the last run"
                summary.alerts_total = store.count()
                return summary
            since = max(since, span.first)
    summary.since = since
    with store.connect() as store_con:  # the run's copy of the store: derived stays commit with the findings
        summary.context_seconds = backend.prepare(span.first, span.last, since, detectors, store_con)
    summary.explained_lookups = backend.explained_share()
    # Per day, and only the run's own days (the look-back before them was counted by earlier runs): from the dirty
    # day less the longest look-ahead, since a look-up's explanation may come from a record made a day after it.
    # Written with the state at the end, so an interrupted run leaves no half-counted statistics.
    stats_from = None if since is None else since - timedelta(days=max((d.lookahead_days for d in detectors),
                                                                        default=0))
    stats = backend.lookup_stats(stats_from)
    results = []
    for det in detectors:
        t0 = time.perf_counter()
        report_from = (since or date(1900, 1, 1)) - timedelta(days=det.lookahead_days)
        table = backend.findings(det, report_from - timedelta(days=det.lookback_days), report_from,
                                 (span.first, span.last))
        results.append(DetectorResult(det, table, None if since is None else report_from))
        summary.runs.append(DetectorRun(det.id, table.num_rows, 0, time.perf_counter() - t0))
        if on_detector:
            on_detector(det.id)
    new = commit_run(store, results, stats, stats_from, span.last, last_load(manifest),
                     forget_others=since is None and catalogue)
    for run in summary.runs:
        run.new = new[run.id]
    summary.alerts_total = store.count()
    return summary


def run_one(con: duckdb.DuckDBPyConnection, det: Detector, since: date | None,
            span: tuple[date, date] | None = None) -> pa.Table:
    """One detector's findings dated from `since` less its look-ahead on (everything when None), reading data
    from its look-back before that. `span` is the lake's first and last day of data (from `audit` if None)."""
    report_from = (since or date(1900, 1, 1)) - timedelta(days=det.lookahead_days)
    sql = findings_sql(det, report_from - timedelta(days=det.lookback_days), report_from, span or data_span(con))
    return con.sql(sql).to_arrow_table()
