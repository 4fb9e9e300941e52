"""Writes a delivery: one Parquet part per feed per simulated day, entity feeds once, all to the contract.

Each day's rows are written and dropped before the next day starts, so memory stays bounded by a day.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from upstander.feeds.contract import feed
from upstander.simulate.rows import DayRows, FeedRows

# Feeds written day by day; the rest (staff, teams, people, complaints, watches) once at the end.
DAILY = ("duties", "incidents", "incident_staff", "incident_people", "custody", "audit", "communications",
         "positions", "radio")
SORT_KEYS = {"audit": "occurred_at", "communications": "occurred_at", "radio": "occurred_at",
             "incident_staff": "started_at", "incident_people": "recorded_at", "duties": "starts_at",
             "incidents": "opened_at", "custody": "booked_in"}


class DeliveryWriter:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.counts: Counter[str] = Counter()
        out.mkdir(parents=True, exist_ok=True)

    def write_day(self, label: str, rows: DayRows, part: int = 0) -> None:
        for name in DAILY:
            if name in rows.feeds:
                path = self.out / name / f"day={label}" / f"part-{part}.parquet"
                self.write(name, rows.feeds[name].to_table(), path)

    def write_whole(self, name: str, rows: FeedRows) -> None:
        self.write(name, rows.to_table(), self.out / f"{name}.parquet")

    def write(self, name: str, table: pa.Table, path: Path) -> None:
        if table.num_rows == 0:
            return
        key = SORT_KEYS.get(name)
        if key:
            table = table.sort_by(key)
        if not table.schema.equals(feed(name).arrow_schema()):  # the contract is the only schema
            raise TypeError(f"the simulator built {name} with a schema the contract does not have")
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, path, compression="zstd", compression_level=1)  # fast: the loader recompresses
        self.counts[name] += table.num_rows
