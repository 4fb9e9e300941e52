"""The alert store: the detectors' findings, and one alert per detector key (or episode) built from them.

It lives in its own DuckDB file under UPSTANDER_HOME, apart from the lake, so detection never writes to data
the loader owns. The web application reads alerts from here. How findings become alerts is findings.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

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


_OPEN = threading.Lock()  # held only while a connection is opened or closed


class AlertStore:
    def __init__(self, home: Path) -> None:
        self.path = Path(home) / "alerts.duckdb"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as con:
            con.execute(SCHEMA)
            con.execute(f"""INSERT INTO lookup_stats_daily SELECT DATE '{LEGACY_DAY}', staff_id, lookups, explained
                            FROM lookup_stats WHERE NOT EXISTS (SELECT 1 FROM lookup_stats_daily)""")  # nosec B608  # table names and a constant date from this module; values are registered tables

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one piece of work, closed at the end. Within a process, opening and closing take
        turns: DuckDB refuses to attach a file that another thread is attaching or detaching ("Unique file handle
        conflict"), which the web server's concurrent person views hit. The work itself runs concurrently, and the
        file is not held open between uses, so `upstander detect` in another process can write to it."""
        with _OPEN:
            con = duckdb.connect(str(self.path))
        try:
            con.execute("SET TimeZone = 'UTC'")
            yield con
        finally:
            with _OPEN:
                con.close()

    def finish_run(self, stats: pa.Table, since: date | None, last_day: date, last_load: int | None = None) -> None:
        """Record a run's look-up statistics (day, staff_id, lookups, explained for the days from `since`, or for
        all days when None) and its state (the last day of data and the last lake load it has seen) in one
        transaction. The days of the window replace what an earlier
        or interrupted run wrote for them, so a re-run never counts a look-up twice; `lookup_stats` holds the
        per-person totals over every day."""
        with self.connect() as con:
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
        with self.connect() as con:
            self._set_watermark(con, day)

    @staticmethod
    def _set_watermark(con: duckdb.DuckDBPyConnection, day: date) -> None:
        con.execute("INSERT OR REPLACE INTO detection_state VALUES ('last_day', ?)", [day.isoformat()])
