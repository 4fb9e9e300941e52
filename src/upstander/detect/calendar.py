"""A calendar table of UK clock offsets, so portable SQL can turn UTC into local time on any engine.

Night and off-duty contact are judged in local time: 23:00 in July is 22:00 UTC.
"""

from __future__ import annotations

from datetime import date, timedelta

import pyarrow as pa

from upstander.ukclock import uk_offset_hours


def calendar_table(first: date, last: date) -> pa.Table:
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return pa.table({"day": pa.array(days, pa.date32()),
                     "offset_hours": pa.array([uk_offset_hours(d) for d in days], pa.int32())})
