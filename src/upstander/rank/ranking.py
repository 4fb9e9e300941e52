"""The learned ranking as the rest of Upstander uses it: fit it, rank people now with their reasons, evaluate it.

    fit(home)               fit on everything known now and store a new version (or say why it cannot)
    rank_now(home)          everyone in the population today, highest score first, with their top reasons
    reasons_for(home, id)   one person's score and reasons (the person view)
    evaluate(home)          the yearly backtest (evaluate.py), kept beside the current version

Each takes an open lake connection as `con` to reuse; otherwise it opens the lake under `home`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from upstander.rank import evaluate as ev
from upstander.rank import store
from upstander.rank.explain import Reason, reasons
from upstander.rank.labels import WORDS, delay_months, setting_label
from upstander.rank.snapshots import build, categories, load, training_cutoffs
from upstander.rank.training import last_training_cutoff, train


@dataclass
class Ranked:
    rank: int
    staff_id: str
    role: str
    team_id: str
    score: float  # the chance of the label in the next twelve months, as the model estimates it
    reasons: list[Reason] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["reasons"] = [r.to_json() for r in self.reasons]
        return out


@dataclass
class FitResult:
    stored: store.StoredModel | None
    message: str


def _connect(home: Path | None, con: duckdb.DuckDBPyConnection | None) -> tuple[Path, duckdb.DuckDBPyConnection]:
    from upstander import settings
    from upstander.lake import Lake

    path = Path(home) if home else settings.home()
    return path, con or Lake(path).connect()


def _half_life() -> float:
    from upstander.risk.matrix import half_life_days

    return half_life_days()


def fit(home: Path | None = None, con: duckdb.DuckDBPyConnection | None = None,
        on_step: Callable[[str], None] | None = None) -> FitResult:
    """Fit on every snapshot whose outcomes are known now and make it the current version; with too little
    history, store nothing and say so (the points matrix stays in use)."""
    path, con = _connect(home, con)
    label, delay = setting_label(), delay_months()
    say = on_step or (lambda _: None)
    say("reading complaints")
    span, has_alerts = load(con, path, delay)
    vocabulary = categories(con, span.as_of)
    say("building snapshots")
    last = last_training_cutoff(span.as_of, delay)
    snaps = build(con, [c for c in training_cutoffs(span) if c <= last], _half_life(), vocabulary)
    say("fitting")
    fitted = train(snaps, label, span.as_of, delay)
    if fitted.model is None:
        return FitResult(None, fitted.reason)
    meta = {"label": label, "label_words": WORDS[label], "delay_months": delay, "known_by": span.as_of.isoformat(),
            "data_from": span.first.isoformat(), "training_from": fitted.span[0].isoformat() if fitted.span else None,
            "training_to": fitted.span[1].isoformat() if fitted.span else None,
            "training_cutoffs": len(fitted.cutoffs), "validation_average_precision": fitted.validation,
            "vocabulary": vocabulary, "alerts_used": has_alerts, "description": fitted.reason,
            "fitted_at": datetime.now(UTC).isoformat(timespec="seconds")}
    saved = store.save(path, fitted.model, meta)
    return FitResult(saved, f"{saved.version}: {fitted.reason}")


def rank_now(home: Path | None = None, con: duckdb.DuckDBPyConnection | None = None,
             as_of: date | None = None) -> tuple[store.StoredModel | None, list[Ranked]]:
    """Everyone in today's population ranked by the current model, with their reasons; (None, []) when no model
    has been fitted (the points matrix ranks then)."""
    path, con = _connect(home, con)
    current = store.current_model(path)
    if current is None:
        return None, []
    span, _ = load(con, path, int(current.meta.get("delay_months", delay_months())))
    when = as_of or span.as_of
    snaps = build(con, [when], _half_life(), current.vocabulary)
    if not len(snaps):
        return current, []
    score = current.model.probability(snaps.values, snaps.names)
    why = reasons(current.model, snaps.values, snaps.names, snaps.role)
    order = np.lexsort((snaps.staff_id.astype(str), -score))  # the id only orders people with equal scores
    out: list[Ranked] = []
    for i in order:
        rank = out[-1].rank if out and out[-1].score == round(float(score[i]), 6) else len(out) + 1
        out.append(Ranked(rank, str(snaps.staff_id[i]), str(snaps.role[i]), str(snaps.team_id[i]),
                          round(float(score[i]), 6), why[i]))
    return current, out


def reasons_for(staff_id: str, home: Path | None = None,
                con: duckdb.DuckDBPyConnection | None = None) -> Ranked | None:
    """One person's rank, score and reasons today, or None when no model is fitted or they are not in the
    population (not serving, or no complaint or alert in three years)."""
    _, people = rank_now(home, con)
    return next((p for p in people if p.staff_id == staff_id), None)


def evaluate(home: Path | None = None, con: duckdb.DuckDBPyConnection | None = None,
             on_step: Callable[[str], None] | None = None, replicates: int = 1000) -> dict[str, Any]:
    """The yearly backtest with the settings in force, stored beside the current version when there is one."""
    path, con = _connect(home, con)
    result = ev.backtest(con, path, setting_label(), delay_months(), _half_life(), replicates=replicates,
                         on_step=on_step)
    current = store.current_model(path)
    if current is not None:
        result["model_version"] = current.version
        store.save_evaluation(path, current.version, result)
    return result
