"""Who the unit should look at first, as the pages show it: the learned ranking when one is fitted
(`upstander rank fit`), else the points matrix, said plainly; each person with their reasons in words and,
for the learned ranking, how their score moved over the last 30 days.

A ranking is worked out once per process for each model version, lake and alert store, and kept until one of
them changes: it reads every complaint and alert (a second or two for a large force), and a page needs it
whole to place one person. Need to know is not applied here: the views drop everyone the user is conflicted
about before anything is shown.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from upstander.lake.manifest import MANIFEST

TREND_DAYS = 30
T = TypeVar("T")


@dataclass(frozen=True)
class Listed:
    rank: int
    staff_id: str
    role: str
    team_id: str
    score: float  # learned: the estimated chance of the outcome in the next 12 months; points: the total
    reasons: tuple[str, ...]
    trend: float | None = None  # learned: the score now less the score TREND_DAYS ago; None when not known


@dataclass(frozen=True)
class Ranking:
    learned: bool
    method: str  # in words: which ranking, which version, what it estimates
    as_of: date | None
    people: tuple[Listed, ...] = ()
    by_id: dict[str, Listed] = field(default_factory=dict)


_lock = threading.Lock()
_cache: dict[tuple[str, str], tuple[tuple[object, ...], Any]] = {}


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


def version(home: Path) -> tuple[object, ...]:
    from upstander.rank import store

    current = store.current_model(home)
    return (_stamp(home / "lake" / MANIFEST), _stamp(home / "alerts.duckdb"),
            current.version if current is not None else None)


def kept_for_version(kind: str, home: Path, work_out: Callable[[Path], T]) -> T:
    """`work_out(home)`, kept per process under `kind` until the model, the lake or the alerts change."""
    key = version(home)
    with _lock:
        held = _cache.get((kind, str(home)))
        if held is not None and held[0] == key:
            return held[1]  # type: ignore[no-any-return]
        value = work_out(home)
        _cache[(kind, str(home))] = (key, value)
        return value


def current(home: Path) -> Ranking:
    """Today's ranking for this home, worked out again only when the model, the lake or the alerts changed."""
    return kept_for_version("ranking", home, _work_out)


def _work_out(home: Path) -> Ranking:
    from upstander.rank.ranking import rank_now

    model, people = rank_now(home)
    if model is None:
        return _points(home)
    meta = model.meta
    as_of = date.fromisoformat(str(meta["known_by"])) if meta.get("known_by") else None
    before = {}
    if as_of is not None:
        _, earlier = rank_now(home, as_of=as_of - timedelta(days=TREND_DAYS))
        before = {p.staff_id: p.score for p in earlier}
    listed = tuple(Listed(p.rank, p.staff_id, p.role, p.team_id, p.score, tuple(r.words for r in p.reasons),
                          round(p.score - before[p.staff_id], 6) if p.staff_id in before else None)
                   for p in people)
    words = str(meta.get("label_words") or meta.get("label") or "the outcome")
    method = (f"Learned ranking {model.version}: the estimated chance of {words} in the next 12 months, "
              f"fitted on the force's own history to {meta.get('training_to') or 'its last usable month'}.")
    return Ranking(True, method, as_of, listed, {p.staff_id: p for p in listed})


def _points(home: Path) -> Ranking:
    from upstander.risk.matrix import risk_matrix

    rows = risk_matrix(home)
    listed = tuple(Listed(r.rank, r.staff_id, r.role or "unknown", r.team_id or "", r.total,
                          tuple(p.why for p in sorted(r.points, key=lambda p: -p.points)[:5]))
                   for r in rows)
    method = ("Points matrix: no learned ranking has been fitted (there may be too little history yet), so "
              "people are ranked by the points their alerts, complaints, intelligence and declarations carry, "
              "older alerts counting for less.")
    return Ranking(False, method, None, listed, {p.staff_id: p for p in listed})
