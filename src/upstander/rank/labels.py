"""Labels: what a snapshot is trained to foresee, and when it became known.

A snapshot at cut-off t is positive when its outcome happened in the twelve months after t and was known by the
date K at which it is used: a model fitted (or tested) at K sees only labels known at K. Which outcome is a
setting (UPSTANDER_RANK_LABEL): a sustained complaint (complaints feed, its finding known from the complaint's
close), an alert an analyst decided to open a case on (the web application's dispositions, published to the
alert store's `dispositions` table), or a case opened and proven (its outcome recorded in the web application,
published to `case_outcomes`).
"""

from __future__ import annotations

from datetime import date

import numpy as np

from upstander.rank.snapshots import Snapshots

OUTCOME_OF = {
    "sustained_complaint": "first_known_sustained",
    "sustained_public_complaint": "first_known_public_sustained",
    "case_opened": "first_known_case_opened",
    "proven_case": "first_known_proven_case",
}
WORDS = {
    "sustained_complaint": "a complaint received in the next 12 months and found sustained",
    "sustained_public_complaint": "a complaint from the public received in the next 12 months and found sustained",
    "case_opened": "an alert in the next 12 months on which an analyst opened a case",
    "proven_case": "a misconduct case opened in the next 12 months and proven (an outcome above reflective practice)",
}


def labels(snaps: Snapshots, label: str, known_by: date) -> np.ndarray:
    """1 where the snapshot's outcome was known by `known_by`, else 0 (not happened, or not known yet)."""
    if label not in OUTCOME_OF:
        raise ValueError(f"unknown label {label!r}: expected one of {', '.join(OUTCOME_OF)}")
    first = snaps.outcomes[OUTCOME_OF[label]]
    return (~np.isnat(first) & (first <= np.datetime64(known_by, "D"))).astype(np.int8)


def setting_label() -> str:
    from upstander import settings

    return str(settings.get("UPSTANDER_RANK_LABEL"))


def delay_months() -> int:
    from upstander import settings

    return int(settings.get("UPSTANDER_RANK_OUTCOME_DELAY_MONTHS"))
