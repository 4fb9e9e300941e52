"""Rows kept from lake events (kept.py, derived.py) forgotten with the days retention deletes from the lake.

Every kept view and the stays are dated by a monitoring event of their own (a communication, a look-up, a
position fix), and retention deletes all monitoring feeds up to the same day: so a kept row dated before that
floor was made from deleted data and goes, and a row dated from it on still has its event. A full run over the
lake without those days would make the same rows but one kind: a stay begun before the floor and ended after it
is, without its earlier fixes, a stay from the first fix after the floor (derived.tail_stays_sql). So that stay
is replaced by its tail, and the floor day's rows of the kept views that read the stays are made again with
their own SQL from the new stays (such a view makes its rows per stay, dated by the stay's start).

Retention calls `forget_before` before it takes the days out of the lake, through the store's writer (a copy
swapped in whole): a run that fails leaves the store as it was and deletes nothing from the lake; one stopped
between the two leaves the lake holding days the store no longer keeps rows of, and retention deletes those days
on its next run. Files the new list no longer names are deleted once it has committed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from upstander.detect import derived, kept
from upstander.detect.alerts import AlertStore
from upstander.detect.catalogue import bind, context_reads, load_context
from upstander.lake import Lake


def forget_before(home: Path, floor: date, on_wait: Callable[[str], None] | None = None) -> list[str]:
    """Forget the kept rows dated before `floor` (a UTC day) in the alert store of `home` and under derived/, as
    described above; returns the files deleted, relative to derived/. Nothing to do without a store."""
    store = AlertStore(home)
    if not store.path.exists():
        return []
    lake = Lake(home).connect()
    lake.execute("SET TimeZone = 'UTC'")
    with store.writing(on_wait=on_wait) as con:
        root = kept.derived_root(con)
        tables = {name for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        unlisted: list[str] = []
        if kept.FILES_TABLE in tables:
            unlisted += [p for (p,) in con.execute(
                f"DELETE FROM {kept.FILES_TABLE} WHERE day < ? RETURNING path", [floor]).fetchall()]  # nosec B608  # the kept module's table name
        if derived.DERIVED_TABLE in tables and _cut_stays(con, lake, floor) and kept.FILES_TABLE in tables:
            unlisted += _remake_floor_day(con, lake, root, floor)
    for path in unlisted:
        (root / path).unlink(missing_ok=True)
        for folder in (root / path).parents:  # the day's folder, then the run's, while empty
            if folder == root or not folder.is_dir() or any(folder.iterdir()):
                break
            folder.rmdir()
    return unlisted


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


def _cut_stays(store: duckdb.DuckDBPyConnection, lake: duckdb.DuckDBPyConnection, floor: date) -> bool:
    """Delete the stays begun before the floor, putting back the tails of those that went on past it; whether
    there were any such tails (the lake's `stays` table then holds them)."""
    table = derived.DERIVED_TABLE
    start = _midnight(floor)
    crossing = store.sql(f"SELECT source, device_id, ended FROM {table} WHERE started < $f AND ended >= $f",  # nosec B608  # derived.py's table name
                         params={"f": start}).to_arrow_table()
    store.execute(f"DELETE FROM {table} WHERE started < ?", [start])  # nosec B608  # derived.py's table name
    if crossing.num_rows == 0:
        return False
    lake.register("_crossing", crossing)
    last = max(crossing.column("ended").to_pylist())
    lake.execute(f"CREATE OR REPLACE TEMP TABLE stays AS {derived.tail_stays_sql()}", {"floor": start, "last": last})
    lake.unregister("_crossing")
    tails = lake.sql("SELECT * FROM stays").to_arrow_table()
    store.register("_tails", tails)
    store.execute(f"INSERT INTO {table} SELECT * FROM _tails")  # nosec B608  # derived.py's table name
    store.unregister("_tails")
    return tails.num_rows > 0


def _remake_floor_day(store: duckdb.DuckDBPyConnection, lake: duckdb.DuckDBPyConnection, root: Path,
                      floor: date) -> list[str]:
    """The floor day's rows of each kept view that reads the stays: those kept, and the view's own rows from the
    stay tails (the lake's `stays`), as one new file listed in place of the old; returns the old files."""
    context = load_context()
    reads = context_reads(context)
    replaced = []
    built: set[str] = {"stays"}
    for name, keep in kept.declared().items():
        if "stays" not in kept.upstream(reads, name):
            continue
        for view, sql in context:  # what the view reads besides the stays, as a run over all the data makes it
            if view in kept.upstream(reads, name) - built:
                lake.execute(f"CREATE OR REPLACE TEMP TABLE {view} AS {bind(sql, {}, None, view)}")
                built.add(view)
        sql = dict(context)[name]
        old = [p for (p,) in store.execute(f"SELECT path FROM {kept.FILES_TABLE} WHERE view = ? AND day = ?",  # nosec B608  # the kept module's table name
                                           [name, floor]).fetchall()]
        body = bind(sql, {}, None, name)
        rows = f"SELECT * FROM ({body}) AS fresh WHERE CAST({keep.column} AS DATE) = DATE '{floor}'"  # nosec B608  # packaged context SQL, a date
        if old:
            listing = ", ".join(kept.literal(str(root / p)) for p in old)
            rows = f"SELECT * FROM read_parquet([{listing}], hive_partitioning = false) UNION ALL BY NAME {rows}"  # nosec B608  # paths the kept module wrote
        written = kept.write_days(lake, root, keep, rows)
        store.execute(f"DELETE FROM {kept.FILES_TABLE} WHERE view = ? AND day = ?", [name, floor])  # nosec B608  # the kept module's table name
        if written:
            store.executemany(f"INSERT INTO {kept.FILES_TABLE} VALUES (?, ?, ?)",  # nosec B608  # the kept module's table name
                              [(name, day, path) for day, path in written])
        replaced += old
    return replaced
