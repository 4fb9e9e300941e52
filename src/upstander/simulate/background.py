"""Work that is not tied to one incident: the duty record itself, briefings, vehicle checks, intelligence
research, calls between colleagues and to partner agencies, and neighbourhood officers' community contact.
"""

from __future__ import annotations

from collections import defaultdict, deque

import numpy as np

from upstander.simulate.incidents import Job
from upstander.simulate.routine import Audit, DayRoutine, comm
from upstander.simulate.rows import DayRows
from upstander.simulate.texts import COLLEAGUE, NEIGHBOURHOOD, pick
from upstander.simulate.world import World

PLATE_LETTERS = np.array(list("ABCDEFGHJKLMNOPRSTUVWXY"))


class Background:
    """Keeps a short memory (recent incidents per area, community contacts) across days."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.recent: dict[str, deque[Job]] = defaultdict(lambda: deque(maxlen=60))
        self.community: dict[str, deque[int]] = defaultdict(lambda: deque(maxlen=40))

    def run(self, routine: DayRoutine) -> None:
        world, rows, d = self.world, routine.rows, routine.d
        rng = world.rng(d, 3)
        duties = world.duties(d)
        wf = world.wf
        rows["duties"].extend(
            duty_id=[f"D{world.day(d):%Y%m%d}-{s:05d}" for s in duties.staff],
            staff_id=[wf.staff_id[s] for s in duties.staff],
            starts_at=duties.start,
            ends_at=duties.end,
            duty_type=list(duties.duty_type),
            area=list(duties.area),
            call_sign=[None if v is None else f"{wf.teams[wf.team[s]].area}{str(v)[-2:]}"
                       for s, v in zip(duties.staff, duties.vehicle, strict=True)],
            vehicle_id=list(duties.vehicle),
        )
        audit = Audit(world)
        pid = world.people.person_id
        people = [p for job in routine.jobs for ps in job.people.values() for p in ps]
        for i, staff in enumerate(duties.staff):
            start, end = int(duties.start[i]), int(duties.end[i])
            kind, area = duties.duty_type[i], duties.area[i]
            if kind in {"patrol", "neighbourhood"}:
                # Briefing: read the area's jobs of the last two days before going out.
                recent = [j for j in list(self.recent[area])[-8:] if j.opened > start - 2 * 86400]
                for job in recent[: int(rng.integers(2, 6))]:
                    audit(rows, staff, start + int(rng.integers(300, 2400)), "command_and_control", "view",
                          "incident", job.incident_id)
            if kind == "patrol":
                for _ in range(int(rng.poisson(2))):
                    plate = "".join(rng.choice(PLATE_LETTERS, 2)) + f"{rng.integers(10, 75)} " + "".join(
                        rng.choice(PLATE_LETTERS, 3))
                    audit(rows, staff, int(rng.integers(start, end)), "national_computer", "search", "vehicle",
                          plate, plate)
            if wf.unit[staff] == "intelligence" and kind == "office":
                # Analysts research people in the day's incidents: many look-ups, explained by the role.
                for p in rng.choice(people, min(len(people), int(rng.poisson(10))), replace=False) if people else []:
                    audit(rows, staff, int(rng.integers(start, end)), "intelligence", "view", "person", pid[int(p)])
            if wf.unit[staff] == "support" and wf.role[staff] == "police_staff_other" and kind == "office" \
                    and staff % 4 == 0:
                # The central ticket office disposes of offences day in, day out: the look-alike of red flag 5.
                for _ in range(int(rng.poisson(4))):
                    t = int(rng.integers(start, end))
                    offence = f"TO-{rng.integers(1_000_000, 9_999_999)}"
                    audit(rows, staff, t, "national_computer", "view", "other", offence)
                    audit(rows, staff, t + int(rng.integers(60, 600)), "records", "dispose", "other", offence)
            self._colleagues(rows, rng, int(staff), start, end)
            if kind == "neighbourhood":
                self._community(rows, rng, int(staff), area, start, end)
        # Today's jobs are known to briefings and community contact from tomorrow on, never before they happen.
        for job in routine.jobs:
            self.recent[job.area].append(job)
            for role in ("reporting_person", "victim"):
                for p in job.people.get(role, []):
                    if world.people.phones[p] and job.type in {"antisocial_behaviour", "criminal_damage",
                                                               "suspicious_activity", "theft"}:
                        self.community[job.area].append(p)

    def _colleagues(self, rows: DayRows, rng: np.random.Generator, staff: int, start: int, end: int) -> None:
        world, wf = self.world, self.world.wf
        mates = wf.teams[wf.team[staff]].members
        for _ in range(int(rng.poisson(0.9))):
            other = int(mates[rng.integers(len(mates))])
            if other == staff:
                continue
            t = int(rng.integers(start, end))
            if rng.random() < 0.7:
                comm(world, rows, staff, t, "outbound", "call", wf.work_phone[other], int(rng.integers(15, 400)))
            else:
                text = pick(rng, COLLEAGUE, station=world.geo.stations[int(wf.station[staff])])
                comm(world, rows, staff, t, "outbound", "sms", wf.work_phone[other], text=text)
        if wf.role[staff] in {"constable", "pcso", "investigator", "sergeant"} and rng.random() < 0.3:
            number = world.partner_numbers[int(rng.integers(len(world.partner_numbers)))]
            comm(world, rows, staff, int(rng.integers(start, end)), "outbound", "call", number,
                 int(rng.integers(30, 900)))

    def _community(self, rows: DayRows, rng: np.random.Generator, staff: int, area: str, start: int,
                   end: int) -> None:
        """Neighbourhood officers keep in touch with residents who report local problems: many legitimate
        contacts with members of the public, always on duty and about local issues."""
        contacts = list(self.community[area])
        if not contacts:
            return
        world = self.world
        for _ in range(int(rng.poisson(1.2))):
            p = contacts[int(rng.integers(len(contacts)))]
            t = int(rng.integers(start, end))
            number = world.people.phones[p][0]
            if rng.random() < 0.5:
                comm(world, rows, staff, t, "outbound", "call", number, int(rng.integers(30, 600)))
            else:
                text = pick(rng, NEIGHBOURHOOD, officer=f"{world.wf.forename[staff]} {world.wf.surname[staff]}")
                comm(world, rows, staff, t, "outbound", "sms", number, text=text)
