"""Context views kept per day, as stay-points are (derived.py), instead of re-read over the whole look-back on
every run: look-up explanations, public communications, message terms, undeployed stays.

A context file says its view is kept, and by which column, in a line of its header:

    -- keep: by occurred_at, from 1 day before the dirty day

Each row of such a view is dated by that column, and the file says why a row dated before the first dirty day
D less that margin never changes when data of the days from D on does (each depends only on data of its own
time or earlier, or of the margin after it). So a run re-derives only the rows from D less the margin, with the
view's own SQL over its inputs read from there (context_lookbacks gives those inputs the margin, not the look-back
of the detectors), and gives the detectors the kept rows from their look-back on.

Where the rows are kept: one Parquet file per view and day under UPSTANDER_HOME/derived/<view>/<run>/, written
by the run, and listed in the alert store's `kept_files`, which commits with the run's findings (the store is
swapped in whole: AlertStore.writing). A failed run leaves the list as it was; files no committed list names
are deleted by the next run. Kept as files rather than store tables, the rows are not copied and synced with
the store on every write, and the lake connection reads them in place.

A kept view that reads another kept view (undeployed stays read the stays) refreshes from the earliest day that
one changed, and in full when it was derived in full. A full run, a view whose rule changed since its rows
were kept (its SQL, that of a view it reads, or the stay rule: a version hash per view), or a listed file gone
missing derives every kept view in full, and then every context view reads all the data; so does a listed file
that cannot be read (KeptUnreadable: the engine makes the run again), or kept days older than any monitoring event
left in the lake. Retention forgets the rows of the days it deletes from the lake before it deletes them
(forget.py); the last rule covers a run that kept them again in between. Only the DuckDB engine
keeps views; Spark and `upstander risk`'s contact review derive them on each run from the same files.
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import duckdb

from upstander.detect import derived
from upstander.detect.catalogue import bind, context_dir, context_reads
from upstander.lake.manifest import fsync_dir, fsync_file

FILES_TABLE = "kept_files"
FILES_SCHEMA = f"""CREATE TABLE IF NOT EXISTS {FILES_TABLE} (
    view VARCHAR NOT NULL, day DATE NOT NULL, path VARCHAR NOT NULL)"""  # path: relative to the derived folder
FORMAT = "1"  # how kept rows are stored: a change here derives every kept view again
_KEEP = re.compile(r"^-- keep: by ([a-z_][a-z0-9_]*), from (\d+) days? before the dirty day\s*$", re.MULTILINE)
_DAY = "_kept_day"  # the partition column the files are written by (not stored in them)


class KeptUnreadable(Exception):
    """A file the store lists cannot be read: the run is made again with every kept view derived in full."""


def derive_again(store: duckdb.DuckDBPyConnection) -> None:
    """Make the next KeptViews over this store (the writer's copy) derive every kept view in full."""
    for keep in declared().values():
        store.execute("INSERT OR REPLACE INTO detection_state VALUES (?, 'derive again')", [keep.version_key])


@dataclass(frozen=True)
class Keep:
    view: str
    column: str  # the timestamp column that dates a row
    margin_days: int  # rows dated from the dirty day less this many days are derived again

    @property
    def version_key(self) -> str:
        return f"kept_{self.view}_version"  # in detection_state


def declared(directory: Path | None = None) -> dict[str, Keep]:
    """The context views whose files declare them kept per day, by view name."""
    found = {}
    for path in sorted((directory or context_dir()).glob("*.sql")):
        match = _KEEP.search(path.read_text(encoding="utf-8"))
        if match:
            view = path.stem.split("_", 1)[1]
            found[view] = Keep(view, match.group(1), int(match.group(2)))
    return found


def tables() -> list[str]:
    """The store tables a DuckDB run keeps besides alerts, findings and statistics (Spark keeps none)."""
    return [derived.DERIVED_TABLE, FILES_TABLE]


def version_keys() -> list[str]:
    """The detection_state rows that say how the kept rows were made."""
    return [derived.VERSION_KEY, *(k.version_key for k in declared().values())]


def derived_root(store: duckdb.DuckDBPyConnection) -> Path:
    """UPSTANDER_HOME/derived, beside the store file this connection writes."""
    [(path,)] = store.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    return Path(path).parent / "derived"


def upstream(reads: dict[str, set[str]], name: str) -> set[str]:
    """Every context view `name` reads, directly or through others (`reads`: catalogue.context_reads)."""
    seen: set[str] = set()
    todo = list(reads.get(name, ()))
    while todo:
        view = todo.pop()
        if view not in seen:
            seen.add(view)
            todo += reads.get(view, ())
    return seen


def write_days(lake: duckdb.DuckDBPyConnection, root: Path, keep: Keep, rows_sql: str) -> list[tuple[date, str]]:
    """Write the rows of a kept view (`rows_sql`, run on `lake`) as one durable Parquet file per day, in a new
    folder of the view under `root`; returns (day, path relative to root) per file, for the list."""
    folder = root / keep.view / uuid.uuid4().hex
    folder.mkdir(parents=True)
    lake.execute(
        f"COPY (SELECT *, CAST({keep.column} AS DATE) AS {_DAY} FROM ({rows_sql}) AS rows) TO {literal(str(folder))} "  # nosec B608  # names from a packaged file, a folder this module made
        f"(FORMAT parquet, PARTITION_BY ({_DAY}), COMPRESSION zstd)")
    written = []
    for file in sorted(folder.rglob("*.parquet")):
        day = date.fromisoformat(file.parent.name.removeprefix(f"{_DAY}="))
        fsync_file(file)
        written.append((day, file.relative_to(root).as_posix()))
    for directory in {f.parent for f in folder.rglob("*.parquet")} | {folder, folder.parent}:
        fsync_dir(directory)
    return written


def _midnight(day: date) -> datetime:
    return datetime.combine(day, clock(0), tzinfo=UTC)


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class KeptViews:
    """The context tables of one DuckDB run that come from kept rows: the stays (derived.py) and the kept views.

    Made before the context is prepared: `in_full` says whether this run derives every kept view in full (and so
    reads all the data for every view), `margins()` what context_lookbacks needs; `build` then makes each table."""

    def __init__(self, lake: duckdb.DuckDBPyConnection, store: duckdb.DuckDBPyConnection, since: date | None,
                 context: list[tuple[str, str]]) -> None:
        self.lake, self.store, self.since = lake, store, since
        self.root = derived_root(store)
        self.keeps = declared()
        self.reads = context_reads(context)
        bodies = dict(context)
        self.versions = {name: self._version(name, bodies) for name in self.keeps}
        store.execute(FILES_SCHEMA)
        self.files: dict[str, list[tuple[date, str]]] = {name: [] for name in self.keeps}
        for view, day, path in store.execute(f"SELECT view, day, path FROM {FILES_TABLE} ORDER BY ALL").fetchall():  # nosec B608  # this module's table name
            self.files.setdefault(view, []).append((day, path))
        self._forget_unlisted()
        stored = dict(store.execute("SELECT key, value FROM detection_state").fetchall())
        self.in_full = since is None or any(stored.get(k.version_key) != self.versions[name]
                                            for name, k in self.keeps.items()) or self._files_missing() \
            or self._outlived_their_data()
        self.changed_from: dict[str, date | None] = {}  # per table built: the first day whose rows changed; None all

    def _forget_unlisted(self) -> None:
        """Delete the files no committed list names: a failed run's, and those a later run replaced."""
        listed = {path for files in self.files.values() for _, path in files}
        if not self.root.is_dir():
            return
        for file in self.root.rglob("*.parquet"):
            if file.relative_to(self.root).as_posix() not in listed:
                file.unlink()
        for folder in sorted((d for d in self.root.rglob("*") if d.is_dir()), key=lambda d: -len(d.parts)):
            if not any(folder.iterdir()):
                folder.rmdir()

    def _files_missing(self) -> bool:
        return any(not (self.root / path).is_file() for files in self.files.values() for _, path in files)

    def _outlived_their_data(self) -> bool:
        """The lake holds no monitoring event of the oldest kept day or earlier: retention deleted them without the
        kept rows (forget.py does that first, but a run may have kept them again before the lake's commit)."""
        days = [day for files in self.files.values() for day, _ in files]
        if not days:
            return False
        before = _midnight(min(days) + timedelta(days=1))
        for table, column in (("audit", "occurred_at"), ("communications", "occurred_at"),
                              ("positions", "recorded_at")):
            # Parquet statistics skip the later files unread.
            [(found,)] = self.lake.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {column} < ?)",  # nosec B608  # constant names
                                           [before]).fetchall()
            if found:
                return False
        return True

    def _upstream(self, name: str) -> set[str]:
        return upstream(self.reads, name)

    def _version(self, name: str, bodies: dict[str, str]) -> str:
        keep = self.keeps[name]
        upstream = sorted(self._upstream(name))
        parts = [FORMAT, keep.column, str(keep.margin_days), bodies[name], *(bodies[v] for v in upstream)]
        if "stays" in upstream:
            parts.append(derived.derivation_version())
        return hashlib.sha256("\n\0".join(parts).encode()).hexdigest()[:16]

    def margins(self) -> dict[str, int]:
        """Kept views and the days before the dirty day their refresh reads (none when derived in full)."""
        return {} if self.in_full else {name: k.margin_days for name, k in self.keeps.items()}

    def builds(self, name: str) -> bool:
        return name == "stays" or name in self.keeps

    def build(self, name: str, sql: str, window: date | None) -> dict[str, float]:
        """Make the lake connection's table `name` hold the view's rows from `window` on (None: all), keeping the
        rows it derived again. Returns seconds, keyed as prepare's are."""
        if name == "stays":
            seconds, self.changed_from[name] = derived.refresh_stays(
                self.lake, self.store, None if self.in_full else self.since, window)
            return seconds
        keep = self.keeps[name]
        t0 = time.perf_counter()
        refresh_from = self._refresh_from(name, keep)
        # The view's own SQL, reading its inputs from `refresh_from` (prepare built them from there).
        fresh = f"SELECT * FROM ({bind(sql, {}, refresh_from, name)}) AS kept"  # nosec B608  # packaged context SQL
        if refresh_from is not None:
            fresh += f" WHERE {keep.column} >= {literal(_midnight(refresh_from).isoformat())}::TIMESTAMPTZ"
        self.lake.execute(f"CREATE OR REPLACE TEMP TABLE _fresh_{name} AS {fresh}")
        derived_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        self._keep(name, keep, refresh_from)
        stored_s = time.perf_counter() - t1
        t2 = time.perf_counter()
        self._table(name, keep, refresh_from, window)
        return {name: derived_s, f"{name}_kept": stored_s + time.perf_counter() - t2}

    def _refresh_from(self, name: str, keep: Keep) -> date | None:
        """The first day to derive again: the dirty day less the margin, or earlier where a kept view this one
        reads changed earlier; None for all."""
        if self.in_full or self.since is None:
            return None
        first = self.since - timedelta(days=keep.margin_days)
        for view in self._upstream(name):
            if view in self.changed_from:
                changed = self.changed_from[view]
                if changed is None:
                    return None
                first = min(first, changed)
        return first

    def _keep(self, name: str, keep: Keep, refresh_from: date | None) -> None:
        """Write the fresh rows as one file per day, and list them in place of the days they replace."""
        written = write_days(self.lake, self.root, keep, f"SELECT * FROM _fresh_{name}")  # nosec B608  # a view name from a packaged file, paths this module wrote
        kept = [(d, p) for d, p in self.files[name] if refresh_from is not None and d < refresh_from]
        self.files[name] = kept + written
        if refresh_from is None:
            self.store.execute(f"DELETE FROM {FILES_TABLE} WHERE view = ?", [name])  # nosec B608  # this module's table name
        else:
            self.store.execute(f"DELETE FROM {FILES_TABLE} WHERE view = ? AND day >= ?", [name, refresh_from])  # nosec B608  # this module's table name
        if written:
            self.store.executemany(f"INSERT INTO {FILES_TABLE} VALUES (?, ?, ?)",  # nosec B608  # this module's table name
                                   [(name, d, p) for d, p in written])
        self.store.execute("INSERT OR REPLACE INTO detection_state VALUES (?, ?)", [keep.version_key,
                                                                                   self.versions[name]])
        self.changed_from[name] = refresh_from

    def _table(self, name: str, keep: Keep, refresh_from: date | None, window: date | None) -> None:
        """The run's table: kept rows from the window to the refresh, then the fresh ones (already here)."""
        older = [str(self.root / p) for d, p in self.files[name]
                 if refresh_from is not None and d < refresh_from and (window is None or d >= window)]
        body = f"SELECT * FROM _fresh_{name}"  # nosec B608  # a view name from a packaged file, paths this module wrote
        if window is not None:
            body += f" WHERE {keep.column} >= {literal(_midnight(window).isoformat())}::TIMESTAMPTZ"
        if older:
            listing = ", ".join(literal(p) for p in older)
            body = f"SELECT * FROM read_parquet([{listing}], hive_partitioning = false) UNION ALL {body}"  # nosec B608  # a view name from a packaged file, paths this module wrote
        try:
            self.lake.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {body}")  # nosec B608  # names from a packaged file, paths this module wrote
        except duckdb.Error as exc:  # a kept file damaged on disk (the fresh rows are a table of this run)
            raise KeptUnreadable(f"a kept file of {name} under {self.root} cannot be read ({exc})") from exc
        self.lake.execute(f"DROP TABLE _fresh_{name}")
