"""Load a delivery into the lake: lock, recover, discover, fingerprint, read, validate, stage, commit.

The load is atomic: nothing reaches the lake's manifest until everything is staged, and the manifest rename
is the single commit point (see lake/store.py). It is idempotent: a file whose sha256 is already in the lake
is skipped whole, a re-delivered identical row is counted as unchanged, never stored twice.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
from rich.progress import Progress, TaskID

from upstander import settings
from upstander.feeds.contract import FEEDS
from upstander.feeds.delivery import Delivery, DeliveryFile, discover, with_sha256
from upstander.feeds.normalise import Rules
from upstander.feeds.reading import ReadResult, read_feed
from upstander.feeds.resolution import Resolver
from upstander.feeds.staging import create_quarantine, stage_feed, stage_quarantine
from upstander.feeds.validation import check_feed
from upstander.lake import duck
from upstander.lake.crash import crash_point
from upstander.lake.manifest import Manifest, fsync_dir, fsync_file, read_manifest
from upstander.lake.store import Lake


@dataclass
class FileNote:
    file: str
    reason: str


@dataclass
class LoadSummary:
    load_id: int | None  # None when nothing new was delivered, so nothing was committed
    lake: str
    loaded: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    quarantined: int = 0
    quarantined_by_feed: dict[str, int] = field(default_factory=dict)
    rejected_files: list[FileNote] = field(default_factory=list)
    skipped_files: list[FileNote] = field(default_factory=list)
    ignored_files: list[str] = field(default_factory=list)
    rows_read: int = 0
    seconds: float = 0.0
    rows_per_second: float = 0.0

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("rows_read")
        return out


def load_delivery(directory: Path, *, home: Path | None = None, progress: Progress | None = None,
                  on_wait: Any = None) -> LoadSummary:
    """Validate every file of the delivery in `directory` and add it to the lake of `home` (default settings).

    Raises DeliveryError for a directory that cannot be used at all and LakeError for a damaged lake.
    """
    started = time.monotonic()
    now = datetime.now(UTC)
    rules = Rules(settings.get("UPSTANDER_COUNTRY_CODE"), settings.get("UPSTANDER_BBOX"), now + timedelta(days=2),
                  now.date())
    delivery = discover(directory)
    lake = Lake(home)
    summary = LoadSummary(None, str(lake.root), ignored_files=delivery.ignored,
                          rejected_files=[FileNote(rel, why) for rel, why in delivery.refused])
    with lake.lock(on_wait=on_wait):
        lake.recover()
        manifest = read_manifest(lake.root)
        todo = _new_files(delivery, manifest, summary)
        if todo:
            _load(lake, manifest, delivery, todo, rules, now, summary, progress)
    summary.seconds = round(time.monotonic() - started, 3)
    summary.rows_per_second = round(summary.rows_read / summary.seconds, 1) if summary.seconds else 0.0
    return summary


def _new_files(delivery: Delivery, manifest: Manifest, summary: LoadSummary) -> list[DeliveryFile]:
    """Fingerprint every file (in parallel: hashing releases the GIL) and drop those already loaded."""
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        hashed = list(pool.map(with_sha256, delivery.files))
    done = manifest.loaded_files()
    here: dict[tuple[str, str], str] = {}
    todo = []
    for f in hashed:
        key = (f.feed, f.sha256)
        if key in done:
            load_id, name = done[key]
            same = "" if name == f.rel else f" (as {name})"
            summary.skipped_files.append(FileNote(f.rel, f"already loaded in load {load_id}{same}"))
        elif key in here:
            summary.skipped_files.append(FileNote(f.rel, f"same content as {here[key]} in this delivery"))
        else:
            here[key] = f.rel
            todo.append(f)
    return todo


def _load(lake: Lake, manifest: Manifest, delivery: Delivery, todo: list[DeliveryFile], rules: Rules,
          now: datetime, summary: LoadSummary, progress: Progress | None) -> None:
    load_id = manifest.next_load
    staging = lake.staging_dir(load_id)
    con = duck.connect(staging / "work.duckdb", temp_dir=staging / "tmp")
    try:
        if progress:
            progress.start()  # only now: an early error or a load with nothing new prints no empty bars
        reads, moves, per_file = _stage(con, lake, manifest, delivery, todo, rules, now, summary, progress,
                                        load_id, staging / "out")
    finally:
        con.close()
        if progress:
            progress.stop()
    rejected = {n.file for n in summary.rejected_files}
    accepted = [f for f in todo if f.rel not in rejected]
    if not accepted:
        lake.discard_staging()
        return
    _make_durable([path for path, _ in moves])
    crash_point("after_stage")
    record = {
        "load_id": load_id,
        "committed_at": now.isoformat(),
        "source": str(delivery.root),
        "files": [{"file": f.rel, "feed": f.feed, "format": f.format, "sha256": f.sha256,
                   "rows": reads[f.feed].rows.get(f.rel, 0), "quarantined": per_file.get(f.rel, 0)}
                  for f in accepted],
        "loaded": summary.loaded,
        "unchanged": summary.unchanged,
        "quarantined": summary.quarantined,
    }
    data = {k: list(v) for k, v in manifest.data.items()}
    quarantine = list(manifest.quarantine)
    for _, final in moves:
        if final.startswith("_quarantine/"):
            quarantine.append(final)
        else:
            data.setdefault(final.split("/", 1)[0], []).append(final)
    pending = [[path.relative_to(lake.root).as_posix(), final] for path, final in moves]
    new = Manifest(load_id + 1, [*manifest.loads, record], data, quarantine, pending)
    lake.publish(new)
    crash_point("after_commit")
    half = len(pending) // 2
    lake.finish_moves(new, after_move=lambda i: crash_point("mid_moves") if i == half else None)
    lake.discard_staging()
    summary.load_id = load_id


def _stage(con: duckdb.DuckDBPyConnection, lake: Lake, manifest: Manifest, delivery: Delivery,
           todo: list[DeliveryFile], rules: Rules, now: datetime, summary: LoadSummary, progress: Progress | None,
           load_id: int, out: Path) -> tuple[dict[str, ReadResult], list[tuple[Path, str]], dict[str, int]]:
    """Read, validate and write every feed under `out`: (reads per feed, staged files, quarantined per file)."""
    out.mkdir()
    by_feed: dict[str, list[DeliveryFile]] = {}
    for f in todo:
        by_feed.setdefault(f.feed, []).append(f)
    tasks: dict[str, TaskID] = {}
    if progress:
        for name, files in by_feed.items():
            tasks[name] = progress.add_task(name, total=len(files) + 2)

    def advance(name: str, description: str | None = None) -> None:
        if progress:
            progress.update(tasks[name], advance=1, **({"description": description} if description else {}))

    reads: dict[str, ReadResult] = {}
    moves: list[tuple[Path, str]] = []
    con.execute("SET preserve_insertion_order = false")  # lets DuckDB stream big inserts and copies
    lake.create_views(con, manifest, schema="lake")
    prefix = str(delivery.root) + "/"
    for slot, feed in enumerate(FEEDS):
        if feed.name in by_feed:
            read = read_feed(con, feed, by_feed[feed.name], prefix, slot, on_file=lambda f, _n: advance(f.feed))
            check_feed(con, feed, read, rules, prefix)
            reads[feed.name] = read
            rows = sum(read.rows.values())
            summary.rows_read += rows
            advance(feed.name, f"{feed.name} ({rows:,} rows)")
    crash_point("after_read")
    delivered = {f.feed for f in delivery.files} | manifest.delivered_feeds()
    resolver = Resolver(con, lake, manifest, set(reads), delivered)
    create_quarantine(con)
    for feed in FEEDS:
        if feed.name in reads:
            resolver.resolve(feed)
    for feed in FEEDS:
        read = reads.get(feed.name)
        if read is None:
            continue
        summary.rejected_files.extend(FileNote(f.rel, why) for f, why in read.rejected)
        if read.sources or read.bad_lines:
            staged = stage_feed(con, feed, load_id, out, read.sources, read.bad_lines, now)
            summary.loaded[feed.name] = staged.loaded
            summary.unchanged[feed.name] = staged.unchanged
            summary.quarantined_by_feed[feed.name] = staged.quarantined
            moves.extend(staged.moves)
        advance(feed.name)
    summary.quarantined = sum(summary.quarantined_by_feed.values())
    moves.extend(stage_quarantine(con, load_id, out))
    per_file = {f: int(n) for f, n in con.execute("SELECT file, count(*) FROM quarantine GROUP BY file").fetchall()}
    return reads, moves, per_file


def _make_durable(paths: list[Path]) -> None:
    """fsync staged files and their folders before the commit point, so a committed file cannot be empty."""
    folders = set()
    for path in paths:
        fsync_file(path)
        folders.add(path.parent)
    for folder in folders:
        fsync_dir(folder)
