"""UK clock rules: British Summer Time runs from the last Sunday of March to the last Sunday of October."""

from __future__ import annotations

from datetime import date, timedelta


def _last_sunday(year: int, month: int) -> date:
    d = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
    return d - timedelta(days=(d.weekday() + 1) % 7)


def uk_offset_hours(day: date) -> int:
    """Hours UK local time is ahead of UTC on a day (the change itself happens at 01:00 UTC)."""
    return 1 if _last_sunday(day.year, 3) <= day < _last_sunday(day.year, 10) else 0
