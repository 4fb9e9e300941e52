"""Find the feed files in a delivery directory and fingerprint them.

A feed arrives as `<feed>.csv`, `<feed>.parquet`, or a folder `<feed>/` holding any number of .csv and
.parquet files at any depth (for example `audit/day=2026-03-01/part-0.parquet`). Anything else (a ground
truth file, a README, checksums) is listed as ignored, so the sender can see it was not read.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

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


@dataclass
class Delivery:
    root: Path
    files: list[DeliveryFile] = field(default_factory=list)  # in feed order, then by path
    ignored: list[str] = field(default_factory=list)

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
    try:
        paths = sorted(_walk(root))
    except OSError as exc:
        raise DeliveryError(f"cannot read delivery directory {root}: {exc.strerror or exc}") from None
    delivery = Delivery(root)
    for path in paths:
        rel = path.relative_to(root).as_posix()
        feed_name, fmt = _classify(rel)
        if feed_name is None or fmt is None:
            delivery.ignored.append(rel)
            continue
        delivery.files.append(DeliveryFile(feed_name, path, rel, fmt, path.stat().st_size))
    order = {name: i for i, name in enumerate(FEEDS_BY_NAME)}
    delivery.files.sort(key=lambda f: (order[f.feed], f.rel))
    if not delivery.files:
        raise DeliveryError(
            f"{root} holds no feed files: expected files such as staff.csv, audit.parquet or audit/part-0.parquet"
            + (f" (found only {', '.join(delivery.ignored[:5])})" if delivery.ignored else "")
        )
    return delivery


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []

    def fail(exc: OSError) -> None:
        raise exc

    for dirpath, dirnames, filenames in os.walk(root, onerror=fail):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(dirpath) / name for name in filenames if not name.startswith("."))
    return found


def _classify(rel: str) -> tuple[str | None, str | None]:
    """(feed, format) of a delivered file, or None where it is not a feed file."""
    parts = rel.split("/")
    suffix = Path(parts[-1]).suffix.lower()
    fmt = FORMATS.get(suffix)
    # A top-level file names its feed by its stem; a file in a folder by the top folder.
    name = parts[0].lower() if len(parts) > 1 else parts[0][: len(parts[0]) - len(suffix)].lower()
    return (name if name in FEEDS_BY_NAME else None), fmt


def with_sha256(file: DeliveryFile) -> DeliveryFile:
    digest = hashlib.sha256()
    with open(file.path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return DeliveryFile(file.feed, file.path, file.rel, file.format, file.size, digest.hexdigest())
