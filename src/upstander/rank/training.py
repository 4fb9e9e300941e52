"""Training at a date: which snapshots a model fitted on date K may learn from, and the fit itself.

A snapshot at cut-off t is used when its twelve months of outcomes ended at least the outcome delay before K
(t + 12 months + delay <= K), and its label is what was known at K. With too few positives or cut-offs the model
is not fitted: the points matrix ranks instead, and the reason says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from upstander.rank.labels import labels
from upstander.rank.model import DEFAULT_STRENGTH, STRENGTHS, Model, average_precision, fit
from upstander.rank.snapshots import HORIZON_MONTHS, Snapshots, add_months

MIN_POSITIVES = 50  # below this a few dozen coefficients are not estimable
MIN_CUTOFFS = 1
VALIDATION_MONTHS = 12


@dataclass
class Fitted:
    model: Model | None
    reason: str  # why there is no model, or a one-line description of the fit
    label: str
    known_by: date
    cutoffs: list[date] = field(default_factory=list)
    validation: dict[str, float] = field(default_factory=dict)  # strength -> average precision, validation year

    @property
    def span(self) -> tuple[date, date] | None:
        return (self.cutoffs[0], self.cutoffs[-1]) if self.cutoffs else None


def last_training_cutoff(known_by: date, delay_months: int) -> date:
    return add_months(known_by, -(HORIZON_MONTHS + delay_months))


def train(snaps: Snapshots, label: str, known_by: date, delay_months: int, seed: int = 0) -> Fitted:
    """Fit on the snapshots a model at `known_by` may use, choosing C by time-ordered validation among them."""
    last = np.datetime64(last_training_cutoff(known_by, delay_months), "D")
    rows = np.flatnonzero(snaps.cutoff <= last)  # indices, not a copy: a large force's snapshots are big
    y = labels(snaps, label, known_by)[rows]
    cutoffs = sorted({d.astype(date) for d in np.unique(snaps.cutoff[rows])})
    if len(cutoffs) < MIN_CUTOFFS or y.sum() < MIN_POSITIVES:
        return Fitted(None, f"too little history to fit at {known_by:%Y-%m-%d}: {len(cutoffs)} monthly cut-offs "
                            f"with outcomes known (each needs {HORIZON_MONTHS} months of outcomes and {delay_months} "
                            f"for them to be known) and {int(y.sum())} positives; at least {MIN_POSITIVES} positives "
                            "are needed, so the points matrix ranks instead", label, known_by, cutoffs)
    strength, scores = choose_strength(snaps, rows, y, cutoffs, seed)
    model = fit(snaps.values, snaps.names, y, strength, seed, rows)
    return Fitted(model, f"fitted at {known_by:%Y-%m-%d} on {len(y):,} snapshots from {len(cutoffs)} monthly "
                         f"cut-offs ({cutoffs[0]:%Y-%m} to {cutoffs[-1]:%Y-%m}), {int(y.sum()):,} positives, "
                         f"regularisation {strength:g}",
                  label, known_by, cutoffs, scores)


def choose_strength(snaps: Snapshots, rows: np.ndarray, y: np.ndarray, cutoffs: list[date], seed: int
                    ) -> tuple[float, dict[str, float]]:
    """The regularisation strength with the best average precision on the last VALIDATION_MONTHS of training
    cut-offs, fitted on cut-offs whose outcome windows end before the validation year starts; DEFAULT_STRENGTH
    when that leaves too little."""
    v_first = add_months(cutoffs[-1], -(VALIDATION_MONTHS - 1))
    inner_last = add_months(v_first, -HORIZON_MONTHS)
    when = snaps.cutoff[rows]
    inner = when <= np.datetime64(inner_last, "D")
    valid = when >= np.datetime64(v_first, "D")
    if y[inner].sum() < MIN_POSITIVES or y[valid].sum() < 10:
        return DEFAULT_STRENGTH, {}
    scores = {}
    for strength in STRENGTHS:
        m = fit(snaps.values, snaps.names, y[inner], strength, seed, rows[inner])
        held_out = m.log_odds(snaps.values[rows[valid]], snaps.names)
        scores[f"{strength:g}"] = round(average_precision(held_out, y[valid]), 4)
    best = max(STRENGTHS, key=lambda s: (scores[f"{s:g}"], s))  # equal scores: the stronger regularisation
    return best, scores
