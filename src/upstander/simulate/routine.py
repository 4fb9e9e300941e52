"""The legitimate work of one day: every incident taken, dispatched, attended, owned and investigated, with the
look-ups and phone contact that work causes. This is the haystack the red flags hide in, and it contains on
purpose the benign look-alikes DESIGN.md lists: officers in charge phoning victims during an investigation,
call handlers with many look-ups, neighbourhood officers with many community contacts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upstander.simulate.clock import DAY, HOUR, local_hour
from upstander.simulate.geography import distance_km
from upstander.simulate.incidents import (
    ARREST_P,
    TYPE_NAMES,
    TYPE_P,
    TYPES,
    Job,
    Visit,
    _draw_people,
    day_incident_times,
    incident_location,
    on_duty_pool,
    open_incident,
    scene_minutes,
    write_incident,
)
from upstander.simulate.on_duty import OnDuty
from upstander.simulate.rows import DayRows, Schedule
from upstander.simulate.texts import PROFESSIONAL, pick
from upstander.simulate.world import World


@dataclass
class Masks:
    call_handler: np.ndarray
    dispatcher: np.ndarray
    control_room: np.ndarray
    crew: np.ndarray
    neighbourhood: np.ndarray
    custody_sergeant: np.ndarray
    custody_staff: np.ndarray

    @classmethod
    def of(cls, pool: OnDuty) -> Masks:
        return cls(
            pool.role == "call_handler",
            pool.role == "radio_dispatcher",
            pool.duty_type == "control_room",
            (pool.duty_type == "patrol") & (pool.vehicle != None),  # noqa: E711 (numpy elementwise)
            (pool.duty_type == "neighbourhood") & np.isin(pool.role, ["constable", "pcso"]),
            (pool.duty_type == "custody") & (pool.role == "sergeant"),
            (pool.duty_type == "custody") & (pool.role == "custody_detention_officer"),
        )


class Audit:
    """Writes audit rows with unique ids."""

    def __init__(self, world: World) -> None:
        self.world = world

    def __call__(self, rows: DayRows | None, staff: int, at: int, system: str, action: str, object_type: str,
                 object_id: str | None, terms: str | None = None) -> None:
        if rows is None:
            return
        rows["audit"].add(audit_id=f"A{self.world.ids.next('audit'):010d}", staff_id=self.world.wf.staff_id[staff],
                          occurred_at=int(at), system=system, action=action, object_type=object_type,
                          object_id=object_id,
                          search_terms=terms)


def comm(world: World, rows: DayRows | None, staff: int, at: int, direction: str, channel: str, counterpart: str,
         duration: int | None = None, text: str | None = None) -> None:
    if rows is None:
        return
    rows["communications"].add(
        comm_id=f"M{world.ids.next('comm'):010d}", staff_id=world.wf.staff_id[staff],
        device_id=world.wf.handset[staff], occurred_at=int(at), direction=direction, channel=channel,
        counterpart=counterpart, duration_s=duration if channel == "call" else None,
        text=text if channel != "call" else None,
    )


def office_time(world: World, rng: np.random.Generator, after: int, before: int) -> int | None:
    """A weekday office-hours moment in [after, before], as investigators keep office hours."""
    for _ in range(6):
        t = int(rng.integers(after, max(after + 1, before)))
        day_index = (t - world.start_epoch) // DAY
        if day_index < 0:
            continue
        hour = float(local_hour(t, world.day(int(day_index))))
        if world.day(int(day_index)).weekday() < 5 and 9 <= hour < 16:  # inside the 08:00-16:30 office day
            return t
    return None


class DayRoutine:
    def __init__(self, world: World, day_index: int, rows: DayRows, schedule: Schedule) -> None:
        self.world = world
        self.d = day_index
        self.rows = rows
        self.schedule = schedule
        self.rng = world.rng(day_index, 2)
        self.pool = on_duty_pool(world, day_index)
        self.m = Masks.of(self.pool)
        self.audit = Audit(world)
        self.visits: list[Visit] = []
        self.jobs: list[Job] = []

    def rows_at(self, t: int) -> DayRows | None:
        """Rows for the day a timestamp falls on: today's buffer, a later day's, or None past the end."""
        index = (t - self.world.start_epoch) // DAY
        return self.rows if index <= self.d else self.schedule.at(int(index))

    def run(self) -> list[Visit]:
        rng = self.rng
        times = day_incident_times(self.world, rng, self.d)
        kinds = rng.choice(len(TYPE_NAMES), len(times), p=TYPE_P)
        for t, k in zip(times, kinds, strict=True):
            kind = TYPE_NAMES[k]
            priority = int(rng.choice(4, p=TYPES[kind][1])) + 1
            people = _draw_people(self.world, rng, kind)
            lat, lon = incident_location(self.world, rng, kind, people)
            job = open_incident(self.world, self.rows, rng, kind, priority, int(t), people, lat, lon)
            self.work(job)
        return self.visits

    # -- one incident -------------------------------------------------------------------------------------
    def work(self, job: Job, crew: list[int] | None = None, vehicle: str | None = None) -> Visit | None:
        """Take, dispatch, attend and own one incident; `crew` forces who attends (used by scenarios)."""
        rng, wf, t = self.rng, self.world.wf, job.opened
        visit = None
        handler = self.pool.pick(rng, t, self.m.call_handler, self.m.control_room)
        if handler is None:
            handler = int(rng.choice(self.world.wf.with_roles({"call_handler"})))
        job.call_taker = handler
        self.involve(job, handler, "call_taker", t, t + int(rng.integers(180, 600)))
        subject = (job.people.get("victim") or job.people.get("reporting_person") or job.people.get("suspect"))
        if subject:
            p = subject[0]
            self.audit(self.rows, handler, t + int(rng.integers(30, 90)), "records", "search", "person", None,
                       self.world.people.surname[p].upper())
            self.audit(self.rows, handler, t + int(rng.integers(90, 180)), "records", "view", "person",
                       self.world.people.person_id[p])
        self.audit(self.rows, handler, t + int(rng.integers(120, 300)), "command_and_control", "update", "incident",
                   job.incident_id)
        owning_team = int(wf.team[handler])
        left = t + int(rng.integers(900, 3600))
        if job.priority < 4:
            dispatched = t + int(rng.integers(60, 300 if job.priority == 1 else 1800))
            dispatcher = self.pool.pick(rng, dispatched, self.m.dispatcher, self.m.control_room)
            if dispatcher is not None:
                job.dispatcher = dispatcher
                self.involve(job, dispatcher, "dispatcher", dispatched, dispatched + 600)
                self.audit(self.rows, dispatcher, dispatched, "command_and_control", "view", "incident",
                           job.incident_id)
            visit = self.deploy(job, dispatched, crew, vehicle)
            if visit is not None:
                owning_team = int(wf.team[visit.staff[0]])
                left = visit.left
                self.arrest(job, visit)
        self.ownership(job, owning_team, left)
        self.jobs.append(job)
        return visit

    def involve(self, job: Job, staff: int, involvement: str, start: int, end: int | None) -> None:
        rows = self.rows_at(start)
        if rows is not None:
            rows["incident_staff"].add(incident_id=job.incident_id, staff_id=self.world.wf.staff_id[staff],
                                       involvement=involvement, started_at=start, ended_at=end)

    def deploy(self, job: Job, dispatched: int, crew: list[int] | None = None, vehicle: str | None = None
               ) -> Visit | None:
        rng, pool, m = self.rng, self.pool, self.m
        in_area = pool.area == job.area
        if not crew and job.priority == 3 and rng.random() < 0.5:
            officer = pool.pick(rng, dispatched, m.neighbourhood & in_area)  # a neighbourhood officer on foot
            crew, vehicle = ([officer], None) if officer is not None else ([], None)
        if not crew:
            hits = pool.at(dispatched, m.crew & in_area)
            if not len(hits):
                hits = pool.at(dispatched, m.crew)
            if not len(hits):
                return None
            vehicle = pool.vehicle[hits[rng.integers(len(hits))]]
            same = pool.at(dispatched, m.crew & (pool.vehicle == vehicle))
            crew = sorted({int(s) for s in pool.staff[same]})
        start_lat, start_lon = self.world.geo.station_latlon(int(self.world.wf.station[crew[0]]))
        km = float(distance_km(start_lat, start_lon, job.lat, job.lon))
        arrived = dispatched + int(km / (55 if job.priority == 1 else 40) * HOUR) + 120
        left = arrived + scene_minutes(rng, job.priority) * 60
        visit = Visit(crew, vehicle, job.incident_id, job.lat, job.lon, dispatched, arrived, left)
        self.visits.append(visit)
        for officer in crew:
            job.attending.append(officer)
            self.involve(job, officer, "attending", dispatched, left)
            self.audit(self.rows, officer, dispatched + int(rng.integers(10, 120)), "command_and_control", "view",
                       "incident", job.incident_id)
            for persons in job.people.values():
                for p in persons:
                    self.audit(self.rows, officer, int(rng.integers(arrived, left)), "records", "view", "person",
                               self.world.people.person_id[p])
        self.audit(self.rows, crew[0], left - 60, "command_and_control", "update", "incident", job.incident_id)
        return visit

    def arrest(self, job: Job, visit: Visit) -> None:
        rng, world = self.rng, self.world
        suspects = job.people.get("suspect")
        if not suspects or rng.random() >= ARREST_P.get(job.type, 0.0):
            return
        person = suspects[0]
        booked = visit.left + int(rng.integers(900, 2400))
        released = booked + int(rng.integers(4 * HOUR, 20 * HOUR))
        suite = world.geo.suites[int(world.wf.station[visit.staff[0]]) % len(world.geo.suites)]
        sergeant = self.pool.pick(rng, booked, self.m.custody_sergeant & (self.pool.area == suite))
        custody_id = f"C{world.ids.next('custody'):08d}"
        self.rows["custody"].add(custody_id=custody_id, person_id=world.people.person_id[person],
                                 incident_id=job.incident_id, suite=suite, booked_in=booked, released=released,
                                 arresting_staff_id=world.wf.staff_id[visit.staff[0]],
                                 custody_officer_id=None if sergeant is None else world.wf.staff_id[sergeant])
        self.rows["incident_people"].add(incident_id=job.incident_id, person_id=world.people.person_id[person],
                                         role="detainee", recorded_at=booked)
        self.audit(self.rows, visit.staff[0], booked + 300, "custody", "update", "custody", custody_id)
        if sergeant is not None:
            self.audit(self.rows, sergeant, booked + 120, "custody", "update", "custody", custody_id)
            self.audit(self.rows, sergeant, booked + 200, "records", "view", "person", world.people.person_id[person])
        for _ in range(int(rng.integers(2, 5))):
            t = int(rng.integers(booked, released))
            officer = self.pool.pick(rng, t, self.m.custody_staff & (self.pool.area == suite))
            if officer is not None:
                self.audit(self.rows_at(t), officer, t, "custody", "view", "custody", custody_id)

    def ownership(self, job: Job, owning_team: int, left: int) -> None:
        rng, world, wf = self.rng, self.world, self.world.wf
        victim = (job.people.get("victim") or [None])[0]
        transferred_to = transferred_at = None
        if victim is not None and job.priority < 4 and rng.random() < TYPES[job.type][3]:
            unit = TYPES[job.type][4]
            teams = [i for i, tm in enumerate(wf.teams) if tm.unit == unit]
            transferred_to = int(rng.choice(teams))
            transferred_at = left + int(rng.integers(4 * HOUR, 30 * HOUR))
            members = [s for s in wf.teams[transferred_to].members if wf.role[s] in {"constable", "investigator"}]
            owner = int(rng.choice(members or wf.teams[transferred_to].members))
            length = int(np.clip(rng.exponential(30), 5, 120) * DAY)
            closed = transferred_at + length
            job.owner, job.investigated, job.transferred_at = owner, True, transferred_at
            job.closed = closed if closed < world.end_epoch else None
            self.involve(job, owner, "owner", transferred_at, job.closed)
            self.investigate(job, owner, victim, transferred_at, closed)
        else:
            owner = job.attending[0] if job.attending else int(job.call_taker or 0)
            job.owner = owner
            closed = left + int(rng.integers(HOUR, 72 * HOUR))
            job.closed = closed if closed < world.end_epoch else None
            self.involve(job, owner, "owner", left, job.closed)
            self.call_back(job, owner, victim, left)
        write_incident(world, self.rows, job, owning_team, transferred_to, transferred_at)

    def investigate(self, job: Job, owner: int, victim: int, start: int, closed: int) -> None:
        """The officer in charge reviews the case and keeps the victim informed: the benign look-alike of flag 1."""
        rng, world = self.rng, self.world
        pid = world.people.person_id
        suspect = (job.people.get("suspect") or [None])[0]
        for _ in range(1 + int(rng.poisson(3))):
            t = office_time(world, rng, start, closed)
            if t is None:
                continue
            rows = self.rows_at(t)
            self.audit(rows, owner, t, "crime", "view", "incident", job.incident_id)
            self.audit(rows, owner, t + 60, "records", "view", "person", pid[victim])
            if suspect is not None:
                self.audit(rows, owner, t + 150, "records", "view", "person", pid[suspect])
                earlier = [i for i in world.person_incidents[suspect] if i != job.incident_id]
                if earlier and rng.random() < 0.5:  # one hop: the suspect's history
                    self.audit(rows, owner, t + 240, "records", "view", "incident", earlier[-1])
        phones = world.people.phones[victim]
        if not phones:
            return
        contacts = 1 + int(rng.poisson(4.5 if job.type in {"domestic_abuse", "sexual_offence"} else 2.0))
        for _ in range(contacts):
            t = office_time(world, rng, start, closed)
            if t is not None:
                self._contact(owner, t, phones[0], job)
        if rng.random() < 0.25:  # a courtesy call in the days after the case closes
            t = office_time(world, rng, closed, closed + 3 * DAY)
            if t is not None:
                self._contact(owner, t, phones[0], job)

    def _contact(self, staff: int, t: int, number: str, job: Job) -> None:
        rng, rows = self.rng, self.rows_at(t)
        r = rng.random()
        if r < 0.5:
            comm(self.world, rows, staff, t, "outbound", "call", number, int(rng.integers(20, 900)))
        elif r < 0.75:
            text = pick(rng, PROFESSIONAL, officer=f"PC {self.world.wf.surname[staff]}", ref=job.incident_id)
            comm(self.world, rows, staff, t, "outbound", "sms", number, text=text)
        else:
            comm(self.world, rows, staff, t, "inbound", "call", number, int(rng.integers(20, 600)))

    def call_back(self, job: Job, officer: int, victim: int | None, left: int) -> None:
        if victim is None or not self.world.people.phones[victim] or self.rng.random() >= 0.25:
            return
        t = left + int(self.rng.integers(2 * HOUR, 30 * HOUR))
        if self.pool.window(officer, t) is not None:
            self._contact(officer, t, self.world.people.phones[victim][0], job)
