"""Contact with victims that the case explains: a specialist in the team that owns the case phoning and texting
its victims (she is not the named officer in charge), and a victim ringing her officer in charge again and again
while the case is open, evenings included, with short professional replies."""

from __future__ import annotations

import numpy as np

from upstander.simulate.clock import DAY, HOUR, local_midnight_utc
from upstander.simulate.incidents import Job
from upstander.simulate.lookalikes import LookAlike, LookAlikes, duty_window, how_many, pick_staff, title, variant
from upstander.simulate.routine import Audit, DayRoutine, comm
from upstander.simulate.texts import OIC_REPLY, PROFESSIONAL, TEAM_COVER, VICTIM_TO_OIC, pick
from upstander.simulate.world import World

TEAM_CASE_TYPES = {"domestic_abuse", "sexual_offence"}
TEAM_SPACE: dict[str, tuple] = {
    "role": ("constable", "investigator"),
    "per_month": (20, 35, 50, 70),  # "dozens a month"
    "channel": ("mostly_calls", "mostly_texts", "mixed"),
    "hours": ("core", "full_day", "afternoons"),
}
OIC_SPACE: dict[str, tuple] = {
    "case": ("domestic_abuse", "sexual_offence", "any_investigated"),
    "calls": ("few", "many"),
    "channel": ("calls_only", "calls_and_texts"),
    "evenings": (0.1, 0.2, 0.35),
}


def team_owned_contact(world: World, taken: set[int], out: LookAlikes) -> None:
    rng = np.random.default_rng([world.seed, 8, 2])
    for _ in range(how_many(world, 3)):
        v = variant(rng, TEAM_SPACE)
        staff = pick_staff(world, rng, {v["role"]}, {"public_protection"}, taken) or pick_staff(
            world, rng, {"constable", "investigator"}, {"public_protection"}, taken)
        if not staff:
            return
        hours = {"core": "10:00 to 15:30", "full_day": "across the office day", "afternoons": "in the afternoons"}
        record = LookAlike("team_owned_contact", world.wf.staff_id[staff[0]], [],
                           f"public protection {world.wf.role[staff[0]]} phoning and texting the victims of domestic "
                           f"abuse and sexual offence cases her team owns but she is not assigned to, about "
                           f"{v['per_month']} a month, {v['channel'].replace('_', ' ')}, {hours[v['hours']]}, on duty")
        out.records.append(record)
        out.daily.append(TeamOwnedContact(world, staff[0], v, record, rng))


class TeamOwnedContact:
    def __init__(self, world: World, staff: int, v: dict, record: LookAlike, rng: np.random.Generator) -> None:
        self.staff, self.v, self.record = staff, v, record
        self.team = int(world.wf.team[staff])
        self.rng = np.random.default_rng(rng.integers(1 << 31))
        self.cases: list[tuple[Job, int, int, int]] = []  # job, victim, from, until
        self.known: set[int] = set()  # victims whose record she has opened

    def on_day(self, routine: DayRoutine) -> None:
        world, rng, wf = routine.world, self.rng, routine.world.wf
        for job in routine.jobs:  # the team's new cases: transferred to it, owned by a colleague
            victim = (job.people.get("victim") or [None])[0]
            if (job.investigated and job.owner is not None and job.owner != self.staff and job.type in TEAM_CASE_TYPES
                    and int(wf.team[job.owner]) == self.team and victim is not None and world.people.phones[victim]):
                self.cases.append((job, victim, int(job.transferred_at or job.opened), job.closed or world.end_epoch))
        self.cases = [c for c in self.cases if c[3] > world.start_epoch + routine.d * DAY]
        window = duty_window(world, self.staff, routine.d)
        if window is None:
            return
        start, end = window
        lo, hi = {"core": (start + 2 * HOUR, end - 2 * HOUR), "full_day": (start + 600, end - 600),
                  "afternoons": (start + 5 * HOUR, end - 600)}[self.v["hours"]]
        for _ in range(int(rng.poisson(self.v["per_month"] / 21))):
            t = int(rng.integers(lo, max(lo + 1, hi)))
            live = [c for c in self.cases if c[2] <= t < c[3]]
            if live:
                job, victim, _, _ = live[int(rng.integers(len(live)))]
                self.contact(routine, t, job, victim)

    def contact(self, routine: DayRoutine, t: int, job: Job, victim: int) -> None:
        world, rng = routine.world, self.rng
        rows = routine.rows_at(t)
        pid = world.people.person_id[victim]
        if victim not in self.known:  # she reads the case and the victim's record before first contact
            self.known.add(victim)
            audit = Audit(world)
            audit(rows, self.staff, t - 420, "crime", "view", "incident", job.incident_id)
            audit(rows, self.staff, t - 300, "records", "view", "person", pid)
        number = world.people.phones[victim][0]
        text_share = {"mostly_calls": 0.25, "mostly_texts": 0.65, "mixed": 0.45}[self.v["channel"]]
        r = rng.random()
        if r < text_share:
            body = pick(rng, TEAM_COVER + PROFESSIONAL, officer=title(world, self.staff), ref=job.incident_id,
                        force="the public protection team")
            comm(world, rows, self.staff, t, "outbound", "sms", number, text=body)
        elif r < 0.85:
            comm(world, rows, self.staff, t, "outbound", "call", number, int(rng.integers(30, 1200)))
        else:  # the victim rings back the number that called her
            comm(world, rows, self.staff, t, "inbound", "call", number, int(rng.integers(30, 900)))
        self.record.add_person(pid)


def victim_calls_oic(world: World, taken: set[int], out: LookAlikes) -> None:
    rng = np.random.default_rng([world.seed, 8, 3])
    for _ in range(how_many(world, 3)):
        day = int(rng.integers(0, max(1, world.days // 3)))
        out.daily.append(VictimCallsOic(variant(rng, OIC_SPACE), day, taken, out, rng))


class VictimCallsOic:
    """Waits for a case of the variant's kind transferred to an investigator on or after `day`, then writes the
    victim's calls and texts to the officer in charge for as long as the case is open."""

    def __init__(self, v: dict, day: int, taken: set[int], out: LookAlikes, rng: np.random.Generator) -> None:
        self.v, self.day, self.taken, self.out = v, day, taken, out
        self.rng = np.random.default_rng(rng.integers(1 << 31))
        self.done = False

    def _fits(self, world: World, job: Job) -> bool:
        victim = (job.people.get("victim") or [None])[0]
        if not job.investigated or job.owner is None or job.owner in self.taken or victim is None:
            return False
        if not world.people.phones[victim] or (self.v["case"] != "any_investigated" and job.type != self.v["case"]):
            return False
        return (job.closed or world.end_epoch) - int(job.transferred_at or job.opened) >= 14 * DAY

    def on_day(self, routine: DayRoutine) -> None:
        if self.done or routine.d < self.day:
            return
        world = routine.world
        jobs = [j for j in routine.jobs if self._fits(world, j)]
        if not jobs:
            return
        self.done = True
        job = jobs[int(self.rng.integers(len(jobs)))]
        owner = int(job.owner)  # type: ignore[arg-type]  # _fits checked it
        self.taken.add(owner)
        victim = job.people["victim"][0]
        n = self.write(routine, job, owner, victim)
        self.out.records.append(LookAlike(
            "victim_calls_oic", world.wf.staff_id[owner], [world.people.person_id[victim]],
            f"victim of a {job.type.replace('_', ' ')} case ({job.incident_id}) ringing her officer in charge {n} "
            f"times while it is open, about {round(100 * self.v['evenings'])}% in the evening, "
            f"{self.v['channel'].replace('_', ' ')}; the officer replies briefly and professionally"))

    def write(self, routine: DayRoutine, job: Job, owner: int, victim: int) -> int:
        world, rng = routine.world, self.rng
        number = world.people.phones[victim][0]
        since = int(job.transferred_at or job.opened) + HOUR
        until = min(job.closed or world.end_epoch, world.end_epoch)
        first, last = (since - world.start_epoch) // DAY + 1, (until - world.start_epoch) // DAY
        if last <= first:
            return 0
        n = int(rng.integers(8, 16) if self.v["calls"] == "few" else rng.integers(20, 40))
        for d in np.sort(rng.integers(first, last, n)):
            d = int(d)
            midnight = local_midnight_utc(world.day(d))
            evening = rng.random() < self.v["evenings"]
            t = midnight + int((rng.uniform(18, 21.5) if evening else rng.uniform(9, 17)) * HOUR)
            window = duty_window(world, owner, d)
            on = window is not None and window[0] <= t < window[1]
            if self.v["channel"] == "calls_and_texts" and rng.random() < 0.3:
                comm(world, routine.rows_at(t), owner, t, "inbound", "sms", number,
                     text=pick(rng, VICTIM_TO_OIC))
            else:  # answered on duty; off duty it rings out to voicemail
                comm(world, routine.rows_at(t), owner, t, "inbound", "call", number,
                     int(rng.integers(40, 900)) if on else int(rng.integers(0, 40)))
            if rng.random() < (0.5 if not on else 0.15):  # she returns some missed calls, not all
                self.reply(routine, owner, number, job, d, t, on)
        return n

    def reply(self, routine: DayRoutine, owner: int, number: str, job: Job, d: int, t: int, on: bool) -> None:
        """A short professional reply: now if on duty, else early on the officer's next duty."""
        world, rng = routine.world, self.rng
        if on:
            at = t + int(rng.integers(300, 2 * HOUR))
        else:
            nxt = next((w for k in range(d, min(d + 5, world.days)) if (w := duty_window(world, owner, k))
                        and w[0] > t), None)
            if nxt is None:
                return
            at = nxt[0] + int(rng.integers(20 * 60, 2 * HOUR))
        if rng.random() < 0.5:
            comm(world, routine.rows_at(at), owner, at, "outbound", "sms", number,
                 text=pick(rng, OIC_REPLY, ref=job.incident_id))
        else:
            comm(world, routine.rows_at(at), owner, at, "outbound", "call", number, int(rng.integers(30, 300)))
