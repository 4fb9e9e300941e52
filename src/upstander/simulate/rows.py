"""Column buffers for one day's rows of each feed, and their conversion to contract-typed Arrow tables.

Rows are collected column-wise (plain lists or numpy arrays) because a force-year is tens of millions of
rows: per-row dicts would cost both time and memory. Timestamps are epoch seconds until written.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
import pyarrow as pa

from upstander.feeds.contract import Feed, feed
from upstander.simulate.clock import to_arrow


class FeedRows:
    """Columns of one feed; `add` appends one row, `extend` appends whole arrays."""

    def __init__(self, name: str) -> None:
        self.feed: Feed = feed(name)
        self.cols: dict[str, list] = defaultdict(list)
        self.arrays: list[dict[str, np.ndarray | list]] = []

    def add(self, **values: object) -> None:
        for f in self.feed.fields:
            self.cols[f.name].append(values.get(f.name))

    def extend(self, **columns: np.ndarray | list) -> None:
        self.arrays.append(columns)

    def __len__(self) -> int:
        n = len(self.cols[self.feed.fields[0].name]) if self.cols else 0
        return n + sum(len(next(iter(a.values()))) for a in self.arrays)

    def merge(self, other: FeedRows) -> None:
        for k, v in other.cols.items():
            self.cols[k].extend(v)
        self.arrays.extend(other.arrays)

    def to_table(self) -> pa.Table:
        pieces = []
        if self.cols and len(self.cols[self.feed.fields[0].name]):
            pieces.append(self._table(self.cols, len(self.cols[self.feed.fields[0].name])))
        for a in self.arrays:
            n = len(next(iter(a.values())))
            if n:
                pieces.append(self._table(a, n))
        if not pieces:
            return self.feed.arrow_schema().empty_table()
        return pa.concat_tables(pieces)

    def _table(self, cols: dict, n: int) -> pa.Table:
        arrays = []
        for f in self.feed.fields:
            values = cols.get(f.name)
            if values is None:
                arrays.append(pa.nulls(n, _arrow_type(f.type)))
            elif f.type == "timestamp":
                arrays.append(to_arrow(values))
            elif f.type == "date":
                arrays.append(pa.array(values, type=pa.date32()))
            else:
                arrays.append(pa.array(values, type=_arrow_type(f.type)))
        return pa.Table.from_arrays(arrays, schema=self.feed.arrow_schema())


def _arrow_type(kind: str) -> pa.DataType:
    from upstander.feeds.contract import ARROW_TYPES

    return ARROW_TYPES[kind]


class DayRows:
    """All feeds' rows for one simulated day."""

    def __init__(self) -> None:
        self.feeds: dict[str, FeedRows] = {}

    def __getitem__(self, name: str) -> FeedRows:
        if name not in self.feeds:
            self.feeds[name] = FeedRows(name)
        return self.feeds[name]

    def merge(self, other: DayRows) -> None:
        for name, rows in other.feeds.items():
            self[name].merge(rows)


class Schedule:
    """Rows due on later days (follow-up calls, look-ups during an investigation), kept until their day comes."""

    def __init__(self, first_day: date, n_days: int) -> None:
        self.first_day = first_day
        self.n_days = n_days
        self.days: dict[int, DayRows] = {}

    def at(self, day_index: int) -> DayRows | None:
        """The rows for a day, or None when the day is past the end of the simulation (not yet observed)."""
        if day_index < 0 or day_index >= self.n_days:
            return None
        if day_index not in self.days:
            self.days[day_index] = DayRows()
        return self.days[day_index]

    def pop(self, day_index: int) -> DayRows:
        return self.days.pop(day_index, DayRows())

