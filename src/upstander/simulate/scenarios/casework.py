"""Shared moves for the case-study scenarios: variants, contact at the times a duty pattern allows, recorded
and unrecorded visits, custody bookings, and the rule for when contact is a red flag 1 signal.

A contact is noted as red flag 1 only when the data show it outside the policing purpose: after the
perpetrator's part in the case ended, while off duty, or late at night. Contact on duty, in the day, while
the case is open is written (it is part of the pattern) but is not by itself a signal: it is what every
officer in charge does.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from upstander.simulate.clock import DAY, HOUR, local_midnight_utc
from upstander.simulate.geography import KM_PER_DEG_LAT, KM_PER_DEG_LON
from upstander.simulate.incidents import Job, Visit, open_incident, person_home, write_incident
from upstander.simulate.movement import Stop
from upstander.simulate.scenarios.base import Context, Scenario, evening, is_night

CHANNELS = ("sms", "call", "email", "app_message")
DUTY_PATTERNS = ("on_duty", "off_duty", "both")
Variants = dict[str, tuple[str, ...]]  # variant name -> the values it can take


def choose(rng: np.random.Generator, options: tuple[str, ...], p: tuple[float, ...] | None = None) -> str:
    return str(options[int(rng.choice(len(options), p=None if p is None else np.array(p) / sum(p)))])


class CaseScenario(Scenario):
    """A scenario following one case study; its variant is drawn when it is planned, so plans can be compared."""

    weight = 1.0  # how common the pattern is within its set of case studies, as the seeds suggest (catalogue)
    variant_space: ClassVar[Variants] = {"channel": CHANNELS, "duty": DUTY_PATTERNS,
                                                 "volume": ("low", "usual", "high")}

    def __init__(self, sid: str, staff: int, start_day: int, intensity: str, world: Any) -> None:
        super().__init__(sid, staff, start_day, intensity, world)
        self.variant: dict[str, str] = {k: choose(self.rng, v) for k, v in self.variant_space.items()}
        self.purpose_end: dict[str, int] = {}  # person_id -> when the perpetrator's policing purpose ended

    # -- time -----------------------------------------------------------------------------------------------
    def on_duty_at(self, world: Any, t: int) -> bool:
        d = (t - world.start_epoch) // DAY
        for day in (d - 1, d):
            w = self.duty(world, int(day)) if 0 <= day < world.days else None
            if w is not None and w[0] <= t < w[1]:
                return True
        return False

    def moment(self, ctx: Context, day: int, duty: str | None = None, late: bool | None = None) -> int | None:
        """A moment on `day` that fits the duty pattern: inside the shift, outside it, or either; None when the
        pattern cannot be met that day (on duty wanted, but a rest day)."""
        world, rng = ctx.world, self.rng
        duty = duty or self.variant.get("duty", "both")
        if duty == "both":
            duty = "on_duty" if rng.random() < 0.5 else "off_duty"
        window = self.duty(world, day)
        if duty == "on_duty":
            if window is None:
                return None
            start, end = window[0], window[1]
            return int(rng.integers(start + HOUR // 2, max(start + HOUR, end - HOUR // 2)))
        for _ in range(8):
            t = evening(world, rng, day, late=rng.random() < 0.5 if late is None else late)
            if not self.on_duty_at(world, t):
                return t
        return None

    def days_from(self, ctx: Context, first: int, span: int, count: int, escalate: bool = True) -> list[int]:
        span = max(1, min(span, ctx.world.days - first))
        u = np.sort(self.rng.random(count))
        if escalate:
            u = u ** 0.5  # sparse at first, then ever more often (rising frequency)
        return sorted(int(first + x * span) for x in u)

    # -- contact --------------------------------------------------------------------------------------------
    def counterpart(self, world: Any, person: int, channel: str) -> tuple[str, str]:
        """The address a channel reaches a person on; email falls back to sms when none is on record."""
        if channel == "email":
            emails = world.people.emails[person]
            if emails:
                return emails[0], "email"
            channel = "sms"
        return world.people.phones[person][0], channel

    def flag1(self, ctx: Context, t: int, pid: str) -> bool:
        ended = self.purpose_end.get(pid)
        return (ended is not None and t > ended) or not self.on_duty_at(ctx.world, t) or is_night(ctx.world, t)

    def contact(self, ctx: Context, t: int | None, person: int, body: str | None, channel: str | None = None,
                extra: tuple[int, ...] = (), direction: str = "outbound", duration: int | None = None,
                met: bool = True) -> None:
        """One communication on the work device with a person met through duty; flags as the rule above."""
        if t is None or t >= ctx.end_epoch:
            return
        world = ctx.world
        pid = world.people.person_id[person]
        number, ch = self.counterpart(world, person, channel or self.variant.get("channel", "sms"))
        if ch == "call":
            body = None
            duration = duration if duration is not None else int(self.rng.integers(30, 1200))
        flags = set(extra if direction == "outbound" else ())
        if met and direction == "outbound" and self.flag1(ctx, t, pid):
            flags.add(1)
        if ch == "call":
            flags.discard(12)  # nothing to read in a call
        self.text(ctx, t, number, body, tuple(sorted(flags)), pid, channel=ch, direction=direction,
                  duration=duration)

    # -- places ---------------------------------------------------------------------------------------------
    def stop_near(self, ctx: Context, day: int, lat: float, lon: float, minutes: int, flags: tuple[int, ...],
                  person: str, *, silent: bool = False, away_m: float = 0.0, at: int | None = None,
                  incident_id: str | None = None) -> int | None:
        """The perpetrator's vehicle or handheld terminal stops near a place during a shift. With `away_m` it
        parks that far off (APSP 2: "parked away from the property"). Returns the arrival time, or None."""
        window = self.duty(ctx.world, day)
        if window is None:
            return None
        start, end, vehicle, _ = window
        key = vehicle or ctx.world.wf.mdt[self.staff]
        if key is None:
            return None
        rng = self.rng
        arrive = at if at is not None else int(rng.integers(start + HOUR, max(start + HOUR + 1,
                                                                            end - HOUR - minutes * 60)))
        arrive = max(arrive, start + 10 * 60)
        if arrive + minutes * 60 > end - 10 * 60 or arrive >= ctx.end_epoch:
            return None
        if away_m:
            bearing = rng.uniform(0, 2 * np.pi)
            lat += away_m / 1000 * np.cos(bearing) / KM_PER_DEG_LAT
            lon += away_m / 1000 * np.sin(bearing) / KM_PER_DEG_LON
        ctx.movement.add_stop(key, day, Stop(float(lat + rng.normal(0, 0.0002)), float(lon + rng.normal(0, 0.0003)),
                                             arrive, arrive + minutes * 60, incident_id, radio_silent=silent))
        for flag in flags:
            ctx.truth.note(self, flag, arrive, [person])
        return arrive

    def revisit(self, ctx: Context, job: Job, person: int, day: int, minutes: int, flags: tuple[int, ...]) -> bool:
        """A return visit the perpetrator records against the incident, alone (a solo return after the first
        attendance: red flag 11's "level of service seems excessively high")."""
        lat, lon = person_home(ctx.world, person)
        arrive = self.stop_near(ctx, day, lat, lon, minutes, (), ctx.world.people.person_id[person],
                                incident_id=job.incident_id)
        if arrive is None:
            return False
        ctx.routine.involve(job, self.staff, "attending", arrive - 600, arrive + minutes * 60)
        for flag in flags:
            ctx.truth.note(self, flag, arrive, [ctx.world.people.person_id[person]])
        return True

    def met_through(self, ctx: Context, job: Job, visit: Visit | None, person: int) -> None:
        """Record when the perpetrator's purpose with a person ended: the case's close when they own it, else a
        day after they left the scene (a call-back is part of the job)."""
        pid = ctx.world.people.person_id[person]
        if job.owner == self.staff:
            self.purpose_end[pid] = job.closed if job.closed is not None else ctx.end_epoch
        else:
            self.purpose_end[pid] = (visit.left if visit else job.opened) + DAY


def book_into_custody(ctx: Context, scn: Scenario, person: int, suite: str, booked: int, hours: float,
                      kind: str = "drugs") -> tuple[Job, str, int]:
    """An arrest by other officers, booked into `suite`: the custody record the perpetrator then works on."""
    world, routine, rng = ctx.world, ctx.routine, scn.rng
    lat, lon = person_home(world, person)
    opened = booked - int(rng.integers(HOUR, 3 * HOUR))
    job = open_incident(world, routine.rows, routine.rng, kind, 2, opened, {"suspect": [person]}, lat, lon)
    arresting = routine.pool.pick(rng, opened, routine.m.crew)
    if arresting is not None:
        routine.involve(job, arresting, "attending", opened + 600, booked - 600)
        job.attending.append(arresting)
    released = booked + int(hours * HOUR)
    sergeant = routine.pool.pick(rng, booked, routine.m.custody_sergeant & (routine.pool.area == suite))
    custody_id = f"C{world.ids.next('custody'):08d}"
    routine.rows["custody"].add(custody_id=custody_id, person_id=world.people.person_id[person],
                                incident_id=job.incident_id, suite=suite, booked_in=booked, released=released,
                                arresting_staff_id=None if arresting is None else world.wf.staff_id[arresting],
                                custody_officer_id=None if sergeant is None else world.wf.staff_id[sergeant])
    routine.rows["incident_people"].add(incident_id=job.incident_id, person_id=world.people.person_id[person],
                                        role="detainee", recorded_at=booked)
    owner = arresting if arresting is not None else scn.staff
    job.owner = owner
    job.closed = min(released + int(rng.integers(2 * DAY, 10 * DAY)), ctx.end_epoch - 1)
    routine.involve(job, owner, "owner", booked, job.closed)
    write_incident(world, routine.rows, job, int(world.wf.team[owner]), None, None)
    return job, custody_id, released


def log_without_deployment(ctx: Context, scn: Scenario, kind: str, priority: int, opened: int,
                           people: dict[str, list[int]], closed: int | None) -> Job:
    """An incident the perpetrator handles from the control room: taken by a call handler, owned by his team."""
    world, routine, rng = ctx.world, ctx.routine, scn.rng
    subject = (people.get("victim") or people.get("reporting_person"))[0]
    lat, lon = person_home(world, subject)
    job = open_incident(world, routine.rows, routine.rng, kind, priority, opened, people, lat, lon)
    handler = routine.pool.pick(rng, opened, routine.m.call_handler, routine.m.control_room)
    if handler is not None and handler != scn.staff:
        routine.involve(job, handler, "call_taker", opened, opened + int(rng.integers(300, 900)))
    job.owner, job.closed = scn.staff, closed
    write_incident(world, routine.rows, job, int(world.wf.team[scn.staff]), None, None)
    return job


def local_time(world: Any, day: int, hour: float) -> int:
    return local_midnight_utc(world.day(day)) + int(hour * HOUR)


def complaint(ctx: Context, scn: Scenario, received: int, allegation: str, person: str | None, origin: str) -> bool:
    if received >= ctx.end_epoch:
        return False
    ctx.complaints.add(complaint_id=f"CO{ctx.world.ids.next('complaint'):07d}", received=received,
                       subject_staff_id=scn.staff_id, allegation=allegation, complainant_person_id=person,
                       outcome="pending", origin=origin)
    return True
