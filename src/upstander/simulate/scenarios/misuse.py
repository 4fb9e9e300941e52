"""Misuse of systems and devices: message volume (corruption case study 3), look-ups with no policing purpose
(APSP case study 1; corruption case studies 4, 6 and 7), disposal of records for associates (corruption 6) and
contact with people known for criminality (corruption 1 and 7)."""

from __future__ import annotations

import numpy as np

from upstander.simulate.clock import HOUR
from upstander.simulate.incidents import open_incident, person_home
from upstander.simulate.scenarios.apsp import escalating_days
from upstander.simulate.scenarios.base import Context, Scenario, evening, recorded_offender
from upstander.simulate.texts import ASSOCIATE, FRIENDLY, INTIMATE, PERSONAL_CHANNEL, pick


class HighVolume(Scenario):
    """Messages with several women at all hours, on and off duty, far above role peers: 1704 in 12 months in
    corruption case study 3, one of them met through a domestic abuse investigation."""

    archetype = "high_volume"
    seed_case = "corruption case study 3; APSP case study 2 (billing)"
    roles = frozenset({"constable", "sergeant", "investigator"})
    flags = (2, 12)

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng = ctx.world, self.rng
        victim = self.pick_victim(world, rng, da=True)
        self.meet(ctx, window, "domestic_abuse", 2, victim, {"suspect": [int(world.people.da_partner[victim])]})
        counterparts = [(world.people.phones[victim][0], world.people.person_id[victim])]
        for _ in range(int(rng.integers(3, 7))):  # women met elsewhere: numbers in no force record
            counterparts.append((f"+447{rng.integers(400_000_000, 499_999_999)}", None))
        span = world.days - ctx.d - 1
        per_day = 1704 / 365 * {"blatant": 1.0, "moderate": 0.5, "subtle": 0.3}[self.intensity]
        count = int(per_day * span)
        days = ctx.d + 1 + (rng.random(count) * span).astype(int)
        for day in np.sort(days):
            number, pid = counterparts[int(rng.integers(len(counterparts)))]
            t = evening(world, rng, int(day), late=rng.random() < 0.35)
            r = rng.random()
            if r < 0.15:
                body, flags = pick(rng, INTIMATE + PERSONAL_CHANNEL), (2, 12)
            else:
                body, flags = pick(rng, (*FRIENDLY, "ok", "lol", "see you later", "haha", "night x")), (2,)
            direction = "inbound" if rng.random() < 0.45 else "outbound"
            self.text(ctx, t, number, body, flags, pid, direction=direction)


class NoPurposeLookups(Scenario):
    """Looks up a woman met through duty long after, with no policing purpose (APSP case study 1), and browses
    out of curiosity: namesakes, neighbours, people in the news (corruption case study 7)."""

    archetype = "no_purpose_lookups"
    seed_case = "APSP case study 1; corruption case study 7"
    roles = frozenset({"constable", "call_handler", "pcso", "investigator", "police_staff_other"})
    flags = (4,)

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng = ctx.world, self.rng
        ppl = world.people
        victim = self.pick_victim(world, rng)
        pid = ppl.person_id[victim]
        if world.wf.role[self.staff] in {"constable", "pcso"}:
            self.meet(ctx, window, "domestic_abuse" if victim in set(world.da_victims) else "assault", 2, victim)
        span = max(3, min(world.days - ctx.d - 1, 60))
        n = max(3, int(16 * self.scale))
        for day in escalating_days(rng, ctx.d + 3, span, n):
            duty = self.duty(world, int(day))
            t = (duty[0] + int(rng.integers(HOUR, 8 * HOUR))) if duty else evening(world, rng, int(day), False)
            if rng.random() < 0.5:
                self.look_up(ctx, t, "records", "search", "person", None, 4, [pid], ppl.surname[victim].upper())
            self.look_up(ctx, t + 60, "records", "view", "person", pid, 4, [pid])
            for inc in world.person_incidents[victim][-2:]:
                self.look_up(ctx, t + 120, "records", "view", "incident", inc, 4, [pid])
        # Curiosity: people who share the officer's surname, or live near the officer's home.
        home = world.wf.home_addr[self.staff]
        near = np.flatnonzero(np.abs(world.geo.addr_lat[ppl.addr] - world.geo.addr_lat[home]) < 0.004)[:50]
        same_name = [i for i in range(0, ppl.n, 7) if ppl.surname[i] == world.wf.surname[self.staff]][:20]
        targets = list(near) + same_name
        for p in rng.choice(targets, min(len(targets), max(2, int(8 * self.scale))), replace=False) if targets else []:
            day = ctx.d + int(rng.integers(1, span))
            duty = self.duty(world, day)
            t = (duty[0] + int(rng.integers(HOUR, 8 * HOUR))) if duty else evening(world, rng, day, False)
            self.look_up(ctx, t, "records", "view", "person", ppl.person_id[int(p)], 4, [ppl.person_id[int(p)]])


class OcgInsider(Scenario):
    """An exploitation-team employee checks the custody records of organised-crime nominals on the day warrants
    are executed, and phones two of the group's associates that day (corruption case study 7)."""

    archetype = "ocg_insider"
    seed_case = "corruption case study 7; corruption case study 1"
    roles = frozenset({"investigator", "constable"})
    units = frozenset({"exploitation", "cid", "intelligence"})
    flags = (4, 10)

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng, routine = ctx.world, self.rng, ctx.routine
        ppl = world.people
        ocg = np.flatnonzero(ppl.ocg)
        if len(ocg) < 3:
            ocg = np.flatnonzero(ppl.offender)
        nominals = [int(p) for p in rng.choice(ocg, min(len(ocg), int(rng.integers(3, 6))), replace=False)]
        start = window[0]
        warrant = start + int(rng.integers(HOUR, 3 * HOUR))
        for p in nominals:  # warrants executed by other officers: arrests and custody records
            lat, lon = person_home(world, p)
            job = open_incident(world, routine.rows, routine.rng, "drugs", 2, warrant, {"suspect": [p]}, lat, lon)
            visit = routine.work(job)
            custody = routine.rows["custody"].cols
            if job.incident_id in custody["incident_id"]:  # the routine already booked the arrest in
                k = custody["incident_id"].index(job.incident_id)
                custody_id, booked = str(custody["custody_id"][k]), int(custody["booked_in"][k])
            else:
                custody_id = f"C{world.ids.next('custody'):08d}"
                booked = warrant + int(rng.integers(HOUR, 2 * HOUR))
                routine.rows["custody"].add(
                    custody_id=custody_id, person_id=ppl.person_id[p], incident_id=job.incident_id,
                    suite=world.geo.suites[0], booked_in=booked, released=booked + 18 * HOUR,
                    arresting_staff_id=world.wf.staff_id[visit.staff[0]] if visit else None, custody_officer_id=None)
                routine.rows["incident_people"].add(incident_id=job.incident_id, person_id=ppl.person_id[p],
                                                    role="detainee", recorded_at=booked)
            self.look_up(ctx, booked + int(rng.integers(HOUR, 4 * HOUR)), "custody", "view", "custody", custody_id, 4,
                         [ppl.person_id[p]])
        contacts = [int(p) for p in ocg if ppl.phones[int(p)] and int(p) not in nominals][:2]
        for p in contacts:
            for _ in range(int(1 + 3 * self.scale)):
                t = warrant + int(rng.integers(0, 10 * HOUR))
                self.text(ctx, t, ppl.phones[p][0], None, (10,), ppl.person_id[p], channel="call",
                          duration=int(rng.integers(20, 300)))
        for _ in range(int(rng.integers(2, 6))):  # and again in the weeks after
            p = contacts[int(rng.integers(len(contacts)))] if contacts else None
            if p is not None:
                t = evening(world, rng, ctx.d + int(rng.integers(2, 30)), late=True)
                self.text(ctx, t, ppl.phones[p][0], pick(rng, ASSOCIATE), (10,), ppl.person_id[p])


class PartnerInformant(Scenario):
    """A member of staff whose partner is in the criminal records repeatedly opens the log of a serious incident
    the partner asked about, and texts him about it (corruption case study 4)."""

    archetype = "partner_informant"
    seed_case = "corruption case study 4"
    roles = frozenset({"constable", "call_handler", "investigator", "police_staff_other"})
    flags = (4, 10, 12)

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng, routine = ctx.world, self.rng, ctx.routine
        ppl = world.people
        partner = recorded_offender(world, rng, ctx.d)  # "in the criminal records": a suspect before now
        friend = int(ppl.draw(rng, ppl.offender_cdf)[0])
        start = window[0]
        t0 = start + int(rng.integers(HOUR, 4 * HOUR))
        lat, lon = person_home(world, friend)
        victim = int(ppl.draw(rng, ppl.victim_cdf)[0])
        job = open_incident(world, routine.rows, routine.rng, "assault", 1, t0, {"suspect": [friend],
                                                                              "victim": [victim]}, lat, lon)
        routine.work(job)
        number, ppid = ppl.phones[partner][0], ppl.person_id[partner]
        self.text(ctx, t0 + HOUR, number, "Has anyone been arrested for it?", (10,), ppid, direction="inbound")
        for k in range(int(3 + 5 * self.scale)):  # "accessed a police log several times" one evening
            self.look_up(ctx, t0 + HOUR + 600 * (k + 1), "command_and_control", "view", "incident", job.incident_id, 4,
                         [ppl.person_id[friend]])
        self.text(ctx, t0 + 3 * HOUR, number, "Not yet. You can't show anyone and delete it after", (10, 12), ppid)
        for _ in range(int(rng.integers(3, 10))):
            t = evening(world, rng, ctx.d + int(rng.integers(1, 40)), late=rng.random() < 0.5)
            self.text(ctx, t, number, pick(rng, (*ASSOCIATE, "love you", "home soon")), (10,), ppid)


class DisposalsForAssociates(Scenario):
    """Friends of friends text about speeding tickets; the employee looks the record up and disposes of it
    (corruption case study 6: "more than 30 members of the public")."""

    archetype = "disposals_for_associates"
    seed_case = "corruption case study 6"
    roles = frozenset({"constable", "police_staff_other"})
    units = frozenset({"roads_policing", "support"})
    flags = (5,)

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng = ctx.world, self.rng
        span = max(3, min(world.days - ctx.d - 1, 120))
        associates = int(4 + 28 * self.scale)
        for _ in range(associates):
            number = f"+447{rng.integers(300_000_000, 399_999_999)}"
            day = ctx.d + int(rng.integers(0, span))
            duty = self.duty(world, day)
            t = (duty[0] + int(rng.integers(HOUR, 6 * HOUR))) if duty else evening(world, rng, day, False)
            self.text(ctx, t - 3 * HOUR, number, "Got caught speeding on the bypass, can you help?", (5,), None,
                      direction="inbound")
            offence = f"TO-{rng.integers(1_000_000, 9_999_999)}"
            self.look_up(ctx, t, "national_computer", "view", "other", offence, 5, [])
            self.look_up(ctx, t + int(rng.integers(60, 900)), "records", "dispose", "other", offence, 5, [])
            self.text(ctx, t + HOUR, number, pick(rng, ASSOCIATE[:2]), (5,), None)
