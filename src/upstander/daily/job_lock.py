"""One daily job at a time per home: cron or a timer that fires while yesterday's run is still going waits for
it, and the kernel releases the lock if the holder dies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from upstander.lake.manifest import exclusive_lock

LOCK = "_daily.lock"


@contextmanager
def daily_lock(home: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    home.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(home / LOCK, f"another daily run is in progress on {home}", on_wait=on_wait):
        yield
