"""The first day an incremental run must recompute: the earliest day touched by data loaded since the last run.

The lake's manifest lists every committed file with the load that wrote it, and the file's path says the load
(`load-NNNNNN`, `load=NNNNNN`). For the loads after the last one detection has seen:

* an event feed's file lies under `day=YYYY-MM-DD`, the UTC day of its event time: that day is dirty;
* an entity feed with an effective time (duties from starts_at, incidents from opened_at, custody from booked_in,
  complaints from received) is dirty from the earliest effective time of the keys it changed, old version or
  new (an incident closed later changes the purpose of contact from the day it opened);
* reference data with no date (staff, teams, people, watches) is read as it stands now by every detector, so a
  change to it (the loader stores only rows that are new or changed) makes the run a full one;
* when the data now runs past the last day the previous run saw, that day is dirty too: findings dated at the end
  of the data (amplifiers "as of the latest data") move with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import duckdb

from upstander.feeds.contract import FEEDS_BY_NAME
from upstander.lake.duck import quote_ident
from upstander.lake.manifest import Manifest

EFFECTIVE = {"duties": "starts_at", "incidents": "opened_at", "custody": "booked_in", "complaints": "received"}
UNDATED = ("staff", "teams", "people", "watches")
_LOAD = re.compile(r"load[-=](\d+)")
_DAY = re.compile(r"/day=(\d{4}-\d{2}-\d{2})/")


class FullRunNeeded(Exception):
    """Reference data changed: every day must be recomputed. The message says which feed."""


@dataclass(frozen=True)
class Span:
    first: date
    last: date


def load_of(path: str) -> int:
    match = _LOAD.search(path)
    if match is None:
        raise ValueError(f"lake file {path} names no load")
    return int(match.group(1))


def event_span(manifest: Manifest) -> Span | None:
    """First and last day with event data of any feed, from the manifest's paths (no file is read)."""
    days = [date.fromisoformat(m.group(1)) for paths in manifest.data.values() for p in paths
            if (m := _DAY.search("/" + p))]
    return Span(min(days), max(days)) if days else None


def data_span(con: duckdb.DuckDBPyConnection, manifest: Manifest) -> Span | None:
    """First and last day with data of any dated feed: every event feed's days (from the manifest's paths) and
    the effective times of the dated entity feeds (a complaint's `received`, a duty's start, ...), so that a force
    delivering staff and complaints alone has a span. `con` holds the lake's views."""
    days = []
    if (events := event_span(manifest)) is not None:
        days += [events.first, events.last]
    for feed_name, column in EFFECTIVE.items():
        if manifest.data.get(feed_name):
            col = quote_ident(column)
            days += [d for d in con.execute(
                f"SELECT min({col})::DATE, max({col})::DATE FROM {quote_ident(feed_name)}").fetchone() or ()  # nosec B608  # feed and column names from the data contract
                if d is not None]
    return Span(min(days), max(days)) if days else None


def last_load(manifest: Manifest) -> int:
    return max((int(r["load_id"]) for r in manifest.loads), default=0)


def first_dirty_day(con: duckdb.DuckDBPyConnection, manifest: Manifest, seen_load: int,
                    seen_last_day: date | None) -> date | None:
    """The first day to recompute, or None when nothing was loaded since load `seen_load`. Raises FullRunNeeded
    when reference data changed. `con` holds the lake's views (`<feed>_history` for entity feeds)."""
    dirty: list[date] = []
    for feed_name, paths in manifest.data.items():
        new = [p for p in paths if load_of(p) > seen_load]
        if not new:
            continue
        feed = FEEDS_BY_NAME[feed_name]
        if feed.kind == "event":
            dirty += [date.fromisoformat(m.group(1)) for p in new if (m := _DAY.search("/" + p))]
        elif feed_name in EFFECTIVE:
            dirty += _entity_dirty(con, feed_name, seen_load)
        else:
            raise FullRunNeeded(f"{feed_name} changed in a load after {seen_load}")
    if not dirty:
        return None
    span = data_span(con, manifest)
    if seen_last_day is not None and span is not None and span.last > seen_last_day:
        dirty.append(seen_last_day)
    return min(dirty)


def _entity_dirty(con: duckdb.DuckDBPyConnection, feed_name: str, seen_load: int) -> list[date]:
    feed = FEEDS_BY_NAME[feed_name]
    history = quote_ident(feed_name + "_history")
    col = quote_ident(EFFECTIVE[feed_name])
    [key] = [quote_ident(k) for k in feed.key]  # each dated entity feed has a one-column key
    [(earliest,)] = con.execute(
        f"""SELECT min(CAST({col} AS DATE)) FROM {history}
            WHERE {key} IN (SELECT {key} FROM {history} WHERE _load > ?)""",  # nosec B608  # feed and column names from the data contract
        [seen_load]).fetchall()
    return [] if earliest is None else [earliest]
