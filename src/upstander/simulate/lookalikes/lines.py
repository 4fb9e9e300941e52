"""Work that puts one member of staff, or one number, in front of very many records or colleagues: a busy
control-room call handler whose look-ups are all of people on calls she takes (her own incidents and the repeat
calls on open ones), and a partner agency's landline (a refuge, children's or adult social care, an ISVA
service) that is on several people's records and that staff across several teams ring in the course of work,
some of them ticket-office or roads staff who dispose of traffic offences the same day as part of their job."""

from __future__ import annotations

from collections import deque

import numpy as np

from upstander.simulate.clock import HOUR, local_midnight_utc
from upstander.simulate.incidents import Job
from upstander.simulate.lookalikes import LookAlike, LookAlikes, duty_window, how_many, pick_staff, variant
from upstander.simulate.routine import Audit, DayRoutine, comm
from upstander.simulate.world import World

HANDLER_SPACE: dict[str, tuple] = {
    "repeat_calls": ((6, 12), (12, 20), (20, 32)),  # further calls on open incidents, per shift
    "views": ((1, 3), (2, 4), (3, 6)),  # times each person on a call is opened
    "search": ("surname", "phone", "both"),
}
# agency: (words, who has the number on their record, units whose staff ring it, open all hours)
AGENCIES: dict[str, tuple[str, str, tuple[str, ...], bool]] = {
    "refuge": ("a women's refuge", "domestic_abuse_victim", ("public_protection", "response", "neighbourhood",
                                                              "control_room"), True),
    "childrens_social_care": ("children's social care", "under_18", ("public_protection", "neighbourhood",
                                                                      "response", "cid"), False),
    "isva_service": ("an independent sexual violence adviser service", "domestic_abuse_victim",
                     ("public_protection", "cid", "response"), False),
    "adult_social_care": ("adult social care", "mental_ill_health", ("response", "neighbourhood", "custody",
                                                                      "control_room"), False),
}
LINE_SPACE: dict[str, tuple] = {"agency": tuple(AGENCIES), "teams": (3, 4, 5, 6), "per_team": (2, 3, 4),
                                "residents": (3, 5, 8), "call_p": (0.15, 0.25, 0.35)}
CALLER_ROLES = {"constable", "pcso", "sergeant", "investigator", "call_handler", "custody_detention_officer"}


def busy_call_handler(world: World, taken: set[int], out: LookAlikes) -> None:
    rng = np.random.default_rng([world.seed, 8, 4])
    for _ in range(how_many(world, 2)):
        staff = pick_staff(world, rng, {"call_handler"}, {"control_room"}, taken)
        if not staff:
            return
        v = variant(rng, HANDLER_SPACE)
        lo, hi = v["repeat_calls"]
        out.records.append(LookAlike(
            "busy_call_handler", world.wf.staff_id[staff[0]], [],
            f"control-room call handler taking {lo}-{hi} repeat calls a shift on open incidents besides her own, "
            f"opening each person on a call {v['views'][0]}-{v['views'][1]} times and searching by "
            f"{v['search'].replace('both', 'surname and phone number')}: every look-up is of someone on a call she "
            "took"))
        out.daily.append(BusyCallHandler(staff[0], v, rng))


class BusyCallHandler:
    def __init__(self, staff: int, v: dict, rng: np.random.Generator) -> None:
        self.staff, self.v = staff, v
        self.rng = np.random.default_rng(rng.integers(1 << 31))
        self.recent: deque[Job] = deque(maxlen=600)  # the last day or two of incidents, for repeat calls

    def on_day(self, routine: DayRoutine) -> None:
        world, rng = routine.world, self.rng
        for job in routine.jobs:
            if job.call_taker == self.staff:
                self.look_up(routine, job, job.opened + int(rng.integers(30, 200)))
        window = duty_window(world, self.staff, routine.d)
        self.recent.extend(routine.jobs)
        if window is None:
            return
        start, end = window
        for _ in range(int(rng.integers(*self.v["repeat_calls"]))):
            t = int(rng.integers(start + 600, end - 600))
            open_jobs = [j for j in self.recent if j.opened < t - 600 and j.opened > t - 2 * 86400 and j.people
                         and (j.closed is None or j.closed > t)]
            if not open_jobs:
                continue
            job = open_jobs[int(rng.integers(len(open_jobs)))]
            length = int(rng.integers(120, 600))  # a caller chasing an update, or adding to what they said
            routine.involve(job, self.staff, "call_taker", t, t + length)
            rows = routine.rows_at(t)
            Audit(world)(rows, self.staff, t + 20, "command_and_control", "view", "incident", job.incident_id)
            Audit(world)(rows, self.staff, t + length - 30, "command_and_control", "update", "incident",
                         job.incident_id)
            self.look_up(routine, job, t + 40)

    def look_up(self, routine: DayRoutine, job: Job, t: int) -> None:
        """Search for the caller, then open every person on the incident, some more than once during the call."""
        world, rng, ppl = routine.world, self.rng, routine.world.people
        rows, audit = routine.rows_at(t), Audit(world)
        people = [p for ps in job.people.values() for p in ps]
        caller = people[0]
        style = self.v["search"]
        if style in {"surname", "both"}:
            audit(rows, self.staff, t, "records", "search", "person", None, ppl.surname[caller].upper())
        if style in {"phone", "both"} and ppl.phones[caller]:
            audit(rows, self.staff, t + 5, "records", "search", "person", None, ppl.phones[caller][0])
        for p in people:
            for _ in range(int(rng.integers(*self.v["views"]))):
                audit(rows, self.staff, t + int(rng.integers(10, 480)), "records", "view", "person", ppl.person_id[p])


def partner_agency_line(world: World, taken: set[int], out: LookAlikes) -> None:
    rng = np.random.default_rng([world.seed, 8, 5])
    ppl, wf = world.people, world.wf
    for _ in range(how_many(world, 2)):
        v = variant(rng, LINE_SPACE)
        words, marker, units, all_hours = AGENCIES[v["agency"]]
        pool = [p for p in range(ppl.n) if marker in ppl.vulns[p] and ppl.phones[p]]
        if not pool:
            continue
        line = f"+441{rng.integers(100_000_000, 999_999_999)}"
        residents = [int(p) for p in rng.choice(pool, min(v["residents"], len(pool)), replace=False)]
        for p in residents:  # given as a contact number: "ring me at the refuge", a child's social worker
            ppl.phones[p].append(line)
        teams = [i for i, t in enumerate(wf.teams) if t.unit in units]
        callers: list[int] = []
        for team in rng.choice(teams, min(v["teams"], len(teams)), replace=False) if teams else []:
            members = [m for m in wf.teams[int(team)].members if wf.role[m] in CALLER_ROLES and m not in taken]
            chosen = [int(m) for m in rng.choice(members, min(v["per_team"], len(members)), replace=False)] \
                if members else []
            taken.update(chosen)
            callers += chosen
        # Roads officers and the ticket office ring agencies too (a young driver in care, a victim's car).
        disposers = pick_staff(world, rng, {"constable"}, {"roads_policing"}, taken) + pick_staff(
            world, rng, {"police_staff_other"}, {"support"}, taken)
        callers += disposers
        pids = [ppl.person_id[p] for p in residents]
        n_teams = len({int(wf.team[s]) for s in callers})
        out.records.append(LookAlike(
            "partner_agency_line", "", pids,
            f"the landline of {words}, on {len(residents)} people's records, rung by {len(callers)} staff in "
            f"{n_teams} teams in the course of work{', day and night' if all_hours else ', in office hours'}"))
        for s in disposers:
            out.records.append(LookAlike(
                "partner_agency_line", wf.staff_id[s], [],
                f"{'roads policing officer' if wf.unit[s] == 'roads_policing' else 'ticket office clerk'} who rings "
                f"the landline of {words} "
                "and disposes of traffic offences the same day, both as part of the job"))
        out.daily.append(PartnerAgencyLine(line, callers, set(disposers), all_hours, v["call_p"], rng))


class PartnerAgencyLine:
    def __init__(self, line: str, callers: list[int], disposers: set[int], all_hours: bool, call_p: float,
                 rng: np.random.Generator) -> None:
        self.line, self.callers, self.disposers = line, callers, disposers
        self.all_hours, self.call_p = all_hours, call_p
        self.rng = np.random.default_rng(rng.integers(1 << 31))

    def on_day(self, routine: DayRoutine) -> None:
        world, rng = routine.world, self.rng
        for s in self.callers:
            window = duty_window(world, s, routine.d)
            p = self.call_p * (2.5 if s in self.disposers else 1.0)  # the few who dispose ring it more often
            if window is None or rng.random() >= p:
                continue
            lo, hi = window
            if not self.all_hours:  # the agency's office is open 09:00 to 17:00
                midnight = local_midnight_utc(world.day(routine.d))
                lo, hi = max(lo, midnight + 9 * HOUR), min(hi, midnight + 17 * HOUR)
                if hi - lo < HOUR:
                    continue
            for _ in range(1 + int(rng.random() < 0.3)):
                t = int(rng.integers(lo, hi - 900))
                direction = "inbound" if rng.random() < 0.25 else "outbound"  # the agency rings back
                comm(world, routine.rows_at(t), s, t, direction, "call", self.line, int(rng.integers(60, 1200)))
            if s in self.disposers:
                self.dispose(routine, s, window)

    def dispose(self, routine: DayRoutine, staff: int, window: tuple[int, int]) -> None:
        """Offences cancelled when documents are produced or a course is completed: view the record, dispose."""
        world, rng = routine.world, self.rng
        audit = Audit(world)
        for _ in range(int(rng.integers(2, 7))):
            t = int(rng.integers(window[0] + 600, window[1] - 1200))
            offence = f"TO-{rng.integers(1_000_000, 9_999_999)}"
            audit(routine.rows_at(t), staff, t, "national_computer", "view", "other", offence)
            audit(routine.rows_at(t), staff, t + int(rng.integers(60, 600)), "records", "dispose", "other", offence)
