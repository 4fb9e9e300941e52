"""The alert store: the detectors' findings, and one alert per detector key (or episode) built from them.

It lives in its own DuckDB file under UPSTANDER_HOME, apart from the lake, so detection never writes to data
the loader owns. The web application reads alerts from here. Readers use `reading()`; every change goes through
`writing()`, which writes a copy and swaps it in (see store_files.py), so readers and writers never block each
other and a failed run leaves the store as it was. How findings become alerts is findings.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from upstander.detect import tombstones
from upstander.detect.store_files import read_only, say_on_stderr, swapped_in

SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    alert_id VARCHAR PRIMARY KEY,
    detector_id VARCHAR NOT NULL,
    red_flags INTEGER[] NOT NULL,
    category VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    subject_staff_id VARCHAR NOT NULL,
    person_ids VARCHAR[],
    window_start TIMESTAMPTZ,
    window_end TIMESTAMPTZ,
    alerted_at TIMESTAMPTZ NOT NULL,
    score DOUBLE NOT NULL,
    weight DOUBLE NOT NULL,
    evidence VARCHAR[] NOT NULL,
    summary VARCHAR,
    first_seen TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS detection_state (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS findings (
    detector_id VARCHAR NOT NULL, day DATE NOT NULL, group_key VARCHAR NOT NULL, subject_staff_id VARCHAR NOT NULL,
    person_ids VARCHAR[], window_start TIMESTAMPTZ, window_end TIMESTAMPTZ, alerted_at TIMESTAMPTZ NOT NULL,
    score DOUBLE NOT NULL, evidence VARCHAR[] NOT NULL, summary VARCHAR
);
CREATE TABLE IF NOT EXISTS lookup_stats (staff_id VARCHAR PRIMARY KEY, lookups BIGINT, explained BIGINT);
CREATE TABLE IF NOT EXISTS lookup_stats_daily (
    day DATE NOT NULL, staff_id VARCHAR NOT NULL, lookups BIGINT, explained BIGINT, PRIMARY KEY (day, staff_id)
);
"""
# Totals kept before statistics were kept per day: carried in one bucket older than any data, so an incremental
# run after the upgrade replaces only its own days.
LEGACY_DAY = "0001-01-01"


class AlertStore:
    def __init__(self, home: Path) -> None:
        self.path = Path(home) / "alerts.duckdb"
        self._writer: duckdb.DuckDBPyConnection | None = None  # the open writing() block's connection, if any

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection to the store as it is now, closed at the end. It never waits for a writer and
        never makes one wait; a run that finishes meanwhile is seen by the next reading()."""
        with read_only(self.path, SCHEMA) as con:
            yield con

    @contextmanager
    def writing(self, *, wait: bool = True, on_wait: Callable[[str], None] | None = say_on_stderr
                ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to a copy of the store that replaces it when the block ends, or is discarded
        if the block raises. Takes the store's lock: a second writer (another `upstander detect`, a watchlist
        change) waits, told through `on_wait`; with wait=False it raises StoreBusy instead. The methods below
        called inside the block write to the same copy; called outside one, each makes its own."""
        if self._writer is not None:  # nested: part of the same change
            yield self._writer
            return
        with swapped_in(self.path, wait=wait, on_wait=on_wait) as con:
            con.execute(SCHEMA)
            con.execute(tombstones.SCHEMA)
            con.execute(f"""INSERT INTO lookup_stats_daily SELECT DATE '{LEGACY_DAY}', staff_id, lookups, explained
                            FROM lookup_stats WHERE NOT EXISTS (SELECT 1 FROM lookup_stats_daily)""")  # nosec B608  # table names and a constant date from this module; values are registered tables
            self._writer = con
            try:
                yield con
            finally:
                self._writer = None

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Inside writing(), its connection; otherwise a read-only one (reading())."""
        if self._writer is not None:
            yield self._writer
        else:
            with self.reading() as con:
                yield con

    def finish_run(self, stats: pa.Table, since: date | None, last_day: date, last_load: int | None = None) -> None:
        """Record a run's look-up statistics (day, staff_id, lookups, explained for the days from `since`, or for
        all days when None) and its state (the last day of data and the last lake load it has seen) in one
        transaction. The days of the window replace what an earlier
        or interrupted run wrote for them, so a re-run never counts a look-up twice; `lookup_stats` holds the
        per-person totals over every day."""
        with self.writing() as con:
            con.register("stats", stats)
            con.execute("BEGIN TRANSACTION")
            try:
                self.record_run(con, stats, since, last_day, last_load)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def record_run(self, con: duckdb.DuckDBPyConnection, stats: pa.Table, since: date | None, last_day: date,
                   last_load: int | None) -> None:
        """finish_run's writes, on a connection whose transaction the caller holds (the engine commits a run's
        findings, alerts, statistics and state together)."""
        con.register("stats", stats)
        if since is None:
            con.execute("DELETE FROM lookup_stats_daily")
        else:
            con.execute("DELETE FROM lookup_stats_daily WHERE day >= ?", [since])
        con.execute("INSERT INTO lookup_stats_daily SELECT day, staff_id, lookups, explained FROM stats")
        con.execute("DELETE FROM lookup_stats")
        con.execute("""INSERT INTO lookup_stats SELECT staff_id, sum(lookups), sum(explained)
                       FROM lookup_stats_daily GROUP BY staff_id""")
        self._set_watermark(con, last_day)
        if last_load is not None:
            con.execute("INSERT OR REPLACE INTO detection_state VALUES ('last_load', ?)", [str(last_load)])

    def count(self) -> int:
        with self.connect() as con:
            return con.execute("SELECT count(*) FROM alerts").fetchall()[0][0]

    def state(self) -> dict[str, str]:
        """What detection has seen: `last_day` of data and `last_load` of the lake, when a run recorded them."""
        with self.connect() as con:
            return dict(con.execute("SELECT key, value FROM detection_state").fetchall())

    def last_processed_day(self) -> date | None:
        with self.connect() as con:
            rows = con.execute("SELECT value FROM detection_state WHERE key = 'last_day'").fetchall()
        row = rows[0] if rows else None
        return date.fromisoformat(row[0]) if row else None

    def mark_processed(self, day: date) -> None:
        with self.writing() as con:
            self._set_watermark(con, day)

    @staticmethod
    def _set_watermark(con: duckdb.DuckDBPyConnection, day: date) -> None:
        con.execute("INSERT OR REPLACE INTO detection_state VALUES ('last_day', ?)", [day.isoformat()])
