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


def bootstrap_difference(officer: np.ndarray, y: np.ndarray, sel_a: np.ndarray, sel_b: np.ndarray,
                         replicates: int = 1000, seed: int = 0) -> dict[str, float | list[float]]:
    """Pooled precision of ranking a minus ranking b, with a 95% interval from resampling officers (all of an
    officer's snapshots together, since one person's cut-offs are not independent)."""
    ids, idx = np.unique(officer, return_inverse=True)
    n = len(ids)
    per = np.zeros((4, n))
    for row, values in enumerate((sel_a * y, sel_a, sel_b * y, sel_b)):
        per[row] = np.bincount(idx, weights=values, minlength=n)
    point = per[0].sum() / per[1].sum() - per[2].sum() / per[3].sum()
    rng = np.random.default_rng(seed)
    diffs = np.empty(replicates)
    for start in range(0, replicates, 100):  # 100 replicates at a time bounds memory on a large force
        m = min(100, replicates - start)
        w = rng.multinomial(n, np.full(n, 1 / n), size=m).astype(np.float64)
        t = w @ per.T
        with np.errstate(invalid="ignore", divide="ignore"):
            diffs[start:start + m] = t[:, 0] / t[:, 1] - t[:, 2] / t[:, 3]
    diffs = diffs[np.isfinite(diffs)]
    lo, hi = np.percentile(diffs, [2.5, 97.5]) if len(diffs) else (float("nan"), float("nan"))
    return {"difference": round(float(point), 4), "interval": [round(float(lo), 4), round(float(hi), 4)]}
