"""The rows behind an alert's evidence references, read from the lake, so the page reads like the detector.

References are "feed:key": `communications:<comm_id>`, `audit:<audit_id>`, `complaints:<complaint_id>`,
`people:<person_id>`, `staff:<staff_id>` and `positions:<device>@<stay start>`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from upstander.web.lake_cache import lake_cursor

# feed -> (key column, columns shown, order)
_TABLES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "communications": ("comm_id", ("occurred_at", "direction", "channel", "counterpart", "duration_s", "text"),
                       "occurred_at"),
    "audit": ("audit_id", ("occurred_at", "system", "action", "object_type", "object_id", "search_terms"),
              "occurred_at"),
    "complaints": ("complaint_id", ("received", "allegation", "complainant_person_id", "outcome"), "received"),
    "people": ("person_id", ("person_id", "age_band", "sex", "vulnerabilities"), "person_id"),
    "staff": ("staff_id", ("staff_id", "role", "rank", "team_id", "vetting_expiry", "apsp_training_date"),
              "staff_id"),
}
_MAX_ROWS = 500  # per feed: an alert with more evidence shows the first 500 and says so


@dataclass
class Evidence:
    tables: dict[str, tuple[list[str], list[list[Any]]]] = field(default_factory=dict)
    stays: list[dict[str, Any]] = field(default_factory=list)  # positions: device, start, lat, lon
    truncated: list[str] = field(default_factory=list)


def split_refs(refs: list[str]) -> dict[str, list[str]]:
    by_feed: dict[str, list[str]] = defaultdict(list)
    for ref in refs:
        feed, _, key = ref.partition(":")
        by_feed[feed].append(key)
    return by_feed


def load_evidence(home: Path, refs: list[str]) -> Evidence:
    out = Evidence()
    by_feed = split_refs(refs)
    con = lake_cursor(home)
    for feed, keys in by_feed.items():
        if feed in _TABLES:
            key, columns, order = _TABLES[feed]
            if len(keys) > _MAX_ROWS:
                out.truncated.append(feed)
                keys = keys[:_MAX_ROWS]
            cols = ", ".join(f"CAST({c} AS VARCHAR)" for c in columns)
            rows = con.execute(f"SELECT {cols} FROM {feed} WHERE {key} IN (SELECT unnest(?::VARCHAR[])) "
                               f"ORDER BY {order}", [keys]).fetchall()  # nosec B608  # table, columns and order from the constant _TABLES; the keys are a bound parameter
            out.tables[feed] = (list(columns), [list(r) for r in rows])
        elif feed == "positions":
            pairs = [k.rsplit("@", 1) for k in keys[:_MAX_ROWS]]
            for device, start in pairs:
                found = con.execute("""SELECT lat, lon FROM positions WHERE device_id = ?
                                       AND recorded_at = CAST(? AS TIMESTAMPTZ) LIMIT 1""", [device, start]).fetchall()
                if found:
                    out.stays.append({"device": device, "start": start, "lat": found[0][0], "lon": found[0][1]})
    return out


def stay_map(stays: list[dict[str, Any]], width: int = 480, height: int = 320) -> list[dict[str, Any]]:
    """Stays placed on a plain SVG canvas (no tile server): x, y in pixels, with a 10% margin."""
    if not stays:
        return []
    lats, lons = [s["lat"] for s in stays], [s["lon"] for s in stays]
    span_lat, span_lon = max(max(lats) - min(lats), 0.002), max(max(lons) - min(lons), 0.003)
    placed = []
    for s in stays:
        x = width * (0.1 + 0.8 * (s["lon"] - min(lons)) / span_lon)
        y = height * (0.9 - 0.8 * (s["lat"] - min(lats)) / span_lat)
        placed.append({**s, "x": round(x, 1), "y": round(y, 1)})
    return placed


def comms_timeline(evidence: Evidence, width: int = 720) -> dict[str, Any] | None:
    """Communications on a time axis, outbound above and inbound below, as SVG coordinates (no script)."""
    table = evidence.tables.get("communications")
    if not table or not table[1]:
        return None
    columns, rows = table
    at, direction, channel = columns.index("occurred_at"), columns.index("direction"), columns.index("channel")
    from datetime import datetime

    times = [datetime.fromisoformat(r[at]) for r in rows]
    first, last = min(times), max(times)
    span = max((last - first).total_seconds(), 3600.0)
    marks = []
    for r, t in zip(rows, times, strict=True):
        x = 40 + (width - 60) * (t - first).total_seconds() / span
        marks.append({"x": round(x, 1), "y": 30 if r[direction] == "outbound" else 70, "when": r[at],
                      "what": f"{r[direction]} {r[channel]}", "night": t.hour >= 22 or t.hour < 6})
    return {"width": width, "marks": marks, "first": first, "last": last, "count": len(marks)}
