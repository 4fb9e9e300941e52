"""The glass-box model: an L2-regularised logistic regression on standardised features.

Counts enter as log(1 + n), then each feature is centred and scaled by the training snapshots' mean and
standard deviation, so a coefficient is the change in log-odds for one standard deviation and each person's
score is a sum of contributions (coefficient x standardised value) that can be read one by one. The fitted
model is numbers only (means, scales, coefficients, intercept) and is kept as JSON, never pickled.

The regularisation strength (per snapshot, so it means the same on any size of force) is chosen by
time-ordered validation inside the training cut-offs: fit on the earlier ones, score the last year of them,
keep the strength with the best average precision there (the top of the list is what the unit reads), then
refit on all of them. Test cut-offs are never looked at.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from upstander.rank.features import is_feature, is_log

# The penalty per snapshot (lambda: the L2 penalty is lambda/2 x |coef|^2 x the number of snapshots), so the same
# strength means the same shrinkage on a small force as on a large one.
STRENGTHS = (3.0, 1.0, 0.3, 0.1, 0.03, 0.01)
DEFAULT_STRENGTH = 0.1  # used when the training span is too short to hold a validation year
MAX_ROWS = 120_000  # negatives beyond this are thinned (and weighted up), so a large force fits in seconds


@dataclass
class Model:
    features: list[str]
    means: list[float]
    scales: list[float]
    coef: list[float]
    intercept: float
    strength: float
    training_rows: int
    training_positives: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        """A model from its JSON, checked field by field (a stored file is data, never code)."""
        try:
            m = cls(features=[str(f) for f in data["features"]], means=[float(x) for x in data["means"]],
                    scales=[float(x) for x in data["scales"]], coef=[float(x) for x in data["coef"]],
                    intercept=float(data["intercept"]), strength=float(data["strength"]),
                    training_rows=int(data["training_rows"]), training_positives=int(data["training_positives"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a ranking model: {exc}") from None
        n = len(m.features)
        if not (len(m.means) == len(m.scales) == len(m.coef) == n) or n == 0:
            raise ValueError("not a ranking model: features, means, scales and coefficients differ in length")
        unknown = [f for f in m.features if not is_feature(f)]
        if unknown:
            raise ValueError(f"not a ranking model: unknown features {', '.join(unknown)}")
        if not all(math.isfinite(x) for x in [*m.means, *m.scales, *m.coef, m.intercept]) or min(m.scales) <= 0:
            raise ValueError("not a ranking model: a number is not finite or a scale is not positive")
        return m

    def columns(self, names: list[str]) -> np.ndarray:
        """Where each of the model's features is among a snapshot's columns (-1: the snapshot lacks it)."""
        index = {n: j for j, n in enumerate(names)}
        return np.array([index.get(f, -1) for f in self.features], dtype=np.int64)

    def standardised(self, values: np.ndarray, names: list[str]) -> np.ndarray:
        """Rows x the model's features, standardised; an unknown value (NaN, or a column the snapshot lacks) is the
        training mean (0)."""
        cols = self.columns(names)
        x = np.full((len(values), len(cols)), np.nan)
        x[:, cols >= 0] = values[:, cols[cols >= 0]]
        x = transform(x, self.features)
        z = (x - np.asarray(self.means)) / np.asarray(self.scales)
        return np.nan_to_num(z, nan=0.0)

    def contributions(self, values: np.ndarray, names: list[str]) -> np.ndarray:
        return self.standardised(values, names) * np.asarray(self.coef)

    def log_odds(self, values: np.ndarray, names: list[str]) -> np.ndarray:
        return self.contributions(values, names).sum(axis=1) + self.intercept

    def probability(self, values: np.ndarray, names: list[str]) -> np.ndarray:
        return 1 / (1 + np.exp(-self.log_odds(values, names)))


def transform(x: np.ndarray, names: list[str]) -> np.ndarray:
    out = np.array(x, dtype=np.float64, copy=True)
    for j, name in enumerate(names):
        if is_log(name):
            out[:, j] = np.log1p(np.maximum(out[:, j], 0.0))
    return out


def fit(values: np.ndarray, names: list[str], y: np.ndarray, strength: float, seed: int = 0,
        rows: np.ndarray | None = None) -> Model:
    """Fit on raw snapshot values (rows x names), or on the `rows` of them that `y` labels; features that do not
    vary in training are left out."""
    from sklearn.linear_model import LogisticRegression

    picked, weight = thin(y, np.random.default_rng(seed))
    x = transform(values[picked if rows is None else rows[picked]], names)
    known = ~np.isnan(x)
    w = weight[:, None] * known
    means = np.nansum(x * weight[:, None], axis=0) / np.maximum(w.sum(axis=0), 1e-12)
    x = np.where(known, x, means)
    scales = np.sqrt((weight[:, None] * (x - means) ** 2).sum(axis=0) / weight.sum())
    keep = np.flatnonzero(scales > 1e-9)
    z = (x[:, keep] - means[keep]) / scales[keep]
    lr = LogisticRegression(C=1.0 / (strength * weight.sum()), solver="newton-cholesky", max_iter=100, tol=1e-5)
    lr.fit(z, y[picked], sample_weight=weight)
    return Model(features=[names[j] for j in keep], means=means[keep].tolist(), scales=scales[keep].tolist(),
                 coef=lr.coef_[0].tolist(), intercept=float(lr.intercept_[0]), strength=strength, training_rows=len(y),
                 training_positives=int(y.sum()))


def thin(y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Every positive, and negatives at random down to MAX_ROWS in all, each weighted by the inverse of its
    chance of being kept (so the fit estimates the same model as on every row)."""
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    room = max(MAX_ROWS - len(pos), len(pos))
    if len(neg) <= room:
        return np.arange(len(y)), np.ones(len(y))
    keep = rng.choice(neg, room, replace=False)
    rows = np.concatenate([pos, np.sort(keep)])
    weight = np.concatenate([np.ones(len(pos)), np.full(room, len(neg) / room)])
    return rows, weight


def average_precision(score: np.ndarray, y: np.ndarray) -> float:
    if y.sum() == 0:
        return float("nan")
    order = np.argsort(-score, kind="stable")
    hits = np.cumsum(y[order])
    ranks = np.arange(1, len(y) + 1)
    return float((hits / ranks)[y[order] == 1].mean())
