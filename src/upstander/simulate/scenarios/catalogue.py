"""Which scenarios a simulated force gets: how many (a handful per thousand staff a year), of which kinds,
who commits them and when, and with `--every-flag` at least one of every red flag 1-12."""

from __future__ import annotations

import numpy as np

from upstander.simulate.scenarios.apsp import ContactDrift, ContactDriftSilent, LowPriorityLog, NumerousVisits
from upstander.simulate.scenarios.base import INTENSITIES, INTENSITY_P, Scenario
from upstander.simulate.scenarios.conduct import ColleagueHarassment, ComplaintsAccumulate, MovedInWithVictim
from upstander.simulate.scenarios.misuse import (
    DisposalsForAssociates,
    HighVolume,
    NoPurposeLookups,
    OcgInsider,
    PartnerInformant,
)
from upstander.simulate.world import World

# Weights: sexual misconduct is "the most common form of corruption" (seed 002), so APSP patterns dominate.
ARCHETYPES: tuple[tuple[type[Scenario], float], ...] = (
    (ContactDrift, 0.17),
    (ContactDriftSilent, 0.08),
    (NumerousVisits, 0.11),
    (LowPriorityLog, 0.05),
    (HighVolume, 0.07),
    (NoPurposeLookups, 0.15),
    (OcgInsider, 0.04),
    (PartnerInformant, 0.05),
    (DisposalsForAssociates, 0.04),
    (ComplaintsAccumulate, 0.09),
    (ColleagueHarassment, 0.09),
    (MovedInWithVictim, 0.06),
)
PER_THOUSAND_STAFF_YEAR = 5.0


def plan_scenarios(world: World, every_flag: bool) -> list[Scenario]:
    rng = np.random.default_rng([world.seed, 6])
    expected = PER_THOUSAND_STAFF_YEAR * world.wf.n / 1000 * world.days / 365
    kinds = [ARCHETYPES[i][0] for i in rng.choice(len(ARCHETYPES), rng.poisson(expected),
                                                  p=_normalised([w for _, w in ARCHETYPES]))]
    if every_flag:
        covered = {f for k in kinds for f in k.flags}
        for kind, _ in ARCHETYPES:
            if not set(kind.flags) <= covered:
                kinds.append(kind)
                covered |= set(kind.flags)
    used: set[int] = set()
    scenarios: list[Scenario] = []
    for n, kind in enumerate(kinds, start=1):
        staff = _perpetrator(world, rng, kind, used)
        if staff is None:
            continue
        used.add(staff)
        latest = max(1, world.days - 21) if not every_flag else max(1, min(4, world.days // 6))
        start = int(rng.integers(0, latest))
        intensity = str(rng.choice(INTENSITIES, p=INTENSITY_P))
        scenarios.append(kind(f"SC{n:04d}", staff, start, intensity, world))
    return scenarios


def _perpetrator(world: World, rng: np.random.Generator, kind: type[Scenario], used: set[int]) -> int | None:
    candidates = world.wf.with_roles(set(kind.roles), set(kind.units) if kind.units else None)
    candidates = np.array([c for c in candidates if c not in used])
    if not len(candidates):
        candidates = np.array([c for c in world.wf.with_roles(set(kind.roles)) if c not in used])
    return int(rng.choice(candidates)) if len(candidates) else None


def _normalised(weights: list[float]) -> np.ndarray:
    w = np.array(weights)
    return w / w.sum()
