"""What every injected scenario shares: a perpetrator, a start, an intensity, and a record of ground truth.

A scenario first meets someone through duty on a day the perpetrator is really on duty, then behaves as the
case study it follows describes, day by day. Every row it writes is also a signal in the ground truth, so
evaluation can measure the delay from the first observable signal to the first alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from upstander.simulate.clock import DAY, HOUR, local_hour, local_midnight_utc
from upstander.simulate.incidents import Job, Visit, open_incident, person_home
from upstander.simulate.movement import Movement, Stop
from upstander.simulate.routine import Audit, DayRoutine, comm
from upstander.simulate.rows import FeedRows
from upstander.simulate.world import World

INTENSITIES = ("blatant", "moderate", "subtle")
INTENSITY_P = (0.15, 0.3, 0.55)  # a few blatant, most subtle
SCALE = {"blatant": 1.0, "moderate": 0.55, "subtle": 0.3}


@dataclass
class Signal:
    start: int
    end: int
    persons: set[str] = field(default_factory=set)


class Truth:
    """Ground truth: per (scenario, red flag), the first and last observable signal and the people involved."""

    def __init__(self) -> None:
        self.signals: dict[tuple[str, int], Signal] = {}
        self.meta: dict[str, tuple[str, str, str, str]] = {}  # scenario -> staff_id, seed_case, archetype, intensity

    def note(self, scenario: Scenario, flag: int, t: int, persons: list[str] | None = None) -> None:
        key = (scenario.sid, flag)
        sig = self.signals.setdefault(key, Signal(t, t))
        sig.start, sig.end = min(sig.start, t), max(sig.end, t)
        sig.persons.update(persons or [])
        self.meta[scenario.sid] = (scenario.staff_id, scenario.seed_case, scenario.archetype, scenario.intensity)


@dataclass
class Context:
    world: World
    routine: DayRoutine
    movement: Movement
    truth: Truth
    complaints: FeedRows
    end_epoch: int

    @property
    def d(self) -> int:
        return self.routine.d


class Scenario:
    archetype = "scenario"
    seed_case = ""
    roles: frozenset[str] = frozenset({"constable"})
    units: frozenset[str] | None = None
    flags: tuple[int, ...] = ()  # red flags this scenario always leaves a signal for

    def __init__(self, sid: str, staff: int, start_day: int, intensity: str, world: World) -> None:
        self.sid = sid
        self.staff = staff
        self.staff_id = world.wf.staff_id[staff]
        self.start_day = start_day
        self.intensity = intensity
        self.scale = SCALE[intensity]
        self.rng = np.random.default_rng([world.seed, 7, int(sid[2:])])
        self.started = False
        self.finished = False

    # -- called by the engine every day ---------------------------------------------------------------
    def on_day(self, ctx: Context) -> None:
        if self.finished or ctx.d < self.start_day:
            return
        if not self.started:
            window = self.duty(ctx.world, ctx.d)
            if window is None:
                return  # wait for the perpetrator's next shift
            self.started = True
            self.begin(ctx, window)
        else:
            self.step(ctx)

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        raise NotImplementedError

    def step(self, ctx: Context) -> None:
        """Behaviour on a later day; most scenarios schedule everything in `begin`."""

    # -- helpers ------------------------------------------------------------------------------------------
    def duty(self, world: World, day_index: int) -> tuple[int, int, str | None, str] | None:
        """(start, end, vehicle, area) of the perpetrator's duty starting that day, or None."""
        if day_index >= world.days:
            return None
        duties = world.duties(day_index)
        i = duties.of(self.staff)
        if i is None:
            return None
        return int(duties.start[i]), int(duties.end[i]), duties.vehicle[i], str(duties.area[i])

    def duty_days(self, world: World, first: int, last: int, solo: bool = False) -> list[int]:
        """Days the perpetrator is on duty; with `solo`, only those with no crewmate in the vehicle."""
        days = []
        for d in range(max(first, 0), min(last, world.days)):
            window = self.duty(world, d)
            if window is not None and (not solo or window[2] in (None, world.wf.vehicle[self.staff])):
                days.append(d)
        return days

    def meet(self, ctx: Context, window: tuple[int, int, str | None, str], kind: str, priority: int,
             victim: int, extra: dict[str, list[int]] | None = None) -> tuple[Job, Visit | None]:
        """The contact through duty: an incident the perpetrator attends with the person as victim."""
        rng = self.rng
        start, end, vehicle, _ = window
        opened = int(rng.integers(start + HOUR, max(start + HOUR + 1, end - 3 * HOUR)))
        people = {"victim": [victim], **(extra or {})}
        lat, lon = person_home(ctx.world, victim)
        routine = ctx.routine
        job = open_incident(ctx.world, routine.rows, routine.rng, kind, priority, opened, people, lat, lon)
        crew = [self.staff]
        if vehicle is not None:
            crew = sorted({self.staff, *[int(s) for s in routine.pool.staff[routine.pool.vehicle == vehicle]]})
        visit = routine.work(job, crew=crew, vehicle=vehicle)
        return job, visit

    def pick_victim(self, world: World, rng: np.random.Generator, *, da: bool = False, female: bool = True,
                    vulnerable: bool = True) -> int:
        ppl = world.people
        pool = world.da_victims if da and len(world.da_victims) else np.arange(ppl.n)
        for _ in range(5000):
            p = int(pool[rng.integers(len(pool))])
            if not ppl.phones[p] or ppl.age_band[p] == 0:
                continue
            if female and ppl.sex[p] != "female":
                continue
            if vulnerable and not ppl.vulns[p]:
                continue
            return p
        return int(pool[0])

    def text(self, ctx: Context, t: int, number: str, body: str | None, flag_set: tuple[int, ...], person: str | None,
             channel: str = "sms", direction: str = "outbound", duration: int | None = None) -> None:
        if t >= ctx.end_epoch:
            return
        comm(ctx.world, ctx.routine.rows_at(t), self.staff, t, direction, channel, number, duration, body)
        if 10 in flag_set and not (person and in_records(ctx.world, person_index(person), t)):
            flag_set = tuple(f for f in flag_set if f != 10)  # flag 10 needs a counterpart known to police
        for flag in flag_set:
            ctx.truth.note(self, flag, t, [person] if person else None)

    def look_up(self, ctx: Context, t: int, system: str, action: str, object_type: str, object_id: str | None,
                flag: int, persons: list[str], terms: str | None = None) -> None:
        if t >= ctx.end_epoch:
            return
        Audit(ctx.world)(ctx.routine.rows_at(t), self.staff, t, system, action, object_type, object_id, terms)
        ctx.truth.note(self, flag, t, persons)

    def dwell(self, ctx: Context, day_index: int, lat: float, lon: float, minutes: int, flag_set: tuple[int, ...],
              person: str, silent: bool = False) -> bool:
        """Park near a place during a shift without being deployed there (red flag 3, and 6 if silent)."""
        window = self.duty(ctx.world, day_index)
        if window is None:
            return False
        start, end, vehicle, _ = window
        key = vehicle or ctx.world.wf.mdt[self.staff]
        if key is None:
            return False
        arrive = int(self.rng.integers(start + HOUR, max(start + HOUR + 1, end - HOUR - minutes * 60)))
        if arrive >= ctx.end_epoch:
            return False
        ctx.movement.add_stop(key, day_index, Stop(lat + self.rng.normal(0, 0.0003), lon + self.rng.normal(0, 0.0004),
                                                   arrive, arrive + minutes * 60, radio_silent=silent))
        for flag in flag_set:
            ctx.truth.note(self, flag, arrive, [person])
        return True


def evening(world: World, rng: np.random.Generator, day_index: int, late: bool) -> int:
    """A moment on a day: late evening or night when `late`, otherwise daytime."""
    hour = rng.uniform(21.5, 25.5) if late else rng.uniform(9, 20)
    return local_midnight_utc(world.day(day_index)) + int(hour * HOUR)


def is_night(world: World, t: int) -> bool:
    day_index = (t - world.start_epoch) // DAY
    h = float(local_hour(t, world.day(int(max(day_index, 0)))))
    return h >= 22 or h < 6


def person_index(person_id: str) -> int:
    return int(person_id[1:]) - 1  # person ids are P + the 1-based index, as build_population writes them


def in_records(world: World, p: int, t: int) -> bool:
    """Whether person p is in police records as a suspect by time t, or as an organised-crime nominal (every one
    of them is on a watch): what makes a work-device counterpart red flag 10."""
    return world.suspect_since.get(p, t + 1) <= t or bool(world.people.ocg[p])


def recorded_offender(world: World, rng: np.random.Generator, day_index: int, ocg: bool = False) -> int:
    """Someone with a phone known to police for offending: a suspect on an earlier day's incident, else a
    nominal, else today's suspect, else any offender (a force's first simulated day has no earlier suspects)."""
    ppl = world.people
    before = local_midnight_utc(world.day(day_index))
    nominals = [int(p) for p in np.flatnonzero(ppl.ocg) if ppl.phones[int(p)]]
    if ocg and nominals:
        return nominals[int(rng.integers(len(nominals)))]
    earlier = sorted(p for p, t in world.suspect_since.items() if t < before and ppl.phones[p])
    today = sorted(p for p, t in world.suspect_since.items() if t >= before and ppl.phones[p])
    for pool in (earlier, nominals, today):
        if pool:
            return pool[int(rng.integers(len(pool)))]
    offenders = [int(p) for p in np.flatnonzero(ppl.offender) if ppl.phones[int(p)]]
    return offenders[int(rng.integers(len(offenders)))] if offenders else 0
