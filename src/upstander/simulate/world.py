"""The simulated force as a whole: its people, places and rosters, and the counters that keep ids unique."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

import numpy as np

from upstander.simulate.clock import local_midnight_utc
from upstander.simulate.geography import Geography, build_geography
from upstander.simulate.population import Population, build_population
from upstander.simulate.rota import Duties, roster
from upstander.simulate.workforce import Workforce, build_workforce

PEOPLE_PER_STAFF = 60


@dataclass
class Counters:
    values: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def next(self, kind: str) -> int:
        self.values[kind] += 1
        return self.values[kind]


@dataclass
class World:
    seed: int
    start: date
    days: int
    geo: Geography
    wf: Workforce
    people: Population
    ids: Counters
    da_victims: np.ndarray
    da_cdf: np.ndarray
    partner_numbers: list[str]  # partner agencies, businesses: reachable numbers not in force records
    person_incidents: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    # When each person was first recorded as a suspect: red flag 10 is only claimed for people in records.
    suspect_since: dict[int, int] = field(default_factory=dict)
    _duties: dict[int, Duties] = field(default_factory=dict)

    @cached_property
    def start_epoch(self) -> int:
        return local_midnight_utc(self.start)

    @cached_property
    def end_epoch(self) -> int:
        """Local midnight after the last day: nothing at or after it has been observed yet."""
        return local_midnight_utc(self.start + timedelta(days=self.days))

    def day(self, index: int) -> date:
        return self.start + timedelta(days=index)

    def duties(self, index: int) -> Duties:
        """Duties starting on a day; the last few days are cached because night shifts span midnight."""
        if index not in self._duties:
            if len(self._duties) > 4:
                self._duties.pop(min(self._duties))
            self._duties[index] = roster(self.wf, self.day(index), index, self.seed, self.geo.suites)
        return self._duties[index]

    def rng(self, day_index: int, stream: int) -> np.random.Generator:
        """An independent, reproducible random stream for one purpose on one day."""
        return np.random.default_rng([self.seed, day_index, stream])


def build_world(seed: int, n_staff: int, start: date, days: int) -> World:
    rng = np.random.default_rng([seed, 0])
    n_people = max(3000, n_staff * PEOPLE_PER_STAFF)
    n_addresses = n_people // 2 + n_staff * 2
    geo = build_geography(rng, n_staff, n_addresses)
    wf = build_workforce(rng, n_staff, geo, start)
    people = build_population(rng, n_people, n_addresses, wf.home_addr)
    da_victims = np.flatnonzero(people.da_partner >= 0)
    da_w = rng.lognormal(0, 1.0, len(da_victims))  # some victims call again and again
    partner_numbers = [f"+441{rng.integers(100_000_000, 999_999_999)}" for _ in range(max(50, n_staff // 20))]
    return World(seed, start, days, geo, wf, people, Counters(), da_victims, np.cumsum(da_w), partner_numbers)
