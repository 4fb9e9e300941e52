"""Where people live: officers who live next to a domestic abuse victim (some of whom attended one incident at
her home, a neighbour met through duty with no contact after it), victims who live by a police station, and
staff who share a home with someone in police records whom they never dealt with."""

from __future__ import annotations

import numpy as np

from upstander.simulate.clock import HOUR
from upstander.simulate.incidents import open_incident, person_home
from upstander.simulate.lookalikes import LookAlike, LookAlikes, pick_staff
from upstander.simulate.routine import DayRoutine
from upstander.simulate.world import World

NEAR = "officer's home is within about 150 m of a domestic abuse victim's home"
ATTENDED_KINDS = ("domestic_abuse", "concern_for_welfare", "antisocial_behaviour")


def _vacant(world: World, *occupied: np.ndarray) -> np.ndarray:
    """Per address, whether no one in `occupied` (arrays of address indices) lives there."""
    free = np.ones(len(world.geo.addr_lat), dtype=bool)
    for homes in occupied:
        free[homes] = False
    return free


def _address_near(world: World, lat: float, lon: float, rng: np.random.Generator, within_deg: float,
                  vacant: np.ndarray) -> int | None:
    """A `vacant` address near (lat, lon): moving in, one does not share a stranger's home."""
    g = world.geo
    near = (np.abs(g.addr_lat - lat) < within_deg) & (np.abs(g.addr_lon - lon) < within_deg * 1.6)
    hits = np.flatnonzero(near & vacant)
    return int(rng.choice(hits)) if len(hits) else None


def places(world: World, taken: set[int], out: LookAlikes) -> None:
    rng = np.random.default_rng([world.seed, 8])
    attend_rng = np.random.default_rng([world.seed, 8, 1])
    wf, ppl, g = world.wf, world.people, world.geo
    k = max(2, wf.n // 300)
    victims = [int(v) for v in world.da_victims]
    if not victims:
        return
    neighbours: set[int] = set()  # victims an officer now lives beside: they stay where they are
    for s in pick_staff(world, rng, {"constable", "pcso"}, {"response", "neighbourhood"}, taken, k):
        # A victim with an empty address beside her: in a small force most addresses are someone's home.
        vacant = _vacant(world, ppl.addr, wf.home_addr)
        for v in rng.choice(victims, min(50, len(victims)), replace=False):
            v = int(v)
            a = _address_near(world, g.addr_lat[ppl.addr[v]], g.addr_lon[ppl.addr[v]], rng, 0.0012, vacant)
            if a is not None and a != ppl.addr[v]:
                break
        else:
            continue
        neighbours.add(v)
        wf.home_addr[s] = a
        if attend_rng.random() < 0.5:  # a neighbour met through duty: one attendance at her home, nothing after
            kind = ATTENDED_KINDS[int(attend_rng.integers(len(ATTENDED_KINDS)))]
            day = int(attend_rng.integers(0, max(1, world.days // 2)))
            record = LookAlike("lives_near_victim", wf.staff_id[s], [ppl.person_id[v]], NEAR)
            out.records.append(record)
            out.daily.append(AttendedNeighbour(s, v, kind, day, record, attend_rng))
        else:
            out.records.append(LookAlike("lives_near_victim", wf.staff_id[s], [ppl.person_id[v]], NEAR))
    no_staff = _vacant(world, wf.home_addr)  # victims moving by a station may share a home, never with staff
    for station in range(len(g.station_town)):
        lat, lon = world.geo.station_latlon(station)
        for v in rng.choice(victims, min(2, len(victims)), replace=False):
            a = _address_near(world, lat, lon, rng, 0.0015, no_staff)
            if a is not None and int(v) not in neighbours:
                ppl.addr[v] = a
                out.records.append(LookAlike("victim_near_station", "", [ppl.person_id[v]],
                                             f"victim lives beside {g.stations[station]} station, where crews start "
                                             "and end"))
    for s in pick_staff(world, rng, {"constable", "pcso"}, {"response", "neighbourhood"}, taken, k):
        p = int(rng.integers(ppl.n))
        wf.home_addr[s] = ppl.addr[p]
        out.records.append(LookAlike("housemate_in_records", wf.staff_id[s], [ppl.person_id[p]],
                                     "shares a home with someone in police records they never dealt with on duty"))


class AttendedNeighbour:
    """On the officer's first patrol or neighbourhood duty from `day`, an incident at the neighbour's home that he
    is deployed to with his crew; the ordinary routine then owns, transfers and closes it."""

    def __init__(self, staff: int, victim: int, kind: str, day: int, record: LookAlike,
                 rng: np.random.Generator) -> None:
        self.staff, self.victim, self.kind, self.day, self.record = staff, victim, kind, day, record
        self.rng = np.random.default_rng(rng.integers(1 << 31))
        self.done = False

    def on_day(self, routine: DayRoutine) -> None:
        if self.done or routine.d < self.day:
            return
        world, rng = routine.world, self.rng
        duties = world.duties(routine.d)
        i = duties.of(self.staff)
        if i is None or duties.duty_type[i] not in {"patrol", "neighbourhood"}:
            return
        start, end, vehicle = int(duties.start[i]), int(duties.end[i]), duties.vehicle[i]
        opened = int(rng.integers(start + HOUR, max(start + HOUR + 1, end - 3 * HOUR)))
        people: dict[str, list[int]] = {"victim": [self.victim]}
        if self.kind == "domestic_abuse":
            people["suspect"] = [int(world.people.da_partner[self.victim])]
        lat, lon = person_home(world, self.victim)
        job = open_incident(world, routine.rows, routine.rng, self.kind, 2, opened, people, lat, lon)
        crew = [self.staff]
        if vehicle is not None:
            crew = sorted({self.staff, *[int(s) for s in routine.pool.staff[routine.pool.vehicle == vehicle]]})
        routine.work(job, crew=crew, vehicle=vehicle)
        self.done = True
        self.record.note = (f"{NEAR}; attended one {self.kind.replace('_', ' ')} incident there "
                            f"({job.incident_id}), with no contact beyond that incident's own follow-up")
