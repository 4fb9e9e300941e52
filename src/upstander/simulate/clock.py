"""Time for the simulation: whole seconds since the Unix epoch in UTC, and UK local time for shift patterns.

Shifts and people's routines follow local time (a night shift starts at 22:00 in winter and summer alike),
while every timestamp written is UTC with an offset, as the contract requires.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pyarrow as pa

from upstander.ukclock import uk_offset_hours

HOUR = 3600
DAY = 86400


def local_midnight_utc(day: date) -> int:
    """Epoch seconds of local midnight starting `day`."""
    epoch = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
    return epoch - uk_offset_hours(day) * HOUR


def local_hour(epoch_s: np.ndarray | int, day: date) -> np.ndarray:
    """Local hour of day (0-24, fractional) for timestamps near `day`."""
    return ((np.asarray(epoch_s) + uk_offset_hours(day) * HOUR) % DAY) / HOUR


def to_arrow(epoch_s: np.ndarray | list[int | None]) -> pa.Array:
    if isinstance(epoch_s, np.ndarray):
        return pa.array(epoch_s.astype(np.int64) * 1_000_000, type=pa.timestamp("us", tz="UTC"))
    micro = [None if v is None else int(v) * 1_000_000 for v in epoch_s]
    return pa.array(micro, type=pa.timestamp("us", tz="UTC"))


def iso(epoch_s: int) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).isoformat()
