"""The Parquet lake under $UPSTANDER_HOME/lake: layout, commit protocol, recovery and the reading API.

Layout:
    _manifest.json                                   committed state (see manifest.py)
    _lock                                            held by a load for its whole run
    _staging/<NNNNNN>/                               a load's work database and output before commit
    <event feed>/day=YYYY-MM-DD/load-<NNNNNN>.parquet  UTC day of Feed.partition_by; never rewritten
    <entity feed>/load=<NNNNNN>/part-0.parquet       every version; views pick the current one
    _quarantine/load=<NNNNNN>/part.parquet           rows refused, with file, row, field and reason

Commit protocol (a redo log): a load stages everything under _staging/<id>, then replaces the manifest with
one that lists the new files at their final paths plus `pending_moves`; that rename is the commit point.
It then moves the files and rewrites the manifest without `pending_moves`. Recovery (before every load and
every open for reading) finishes pending moves and deletes staging. So a load killed before the commit point
leaves the lake as it was, and one killed after it is rolled forward.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from upstander import settings
from upstander.feeds.contract import FEEDS, Feed
from upstander.lake.duck import DUCK_TYPES, LINEAGE, QUARANTINE_COLUMNS, connect, quote_ident, quote_literal
from upstander.lake.manifest import (
    LakeBusy,
    LakeError,
    Manifest,
    fsync_dir,
    lake_lock,
    read_manifest,
    write_manifest,
)

STAGING = "_staging"
QUARANTINE_DIR = "_quarantine"


class Lake:
    """The lake of one Upstander home. Readers see only what the manifest lists."""

    def __init__(self, home: Path | None = None) -> None:
        self.home = Path(home) if home is not None else settings.home()
        self.root = self.home / "lake"
        self._locked = False

    # ----- reading -----------------------------------------------------------------------------------------
    def manifest(self) -> Manifest:
        """The committed state, after finishing any load that committed but was killed before moving files."""
        if self._locked:
            return read_manifest(self.root)
        try:
            with self.lock(wait=False):
                self.recover()
        except LakeBusy:
            # A load is running. Its files are only readable at their final paths once moved, and moving
            # happens while it holds the lock: wait for that, but never touch its staging otherwise.
            if read_manifest(self.root).pending_moves:
                with self.lock(wait=True):
                    self.recover()
        return read_manifest(self.root)

    def files(self, feed: str) -> list[Path]:
        return [self.root / p for p in self.manifest().data.get(feed, [])]

    def quarantine_files(self) -> list[Path]:
        return [self.root / p for p in self.manifest().quarantine]

    def loads(self) -> list[dict[str, object]]:
        return self.manifest().loads

    def connect(self, database: str | Path = ":memory:") -> duckdb.DuckDBPyConnection:
        """A DuckDB connection (settings applied) with a view per feed and a `quarantine` view.

        Entity feeds show the current version of each key (highest load, then row); `<feed>_history` shows
        every version. Event feeds show every row. Every row carries `_load`, `_file` and `_row`.
        """
        con = connect(database, temp_dir=self.home / "tmp")
        self.create_views(con, self.manifest())
        return con

    def create_views(self, con: duckdb.DuckDBPyConnection, manifest: Manifest, *, schema: str | None = None,
                     data: dict[str, list[str]] | None = None) -> None:
        """Create the feed views on con from manifest (or from `data`, a subset of its files per feed)."""
        prefix = ""
        if schema:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(schema)}")
            prefix = quote_ident(schema) + "."
        files = manifest.data if data is None else data
        for feed in FEEDS:
            paths = [str(self.root / p) for p in files.get(feed.name, [])]
            body = feed_select(feed, paths)
            if feed.kind == "entity":
                con.execute(f"CREATE OR REPLACE VIEW {prefix}{quote_ident(feed.name + '_history')} AS {body}")
                key = ", ".join(quote_ident(k) for k in feed.key)
                body = (f"SELECT * FROM ({body}) QUALIFY row_number() OVER "
                        f"(PARTITION BY {key} ORDER BY _load DESC, _row DESC) = 1")  # nosec B608  # view names quoted from the contract; manifest paths are quote_literal
            con.execute(f"CREATE OR REPLACE VIEW {prefix}{quote_ident(feed.name)} AS {body}")
        q_paths = [str(self.root / p) for p in manifest.quarantine]
        con.execute(f"CREATE OR REPLACE VIEW {prefix}quarantine AS {select_columns(QUARANTINE_COLUMNS, q_paths)}")

    # ----- writing (the loader holds the lock) -------------------------------------------------------------
    @contextmanager
    def lock(self, *, wait: bool = True, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        with lake_lock(self.root, wait=wait, on_wait=on_wait):
            self._locked = True
            try:
                yield
            finally:
                self._locked = False

    def recover(self) -> None:
        """Roll a committed load or retention forward and discard uncommitted staging. The caller holds the lock."""
        manifest = read_manifest(self.root)
        if manifest.pending_moves:
            self.finish_moves(manifest)
        if manifest.pending_deletes:
            self.finish_deletes(manifest)
        shutil.rmtree(self.root / STAGING, ignore_errors=True)
        (self.root / "_manifest.json.tmp").unlink(missing_ok=True)

    def staging_dir(self, load_id: int) -> Path:
        path = self.root / STAGING / f"{load_id:06d}"
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    def publish(self, manifest: Manifest) -> None:
        """The commit point: after this returns the load is part of the lake, whatever happens next."""
        write_manifest(self.root, manifest)

    def finish_moves(self, manifest: Manifest, after_move: Callable[[int], None] | None = None) -> None:
        """Move committed files to their final paths (idempotent) and clear the redo log."""
        touched: set[Path] = set()
        for i, (src, dst) in enumerate(manifest.pending_moves):
            source, target = self.root / src, self.root / dst
            if source.exists():
                if not target.parent.is_dir():
                    target.parent.mkdir(parents=True)
                    touched.add(target.parent.parent)
                os.replace(source, target)
                touched.add(target.parent)
            elif not target.exists():
                raise LakeError(f"lake is damaged: committed file {dst} is missing and so is its staged copy {src}")
            if after_move:
                after_move(i)
        for directory in sorted(touched, key=lambda p: len(p.parts), reverse=True):
            if directory.exists():
                fsync_dir(directory)
        manifest.pending_moves = []
        write_manifest(self.root, manifest)

    def finish_deletes(self, manifest: Manifest) -> None:
        """Delete files a committed manifest no longer lists (idempotent), their emptied day folders with them,
        and clear the redo log. The caller holds the lock."""
        touched: set[Path] = set()
        for rel in manifest.pending_deletes:
            path = self.root / rel
            path.unlink(missing_ok=True)
            touched.add(path.parent)
        for directory in sorted(touched, key=lambda p: len(p.parts), reverse=True):
            if directory.is_dir() and not any(directory.iterdir()):
                directory.rmdir()
                directory = directory.parent
            if directory.is_dir():
                fsync_dir(directory)
        manifest.pending_deletes = []
        write_manifest(self.root, manifest)

    def discard_staging(self) -> None:
        shutil.rmtree(self.root / STAGING, ignore_errors=True)


def event_file(feed: str, day: str, load_id: int, index: int) -> str:
    suffix = "" if index == 0 else f"-{index}"
    return f"{feed}/day={day}/load-{load_id:06d}{suffix}.parquet"


def entity_file(feed: str, load_id: int) -> str:
    return f"{feed}/load={load_id:06d}/part-0.parquet"


def quarantine_file(load_id: int) -> str:
    return f"{QUARANTINE_DIR}/load={load_id:06d}/part.parquet"


def feed_columns(feed: Feed) -> tuple[tuple[str, str], ...]:
    return tuple((f.name, DUCK_TYPES[f.type]) for f in feed.fields) + LINEAGE


# Fields added to the contract after lakes were first written: a file stored before has no such column, and reads
# it as empty. Only these feeds pay for looking at each file's schema (a footer read, cached: files never change).
ADDED_FIELDS: dict[str, frozenset[str]] = {
    "staff": frozenset({"sex", "ethnicity", "birth_year"}),
    "complaints": frozenset({"closed", "category", "origin"}),
}


def feed_select(feed: Feed, paths: list[str]) -> str:
    added = ADDED_FIELDS.get(feed.name)
    if not added or not paths:
        return select_columns(feed_columns(feed), paths)
    groups: dict[frozenset[str], list[str]] = {}
    for path in paths:
        groups.setdefault(added - _columns_of(path), []).append(path)
    parts = [select_columns(feed_columns(feed), members, absent=missing) for missing, members in groups.items()]
    return " UNION ALL ".join(f"({part})" for part in parts) if len(parts) > 1 else parts[0]


@functools.lru_cache(maxsize=65536)
def _columns_of(path: str) -> frozenset[str]:
    return frozenset(pq.read_schema(path).names)


def select_columns(columns: tuple[tuple[str, str], ...], paths: list[str],
                   absent: frozenset[str] = frozenset()) -> str:
    """SELECT of the given typed columns from Parquet files, or an empty relation of that shape; `absent` columns,
    which the files do not have, are NULL."""
    if not paths:
        cols = ", ".join(f"CAST(NULL AS {t}) AS {quote_ident(n)}" for n, t in columns)
        return f"SELECT {cols} WHERE false"
    cols = ", ".join(f"CAST(NULL AS {t}) AS {quote_ident(n)}" if n in absent else quote_ident(n)
                     for n, t in columns)
    listing = ", ".join(quote_literal(p) for p in paths)
    # hive_partitioning off: the day= folder is layout, not a column.
    return f"SELECT {cols} FROM read_parquet([{listing}], hive_partitioning = false)"  # nosec B608  # view names quoted from the contract; manifest paths are quote_literal
