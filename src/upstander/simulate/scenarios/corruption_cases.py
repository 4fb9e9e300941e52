"""The eight corruption case studies of IOPC Learning the Lessons 44 (seed 002), one scenario each, as they would
show in a force's own systems. Each class follows what its case study says the member of staff did; the
variants (channel, on or off duty, volume) are drawn from the scenario's own rng so that two seeds differ."""

from __future__ import annotations

import numpy as np

from upstander.simulate.clock import DAY, HOUR
from upstander.simulate.incidents import open_incident, person_home
from upstander.simulate.scenarios.apsp import escalating_days
from upstander.simulate.scenarios.base import Context, Scenario, evening, recorded_offender
from upstander.simulate.texts import ASSOCIATE, FRIENDLY, INTIMATE, PERSONAL_CHANNEL, PROFESSIONAL, pick

PATTERNS = ("on_duty", "off_duty", "both")


class CaseStudy(Scenario):
    """Shared variant machinery: a channel and a duty pattern drawn once per scenario."""

    channels: tuple[str, ...] = ("sms", "app_message")

    def __init__(self, sid: str, staff: int, start_day: int, intensity: str, world) -> None:
        super().__init__(sid, staff, start_day, intensity, world)
        self.channel = str(self.channels[int(self.rng.integers(len(self.channels)))])
        self.pattern = str(PATTERNS[int(self.rng.integers(len(PATTERNS)))])

    def moment(self, ctx: Context, day: int, late: bool = False) -> int:
        """A time on `day` that honours the duty pattern: within the shift, off duty in the evening, or either."""
        duty = self.duty(ctx.world, day)
        on = self.pattern == "on_duty" or (self.pattern == "both" and self.rng.random() < 0.5)
        if on and duty is not None:
            start, end = duty[0], duty[1]
            return int(self.rng.integers(start + HOUR // 2, max(start + HOUR, end - HOUR // 2)))
        return evening(ctx.world, self.rng, day, late)

    def counterpart(self, ctx: Context, p: int) -> tuple[str, str]:
        """(channel, address) for person p: email goes to an address, everything else to a phone number."""
        ppl = ctx.world.people
        if self.channel == "email" and ppl.emails[p]:
            return "email", ppl.emails[p][0]
        return ("sms" if self.channel == "email" else self.channel), ppl.phones[p][0]

    def offender_with_phone(self, ctx: Context, ocg: bool = False) -> int:
        """Someone known to police (a suspect on an earlier incident, or a nominal), with a phone."""
        return recorded_offender(ctx.world, self.rng, ctx.d, ocg)

    def custody_record(self, ctx: Context, p: int, at: int, kind: str = "drugs") -> tuple[str, int]:
        """An arrest by other officers and its custody record: (custody_id, booked_in)."""
        world, routine, rng = ctx.world, ctx.routine, self.rng
        lat, lon = person_home(world, p)
        job = open_incident(world, routine.rows, routine.rng, kind, 2, at, {"suspect": [p]}, lat, lon)
        visit = routine.work(job)
        custody = routine.rows["custody"].cols
        if job.incident_id in custody["incident_id"]:
            k = custody["incident_id"].index(job.incident_id)
            return str(custody["custody_id"][k]), int(custody["booked_in"][k])
        custody_id = f"C{world.ids.next('custody'):08d}"
        booked = at + int(rng.integers(HOUR, 2 * HOUR))
        routine.rows["custody"].add(
            custody_id=custody_id, person_id=world.people.person_id[p], incident_id=job.incident_id,
            suite=world.geo.suites[0], booked_in=booked, released=booked + 16 * HOUR,
            arresting_staff_id=world.wf.staff_id[visit.staff[0]] if visit else None, custody_officer_id=None)
        routine.rows["incident_people"].add(incident_id=job.incident_id, person_id=world.people.person_id[p],
                                            role="detainee", recorded_at=booked)
        return custody_id, booked


class DrugDealerInformant(CaseStudy):
    """Corruption case study 1: an officer with "under two years' service" associates with people known for drug
    offences; "a man known to the police for supplying class A drugs" asks whether someone "had been recently
    arrested for theft" and the officer "confirmed what offences the person had been arrested for"."""

    archetype = "drug_dealer_informant"
    seed_case = "corruption case study 1"
    roles = frozenset({"constable", "pcso"})
    units = frozenset({"response", "neighbourhood"})
    flags = (4, 10)

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng = ctx.world, self.rng
        ppl = world.people
        dealer = self.offender_with_phone(ctx)
        others = [self.offender_with_phone(ctx) for _ in range(int(rng.integers(1, 4)))]
        span = max(3, min(world.days - ctx.d - 2, 90))
        arrested = int(ppl.draw(rng, ppl.offender_cdf)[0])
        custody_id, booked = self.custody_record(ctx, arrested, window[0] + 2 * HOUR, "theft")  # by colleagues
        ask = booked + int(rng.integers(2 * HOUR, 20 * HOUR))
        number, dpid, apid = ppl.phones[dealer][0], ppl.person_id[dealer], ppl.person_id[arrested]
        channel = self.channel
        self.text(ctx, ask, number, pick(rng, ("Has {name} been nicked for the theft?", "Heard they lifted "
                  "{name}, what for?"), name=ppl.surname[arrested].title()), (10,), dpid, channel=channel,
                  direction="inbound")
        t = ask + int(rng.integers(10 * 60, 3 * HOUR))
        self.look_up(ctx, t, "custody", "view", "custody", custody_id, 4, [apid])
        self.look_up(ctx, t + 90, "records", "view", "person", apid, 4, [apid])
        self.text(ctx, t + int(rng.integers(300, 1800)), number, pick(rng, ASSOCIATE), (10,), dpid, channel=channel)
        # the association goes on: short calls and messages with the dealer and others known for drugs
        for k, d in enumerate(escalating_days(rng, ctx.d + 1, span, max(4, int(30 * self.scale)))):
            p = dealer if k % 2 == 0 or not others else others[k % len(others)]
            at = self.moment(ctx, int(d), late=rng.random() < 0.6)
            if rng.random() < 0.5:
                self.text(ctx, at, ppl.phones[p][0], None, (10,), ppl.person_id[p], channel="call",
                          duration=int(rng.integers(15, 240)), direction=str(rng.choice(["inbound", "outbound"])))
            else:
                self.text(ctx, at, ppl.phones[p][0], pick(rng, ("u about later?", "usual?", "cheers mate",
                          "2 mins", "sorted")), (10,), ppl.person_id[p], channel=channel)


class OffDutyInterference(CaseStudy):
    """Corruption case study 2: an "off-duty, high-ranking senior police officer" at a friend's party tells a man
    who injured a woman "keep your gob shut and I will sort this out for you"; attending officers are others.
    In force systems: a domestic incident he is not deployed to, then his look-ups of its log and of the
    suspect, and calls between his work phone and the suspect, who is someone he has known for years."""

    archetype = "off_duty_interference"
    seed_case = "corruption case study 2"
    roles = frozenset({"inspector_plus", "sergeant"})
    flags = (4, 10)

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng, routine = ctx.world, self.rng, ctx.routine
        ppl = world.people
        victim = self.pick_victim(world, rng, da=True, vulnerable=False)
        suspect = int(ppl.da_partner[victim])
        if not ppl.phones[suspect]:
            suspect = self.offender_with_phone(ctx)
        # the party: early hours after his shift, attended by a response crew, not by him
        at = window[1] + int(rng.integers(3 * HOUR, 7 * HOUR))
        lat, lon = person_home(world, victim)
        job = open_incident(world, routine.rows, routine.rng, "domestic_abuse", 1, at,
                            {"victim": [victim], "suspect": [suspect]}, lat, lon)
        routine.work(job)
        spid = ppl.person_id[suspect]
        self.text(ctx, at + int(rng.integers(HOUR, 5 * HOUR)), ppl.phones[suspect][0], None, (10,), spid,
                  channel="call", duration=int(rng.integers(120, 900)))
        # next duty: opens the log and the suspect's record, more than once
        days = self.duty_days(world, ctx.d + 1, ctx.d + 8) or [ctx.d + 1]
        for d in days[: 1 + int(2 * self.scale) + 1]:
            duty = self.duty(world, d)
            t = duty[0] + int(rng.integers(HOUR // 2, 3 * HOUR)) if duty else evening(world, rng, d, False)
            self.look_up(ctx, t, "command_and_control", "view", "incident", job.incident_id, 4, [spid])
            self.look_up(ctx, t + int(rng.integers(60, 600)), "records", "view", "person", spid, 4, [spid])
            if rng.random() < 0.7:
                self.text(ctx, t + int(rng.integers(HOUR, 4 * HOUR)), ppl.phones[suspect][0],
                          pick(rng, (*ASSOCIATE, "Say nothing, I'll sort it", "Don't go in for interview yet")),
                          (10,), spid, channel=self.channel)


class ManyWomenHighVolume(CaseStudy):
    """Corruption case study 3: "1704" messages with several women over 12 months, "at all times of day ... on
    and off-duty"; one met through "a domestic abuse investigation" received "non-professional" emails."""

    archetype = "many_women_high_volume"
    seed_case = "corruption case study 3"
    roles = frozenset({"constable", "investigator", "sergeant"})
    units = frozenset({"response", "public_protection", "cid", "neighbourhood"})
    flags = (1, 2, 12)
    channels = ("sms", "app_message", "sms")

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng = ctx.world, self.rng
        ppl = world.people
        victim = self.pick_victim(world, rng, da=True)
        self.meet(ctx, window, "domestic_abuse", 2, victim, {"suspect": [int(ppl.da_partner[victim])]})
        vpid = ppl.person_id[victim]
        women = [f"+447{rng.integers(400_000_000, 499_999_999)}" for _ in range(int(rng.integers(4, 8)))]
        span = max(3, world.days - ctx.d - 1)
        per_day = 1704 / 365 * self.scale
        for day in np.sort(ctx.d + 1 + (rng.random(int(per_day * span)) * span).astype(int)):
            t = self.moment(ctx, int(day), late=rng.random() < 0.35)
            flirt = rng.random() < 0.2
            body = pick(rng, INTIMATE + PERSONAL_CHANNEL) if flirt else pick(rng, FRIENDLY)
            self.text(ctx, t, women[int(rng.integers(len(women)))], body, (2, 12) if flirt else (2,), None,
                      channel=self.channel, direction="inbound" if rng.random() < 0.45 else "outbound")
        # the woman met through duty: email if she has an address, drifting from professional to flirtatious
        channel = "email" if ppl.emails[victim] else "sms"
        address = ppl.emails[victim][0] if ppl.emails[victim] else ppl.phones[victim][0]
        n = max(4, int(20 * self.scale))
        for i, day in enumerate(escalating_days(rng, ctx.d + 1, min(span, 60), n)):
            t = self.moment(ctx, int(day))
            if i < n // 4:
                self.text(ctx, t, address, pick(rng, PROFESSIONAL, ref=f"{ctx.d:06d}"), (2,), vpid, channel=channel)
            else:
                self.text(ctx, t, address, pick(rng, INTIMATE), (1, 2, 12), vpid, channel=channel)


class CoercedPartnerLeak(CaseStudy):
    """Corruption case study 4: an officer in "a coercive and controlling relationship" sends her partner a
    picture of confidential information on an organised crime group, texting "you can't show anyone and delete
    it after"; "one evening while at work the officer accessed a police log several times"."""

    archetype = "coerced_partner_leak"
    seed_case = "corruption case study 4"
    roles = frozenset({"constable", "investigator", "call_handler", "police_staff_other"})
    flags = (4, 10, 12)

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng, routine = ctx.world, self.rng, ctx.routine
        ppl = world.people
        partner = self.offender_with_phone(ctx)
        number, ppid = ppl.phones[partner][0], ppl.person_id[partner]
        relatives = [self.offender_with_phone(ctx, ocg=True) for _ in range(int(rng.integers(2, 5)))]
        start, end = window[0], window[1]
        t0 = start + int(rng.integers(HOUR, max(HOUR + 1, (end - start) // 2)))
        lat, lon = person_home(world, relatives[0])
        job = open_incident(world, routine.rows, routine.rng, "drugs", 1, t0 - DAY // 2,
                            {"suspect": relatives}, lat, lon)
        routine.work(job)
        rel_ids = [ppl.person_id[r] for r in relatives]
        self.text(ctx, t0, number, pick(rng, ("Has anyone been arrested?", "any news on the lads?", "wot u hearing")),
                  (10,), ppid, channel=self.channel, direction="inbound")
        for k in range(int(3 + 5 * self.scale)):  # "accessed a police log several times"
            self.look_up(ctx, t0 + 600 * (k + 1) + int(rng.integers(0, 300)), "command_and_control", "view",
                         "incident", job.incident_id, 4, rel_ids)
        self.text(ctx, t0 + int(rng.integers(HOUR, 2 * HOUR)), number, "You can't show anyone and delete it after",
                  (10, 12), ppid, channel=self.channel)
        self.text(ctx, t0 + int(rng.integers(2 * HOUR, 3 * HOUR)), number,
                  "I'll do it later when less people are in the office", (10, 12), ppid, channel=self.channel)
        for _ in range(int(rng.integers(4, 12))):
            t = self.moment(ctx, ctx.d + int(rng.integers(1, 40)), late=rng.random() < 0.5)
            self.text(ctx, t, number, pick(rng, ("where r u", "home soon", "ok", "answer ur phone")), (10,), ppid,
                      channel=self.channel, direction="inbound" if rng.random() < 0.6 else "outbound")


class CakeCollection(CaseStudy):
    """Corruption case study 5: officer A took a statement from a woman with vulnerabilities, "gave the woman his
    work contact details"; she thanked him "in the weeks following"; they met through a WhatsApp group and he
    "collected the cake from the woman's house during a work break"."""

    archetype = "cake_collection"
    seed_case = "corruption case study 5"
    roles = frozenset({"constable"})
    units = frozenset({"response", "neighbourhood"})
    flags = (1, 3)

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng = ctx.world, self.rng
        ppl = world.people
        victim = self.pick_victim(world, rng, da=True)
        self.meet(ctx, window, "domestic_abuse", 3, victim, {"suspect": [int(ppl.da_partner[victim])]})
        pid, number = ppl.person_id[victim], ppl.phones[victim][0]
        span = max(6, min(world.days - ctx.d - 2, 50))
        thanks = evening(world, rng, ctx.d + int(rng.integers(5, 15)), False)
        self.text(ctx, thanks, number, pick(rng, ("Thank you so much for your help the other day",
                  "Just wanted to say thanks, you were really kind")), (1,), pid, direction="inbound")
        self.text(ctx, thanks + int(rng.integers(600, 4 * HOUR)), number, pick(rng, PROFESSIONAL, ref="your report"),
                  (1,), pid)
        for day in escalating_days(rng, ctx.d + 15, span - 15 if span > 20 else 5, max(3, int(14 * self.scale))):
            t = self.moment(ctx, int(day), late=rng.random() < 0.3)
            self.text(ctx, t, number, pick(rng, FRIENDLY), (1,), pid, channel="app_message",
                      direction="inbound" if rng.random() < 0.5 else "outbound")
        lat, lon = person_home(world, victim)
        days = self.duty_days(world, ctx.d + 15, ctx.d + span, solo=True)
        for d in days[: 1 + int(rng.integers(0, 2 + int(2 * self.scale)))]:  # the cake, then more "breaks"
            self.dwell(ctx, int(d), lat, lon, int(rng.integers(15, 45)), (3,), pid)


class SpeedingDisposals(CaseStudy):
    """Corruption case study 6: roads policing employee A sent screenshots of two men's details to a friend
    ("accessed the details of the two assault victims without a policing purpose"); her partner had asked
    about "the identities of the burglary suspects"; the friend said if "caught speeding" to let him know."""

    archetype = "speeding_disposals"
    seed_case = "corruption case study 6"
    roles = frozenset({"constable", "police_staff_other"})
    units = frozenset({"roads_policing", "support"})
    flags = (4, 5)  # 10 only when the partner happens to be in records: in the case he was "revealed" later

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng, routine = ctx.world, self.rng, ctx.routine
        ppl = world.people
        partner = self.pick_victim(world, rng, female=False, vulnerable=False)  # anyone: not known to police
        pnum, ppid = ppl.phones[partner][0], ppl.person_id[partner]
        burgled = int(ppl.draw(rng, ppl.victim_cdf)[0])
        suspects = [int(p) for p in ppl.draw(rng, ppl.offender_cdf, 2)]
        t0 = window[0] + int(rng.integers(HOUR, 3 * HOUR))
        lat, lon = person_home(world, burgled)
        job = open_incident(world, routine.rows, routine.rng, "burglary", 3, t0 - DAY,
                            {"victim": [burgled], "suspect": suspects}, lat, lon)
        routine.work(job)
        self.text(ctx, t0, pnum, pick(rng, ("Who did they pull for the burglary?", "can u find out who done it")),
                  (10,), ppid, channel=self.channel, direction="inbound")
        t = t0 + int(rng.integers(600, 2 * HOUR))
        self.look_up(ctx, t, "command_and_control", "view", "incident", job.incident_id, 4,
                     [ppl.person_id[s] for s in suspects])
        for k, s in enumerate(suspects):
            self.look_up(ctx, t + 120 * (k + 1), "records", "view", "person", ppl.person_id[s], 4, [ppl.person_id[s]])
        self.text(ctx, t + 900, pnum, pick(rng, ("Sent u a pic, don't pass it on", "Done, delete it")), (10,), ppid,
                  channel=self.channel)
        span = max(3, min(world.days - ctx.d - 1, 120))
        for _ in range(int(3 + 20 * self.scale)):  # friends of friends with speeding tickets
            number = f"+447{rng.integers(300_000_000, 399_999_999)}"
            day = ctx.d + int(rng.integers(0, span))
            duty = self.duty(world, day)
            at = (duty[0] + int(rng.integers(HOUR, 6 * HOUR))) if duty else evening(world, rng, day, False)
            self.text(ctx, at - int(rng.integers(HOUR, 6 * HOUR)), number,
                      pick(rng, ("Got flashed on the bypass, can u help?", "mate of Dan's, caught speeding")), (5,),
                      None, channel=self.channel, direction="inbound")
            offence = f"TO-{rng.integers(1_000_000, 9_999_999)}"
            self.look_up(ctx, at, "national_computer", "view", "other", offence, 5, [])
            self.look_up(ctx, at + int(rng.integers(60, 900)), "records", "dispose", "other", offence, 5, [])


class ExploitationTeamCalls(CaseStudy):
    """Corruption case study 7: an exploitation-team employee "had phone calls with two known associates of the
    OCG on the day the police executed several warrants" and "accessed custody records of several OCG members on
    the day the warrants were executed"; she "contacted one" and "received a phone call from another"."""

    archetype = "exploitation_team_calls"
    seed_case = "corruption case study 7"
    roles = frozenset({"investigator", "constable", "police_staff_other"})
    units = frozenset({"exploitation", "intelligence", "cid"})
    flags = (4, 10)

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng = ctx.world, self.rng
        ppl = world.people
        ocg = np.flatnonzero(ppl.ocg) if ppl.ocg.sum() >= 4 else np.flatnonzero(ppl.offender)
        nominals = [int(p) for p in rng.choice(ocg, min(len(ocg), int(rng.integers(3, 7))), replace=False)]
        warrant = window[0] + int(rng.integers(0, 2 * HOUR))
        records = [self.custody_record(ctx, p, warrant) for p in nominals]
        for p, (custody_id, booked) in zip(nominals, records, strict=True):
            if rng.random() < 0.2 + 0.8 * self.scale or p == nominals[0]:
                self.look_up(ctx, booked + int(rng.integers(HOUR // 2, 5 * HOUR)), "custody", "view", "custody",
                             custody_id, 4, [ppl.person_id[p]])
        associates = [self.offender_with_phone(ctx, ocg=True) for _ in range(2)]
        if associates[0] == associates[1] or associates[0] in nominals:
            associates = associates[:1]
        a0 = associates[0]
        self.text(ctx, warrant + int(rng.integers(HOUR, 8 * HOUR)), ppl.phones[a0][0], None, (10,),
                  ppl.person_id[a0], channel="call", duration=int(rng.integers(30, 400)))
        a1 = associates[-1]
        self.text(ctx, warrant + int(rng.integers(HOUR, 9 * HOUR)), ppl.phones[a1][0], None, (10,),
                  ppl.person_id[a1], channel="call", direction="inbound", duration=int(rng.integers(30, 600)))
        for _ in range(int(rng.integers(0, 4))):  # sometimes more contact in the weeks after
            a = associates[int(rng.integers(len(associates)))]
            self.text(ctx, self.moment(ctx, ctx.d + int(rng.integers(2, 30)), late=True), ppl.phones[a][0],
                      pick(rng, ASSOCIATE), (10,), ppl.person_id[a], channel=self.channel)


class VulnerableWomanAfterRisk(CaseStudy):
    """Corruption case study 8: the officer, "along with several other officers, had attended a domestic
    incident" and "completed a risk assessment"; he texted "in the days that followed" to "introduce himself and
    check on her", texts "became more informal", and they "arranged to meet at the woman's home"."""

    archetype = "vulnerable_woman_after_risk"
    seed_case = "corruption case study 8"
    roles = frozenset({"constable"})
    units = frozenset({"response", "neighbourhood", "public_protection"})
    flags = (1, 12)
    channels = ("sms", "sms", "app_message")

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng = ctx.world, self.rng
        ppl = world.people
        victim = self.pick_victim(world, rng, da=True)
        job, _ = self.meet(ctx, window, "domestic_abuse", 2, victim, {"suspect": [int(ppl.da_partner[victim])]})
        pid = ppl.person_id[victim]
        channel, number = self.counterpart(ctx, victim)
        first = ctx.d + int(rng.integers(1, 4))
        self.text(ctx, self.moment(ctx, first), number, pick(rng, PROFESSIONAL, ref=job.incident_id), (1,), pid,
                  channel=channel)
        n = int(3 + 12 * self.scale)
        for i, day in enumerate(escalating_days(rng, first + 1, max(3, int(4 + 10 * (1 - self.scale))), n)):
            t = self.moment(ctx, int(day), late=i > n // 2)
            if i < n // 3:
                self.text(ctx, t, number, pick(rng, FRIENDLY), (1,), pid, channel=channel)
            else:
                self.text(ctx, t, number, pick(rng, INTIMATE), (1, 12), pid, channel=channel)
            if rng.random() < 0.5:
                self.text(ctx, t + int(rng.integers(120, 2 * HOUR)), number, pick(rng, FRIENDLY), (1,), pid,
                          channel=channel, direction="inbound")
        meet_day = first + int(rng.integers(3, 8))
        self.text(ctx, evening(world, rng, meet_day, False), number,
                  pick(rng, ("I could pop round to yours after my shift x", "Shall I come to yours tonight? x")),
                  (1, 12), pid, channel=channel)


CORRUPTION_CASES: tuple[type[Scenario], ...] = (
    DrugDealerInformant,
    OffDutyInterference,
    ManyWomenHighVolume,
    CoercedPartnerLeak,
    CakeCollection,
    SpeedingDisposals,
    ExploitationTeamCalls,
    VulnerableWomanAfterRisk,
)
