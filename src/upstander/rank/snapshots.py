"""Monthly snapshots: the features of every member of staff in the population at each cut-off date, and when
each outcome after it first became known.

Cut-offs are the first of each month from a year after the first complaint (so the shortest windows are full),
and the as-of date itself for ranking now. A snapshot's outcome is "known at K" when the first finding (or case
decision) in its twelve months was known by K: labels.py asks that question for each use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from upstander.rank import features as F
from upstander.rank.source import Span, attach_alerts, prepare

MIN_HISTORY_MONTHS = 12
HORIZON_MONTHS = 12  # outcomes are counted in the twelve months after a cut-off
POPULATION_MONTHS = 36  # the protocol's population: a complaint (or alert) in the three years before the cut-off


@dataclass
class Snapshots:
    cutoff: np.ndarray  # datetime64[D]
    staff_id: np.ndarray
    role: np.ndarray
    team_id: np.ndarray
    names: list[str]  # the columns of values: FEATURES, then the force's frequent categories
    values: np.ndarray  # rows x names, raw (counts, years, log ratios); NaN where unknown
    matrix_points: np.ndarray
    outcomes: dict[str, np.ndarray]  # OUTCOMES -> datetime64[D], NaT when none

    def __len__(self) -> int:
        return len(self.staff_id)

    def where(self, mask: np.ndarray) -> Snapshots:
        return Snapshots(self.cutoff[mask], self.staff_id[mask], self.role[mask], self.team_id[mask], self.names,
                         self.values[mask], self.matrix_points[mask], {k: v[mask] for k, v in self.outcomes.items()})

    def cutoffs(self) -> list[date]:
        return [d.astype(date) for d in np.unique(self.cutoff)]


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, 1) if d.day == 1 else date(d.year + y, m + 1, min(d.day, 28))


def monthly(first: date, last: date) -> list[date]:
    """The first of each month from `first` (rounded up to a first of the month) to `last`, inclusive."""
    d = first if first.day == 1 else add_months(date(first.year, first.month, 1), 1)
    out = []
    while d <= last:
        out.append(d)
        d = add_months(d, 1)
    return out


def training_cutoffs(span: Span) -> list[date]:
    return monthly(add_months(date(span.first.year, span.first.month, 1), MIN_HISTORY_MONTHS), span.as_of)


def categories(con: duckdb.DuckDBPyConnection, before: date) -> list[str]:
    """The force's own complaint categories frequent enough to be features, from complaints received before
    `before` (the first date the features are used at, so the choice knows nothing later)."""
    rows = con.execute("""SELECT category, count(*) AS n, sum(count(*)) OVER () AS total FROM _rank_complaints
                           WHERE received < ? AND category IS NOT NULL GROUP BY category
                           ORDER BY n DESC, category LIMIT ?""", [before, F.MAX_CATEGORIES]).fetchall()
    return [c for c, n, total in rows if n >= F.MIN_CATEGORY_SHARE * total]


def build(con: duckdb.DuckDBPyConnection, cutoffs: list[date], half_life_days: float,
          vocabulary: list[str] | None = None) -> Snapshots:
    """Snapshots at the given cut-offs, from the `_rank_*` tables source.prepare made on `con`, with a count per
    category of `vocabulary` besides FEATURES."""
    con.register("_cutoffs_in", pa.table({"cutoff": pa.array(sorted(set(cutoffs)), pa.date32())}))
    con.execute("CREATE OR REPLACE TEMP TABLE _cutoffs AS SELECT cutoff FROM _cutoffs_in")
    con.unregister("_cutoffs_in")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _rank_snap AS SELECT row_number() OVER () - 1 AS rn, * FROM "
                f"({F.snapshot_sql(half_life_days)})")  # nosec B608  # SQL built from this package's constants
    cols = con.execute("SELECT * FROM _rank_snap ORDER BY rn").fetchnumpy()
    vocabulary = vocabulary or []
    n = len(cols["staff_id"])
    values = np.zeros((n, len(F.FEATURES) + len(vocabulary)), dtype=np.float32)  # counts are exact in float32
    for j, f in enumerate(F.FEATURES):
        values[:, j] = _floats(cols[f.name])
    if vocabulary:
        _category_counts(con, vocabulary, values[:, len(F.FEATURES):])
    return Snapshots(
        cutoff=np.asarray(cols["cutoff"]).astype("datetime64[D]"),
        staff_id=np.asarray(cols["staff_id"], dtype=object),
        role=np.asarray(cols["role"], dtype=object), team_id=np.asarray(cols["team_id"], dtype=object),
        names=[f.name for f in F.FEATURES] + [F.CATEGORY + c for c in vocabulary], values=values,
        matrix_points=_floats(cols["matrix_points"]),
        outcomes={k: _dates(cols[k]) for k in F.OUTCOMES},
    )


def _category_counts(con: duckdb.DuckDBPyConnection, vocabulary: list[str], out: np.ndarray) -> None:
    """Complaints in each category of the vocabulary received in the 5 years before each snapshot, into `out`."""
    con.register("_vocab_in", pa.table({"category": pa.array(vocabulary, pa.string()),
                                        "idx": pa.array(range(len(vocabulary)), pa.int64())}))
    cols = con.execute("""SELECT s.rn, v.idx, count(*) AS n FROM _rank_snap s
                          JOIN _rank_complaints k ON k.staff_id = s.staff_id AND k.received < s.cutoff
                                                 AND k.received >= s.cutoff - INTERVAL 60 MONTH
                          JOIN _vocab_in v ON v.category = k.category GROUP BY s.rn, v.idx""").fetchnumpy()
    con.unregister("_vocab_in")
    out[np.asarray(cols["rn"], dtype=np.int64), np.asarray(cols["idx"], dtype=np.int64)] = np.asarray(cols["n"])


def _floats(col: np.ndarray) -> np.ndarray:
    if np.ma.isMaskedArray(col):
        return np.ma.filled(col.astype(np.float64), np.nan)
    return np.asarray(col, dtype=np.float64)


def _dates(col: np.ndarray) -> np.ndarray:
    if np.ma.isMaskedArray(col):
        out = np.full(len(col), np.datetime64("NaT"), dtype="datetime64[D]")
        ok = ~np.ma.getmaskarray(col)
        out[ok] = np.asarray(col.data[ok]).astype("datetime64[D]")
        return out
    return np.asarray(col).astype("datetime64[D]")


def load(con: duckdb.DuckDBPyConnection, home: Path | None, delay_months: int) -> tuple[Span, bool]:
    """Prepare the ranking's tables on a lake connection: (the complaints' span, whether alerts were found)."""
    span = prepare(con, delay_months)
    return span, attach_alerts(con, home)
