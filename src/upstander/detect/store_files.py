"""The alert store's file: read-only readers, and writers that build a new copy and swap it in.

A DuckDB file open for writing is locked against every other process, so a detection run writing in place
made readers (the web application's person views, `upstander risk`) fail, and failed when they read. Instead:

- a writer takes `alerts.lock` under UPSTANDER_HOME (fcntl; the kernel drops it if the writer dies), copies the
  store to `alerts.duckdb.next`, writes there, checkpoints and closes it (so no WAL is left beside it), fsyncs it
  and renames it over `alerts.duckdb` (atomic), then fsyncs the directory. On any error the copy is deleted and
  the store is as it was. A second writer waits for the lock.
- a reader opens the current file read-only and keeps the file it opened until it closes, so it finishes on the
  old store while a writer swaps in the new one, and it never takes a lock a writer needs.

Readers attach the file to a fresh in-memory DuckDB instead of `duckdb.connect(path)`: DuckDB keeps one instance
per path per process, and while any connection to it is open a new connect returns that same instance, which
still reads the file that was swapped out. The web server's overlapping person views would then never see a new
run; an instance of their own opens whatever file the path names now. The same in-process cache is why a writer
and a reader in one process (`upstander demo`) do not conflict: they name different files.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

from upstander.lake.crash import crash_point
from upstander.lake.manifest import exclusive_lock, fsync_dir, fsync_file

LOCK_NAME = "alerts.lock"
NEXT_SUFFIX = ".next"
ATTACHED = "store"  # the attached file's name inside a connection; `USE` makes it the default for plain names

_OPEN = threading.Lock()  # held only while a connection is opened or closed, as the store always has


class StoreError(Exception):
    """The alert store could not be read or written; the message says which file and why, in one line."""


class StoreBusy(StoreError):
    """Another process is writing the alert store, and the caller asked not to wait."""


def say_on_stderr(message: str) -> None:
    print(f"upstander: {message}", file=sys.stderr, flush=True)


def _attached(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    mode = " (READ_ONLY)" if read_only else ""
    with _OPEN:
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"ATTACH '{_quoted(path)}' AS {ATTACHED}{mode}")
            con.execute(f"USE {ATTACHED}")
            con.execute("SET TimeZone = 'UTC'")
        except BaseException:
            con.close()
            raise
    return con


def _close(con: duckdb.DuckDBPyConnection) -> None:
    with _OPEN:
        con.close()


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


@contextmanager
def read_only(path: Path, empty_schema: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the store as it is now, closed at the end. Before any writer has made the
    file, an in-memory store with `empty_schema` and no rows, so readers need no special case and write nothing."""
    if path.exists():
        try:
            con = _attached(path, read_only=True)
        except duckdb.Error as exc:
            raise StoreError(f"cannot read the alert store {path}: {_first_line(exc)}") from exc
    else:
        with _OPEN:
            con = duckdb.connect(":memory:")
        con.execute("SET TimeZone = 'UTC'")
        con.execute(empty_schema)
    try:
        yield con
    finally:
        _close(con)


@contextmanager
def swapped_in(path: Path, *, wait: bool = True, on_wait: Callable[[str], None] | None = say_on_stderr
               ) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a new copy of the store, which replaces the store when the block ends without
    an error and is deleted when it raises. Holds the store's lock throughout (waiting for it unless `wait` is
    False, when StoreBusy is raised)."""
    lock = path.parent / LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(lock, "detection or another change to the alert store is already running",
                        wait=wait, on_wait=on_wait, busy=StoreBusy):
        new = path.with_name(path.name + NEXT_SUFFIX)
        _remove(new)  # left by a writer that died; only the lock holder ever writes it
        try:
            _copy(path, new)
            con = _attached(new, read_only=False)
        except (OSError, duckdb.Error) as exc:
            _remove(new)
            raise StoreError(f"cannot open a copy of the alert store {path} to write it: {_first_line(exc)}") from exc
        try:
            yield con
            con.execute(f"CHECKPOINT {ATTACHED}")
        except BaseException:
            _close(con)
            _remove(new)
            raise
        _close(con)
        crash_point("store_before_swap")
        _commit(new, path)


def _copy(path: Path, new: Path) -> None:
    """Copy the store (and a WAL an older version or a crash left beside it, which DuckDB then replays into the
    copy) to `new`, private as the store is."""
    for suffix in ("", ".wal"):
        source = path.with_name(path.name + suffix)
        if source.exists():
            with open(source, "rb") as src, open(os.open(new.with_name(new.name + suffix),
                                                         os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as dst:
                shutil.copyfileobj(src, dst, 4 * 2**20)


def _commit(new: Path, path: Path) -> None:
    wal = new.with_name(new.name + ".wal")
    if wal.exists():  # DuckDB removes it on a clean close after the checkpoint; never swap in half a store
        _remove(new)
        raise StoreError(f"the new alert store {new} still had a write-ahead log after closing; the store is unchanged")
    try:
        fsync_file(new)
        os.replace(new, path)  # the commit point: readers opening from now on see the new store
        fsync_dir(path.parent)
    except OSError as exc:
        _remove(new)
        raise StoreError(f"cannot swap in the new alert store {path}: {_first_line(exc)}") from exc
    # A WAL beside the old file was replayed into the copy; left, DuckDB would apply it to the new file.
    _remove_one(path.with_name(path.name + ".wal"))


def _remove(new: Path) -> None:
    for suffix in ("", ".wal"):
        _remove_one(new.with_name(new.name + suffix))


def _remove_one(path: Path) -> None:
    with suppress(FileNotFoundError):
        path.unlink()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
