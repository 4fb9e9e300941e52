"""The fairness audit of the ranking for the oversight dashboard: for each protected characteristic the force
delivers (optional staff fields, never model inputs), how often each group is among those the ranking puts
first, against the force-wide rate, beside the three-in-twelve rule at the same budget (`upstander rank audit`).

Numbers only, and a group of fewer than MIN_GROUP people is not shown: a rate over two people would all but name
them. Worked out once per model version, lake and alert store, like the ranking itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from upstander.web.intelligence.ranking import kept_for_version

MIN_GROUP = 5
NAMES = {"sex": "Sex", "ethnicity": "Ethnicity", "age_band": "Age band"}

def _words(ratio: float | None, interval: list[float] | None) -> str:
    if ratio is None or not interval:
        return "not known"
    low, high = interval
    if low > 1:
        return f"{ratio:.2f} times the force-wide rate: higher, beyond chance"
    if high < 1:
        return f"{ratio:.2f} times the force-wide rate: lower, beyond chance"
    return f"{ratio:.2f} times the force-wide rate: no clear difference"


def _row(group: str, found: dict[str, Any]) -> dict[str, Any]:
    ranked, rule = found.get("ranking", {}), found.get("rule", {})
    return {"group": group.replace("_", " "), "people": ranked.get("people", 0),
            "rate": round(100 * (ranked.get("flag_rate") or 0), 1), "ranking": _words(ranked.get("ratio"),
                                                                                   ranked.get("interval")),
            "rule_rate": round(100 * (rule.get("flag_rate") or 0), 1),
            "rule": _words(rule.get("ratio"), rule.get("interval")),
            "mean_rank": round(100 * found["mean_percentile_rank"]) if found.get("mean_percentile_rank") is not None
            else None}


def fairness(home: Path) -> dict[str, Any]:
    return kept_for_version("fairness", home, _work_out)


def _work_out(home: Path) -> dict[str, Any]:
    from upstander.rank.audit import audit

    found = audit(home)
    shown: dict[str, Any] = {k: found.get(k) for k in ("model_version", "note", "as_of", "population",
                                                       "flagged", "flagged_by", "rule_flagged")}
    shown["not_delivered"] = [NAMES.get(c, c) for c in found.get("not_delivered", [])]
    shown["characteristics"] = []
    for name, groups in (found.get("groups") or {}).items():
        rows = [_row(g, v) for g, v in sorted(groups.items())]
        hidden = sum(1 for r in rows if r["people"] < MIN_GROUP)
        shown["characteristics"].append({"name": NAMES.get(name, name.replace("_", " ").capitalize()),
                                         "rows": [r for r in rows if r["people"] >= MIN_GROUP],
                                         "hidden": hidden})
    return shown
