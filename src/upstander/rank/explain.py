"""Reasons in words: each ranked person's five largest contributions to their score.

A contribution is the coefficient times the standardised value, so the reasons add up (with the intercept) to
the person's log-odds. The words give the person's own value and, for counts, the mean of peers in the same role
at the same date ("4 complaints in the last 12 months (peers in the same role: 0.6)").
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from upstander.rank.features import BY_NAME, CATEGORY, words
from upstander.rank.model import Model

TOP_REASONS = 5


@dataclass(frozen=True)
class Reason:
    words: str
    feature: str
    contribution: float  # in log-odds: positive raises the score

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _value(name: str, v: float) -> str:
    if math.isnan(v):
        return "unknown"
    if name.endswith(("_vs_role", "_vs_team")):
        return f"{math.exp(v):.1f}"
    if name in ("years_of_service", "amplifier_score"):
        return f"{v:.1f}"
    return f"{v:.0f}"


def _singular(text: str) -> str:
    """"1 complaints in ..." -> "1 complaint in ..." (only the counted noun, which follows the number)."""
    head, _, rest = text.partition(" ")
    for plural in ("complaints", "alerts", "complainants", "internal complaints", "different complainants"):
        if rest.startswith(plural):
            return f"{head} {plural[:-1]}{rest[len(plural):]}"
    return text


def _peer(name: str) -> bool:
    return name.startswith(CATEGORY) or (name in BY_NAME and BY_NAME[name].peer)


def peer_means(values: np.ndarray, roles: np.ndarray) -> dict[str, np.ndarray]:
    """For each role, the mean of every column among the people of that role in `values`."""
    out = {}
    for role in np.unique(roles):
        out[str(role)] = np.nanmean(values[roles == role], axis=0)
    return out


def reasons(model: Model, values: np.ndarray, names: list[str], roles: np.ndarray,
            top: int = TOP_REASONS) -> list[list[Reason]]:
    """The top reasons of every row of `values` (one snapshot date, so peers are people at the same date)."""
    contrib = model.contributions(values, names)
    means = peer_means(values, roles)
    col = {n: j for j, n in enumerate(names)}
    out = []
    for i in range(len(values)):
        order = np.argsort(-contrib[i], kind="stable")
        raising = [j for j in order if contrib[i, j] > 1e-9]
        lowering = [j for j in order[::-1] if contrib[i, j] < -1e-9]
        chosen = (raising + lowering)[:top]
        row = []
        for j in chosen:
            name = model.features[j]
            raw = values[i, col[name]] if name in col else float("nan")
            shown = _value(name, raw)
            text = words(name).format(v=shown)
            if shown == "1":
                text = _singular(text)
            if _peer(name) and name in col:
                text += f" (peers in the same role: {means[str(roles[i])][col[name]]:.1f})"
            if contrib[i, j] < 0:
                text += " (lowers the score)"
            row.append(Reason(text, name, round(float(contrib[i, j]), 3)))
        out.append(row)
    return out
