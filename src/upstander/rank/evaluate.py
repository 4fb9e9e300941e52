"""The honest evaluation: the learned ranking against the three-in-twelve rule and simple rankings, at yearly
test cut-offs it was not trained on.

For each test cut-off T (1 January of each year):
  * the model is fitted as it could have been at T: on monthly snapshots whose outcomes were known at T
    (training.py), its regularisation chosen inside them;
  * the population is everyone serving at T with a complaint (or alert) in the three years before it;
  * the truth is the outcome in the twelve months after T as known at the end of the data, and T is a test
    cut-off only when those twelve months ended at least the outcome delay before the end (labels complete);
  * the model, the rule (3+ complaints received in the 12 months before T), ranking by complaints in the last
    12 months, by complaints in the last 5 years, and the points matrix (as it stood at T on these data) are
    each judged at the rule's own budget (the number it flags), the top 1% and 5%, the first 50 and 100; AUC.
Differences between the model and each baseline are pooled over cut-offs with a bootstrap over officers.
When complaints say where they came from, the same is done for sustained complaints from the public alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from upstander.rank.labels import WORDS, labels
from upstander.rank.metrics import at_budget, auc, bootstrap_precisions, interval, selection
from upstander.rank.snapshots import (
    HORIZON_MONTHS,
    POPULATION_MONTHS,
    Snapshots,
    add_months,
    build,
    categories,
    load,
    training_cutoffs,
)
from upstander.rank.training import Fitted, last_training_cutoff, train

METHODS = ("model", "rule", "complaints_12m", "complaints_60m", "points_matrix")
METHOD_WORDS = {"model": "learned ranking", "rule": "three-in-twelve rule",
                "complaints_12m": "complaints in the last 12 months",
                "complaints_60m": "complaints in the last 5 years",
                "points_matrix": "points matrix"}
BUDGETS = ("rule_budget", "top_1pct", "top_5pct", "top_50", "top_100")
BUDGET_WORDS = {"rule_budget": "the rule's own budget", "top_1pct": "top 1%", "top_5pct": "top 5%",
                "top_50": "first 50", "top_100": "first 100"}
RULE_MIN = 3
GOAL_RATIO = 1.5


def yearly_cutoffs(first: date, as_of: date, delay_months: int) -> list[date]:
    """1 January of each year with three years of history before it, complete labels after it, and at least one
    monthly training cut-off whose outcomes were known by it."""
    out = []
    earliest_training = add_months(date(first.year, first.month, 1), 12)
    for year in range(first.year + 1, as_of.year + 1):
        t = date(year, 1, 1)
        if (add_months(t, -POPULATION_MONTHS) >= date(first.year, first.month, 1)
                and add_months(t, HORIZON_MONTHS + delay_months) <= as_of
                and last_training_cutoff(t, delay_months) >= earliest_training):
            out.append(t)
    return out


def backtest(con: duckdb.DuckDBPyConnection, home: Path | None, label: str, delay_months: int,
             half_life_days: float, *, replicates: int = 1000, seed: int = 0,
             on_step: Callable[[str], None] | None = None) -> dict[str, Any]:
    span, has_alerts = load(con, home, delay_months)
    tests = yearly_cutoffs(span.first, span.as_of, delay_months)
    say = on_step or (lambda _: None)
    say("snapshots")
    # The force's categories that are features: chosen from complaints before the first test cut-off.
    vocabulary = categories(con, tests[0]) if tests else []
    # Only the cut-offs some test cut-off may train on, and the test cut-offs themselves.
    needed = [c for c in training_cutoffs(span) if tests and c <= last_training_cutoff(tests[-1], delay_months)]
    snaps = build(con, needed + tests, half_life_days, vocabulary)
    out: dict[str, Any] = {
        "label": label, "label_words": WORDS[label], "delay_months": delay_months, "as_of": span.as_of.isoformat(),
        "data_from": span.first.isoformat(), "alerts_used": has_alerts,
        "population": "serving at the cut-off with a complaint or alert in the 3 years before it",
        "rule": f"{RULE_MIN} or more complaints received in the 12 months before the cut-off",
        "test_cutoffs": [t.isoformat() for t in tests],
        "evaluated_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if not tests:
        out["verdict"] = ("no yearly cut-off has three years of history before it, complete labels after it and "
                          "training data known by it: the data are too short to evaluate a learned ranking")
        return out
    out["all"] = _judged(snaps, tests, label, span.as_of, delay_months, replicates, seed, say)
    if span.has_origin and label == "sustained_complaint":
        out["public"] = _judged(snaps, tests, "sustained_public_complaint", span.as_of, delay_months, replicates,
                                seed, say)
    out["goals"] = goals(out["all"])
    return out


def _judged(snaps: Snapshots, tests: list[date], label: str, as_of: date, delay_months: int, replicates: int,
            seed: int, say: Callable[[str], None]) -> dict[str, Any]:
    per_cutoff, rows = [], []
    for t in tests:
        say(f"{label} {t:%Y}")
        fitted = train(snaps, label, t, delay_months, seed)
        test = snaps.where(snaps.cutoff == np.datetime64(t, "D"))
        y = labels(test, label, as_of)
        entry: dict[str, Any] = {"cutoff": t.isoformat(), "population": len(test), "positives": int(y.sum()),
                                 "base_rate": round(float(y.mean()), 4) if len(y) else None,
                                 "training": _training(fitted)}
        if fitted.model is None or not len(test):
            entry["skipped"] = fitted.reason if fitted.model is None else "nobody in the population"
            per_cutoff.append(entry)
            continue
        scores = method_scores(test, fitted)
        budgets = budget_sizes(scores["rule"], len(test))
        entry["budgets"] = budgets
        entry["methods"] = {m: {**{b: at_budget(s, y, budgets[b]) for b in BUDGETS}, "auc": auc(s, y)}
                            for m, s in scores.items()}
        per_cutoff.append(entry)
        rows.append((test.staff_id, y, {m: {b: selection(s, budgets[b]) for b in BUDGETS}
                                       for m, s in scores.items()}))
    return {"label": label, "label_words": WORDS[label], "cutoffs": per_cutoff,
            **_pooled(rows, replicates, seed)}


def _training(fitted: Fitted) -> dict[str, Any]:
    out: dict[str, Any] = {"description": fitted.reason}
    if fitted.model is not None and fitted.span:
        out.update({"from": fitted.span[0].isoformat(), "to": fitted.span[1].isoformat(),
                    "snapshots": fitted.model.training_rows, "positives": fitted.model.training_positives,
                    "strength": fitted.model.strength, "validation_average_precision": fitted.validation})
    return out


def method_scores(test: Snapshots, fitted: Fitted) -> dict[str, np.ndarray]:
    col = {n: j for j, n in enumerate(test.names)}
    c12, c60 = test.values[:, col["complaints_12m"]], test.values[:, col["complaints_60m"]]
    assert fitted.model is not None  # nosec B101  # callers skip cut-offs without a model
    return {"model": fitted.model.log_odds(test.values, test.names), "rule": (c12 >= RULE_MIN).astype(np.float64),
            "complaints_12m": c12, "complaints_60m": c60, "points_matrix": test.matrix_points}


def budget_sizes(rule: np.ndarray, n: int) -> dict[str, int]:
    return {"rule_budget": int(rule.sum()), "top_1pct": max(1, math.ceil(0.01 * n)),
            "top_5pct": max(1, math.ceil(0.05 * n)), "top_50": min(50, n), "top_100": min(100, n)}


def _pooled(rows: list[tuple[np.ndarray, np.ndarray, dict[str, dict[str, np.ndarray]]]], replicates: int,
            seed: int) -> dict[str, Any]:
    if not rows:
        return {"pooled": None, "differences": None}
    officer = np.concatenate([r[0] for r in rows])
    y = np.concatenate([r[1] for r in rows]).astype(np.float64)
    sel = {f"{m}|{b}": np.concatenate([r[2][m][b] for r in rows]) for m in METHODS for b in BUDGETS}
    point, reps = bootstrap_precisions(officer, y, sel, replicates, seed)
    pooled: dict[str, Any] = {}
    differences: dict[str, Any] = {}
    for b in BUDGETS:
        pooled[b] = {}
        for m in METHODS:
            k = sel[f"{m}|{b}"].sum()
            hits = float((sel[f"{m}|{b}"] * y).sum())
            pooled[b][m] = {"precision": round(hits / k, 4) if k else None,
                            "recall": round(hits / y.sum(), 4) if y.sum() else None}
        differences[b] = {m: interval(point[f"model|{b}"], point[f"{m}|{b}"], reps[f"model|{b}"], reps[f"{m}|{b}"])
                          for m in METHODS if m != "model" and sel[f"{m}|{b}"].sum() and sel[f"model|{b}"].sum()}
    return {"pooled": pooled, "differences": differences}


def goals(result: dict[str, Any]) -> dict[str, Any]:
    """The issue's goal at the rule's budget, pooled: precision >= 1.5x the rule's and above both counts, with the
    bootstrap interval of each difference above zero."""
    pooled, diffs = result.get("pooled"), result.get("differences")
    if not pooled or not diffs:
        return {"met": None, "why": "no cut-off could be judged"}
    at = pooled["rule_budget"]
    model, rule = at["model"]["precision"], at["rule"]["precision"]
    checks = {
        "precision_at_least_1.5x_rule": (model is not None and rule is not None and model >= GOAL_RATIO * rule),
        **{f"above_{m}_interval_above_zero": bool(m in diffs["rule_budget"]
                                                  and diffs["rule_budget"][m]["interval"][0] > 0)
           for m in ("rule", "complaints_12m", "complaints_60m")},
    }
    return {"met": all(checks.values()), "checks": checks,
            "ratio_to_rule": round(model / rule, 3) if model is not None and rule else None}
