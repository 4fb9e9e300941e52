"""The lake's committed state (`_manifest.json`) and the lock that serialises writers.

The manifest is the only thing readers trust: a data file exists for them only once it is listed here.
It is replaced atomically (write a temporary file, fsync, rename, fsync the directory), so at any instant
the lake is described by one complete manifest, the old one or the new one.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "_manifest.json"
LOCK = "_lock"
FORMAT_VERSION = 1


class LakeError(Exception):
    """The lake is not in a state Upstander can use (for example a file the manifest lists is missing)."""


@dataclass
class Manifest:
    next_load: int = 1
    # One record per committed load: id, time, source directory, files with sha256 and row counts, totals.
    loads: list[dict[str, Any]] = field(default_factory=list)
    # feed -> data files (paths relative to the lake root) readers may see.
    data: dict[str, list[str]] = field(default_factory=dict)
    quarantine: list[str] = field(default_factory=list)
    # [staging path, final path] pairs still to be moved: the redo log of a load that has committed.
    pending_moves: list[list[str]] = field(default_factory=list)
    # Files no longer listed, still to be deleted: the redo log of a retention commit (upstander.retention).
    pending_deletes: list[str] = field(default_factory=list)
    version: int = FORMAT_VERSION

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        if data.get("version") != FORMAT_VERSION:
            raise LakeError(f"lake manifest has format version {data.get('version')!r}; expected {FORMAT_VERSION}")
        return cls(
            next_load=int(data["next_load"]),
            loads=list(data.get("loads", [])),
            data={k: list(v) for k, v in data.get("data", {}).items()},
            quarantine=list(data.get("quarantine", [])),
            pending_moves=[list(p) for p in data.get("pending_moves", [])],
            pending_deletes=[str(p) for p in data.get("pending_deletes", [])],
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def loaded_files(self) -> dict[tuple[str, str], tuple[int, str]]:
        """(feed, sha256) -> (load id, file as delivered) for every file already loaded."""
        seen: dict[tuple[str, str], tuple[int, str]] = {}
        for record in self.loads:
            for f in record.get("files", []):
                seen.setdefault((f["feed"], f["sha256"]), (int(record["load_id"]), f["file"]))
        return seen

    def delivered_feeds(self) -> set[str]:
        """Feeds the force delivers: those with a file in a committed load, even one whose rows were all
        quarantined or have since been deleted by retention."""
        return {f["feed"] for record in self.loads for f in record.get("files", [])}


def read_manifest(root: Path) -> Manifest:
    path = root / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Manifest()
    try:
        return Manifest.from_json(json.loads(text))
    except (ValueError, KeyError, TypeError) as exc:
        raise LakeError(f"lake manifest {path} is unreadable: {exc}") from None


def write_manifest(root: Path, manifest: Manifest) -> None:
    """Replace the manifest atomically and durably: this rename is the commit point of a load."""
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / (MANIFEST + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(manifest.to_json(), fh, indent=1, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / MANIFEST)
    fsync_dir(root)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def lake_lock(root: Path, *, wait: bool = True, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the lake's exclusive lock. The kernel drops it when the holder dies, even by kill -9.

    If another process holds it: with wait, report once through on_wait and block; without, raise LakeBusy.
    """
    root.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(root / LOCK, f"a load is already running on lake {root}", wait=wait, on_wait=on_wait,
                        busy=LakeBusy):
        yield


@contextmanager
def exclusive_lock(path: Path, busy_message: str, *, wait: bool = True,
                   on_wait: Callable[[str], None] | None = None, busy: type[Exception] | None = None
                   ) -> Iterator[None]:
    """Hold an exclusive flock on `path` (made 0600 if missing), with the holder's pid written in it.

    If another process holds it: with wait, report once through on_wait ("<busy_message> (pid N); waiting for
    it to finish") and block; without, raise `busy` with that message. Another thread of this process holding it
    also blocks: flock locks belong to the open file, and each call opens its own."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            message = f"{busy_message} (pid {holder})"
            if not wait:
                raise (busy or LakeBusy)(message) from None
            if on_wait:
                on_wait(message + "; waiting for it to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


class LakeBusy(LakeError):
    """Another process holds the lake lock."""
