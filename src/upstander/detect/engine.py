"""Runs the detector files on DuckDB over the lake and stores their findings as alerts.

Incremental by default: each detector reports only findings whose alert time falls on or after the first
day delivered since the last run, and reads back its declared look-back so patterns spanning the boundary
are still seen. Alerts are keyed by detector and the detector's declared key, so running again on the same
data updates alerts in place and never duplicates them.
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
from upstander.detect.catalogue import Detector, bind, context_lookbacks, load_context, load_detectors
from upstander.detect.lexicon import lexicon_table
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
    context_seconds: dict[str, float] = field(default_factory=dict)  # building each shared view

    def to_json(self) -> dict[str, object]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "full": self.full,
            "detectors": {r.id: {"findings": r.findings, "new": r.new, "seconds": round(r.seconds, 2)}
                          for r in self.runs},
            "findings": sum(r.findings for r in self.runs),
            "new_alerts": sum(r.new for r in self.runs),
            "alerts_total": self.alerts_total,
            "explained_lookups": None if self.explained_lookups is None else round(self.explained_lookups, 5),
            "context_seconds": {k: round(v, 2) for k, v in self.context_seconds.items()},
            "seconds": round(self.seconds, 2),
        }


def prepare(con: duckdb.DuckDBPyConnection, first: date, last: date, since: date | None = None,
            detectors: list[Detector] | None = None) -> dict[str, float]:
    """Reference tables and the shared context views the detectors read; seconds per view.

    With `since` (an incremental run) each view reads from `since` less the longest look-back of the
    detectors that read it; with None, everything."""
    con.execute("SET TimeZone = 'UTC'")
    con.register("_calendar", calendar_table(first - timedelta(days=400), last + timedelta(days=2)))
    con.execute("CREATE OR REPLACE TABLE uk_calendar AS SELECT * FROM _calendar")
    con.register("_lexicon", lexicon_table())
    con.execute("CREATE OR REPLACE TABLE lexicon AS SELECT * FROM _lexicon")
    context = load_context()
    lookbacks = context_lookbacks(context, detectors if detectors is not None else load_detectors())
    seconds = {}
    for name, sql in context:
        t0 = time.perf_counter()
        start = None if since is None else since - timedelta(days=lookbacks[name])
        # Materialised once per run: several detectors read each of them.
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {bind(sql, {}, start, name)}")
        seconds[name] = time.perf_counter() - t0
    return seconds


def data_span(con: duckdb.DuckDBPyConnection) -> tuple[date, date] | None:
    [(first, last)] = con.execute("SELECT min(occurred_at)::DATE, max(occurred_at)::DATE FROM audit").fetchall()
    return None if first is None else (first, last)


def run_detection(home: Path | None = None, *, full: bool = False, detectors: list[Detector] | None = None,
                  on_detector: Callable[[str], None] | None = None, backend: Backend | None = None) -> DetectionSummary:
    """Detect over the lake of `home` on `backend` (DuckDB in process when None) and store the alerts."""
    from upstander.detect.backends import DuckDBBackend  # it builds on this module's prepare and data_span

    began = time.perf_counter()
    lake = Lake(home)
    store = AlertStore(lake.home)
    detectors = detectors if detectors is not None else load_detectors()
    backend = backend if backend is not None else DuckDBBackend()
    backend.open_lake(lake)
    span = backend.data_span()
    summary = DetectionSummary(since=None, full=full)
    if span is None:
        return summary
    first, last = span
    since = None if full else store.last_processed_day()
    summary.since = since
    summary.context_seconds = backend.prepare(first, last, since, detectors)
    summary.explained_lookups = backend.explained_share()
    # Per day, and only the run's own days (the look-back before `since` was counted by earlier runs): written
    # with the watermark at the end, so an interrupted run leaves no half-counted statistics.
    stats = backend.lookup_stats(since)
    report_from = since or date(1900, 1, 1)
    for det in detectors:
        t0 = time.perf_counter()
        table = backend.findings(det, report_from - timedelta(days=det.lookback_days), report_from)
        new = store.upsert(det, table)
        summary.runs.append(DetectorRun(det.id, table.num_rows, new, time.perf_counter() - t0))
        if on_detector:
            on_detector(det.id)
    store.finish_run(stats, since, last)
    summary.alerts_total = store.count()
    summary.seconds = time.perf_counter() - began
    return summary


def run_one(con: duckdb.DuckDBPyConnection, det: Detector, since: date | None) -> pa.Table:
    """One detector's findings from `since` on (everything when None)."""
    report_from = since or date(1900, 1, 1)
    sql = det.bound_sql(since=report_from - timedelta(days=det.lookback_days))
    return con.sql(
        f"SELECT * FROM ({sql}) AS findings WHERE alerted_at >= '{report_from.isoformat()}'::TIMESTAMPTZ"  # nosec B608  # detector SQL from the packaged catalogue and a date Upstander computed, never a request
    ).to_arrow_table()
