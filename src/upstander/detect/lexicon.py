"""The message-content lexicon (red flags 8 and 12), kept as data in lexicon.csv so analysts can read and
change it without touching code. Patterns are regular expressions matched against lower-cased text."""

from __future__ import annotations

import csv
import re
from importlib import resources
from pathlib import Path

import pyarrow as pa

COLUMNS = ("term_id", "category", "pattern", "weight", "why")


def lexicon_path() -> Path:
    return Path(str(resources.files("upstander.detect") / "lexicon.csv"))


def read_lexicon(path: Path | None = None) -> list[dict[str, str]]:
    path = path or lexicon_path()
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for n, row in enumerate(rows, start=2):
        if tuple(row) != COLUMNS:
            raise ValueError(f"{path}: columns must be {', '.join(COLUMNS)}")
        try:
            re.compile(row["pattern"])
            float(row["weight"])
        except (re.error, ValueError) as exc:
            raise ValueError(f"{path} line {n} ({row['term_id']}): {exc}") from None
    return rows


def lexicon_table(path: Path | None = None) -> pa.Table:
    rows = read_lexicon(path)
    return pa.table({
        "term_id": [r["term_id"] for r in rows],
        "category": [r["category"] for r in rows],
        "pattern": [r["pattern"] for r in rows],
        "weight": pa.array([float(r["weight"]) for r in rows], pa.float64()),
    })
