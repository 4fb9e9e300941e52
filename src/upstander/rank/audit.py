"""Fairness audit: does the ranking flag some groups more than others?

For each protected characteristic the force delivers in the staff feed (sex, ethnicity, and an age band from
birth year; never model inputs), and for each group: how many are in the population, how many are flagged (in
the first N of the ranking; by default as many as the three-in-twelve rule flags), the flag rate, the mean
percentile rank, and the disproportionality ratio (the group's flag rate over the overall rate) with a 95%
Katz log interval. The rule's own flags are audited beside the ranking's, so a disparity the data carry in is
told apart from one the model adds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from upstander.rank.ranking import Ranked, _connect, rank_now
from upstander.rank.source import columns

CHARACTERISTICS = ("sex", "ethnicity", "age_band")
Z = 1.959964


def age_band(birth_year: int | None, on: date) -> str:
    if birth_year is None:
        return "unknown"
    age = on.year - int(birth_year)
    return "under 30" if age < 30 else "30-39" if age < 40 else "40-49" if age < 50 else "50 and over"


def disproportion(flagged: int, n: int, all_flagged: int, all_n: int) -> dict[str, Any]:
    """Flag rate of a group, its ratio to the overall rate, and the Katz log interval of that ratio."""
    rate = flagged / n if n else None
    overall = all_flagged / all_n if all_n else None
    out: dict[str, Any] = {"people": n, "flagged": flagged, "flag_rate": None if rate is None else round(rate, 4)}
    if not rate or not overall:
        out.update({"ratio": 0.0 if rate == 0 and overall else None, "interval": None})
        return out
    ratio = rate / overall
    se = math.sqrt(max(1 / flagged - 1 / n + 1 / all_flagged - 1 / all_n, 0.0))
    out.update({"ratio": round(ratio, 3),
                "interval": [round(ratio * math.exp(-Z * se), 3), round(ratio * math.exp(Z * se), 3)]})
    return out


def audit_ranking(people: list[Ranked], attributes: dict[str, dict[str, str]], flagged: set[str],
                  rule_flagged: set[str]) -> dict[str, Any]:
    """The audit of a ranking (people in rank order) given each person's groups: attributes[characteristic][id].
    The dashboard can call this with any ranking and any flag set."""
    n = len(people)
    percentile = {p.staff_id: (i + 0.5) / n for i, p in enumerate(people)} if n else {}
    out: dict[str, Any] = {}
    for characteristic, groups in attributes.items():
        members: dict[str, list[str]] = defaultdict(list)
        for p in people:
            members[groups.get(p.staff_id, "unknown")].append(p.staff_id)
        rows = {}
        for group, ids in sorted(members.items()):
            rows[group] = {
                "ranking": disproportion(sum(i in flagged for i in ids), len(ids), len(flagged & set(percentile)), n),
                "rule": disproportion(sum(i in rule_flagged for i in ids), len(ids),
                                      len(rule_flagged & set(percentile)), n),
                "mean_percentile_rank": round(sum(percentile[i] for i in ids) / len(ids), 3),
            }
        out[characteristic] = rows
    return out


def audit(home: Path | None = None, con: duckdb.DuckDBPyConnection | None = None,
          top: int | None = None) -> dict[str, Any]:
    """The audit of today's ranking by the current model; `top` flags the first N (default: the rule's count)."""
    path, con = _connect(home, con)
    current, people = rank_now(path, con)
    if current is None:
        return {"model_version": None, "note": "no ranking is fitted (`upstander rank fit`): nothing to audit"}
    have = columns(con, "staff")
    delivered = [c for c in ("sex", "ethnicity", "birth_year") if c in have]
    as_of = date.fromisoformat(str(current.meta.get("known_by")))
    attributes: dict[str, dict[str, str]] = {}
    ids = [p.staff_id for p in people]
    if delivered and ids:
        picked = ", ".join(delivered)
        rows = con.execute(f"SELECT staff_id, {picked} FROM staff WHERE staff_id IN (SELECT unnest(?::VARCHAR[]))",  # nosec B608  # column names from the fixed list above
                           [ids]).fetchall()
        for j, c in enumerate(delivered, start=1):
            name = "age_band" if c == "birth_year" else c
            attributes[name] = {r[0]: (age_band(r[j], as_of) if c == "birth_year" else str(r[j] or "unknown"))
                                for r in rows}
    rule = set(_rule_flags(con, ids, as_of))
    k = top if top is not None else len(rule)
    flagged = {p.staff_id for p in people[:k]}
    return {"model_version": current.version, "as_of": as_of.isoformat(), "population": len(people),
            "flagged": len(flagged), "flagged_by": f"the first {k} of the ranking"
            + (" (as many as the three-in-twelve rule flags)" if top is None else ""),
            "rule_flagged": len(rule), "characteristics_delivered": sorted(attributes),
            "not_delivered": [c for c in CHARACTERISTICS if c not in attributes],
            "groups": audit_ranking(people, attributes, flagged, rule)}


def _rule_flags(con: duckdb.DuckDBPyConnection, ids: list[str], as_of: date) -> list[str]:
    return [r[0] for r in con.execute(
        """SELECT staff_id FROM _rank_complaints WHERE staff_id IN (SELECT unnest(?::VARCHAR[]))
           AND received < ?::TIMESTAMP AND received >= ?::TIMESTAMP - INTERVAL 12 MONTH
           GROUP BY staff_id HAVING count(*) >= 3""", [ids, as_of, as_of]).fetchall()]
