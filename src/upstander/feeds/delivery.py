"""Find the feed files in a delivery directory and fingerprint them.

A feed arrives as `<feed>.csv`, `<feed>.parquet`, or a folder `<feed>/` holding any number of .csv and
.parquet files at any depth (for example `audit/day=2026-03-01/part-0.parquet`). Anything else (a ground
truth file, a README, checksums) is listed as ignored, so the sender can see it was not read.

A symbolic link is never followed, whether to a file or a folder, inside the delivery or out of it: it is
refused by name, so a link to a key or a password file cannot be read as a feed (and its content never
reaches a message). Files are opened with O_NOFOLLOW, so a file swapped for a link after discovery fails.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from upstander.feeds.contract import FEEDS_BY_NAME

FORMATS = {".csv": "csv", ".parquet": "parquet"}


class DeliveryError(Exception):
    """The delivery directory cannot be used at all (missing, not a directory, unreadable, no feeds)."""


@dataclass(frozen=True)
class DeliveryFile:
    feed: str
    path: Path  # absolute
    rel: str  # path relative to the delivery directory, with '/' separators: how the sender names it
    format: str  # "csv" or "parquet"
    size: int
    sha256: str = ""
    # Found while fingerprinting a CSV file (-1: not scanned): physical lines (line feeds, plus one for a last
    # line without one) and the byte offset of the first NUL, which tell the reader it needs its careful path.
    lines: int = -1
    nul_at: int = -1


@dataclass
class Delivery:
    root: Path
    files: list[DeliveryFile] = field(default_factory=list)  # in feed order, then by path
    ignored: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path in the delivery, why it was not read)

    def by_feed(self) -> dict[str, list[DeliveryFile]]:
        out: dict[str, list[DeliveryFile]] = {}
        for f in self.files:
            out.setdefault(f.feed, []).append(f)
        return out


def discover(directory: Path) -> Delivery:
    root = Path(directory).expanduser()
    if not root.exists():
        raise DeliveryError(f"delivery directory {root} does not exist")
    if not root.is_dir():
        raise DeliveryError(f"{root} is not a directory; give the folder holding the feed files")
    root = root.resolve()
    delivery = Delivery(root)
    try:
        paths = sorted(_walk(root, delivery))
    except OSError as exc:
        raise DeliveryError(f"cannot read delivery directory {root}: {exc.strerror or exc}") from None
    for path in paths:
        rel = path.relative_to(root).as_posix()
        feed_name, fmt = _classify(rel)
        if feed_name is None or fmt is None:
            delivery.ignored.append(rel)
            continue
        delivery.files.append(DeliveryFile(feed_name, path, rel, fmt, path.stat().st_size))
    order = {name: i for i, name in enumerate(FEEDS_BY_NAME)}
    delivery.files.sort(key=lambda f: (order[f.feed], f.rel))
    delivery.refused.sort()
    delivery.ignored.sort()
    if not delivery.files:
        if delivery.refused:
            raise DeliveryError(f"{root} holds no feed files that can be read: "
                                + "; ".join(f"{rel}: {why}" for rel, why in delivery.refused[:5]))
        raise DeliveryError(
            f"{root} holds no feed files: expected files such as staff.csv, audit.parquet or audit/part-0.parquet"
            + (f" (found only {', '.join(delivery.ignored[:5])})" if delivery.ignored else "")
        )
    return delivery


def _walk(root: Path, delivery: Delivery) -> list[Path]:
    """Regular files under root; links (file or folder) go to `delivery.refused` and are not followed."""
    found: list[Path] = []

    def fail(exc: OSError) -> None:
        raise exc

    for dirpath, dirnames, filenames in os.walk(root, onerror=fail):
        here = Path(dirpath)
        for name in [*dirnames, *filenames]:
            if not name.startswith(".") and (here / name).is_symlink():
                rel = (here / name).relative_to(root).as_posix()
                if _classify(rel if name in filenames else rel + "/x")[0] is None:
                    delivery.ignored.append(rel)  # not a feed's name: listed as ignored, like any other file
                else:
                    delivery.refused.append((rel, _link_reason(root, here / name)))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (here / d).is_symlink())
        found.extend(here / name for name in filenames if not name.startswith(".") and not (here / name).is_symlink())
    return found


def _link_reason(root: Path, link: Path) -> str:
    """Why a link is refused, without naming its target (the name of a file outside may itself be private)."""
    target = link.resolve()
    where = "inside the delivery" if target.is_relative_to(root) else "outside the delivery"
    return f"a symbolic link to a {'folder' if target.is_dir() else 'file'} {where}: links are not followed, " \
           "deliver the file itself"


def _classify(rel: str) -> tuple[str | None, str | None]:
    """(feed, format) of a delivered file, or None where it is not a feed file."""
    parts = rel.split("/")
    suffix = Path(parts[-1]).suffix.lower()
    fmt = FORMATS.get(suffix)
    # A top-level file names its feed by its stem; a file in a folder by the top folder.
    name = parts[0].lower() if len(parts) > 1 else parts[0][: len(parts[0]) - len(suffix)].lower()
    return (name if name in FEEDS_BY_NAME else None), fmt


def open_feed_file(path: Path) -> BinaryIO:
    """A delivered file opened for reading, refusing a symbolic link in its last component."""
    return os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb")


def with_sha256(file: DeliveryFile) -> DeliveryFile:
    """The file with its sha256 and, for CSV, its line count and first NUL: one read serves all three."""
    digest = hashlib.sha256()
    csv_file = file.format == "csv"
    lines, nul_at, offset, last = 0, -1, 0, b"\n"
    with open_feed_file(file.path) as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
            if csv_file:
                lines += chunk.count(b"\n")
                if nul_at < 0 and (at := chunk.find(b"\x00")) >= 0:
                    nul_at = offset + at
                offset += len(chunk)
                last = chunk[-1:]
    if not csv_file:
        return replace(file, sha256=digest.hexdigest())
    return replace(file, sha256=digest.hexdigest(), lines=lines + (last != b"\n"), nul_at=nul_at)
