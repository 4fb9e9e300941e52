"""Which scenarios a simulated force gets: how many (a handful per thousand staff a year), of which kinds,
who commits them and when; with `--every-flag` at least one of every red flag 1-12, and with `--every-case` at
least one scenario for each of the 18 case studies in the seeds."""

from __future__ import annotations

import numpy as np

from upstander.simulate.scenarios.apsp import ContactDrift, ContactDriftSilent, LowPriorityLog, NumerousVisits
from upstander.simulate.scenarios.apsp_cases import APSP_CASES
from upstander.simulate.scenarios.base import INTENSITIES, INTENSITY_P, Scenario
from upstander.simulate.scenarios.conduct import ColleagueHarassment, ComplaintsAccumulate, MovedInWithVictim
from upstander.simulate.scenarios.corruption_cases import CORRUPTION_CASES
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
# Half of a force's scenarios follow one case study closely, half are the archetypes above. APSP is "almost 60%
# of corruption investigations" (seed 001), so the APSP case studies get 60% of the case-study half; within each
# set a class's own `weight` (1 unless it says) reflects how common the seeds say its pattern is.
CASE_SHARE = 0.5
APSP_SHARE_OF_CASES = 0.6


def catalogue() -> tuple[tuple[type[Scenario], float], ...]:
    """Every kind a normal simulation draws from, with its probability."""
    kinds = [(k, w * (1 - CASE_SHARE)) for k, w in ARCHETYPES]
    for cases, share in ((APSP_CASES, APSP_SHARE_OF_CASES), (CORRUPTION_CASES, 1 - APSP_SHARE_OF_CASES)):
        total = sum(getattr(k, "weight", 1.0) for k in cases)
        kinds += [(k, CASE_SHARE * share * getattr(k, "weight", 1.0) / total) for k in cases] if total else []
    total = sum(w for _, w in kinds)  # a set with no scenarios yet leaves its share to the others
    return tuple((k, w / total) for k, w in kinds)


def plan_scenarios(world: World, every_flag: bool, every_case: bool = False) -> list[Scenario]:
    rng = np.random.default_rng([world.seed, 6])
    expected = PER_THOUSAND_STAFF_YEAR * world.wf.n / 1000 * world.days / 365
    kinds_p = catalogue()
    kinds = [kinds_p[i][0] for i in rng.choice(len(kinds_p), rng.poisson(expected),
                                               p=_normalised([w for _, w in kinds_p]))]
    if every_case:
        kinds += [k for k in (*APSP_CASES, *CORRUPTION_CASES) if k not in kinds]
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
        early = every_flag or every_case
        latest = max(1, world.days - 21) if not early else max(1, min(4, world.days // 6))
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
