"""Who can be deployed at a given moment: the duties running across one day, with quick role look-ups."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upstander.simulate.rota import Duties
from upstander.simulate.workforce import Workforce


@dataclass
class OnDuty:
    staff: np.ndarray
    start: np.ndarray
    end: np.ndarray
    duty_type: np.ndarray
    area: np.ndarray
    vehicle: np.ndarray
    role: np.ndarray
    unit: np.ndarray

    @classmethod
    def spanning(cls, wf: Workforce, *days: Duties) -> OnDuty:
        staff = np.concatenate([d.staff for d in days])
        return cls(
            staff,
            np.concatenate([d.start for d in days]),
            np.concatenate([d.end for d in days]),
            np.concatenate([d.duty_type for d in days]),
            np.concatenate([d.area for d in days]),
            np.concatenate([d.vehicle for d in days]),
            wf.role[staff],
            wf.unit[staff],
        )

    def at(self, t: int, mask: np.ndarray | None = None) -> np.ndarray:
        """Indices (into these arrays) of duties running at time t, optionally within a mask."""
        live = (self.start <= t) & (self.end > t - 60)
        return np.flatnonzero(live if mask is None else live & mask)

    def pick(
        self, rng: np.random.Generator, t: int, mask: np.ndarray, fallback: np.ndarray | None = None
    ) -> int | None:
        """A staff member on duty at t within the mask (or the fallback mask); None if nobody is."""
        for m in (mask, fallback):
            if m is None:
                continue
            hits = self.at(t, m)
            if len(hits):
                return int(self.staff[hits[rng.integers(len(hits))]])
        return None

    def window(self, staff: int, t: int) -> tuple[int, int] | None:
        hits = np.flatnonzero((self.staff == staff) & (self.start <= t) & (self.end > t))
        if not len(hits):
            return None
        return int(self.start[hits[0]]), int(self.end[hits[0]])
