"""A simulated delivery cut into one delivery per day, for loading in any order.

Each day's delivery holds that day's rows of every event feed and of the dated entity feeds (duties by start,
incidents by opening, custody by booking, complaints by receipt), plus the incidents its rows refer to (the
loader refuses a reference to an incident it has not seen, so a job opened yesterday travels with today's
attendance, as a force's export of "everything touched today" would), and the whole of the reference feeds
(staff, teams, people, watches): the loader stores only what is new or changed, so after the first load they
add nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from upstander.feeds.contract import FEEDS, feed

REFERENCE = ("staff", "teams", "people", "watches")
DAY_COLUMN = {"duties": "starts_at", "incidents": "opened_at", "custody": "booked_in", "complaints": "received",
              "incident_staff": "started_at", "incident_people": "recorded_at", "audit": "occurred_at",
              "communications": "occurred_at", "positions": "recorded_at", "radio": "occurred_at"}
REFERS_TO_INCIDENTS = ("incident_staff", "incident_people", "custody", "radio")


def read_delivery(root: Path) -> dict[str, pa.Table]:
    """Every feed of a simulator's delivery as one table, typed to the contract."""
    tables = {}
    for f in FEEDS:
        whole, daily = root / f"{f.name}.parquet", root / f.name
        if whole.exists():
            tables[f.name] = pq.read_table(whole)
        elif daily.is_dir():
            tables[f.name] = ds.dataset(daily, format="parquet", partitioning=None).to_table()
        else:
            tables[f.name] = f.arrow_schema().empty_table()
        tables[f.name] = tables[f.name].select(list(f.field_names)).cast(f.arrow_schema())
    return tables


def _days_of(table: pa.Table, column: str) -> pa.Array:
    return pc.cast(pc.cast(table[column], pa.timestamp("us", tz="UTC")), pa.date32())


@dataclass(frozen=True)
class DailySlices:
    tables: dict[str, pa.Table]

    @property
    def days(self) -> list[date]:
        found: set[date] = set()
        for name, column in DAY_COLUMN.items():
            found |= set(_days_of(self.tables[name], column).to_pylist())
        return sorted(found)

    def day(self, days: list[date]) -> dict[str, pa.Table]:
        """The rows of those days (and what they refer to), feed by feed."""
        wanted = pa.array(days, pa.date32())
        out = {name: self.tables[name] for name in REFERENCE}
        for name, column in DAY_COLUMN.items():
            table = self.tables[name]
            out[name] = table.filter(pc.is_in(_days_of(table, column), value_set=wanted))
        referred = pa.concat_arrays([out[n]["incident_id"].combine_chunks().cast(pa.string())
                                     for n in REFERS_TO_INCIDENTS])
        incidents = self.tables["incidents"]
        own = pc.is_in(_days_of(incidents, "opened_at"), value_set=wanted)
        out["incidents"] = incidents.filter(pc.or_(own, pc.is_in(incidents["incident_id"],
                                                                  value_set=pc.drop_null(referred))))
        return out

    def write(self, days: list[date], directory: Path) -> Path:
        directory.mkdir(parents=True)
        for name, table in self.day(days).items():
            if table.num_rows:
                if not table.schema.equals(feed(name).arrow_schema()):
                    raise TypeError(f"{name} slice does not have the contract's schema")
                pq.write_table(table, directory / f"{name}.parquet")
        return directory


def delivery_order(days: list[date], seed: int) -> list[list[date]]:
    """The first third of the days in a shuffled order (a backlog arriving out of order); the rest in calendar
    order, as daily deliveries usually come, except three held back and delivered two to five loads late; three
    days delivered a second time, unchanged; and a catch-up delivery of two days already loaded, together."""
    rng = random.Random(seed)
    backlog, daily = days[: len(days) // 3], days[len(days) // 3:]
    rng.shuffle(backlog)
    order = backlog + daily
    for late in rng.sample(daily, 3):
        i = order.index(late)
        order.insert(min(len(order), i + rng.randint(2, 5)), order.pop(i))
    loads: list[list[date]] = [[d] for d in order]
    for again in rng.sample(days, 3):
        loads.insert(rng.randrange(loads.index([again]) + 1, len(loads) + 1), [again])
    loads.append(sorted(rng.sample(days, 2)))
    return loads
