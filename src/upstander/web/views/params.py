"""Numbers and dates from a query string or form, checked: a bad value is the sender's mistake (400, said in
words), never an unhandled error (500) nor silently ignored."""

from __future__ import annotations

import math
from datetime import date

# Longer than any sensible value; also keeps a hostile value out of the message.
_MAX_TEXT = 20


class BadParameter(ValueError):
    """A parameter the user (or a hand-made request) got wrong; the message is for them."""


def _shown(text: str) -> str:
    return f"“{text[:_MAX_TEXT]}{'…' if len(text) > _MAX_TEXT else ''}”"


def whole_number(raw: str | None, label: str, low: int, high: int) -> int | None:
    """A whole number from `low` to `high`, or None when blank."""
    text = (raw or "").strip()
    if not text:
        return None
    # isdecimal, and ASCII: int() refuses superscripts that isdigit() accepts, and accepts '١٢' and '1_000'.
    if not (len(text) <= _MAX_TEXT and text.isascii() and text.isdecimal() and low <= int(text) <= high):
        raise BadParameter(f"{label}: {_shown(text)} is not a whole number from {low:,} to {high:,}.")
    return int(text)


def number(raw: str | None, label: str, low: float, high: float) -> float | None:
    """A decimal number from `low` to `high` (plain digits and one point), or None when blank."""
    text = (raw or "").strip()
    if not text:
        return None
    plain = len(text) <= _MAX_TEXT and text.isascii() and text.replace(".", "", 1).isdecimal()
    value = float(text) if plain else math.nan
    if not (math.isfinite(value) and low <= value <= high):
        raise BadParameter(f"{label}: {_shown(text)} is not a number from {low:g} to {high:g}.")
    return value


def iso_date(raw: str | None, label: str) -> date | None:
    """A date as YYYY-MM-DD, or None when blank."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise BadParameter(f"{label}: {_shown(text)} is not a date (YYYY-MM-DD).") from None
