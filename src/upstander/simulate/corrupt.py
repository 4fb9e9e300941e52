"""`--corrupt`: realistic bad rows for tests and demos, each listed in corruptions.csv.

A few day-parts are rewritten as CSV (as a force's nightly export would arrive) with bad rows added beside the
good ones: truncated lines, bad timestamps, unknown ids, duplicate keys, impossible coordinates, unusable phone
numbers and values outside the contract. Good rows are never altered, so the rest of the delivery still loads
and exactly the listed rows should be quarantined.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from upstander.feeds.contract import feed

Row = dict[str, object]
Mutation = tuple[str, str, Callable[[Row], Row]]  # kind, field, change


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def _with(row: Row, **changes: object) -> Row:
    return {**row, **changes}


def _mutations(name: str, rng: np.random.Generator) -> list[Mutation]:
    tag = f"X{rng.integers(10_000_000, 99_999_999)}"
    if name == "audit":
        return [
            ("bad_timestamp", "occurred_at",
             lambda r: _with(r, audit_id=tag + "a", occurred_at="2025-02-30T25:61:00+00:00")),
            ("naive_timestamp", "occurred_at",
             lambda r: _with(r, audit_id=tag + "b", occurred_at=str(r["occurred_at"])[:19].replace("T", " "))),
            ("unknown_id", "staff_id", lambda r: _with(r, audit_id=tag + "c", staff_id="S99999")),
            ("not_allowed", "action", lambda r: _with(r, audit_id=tag + "d", action="peek")),
            ("duplicate_key", "audit_id", lambda r: _with(r, system="hr")),
            ("truncated", "system", lambda r: r),
        ]
    if name == "communications":
        return [
            ("bad_phone", "counterpart", lambda r: _with(r, comm_id=tag + "a", counterpart="07700 9OO12")),
            ("bad_timestamp", "occurred_at", lambda r: _with(r, comm_id=tag + "b", occurred_at="yesterday evening")),
            ("unknown_id", "staff_id", lambda r: _with(r, comm_id=tag + "c", staff_id="S0000X")),
        ]
    if name == "positions":
        def moved(r: Row, seconds: int, **c: object) -> Row:
            return _with(r, recorded_at=(r["recorded_at"] + timedelta(seconds=seconds)), **c)  # type: ignore[operator]

        return [
            ("impossible_coordinates", "lat", lambda r: moved(r, 1, lat=95.2)),
            ("impossible_coordinates", "lat", lambda r: moved(r, 2, lat=0.0, lon=0.0)),
            ("impossible_coordinates", "lat", lambda r: moved(r, 3, lat=40.4168, lon=-3.7038)),
            ("truncated", "lat", lambda r: r),
        ]
    if name == "incident_staff":
        return [("unknown_id", "incident_id", lambda r: _with(r, incident_id="I99999999"))]
    if name == "duties":
        return [("times_out_of_order", "ends_at",
                 lambda r: _with(r, duty_id=tag + "a", ends_at=r["starts_at"] - timedelta(hours=2)))]  # type: ignore[operator]
    if name == "people":
        return [("duplicate_key", "person_id", lambda r: _with(r, surname="Different")),
                ("not_allowed", "age_band", lambda r: _with(r, person_id=tag, age_band="ancient"))]
    return []


def _rewrite_as_csv(src: Path, name: str, rng: np.random.Generator, delivery: Path) -> list[tuple]:
    table = pq.read_table(src)
    rows: list[Row] = table.to_pylist()
    columns = list(feed(name).field_names)
    mutations = _mutations(name, rng)
    # Bad rows go after the row they copy, at spread-out places, so duplicates follow their original.
    anchors = sorted(rng.choice(len(rows), len(mutations), replace=False))
    dst = src.with_suffix(".csv")
    listed: list[tuple] = []
    with dst.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(columns)
        number = 0
        pending = dict(zip(anchors, mutations, strict=True))
        for i, row in enumerate(rows):
            w.writerow([_cell(row[c]) for c in columns])
            number += 1
            if i in pending:
                kind, field, change = pending[i]
                cells = [_cell(change(row)[c]) for c in columns]
                if kind == "truncated":
                    cells = cells[: max(1, columns.index(field))]  # the export was cut off mid-row
                w.writerow(cells)
                number += 1
                listed.append((str(dst.relative_to(delivery)), number, name, kind, field))
    src.unlink()
    return listed


def corrupt_delivery(delivery: Path, seed: int) -> int:
    rng = np.random.default_rng([seed, 99])
    listed: list[tuple] = []
    for name in ("audit", "communications", "positions", "incident_staff", "duties"):
        parts = sorted((delivery / name).glob("day=*/part-0.parquet"))
        if parts:
            listed += _rewrite_as_csv(parts[len(parts) // 2], name, rng, delivery)
    listed += _rewrite_as_csv(delivery / "people.parquet", "people", rng, delivery)
    with (delivery / "corruptions.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(("file", "row", "feed", "kind", "field"))
        w.writerows(listed)
    return len(listed)
