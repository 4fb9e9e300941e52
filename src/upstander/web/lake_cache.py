"""One lake connection per process for the web application, refreshed when the lake's manifest changes.

Opening a lake connection builds a view over every delivered file of every feed (about 0.1 s for a year of a
6,000-strong force); a page needs a few rows. Each request takes its own cursor on the shared in-memory
database, so waitress's threads never share a cursor.
"""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb

from upstander.lake import Lake
from upstander.lake.manifest import MANIFEST

_lock = threading.Lock()
_cache: dict[str, tuple[tuple[int, int], duckdb.DuckDBPyConnection]] = {}


def lake_cursor(home: Path) -> duckdb.DuckDBPyConnection:
    lake = Lake(home)
    try:
        stat = (lake.root / MANIFEST).stat()
        version = (stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        version = (0, 0)
    with _lock:
        entry = _cache.get(str(home))
        if entry is None or entry[0] != version:
            if entry is not None:
                entry[1].close()
            entry = (version, lake.connect())
            _cache[str(home)] = entry
        cursor = entry[1].cursor()
    cursor.execute("SET TimeZone = 'UTC'")  # a session setting: each cursor needs its own
    return cursor
