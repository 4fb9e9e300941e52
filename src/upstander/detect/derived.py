"""Stay-points kept as a derived table in the alert store, updated per delivered day instead of recomputed.

Deriving stay-points (context/40_stays.sql) orders every stationary position fix of a device in time: it was
most of a daily run. The store now keeps them in `derived_stays`, written inside the run's copy of the store
(AlertStore.writing), so they are committed with the run's findings and a failed run leaves them as they were.

Why an incremental refresh gives what a full run derives. A fix starts a new stay when the previous still fix
of its device is more than 15 minutes earlier or about 100 m away; so whether a fix starts a stay depends only
on the fixes of the 15 minutes before it. For a run whose first dirty day is D (data before D unchanged):

* read the still fixes from M - 15 minutes, M = D less a margin: the marks of the fixes from M on are exact;
* per device, the first fix from M on that starts a stay (B) is a break no stay crosses, so the stays from B on
  are derived exactly, and the stored stays before B are made only of fixes before D and stay as they are;
* a device that never starts a stay between M and its first fix from D on has been still since before M (a
  stay across midnight, a vehicle parked for days): the margin doubles and the refresh is tried again, down to
  a full derivation.

`stay_no` is the stay's start in milliseconds since the epoch (unique per device), not a running number from
wherever a run began reading, so a stay has the same key however it was derived.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

import duckdb

from upstander.detect.catalogue import context_dir

DERIVED_TABLE = "derived_stays"
SCHEMA = f"""CREATE TABLE IF NOT EXISTS {DERIVED_TABLE} (
    source VARCHAR NOT NULL, device_id VARCHAR NOT NULL, stay_no BIGINT NOT NULL, started TIMESTAMPTZ NOT NULL,
    ended TIMESTAMPTZ NOT NULL, lat DOUBLE, lon DOUBLE, fixes BIGINT NOT NULL)"""
VERSION_KEY = "derived_stays_version"  # in detection_state: the derivation the stored stays were made with
MARGINS = (1, 4, 16, 64)  # days before the dirty day to start from, widened while a device was still throughout
_GAP = "INTERVAL 15 MINUTE"  # as in 40_stays.sql: fixes further apart than this are separate stays



def _still_and_marked() -> str:
    """The stationary fixes and the stay breaks, the `still` and `marked` steps of 40_stays.sql taken from that
    file, so the rule is written once; `{start}` stands for its `:since`."""
    sql = (context_dir() / "40_stays.sql").read_text(encoding="utf-8")
    body = sql[sql.index("WITH still AS (") + len("WITH "):sql.index(",\nnumbered AS (")]
    return "\n" + body.replace(":since", "{start}")


_STILL = _still_and_marked()

_STAYS = """
numbered AS (
    SELECT *, sum(new_stay) OVER (PARTITION BY source, device_id ORDER BY recorded_at
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run_no
    FROM from_break
)
SELECT source, device_id, epoch_ms(min(recorded_at)) AS stay_no, min(recorded_at) AS started,
       max(recorded_at) AS ended, avg(lat) AS lat, avg(lon) AS lon, count(*) AS fixes
FROM numbered
GROUP BY source, device_id, run_no
HAVING max(recorded_at) - min(recorded_at) >= INTERVAL 10 MINUTE"""


def derivation_version() -> str:
    """Changes whenever the stay rule does: stays stored under another version are derived again in full."""
    text = _STILL + _STAYS + (context_dir() / "40_stays.sql").read_text(encoding="utf-8")
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def full_stays_sql() -> str:
    """Every stay-point in the lake (a full derivation)."""
    start = "TIMESTAMPTZ '1900-01-01 00:00:00+00'"
    return (f"WITH {_STILL.format(start=start)},\nfrom_break AS (SELECT * FROM marked),{_STAYS}")  # nosec B608  # constant SQL of this module


def tail_stays_sql() -> str:
    """What a full derivation makes, once the fixes before `$floor` are gone, of the stays `_crossing` lists
    (source, device_id, ended: stays begun before `$floor` and ended after it): their fixes from `$floor` on are one
    stay, since the first of them starts one and the rest were not breaks before. `$last` bounds the read."""
    return (f"WITH {_STILL.format(start='$floor')},\n"  # nosec B608  # constant SQL of this module
            "from_break AS (SELECT s.*, 0 AS new_stay FROM still s JOIN _crossing c USING (source, device_id)\n"
            f"               WHERE s.recorded_at <= c.ended AND s.recorded_at <= $last),{_STAYS}")


def refresh_stays(lake: duckdb.DuckDBPyConnection, store: duckdb.DuckDBPyConnection, since: date | None,
                  read_from: date | None) -> tuple[dict[str, float], date | None]:
    """Bring `derived_stays` in the store up to date (in full when `since` is None or the stored stays were made
    another way) and make it the `stays` table of the lake connection, from `read_from` on (None: all), or from
    the first re-derived stay's day when that is earlier. Returns the seconds spent, keyed as the context views
    are, and that day (None when every stay was derived again), from which views kept from the stays refresh."""
    t0 = time.perf_counter()
    store.execute(SCHEMA)
    version = derivation_version()
    stored = store.execute("SELECT value FROM detection_state WHERE key = ?", [VERSION_KEY]).fetchall()
    changed_from: date | None = None  # None: every stay, already in the lake's `stays` table
    if since is None or not stored or stored[0][0] != version or _lake_lost_fixes(lake, store):
        _replace_all(lake, store)
    else:
        changed_from = _refresh_from(lake, store, since)
    store.execute("INSERT OR REPLACE INTO detection_state VALUES (?, ?)", [VERSION_KEY, version])
    refreshed = time.perf_counter() - t0
    t1 = time.perf_counter()
    if changed_from is not None:
        window = "" if read_from is None else "WHERE started >= ?"
        params = [] if read_from is None else [_midnight(min(read_from, changed_from))]
        table = store.sql(f"SELECT source, device_id, stay_no, started, ended, lat, lon, fixes "
                          f"FROM {DERIVED_TABLE} {window}", params=params).to_arrow_table()  # nosec B608  # this module's table name and a fixed clause
        lake.register("_derived_stays", table)
        lake.execute("CREATE OR REPLACE TEMP TABLE stays AS SELECT * FROM _derived_stays")
        lake.unregister("_derived_stays")
    return {"stays_refresh": refreshed, "stays": time.perf_counter() - t1}, changed_from


def _lake_lost_fixes(lake: duckdb.DuckDBPyConnection, store: duckdb.DuckDBPyConnection) -> bool:
    """Retention took days of position fixes out of the lake: a full derivation drops the stays made of them
    (and re-derives a stay the cut-off split, as a full run would)."""
    [(first_stay,)] = store.execute(f"SELECT min(started) FROM {DERIVED_TABLE}").fetchall()  # nosec B608  # this module's table name
    if first_stay is None:
        return False
    # Whether any fix as old as the first stay is left (Parquet statistics skip the later files unread).
    [(kept,)] = lake.execute("SELECT EXISTS (SELECT 1 FROM positions WHERE recorded_at <= ?)", [first_stay]).fetchall()
    return not kept


def _replace_all(lake: duckdb.DuckDBPyConnection, store: duckdb.DuckDBPyConnection) -> None:
    """Derive every stay into the lake's `stays` table (what a full run reads) and store a copy."""
    lake.execute(f"CREATE OR REPLACE TEMP TABLE stays AS {full_stays_sql()}")
    table = lake.sql("SELECT * FROM stays").to_arrow_table()
    store.register("_new_stays", table)
    store.execute(f"DELETE FROM {DERIVED_TABLE}")  # nosec B608  # this module's table name
    store.execute(f"INSERT INTO {DERIVED_TABLE} SELECT * FROM _new_stays")  # nosec B608  # this module's table name
    store.unregister("_new_stays")


def _refresh_from(lake: duckdb.DuckDBPyConnection, store: duckdb.DuckDBPyConnection, since: date) -> date | None:
    """The stays from the dirty day (less a margin) replaced; returns the day of the first stay replaced, or None
    when that took a full derivation."""
    dirty = _midnight(since)
    for margin in MARGINS:
        start = dirty - timedelta(days=margin)
        lake.execute(f"""CREATE OR REPLACE TEMP TABLE _stay_marks AS WITH {_STILL.format(start='$start')}
                         SELECT * FROM marked WHERE recorded_at >= $start + {_GAP}""",  # nosec B608  # constant SQL of this module
                     {"start": start - timedelta(minutes=15)})
        # Per device, the first fix from `start` on that begins a stay, and its first fix from the dirty day on.
        lake.execute("""CREATE OR REPLACE TEMP TABLE _stay_breaks AS
                        SELECT source, device_id, min(recorded_at) FILTER (WHERE new_stay = 1) AS break_at,
                               min(recorded_at) FILTER (WHERE recorded_at >= $dirty) AS first_dirty
                        FROM _stay_marks GROUP BY source, device_id""", {"dirty": dirty})
        [(still_throughout,)] = lake.execute(
            "SELECT count(*) FROM _stay_breaks WHERE first_dirty IS NOT NULL "
            "AND (break_at IS NULL OR break_at > first_dirty)").fetchall()
        if still_throughout == 0:
            break
    else:
        _replace_all(lake, store)
        return None
    table = lake.sql(f"""WITH from_break AS (
                             SELECT m.* FROM _stay_marks m
                             JOIN _stay_breaks b USING (source, device_id)
                             WHERE m.recorded_at >= b.break_at),{_STAYS}""").to_arrow_table()  # nosec B608  # constant SQL of this module
    # Stored stays from each device's break on are replaced; so is anything stored from the dirty day on (rows
    # of those days may have been delivered again).
    bounds = lake.sql("""SELECT source, device_id, least(coalesce(break_at, $dirty), $dirty) AS replace_from
                         FROM _stay_breaks""", params={"dirty": dirty}).to_arrow_table()
    [(first_replaced,)] = lake.execute("SELECT CAST(min(least(coalesce(break_at, $dirty), $dirty)) AS DATE) "
                                       "FROM _stay_breaks", {"dirty": dirty}).fetchall()
    store.register("_new_stays", table)
    store.register("_bounds", bounds)
    store.execute(f"""DELETE FROM {DERIVED_TABLE} s WHERE s.started >= $dirty OR EXISTS (
                          SELECT 1 FROM _bounds b WHERE b.source = s.source AND b.device_id = s.device_id
                          AND s.started >= b.replace_from)""", {"dirty": dirty})  # nosec B608  # this module's table name
    store.execute(f"INSERT INTO {DERIVED_TABLE} SELECT * FROM _new_stays")  # nosec B608  # this module's table name
    for name in ("_new_stays", "_bounds"):
        store.unregister(name)
    lake.execute("DROP TABLE IF EXISTS _stay_marks")
    lake.execute("DROP TABLE IF EXISTS _stay_breaks")
    return since if first_replaced is None else min(since, first_replaced)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, clock(0), tzinfo=UTC)
