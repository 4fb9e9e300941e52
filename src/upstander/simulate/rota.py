"""Duty rosters: who is on duty when, where, and in which vehicle, as a pure function of the day.

Being a pure function of (seed, day) lets injected scenarios ask whether an officer was on duty on any
day without the simulation keeping a year of rosters in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from upstander.simulate.clock import HOUR, local_midnight_utc
from upstander.simulate.workforce import ROTA_UNITS, Workforce

# Ten-hour shifts on a ten-day cycle for 5-group units (two earlies, two lates, two nights, four rest days)
# and twelve-hour shifts on an eight-day cycle for 4-group units.
FIVE_GROUP = {0: (7, 10), 1: (7, 10), 2: (14, 10), 3: (14, 10), 4: (22, 10), 5: (22, 10)}
FOUR_GROUP = {0: (7, 12), 1: (7, 12), 2: (19, 12), 3: (19, 12)}
DUTY_TYPE = {
    "response": "patrol",
    "roads_policing": "patrol",
    "neighbourhood": "neighbourhood",
    "control_room": "control_room",
    "custody": "custody",
    "public_protection": "investigation",
    "cid": "investigation",
    "exploitation": "investigation",
}
ABSENCE = 0.11  # leave, sickness, courses and court on a rostered day


@dataclass
class Duties:
    """The duties starting on one day: parallel arrays, one entry per duty."""

    day: date
    staff: np.ndarray
    start: np.ndarray  # epoch seconds
    end: np.ndarray
    duty_type: np.ndarray  # object
    area: np.ndarray  # object
    vehicle: np.ndarray  # object (None when on foot or in an office)

    def on_duty_at(self, t: int, among: np.ndarray | None = None) -> np.ndarray:
        mask = (self.start <= t) & (self.end > t)
        if among is not None:
            mask &= np.isin(self.staff, among)
        return np.flatnonzero(mask)

    def of(self, staff: int) -> int | None:
        hits = np.flatnonzero(self.staff == staff)
        return int(hits[0]) if len(hits) else None


def roster(wf: Workforce, day: date, day_index: int, seed: int, suites: list[str]) -> Duties:
    rng = np.random.default_rng([seed, day_index, 11])
    n = wf.n
    start_h = np.full(n, np.nan)
    length = np.zeros(n)
    team_rota = np.array([wf.teams[t].rota_group for t in wf.team])
    team_idx = wf.team
    weekday = day.weekday()
    for unit, groups in ROTA_UNITS.items():
        members = np.flatnonzero(wf.unit == unit)
        cycle, pattern = (10, FIVE_GROUP) if groups == 5 else (8, FOUR_GROUP)
        pos = (day_index + 2 * team_rota[members]) % cycle
        for p, (h, hours) in pattern.items():
            hit = members[pos == p]
            start_h[hit], length[hit] = h, hours
    # Neighbourhood: five days on, two off, earlies and lates in alternate weeks.
    neigh = np.flatnonzero(wf.unit == "neighbourhood")
    on = (day_index + team_idx[neigh]) % 7 < 5
    late = ((day_index // 7 + team_idx[neigh]) % 2).astype(bool)
    start_h[neigh[on]] = np.where(late[on], 14, 8)
    length[neigh[on]] = 9
    specials = neigh[wf.role[neigh] == "special_constable"]
    # Special constables volunteer about two evenings a week, 19:00 to 03:00.
    start_h[specials] = np.where(rng.random(len(specials)) < 0.28, 19, np.nan)
    length[specials] = 8
    office = np.flatnonzero(np.isin(wf.unit, ["public_protection", "cid", "exploitation", "intelligence",
                                             "professional_standards", "support"]))
    if weekday < 5:
        start_h[office] = 8 + rng.integers(0, 2, len(office))
        length[office] = 8.5
    rostered = np.flatnonzero(~np.isnan(start_h))
    present = rostered[rng.random(len(rostered)) >= ABSENCE]
    midnight = local_midnight_utc(day)
    start = (midnight + start_h[present] * HOUR).astype(np.int64) + rng.integers(-300, 300, len(present))
    end = start + (length[present] * HOUR).astype(np.int64)
    units = wf.unit[present]
    duty_type = np.array([DUTY_TYPE.get(u, "office") for u in units], dtype=object)
    training = rng.random(len(present)) < 0.02
    duty_type[training] = "training"
    team_area = np.array([wf.teams[t].area for t in wf.team[present]], dtype=object)
    area = team_area.copy()
    custody = units == "custody"
    area[custody] = [suites[wf.station[s] % len(suites)] for s in present[custody]]
    # Single-crewed by day, double-crewed at night when the partner is in: they share one vehicle.
    on = set(present.tolist())
    night = start_h[present] >= 19
    vehicle = np.array([wf.vehicle[min(s, wf.crewmate[s])] if n and wf.crewmate[s] in on else wf.vehicle[s]
                        for s, n in zip(present, night, strict=True)], dtype=object)
    vehicle[duty_type != "patrol"] = None
    return Duties(day, present, start, end, duty_type, area, vehicle)
