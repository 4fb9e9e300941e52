"""Precision, recall and AUC of a ranking at a budget, fair to rankings with ties, and the officer-resampling
bootstrap of differences between two rankings pooled over cut-offs.

A ranking by a count (complaints in twelve months) puts many people level. Taking "the first k" of them in id
order would favour whoever has the lower id; here everyone level at the budget's edge is taken with the same
share, which is the expected precision of breaking the tie at random.
"""

from __future__ import annotations

import numpy as np


def selection(score: np.ndarray, k: int) -> np.ndarray:
    """Each person's share of being in the first k: 1 above the edge, the same fraction for those level with it."""
    n = len(score)
    if k <= 0 or n == 0:
        return np.zeros(n)
    if k >= n:
        return np.ones(n)
    edge = np.partition(-score, k - 1)[k - 1] * -1
    above = score > edge
    level = score == edge
    out = above.astype(np.float64)
    out[level] = (k - above.sum()) / level.sum()
    return out


def at_budget(score: np.ndarray, y: np.ndarray, k: int) -> dict[str, float | int | None]:
    sel = selection(score, k)
    hits = float((sel * y).sum())
    return {"k": int(k), "hits": round(hits, 2), "precision": round(hits / k, 4) if k else None,
            "recall": round(hits / y.sum(), 4) if y.sum() else None}


def auc(score: np.ndarray, y: np.ndarray) -> float | None:
    """Area under the ROC curve, ties counted as half (the Mann-Whitney statistic)."""
    pos, neg = int(y.sum()), int(len(y) - y.sum())
    if not pos or not neg:
        return None
    order = np.argsort(score, kind="stable")
    ranks = np.empty(len(score))
    sorted_scores = score[order]
    # average ranks over ties
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    avg = first + (counts - 1) / 2 + 1
    ranks[order] = np.repeat(avg, counts)
    return round(float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg)), 4)


def bootstrap_precisions(officer: np.ndarray, y: np.ndarray, selections: dict[str, np.ndarray],
                          replicates: int = 1000, seed: int = 0) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """Pooled precision of each selection, and its value in each bootstrap replicate. A replicate reweights
    officers (all of an officer's snapshots together, since one person's cut-offs are not independent) by
    Poisson(1) counts: the Poisson bootstrap, which for thousands of officers matches resampling them with
    replacement and costs one draw per officer."""
    _, idx = np.unique(officer, return_inverse=True)
    n = int(idx.max()) + 1 if len(idx) else 0
    keys = list(selections)
    per = np.zeros((n, 2 * len(keys)))
    for j, key in enumerate(keys):
        per[:, 2 * j] = np.bincount(idx, weights=selections[key] * y, minlength=n)
        per[:, 2 * j + 1] = np.bincount(idx, weights=selections[key], minlength=n)
    totals = per.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        point = {k: float(totals[2 * j] / totals[2 * j + 1]) for j, k in enumerate(keys)}
    rng = np.random.default_rng(seed)
    draws = np.empty((replicates, 2 * len(keys)))
    for start in range(0, replicates, 100):  # 100 replicates at a time bounds memory on a large force
        m = min(100, replicates - start)
        draws[start:start + m] = rng.poisson(1.0, (m, n)).astype(np.float32) @ per.astype(np.float32)
    with np.errstate(invalid="ignore", divide="ignore"):
        reps = {k: draws[:, 2 * j] / draws[:, 2 * j + 1] for j, k in enumerate(keys)}
    return point, reps


def interval(point_a: float, point_b: float, reps_a: np.ndarray, reps_b: np.ndarray) -> dict[str, object]:
    """The difference a - b and its 95% percentile interval over the replicates."""
    d = reps_a - reps_b
    d = d[np.isfinite(d)]
    lo, hi = np.percentile(d, [2.5, 97.5]) if len(d) else (float("nan"), float("nan"))
    return {"difference": round(point_a - point_b, 4), "interval": [round(float(lo), 4), round(float(hi), 4)]}


def bootstrap_difference(officer: np.ndarray, y: np.ndarray, sel_a: np.ndarray, sel_b: np.ndarray,
                         replicates: int = 1000, seed: int = 0) -> dict[str, float | list[float]]:
    """Pooled precision of ranking a minus ranking b, with its 95% bootstrap interval (bootstrap_precisions)."""
    point, reps = bootstrap_precisions(officer, y, {"a": sel_a, "b": sel_b}, replicates, seed)
    return interval(point["a"], point["b"], reps["a"], reps["b"])
