"""APSP case studies 6-10 of IOPC Learning the Lessons 40 (seed 001); see `apsp_cases` for the first five."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import numpy as np

from upstander.simulate.clock import DAY, HOUR
from upstander.simulate.incidents import open_incident, person_home
from upstander.simulate.scenarios.base import Context
from upstander.simulate.scenarios.casework import CaseScenario, Variants, book_into_custody, complaint, local_time
from upstander.simulate.texts import FRIENDLY, INTIMATE, PERSONAL_CHANNEL, pick
from upstander.simulate.world import World


def pick_person(world: World, rng: np.random.Generator, keep: Callable[[int], bool]) -> int:
    ppl = world.people
    for _ in range(20000):
        p = int(rng.integers(ppl.n))
        if ppl.phones[p] and keep(p):
            return p
    return int(np.flatnonzero([bool(x) for x in ppl.phones])[0])


def girl(world: World, rng: np.random.Generator, taken: set[int]) -> int:
    ppl = world.people
    return pick_person(world, rng, lambda p: ppl.age_band[p] == 0 and ppl.sex[p] == "female" and p not in taken)


class SpecialConstableSnapchat(CaseScenario):
    """APSP case study 6. Two special constables "on a 7pm to 3am shift" spoke to "a group of teenagers aged
    between 14 and 16"; "one of the girls asked ... whether he had Snapchat". The next day the girl who posted
    their photo got a Snapchat message from him: he "messaged the girl to ask which one she was in the photo".
    "Two of the other girls in the group also had the officer in their friends list."

    In the data: the anti-social behaviour log with the girls' names, his look-ups of their records on a later
    shift (the only way to tell "which one she was" from force systems), and messages only when the app ran on
    his work phone."""

    archetype = "apsp6_special_constable_snapchat"
    weight = 0.6
    seed_case = "APSP case study 6"
    roles = frozenset({"special_constable"})
    units = frozenset({"neighbourhood"})
    flags = (4,)
    variant_space: ClassVar[Variants] = {
        "channel": ("personal_app", "personal_app", "app_message"), "duty": ("off_duty", "both"),
                     "volume": ("the_girl", "three_girls")}

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng, routine = ctx.world, self.rng, ctx.routine
        girls: list[int] = []
        for _ in range(3):
            girls.append(girl(world, rng, set(girls)))
        seen = int(rng.integers(window[0] + HOUR, max(window[0] + 2 * HOUR, window[1] - 3 * HOUR)))
        lat, lon = person_home(world, girls[0])
        lat, lon = lat + rng.normal(0, 0.004), lon + rng.normal(0, 0.006)  # the shops' car park, near their homes
        job = open_incident(world, routine.rows, routine.rng, "antisocial_behaviour", 3, seen,
                            {"witness": girls}, float(lat), float(lon))
        mate = routine.pool.pick(rng, seen, routine.pool.duty_type == "neighbourhood")
        crew = sorted({self.staff, *([mate] if mate is not None else [])})
        routine.work(job, crew=crew)
        pids = [world.people.person_id[g] for g in girls]
        for g in girls:
            self.purpose_end[world.people.person_id[g]] = seen + 2 * HOUR
        later = next((d for d in range(ctx.d + 1, ctx.d + 14) if self.duty(world, d) is not None), None)
        if later is not None:
            w = self.duty(world, later)
            t = w[0] + int(rng.integers(20 * 60, 3 * HOUR))
            looked = pids if self.variant["volume"] == "three_girls" else pids[:1]
            self.look_up(ctx, t, "records", "search", "person", None, 4, [pids[0]],
                         world.people.surname[girls[0]].upper())
            for k, p in enumerate(looked):
                self.look_up(ctx, t + 60 * (k + 1), "records", "view", "person", p, 4, [p])
        if self.variant["channel"] == "app_message":
            t = local_time(world, ctx.d + 1, float(rng.uniform(16, 23)))
            self.contact(ctx, t, girls[0], pick(rng, INTIMATE), channel="app_message", extra=(12,))
            self.contact(ctx, t + int(rng.integers(60, 900)), girls[0], pick(rng, FRIENDLY), channel="app_message")
        # Her father reported it to the force.
        complaint(ctx, self, local_time(world, ctx.d + int(rng.integers(2, 5)), 18.0), "sexual_conduct", pids[0],
                  "public")


class CustodyDetainee(CaseScenario):
    """APSP case study 7. A custody officer doing a detainee's drug test talked with him about whether she was
    single and where they lived, "returned some time later to conduct what appeared to be cell checks ... talking
    to the man for more than five minutes"; a month later they met again and "started exchanging messages"; her
    manager said "there may have been inappropriate contact with additional detainees". She said the Standards of
    Professional Behaviour "were not part of her training".

    The meeting is in custody, not in any incident's staff list: the custody record, her custody duty at the suite
    and her audit of the record. Her contact in the case was on Instagram; here it is on the work phone after
    release (the issue's version: a detention officer phoning a former detainee), which is the part force data can
    show, on duty, off duty or both."""

    archetype = "apsp7_custody_detainee"
    weight = 0.8
    seed_case = "APSP case study 7"
    roles = frozenset({"custody_detention_officer"})
    units = frozenset({"custody"})
    flags = (1, 10)
    variant_space: ClassVar[Variants] = {
        "channel": ("call", "sms", "app_message"), "duty": ("on_duty", "off_duty", "both"),
                     "volume": ("one_detainee", "one_detainee", "additional_detainees"),
                     "detainee": ("male", "female"), "look_up": ("none", "after_release")}

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        self.later = [ctx.d + 4, ctx.d + 9] if self.variant["volume"] == "additional_detainees" else []
        if ctx.world.wf.apsp_training[self.staff] is not None and self.rng.random() < 0.6:
            ctx.world.wf.apsp_training[self.staff] = None  # "not part of her training"
        self.detain(ctx, window, first=True)

    def step(self, ctx: Context) -> None:
        if self.later and ctx.d >= self.later[0]:
            window = self.duty(ctx.world, ctx.d)
            if window is not None:
                self.later.pop(0)
                self.detain(ctx, window, first=False)

    def detain(self, ctx: Context, window: tuple[int, int, str | None, str], first: bool) -> None:
        world, rng = ctx.world, self.rng
        ppl = world.people
        sex = self.variant["detainee"] if first else str(rng.choice(["male", "female"]))
        man = pick_person(world, rng, lambda p: bool(ppl.offender[p]) and ppl.sex[p] == sex and ppl.age_band[p] in
                          (1, 2, 3))
        pid = ppl.person_id[man]
        start, end, _, suite = window
        booked = int(rng.integers(start + HOUR, max(start + HOUR + 1, end - 5 * HOUR)))
        _, custody_id, released = book_into_custody(ctx, self, man, suite, booked, float(rng.uniform(6, 16)))
        test = booked + int(rng.integers(20 * 60, 90 * 60))  # the drug test room, a long interaction
        self.look_up_plain(ctx, test, "custody", "view", "custody", custody_id)
        self.look_up_plain(ctx, test + int(rng.integers(600, 1800)), "custody", "update", "custody", custody_id)
        self.look_up_plain(ctx, test + 300, "records", "view", "person", pid)
        for _ in range(int(2 + 4 * self.scale)):  # cell checks, more than the checks need
            t = int(rng.integers(test + HOUR, max(test + HOUR + 1, min(end, released))))
            self.look_up_plain(ctx, t, "custody", "view", "custody", custody_id)
        self.purpose_end[pid] = released
        remaining = world.days - ctx.d - 1
        if remaining < 2:
            return
        first_day = ctx.d + 1 + int(rng.integers(1, max(2, min(30, remaining // 2))))
        if self.variant["look_up"] == "after_release":
            t = self.moment(ctx, first_day - 1, "on_duty") or self.moment(ctx, first_day, "on_duty")
            if t is not None:
                self.look_up(ctx, t, "custody", "view", "custody", custody_id, 4, [pid])
                self.look_up(ctx, t + 90, "records", "view", "person", pid, 4, [pid])
        n = {"blatant": 14, "moderate": 9, "subtle": 5}[self.intensity]
        span = max(2, min(remaining - (first_day - ctx.d), 6 + 2 * n))
        for k, day in enumerate(self.days_from(ctx, first_day, span, n)):
            t = self.moment(ctx, day) or self.moment(ctx, day, "off_duty")
            channel = self.variant["channel"] if rng.random() < 0.75 else "call"
            body = pick(rng, FRIENDLY) if k < 2 else pick(rng, INTIMATE if rng.random() < 0.7 else PERSONAL_CHANNEL)
            self.contact(ctx, t, man, body, channel=channel, extra=(10,) if channel == "call" else (10, 12) if k >= 2
                         else (10,))
            if t is not None and rng.random() < 0.4:
                self.contact(ctx, t + int(rng.integers(60, 2 * HOUR)), man, None if channel == "call" else "x",
                             channel=channel, direction="inbound", duration=int(rng.integers(30, 600)))

    def look_up_plain(self, ctx: Context, t: int, system: str, action: str, object_type: str, object_id: str) -> None:
        """A look-up her custody duty explains: written, not a signal."""
        from upstander.simulate.routine import Audit

        if t < ctx.end_epoch:
            Audit(ctx.world)(ctx.routine.rows_at(t), self.staff, t, system, action, object_type, object_id)


class RegularContactPcso(CaseScenario):
    """APSP case study 8. A PCSO assigned to a woman reporting abuse by a neighbour "contacted the woman at regular
    intervals ... and arranged numerous visits"; after one visit he texted a sexual remark; "after a few months
    the contact ... switched to WhatsApp" and he told her "it was probably best she did not mention to anyone she
    had his personal number". He visited "in the evening, in uniform" and afterwards messaged that he was "back
    at the police station". "An audit of the PCSO's activity on force systems" found a second woman, a victim of
    harassment and stalking, with whom he "had sex while he was on duty and in uniform". A female PCSO alleged he
    had touched her bottom."""

    archetype = "apsp8_regular_contact_pcso"
    weight = 1.5
    seed_case = "APSP case study 8"
    roles = frozenset({"pcso"})
    units = frozenset({"neighbourhood"})
    flags = (1, 11, 12)
    variant_space: ClassVar[Variants] = {"channel": ("sms", "sms", "app_message"),
                     "duty": ("both", "on_duty_weekly_calls", "off_duty"),
                     "volume": ("one_woman", "second_woman"), "radio": ("as_usual", "silent")}

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng = ctx.world, self.rng
        woman = self.pick_victim(world, rng)
        neighbour = int(world.people.draw(rng, world.people.offender_cdf)[0])
        job, visit = self.meet(ctx, window, "antisocial_behaviour", 3, woman, {"suspect": [neighbour]})
        self.met_through(ctx, job, visit, woman)
        pid = world.people.person_id[woman]
        lat, lon = person_home(world, woman)
        span = max(4, world.days - ctx.d - 2)
        channel = self.variant["channel"]
        visit_days = self.duty_days(world, ctx.d + 2, ctx.d + 2 + span)
        n_visits = min(len(visit_days), max(3, int(len(visit_days) * (0.15 + 0.3 * self.scale))))
        chosen = sorted(int(d) for d in rng.choice(visit_days, n_visits, replace=False)) if visit_days else []
        for day in chosen:  # numerous visits, recorded against the neighbour dispute
            self.revisit(ctx, job, woman, day, int(rng.integers(30, 80)), (11,))
        if chosen:  # the text after one visit
            t = self.moment(ctx, chosen[0], "off_duty", late=False) or local_time(world, chosen[0], 21.0)
            self.contact(ctx, t, woman, pick(rng, INTIMATE), channel=channel, extra=(12,))
        if self.variant["duty"] == "on_duty_weekly_calls":
            # Subtle pursuit: a short call on duty every week, long after the dispute was dealt with.
            day = ctx.d + 7
            while day < world.days:
                on = next((d for d in range(day, min(day + 4, world.days)) if self.duty(world, d)), None)
                if on is not None:
                    self.contact(ctx, self.moment(ctx, on, "on_duty"), woman, None, channel="call",
                                 duration=int(rng.integers(60, 400)))
                day += 7
        n = max(6, int(50 * self.scale * span / 60))
        switch = 0.7  # "after a few months": moves to WhatsApp, then less on the work phone
        for i, day in enumerate(self.days_from(ctx, ctx.d + 1, span, n)):
            progress = i / max(1, n - 1)
            if progress > switch and rng.random() < 0.6:
                continue
            duty = "both" if self.variant["duty"] != "off_duty" else "off_duty"
            if progress < 0.35:
                body, extra = pick(rng, FRIENDLY), ()
            elif abs(progress - switch) < 0.05:
                body, extra = pick(rng, PERSONAL_CHANNEL), (12,)
            else:
                body, extra = pick(rng, INTIMATE), (12,)
            self.contact(ctx, self.moment(ctx, day, duty), woman, body, channel=channel, extra=extra)
        # The evening visit in uniform, not deployed, and the messages after it.
        late = [d for d in self.duty_days(world, ctx.d + span // 2, ctx.d + span + 2)
                if (self.duty(world, d)[0] - world.start_epoch) % DAY >= 11 * HOUR]
        if late:
            day = int(rng.choice(late))
            arrive = self.stop_near(ctx, day, lat, lon, int(rng.integers(25, 60)), (3,), pid,
                                    at=local_time(world, day, float(rng.uniform(19, 21))))
            if arrive is not None:
                self.contact(ctx, arrive + int(rng.integers(80, 120)) * 60, woman, pick(rng, INTIMATE),
                             channel=channel, extra=(12,))
        if self.variant["volume"] == "second_woman":
            self.second = ctx.d + int(rng.integers(3, 8))
        if rng.random() < 0.4:  # the colleague's allegation, made once a sergeant asked his team
            t = local_time(world, min(world.days - 1, ctx.d + int(span * 0.8)), 11.0)
            if complaint(ctx, self, t, "sexual_conduct", None, "internal"):
                ctx.truth.note(self, 8, t)

    def step(self, ctx: Context) -> None:
        second = getattr(self, "second", None)
        if second is None or ctx.d < second or self.duty(ctx.world, ctx.d) is None:
            return
        self.second = None
        world, rng = ctx.world, self.rng
        other = self.pick_victim(world, rng)
        pid = world.people.person_id[other]
        t = self.moment(ctx, ctx.d, "on_duty")
        if t is None:
            return
        # Not his case: her record and her harassment log, found later by the audit of his activity.
        self.look_up(ctx, t, "records", "view", "person", pid, 4, [pid])
        for inc in world.person_incidents[other][-2:]:
            self.look_up(ctx, t + 120, "records", "view", "incident", inc, 4, [pid])
        self.purpose_end[pid] = t
        span = max(2, world.days - ctx.d - 1)
        for day in self.days_from(ctx, ctx.d + 1, span, max(3, int(span / 3))):
            self.contact(ctx, self.moment(ctx, day, "both"), other, pick(rng, INTIMATE), channel="sms",
                         extra=(12,), met=True)
        days = self.duty_days(world, ctx.d + 3, ctx.d + span)
        if days:
            silent = self.variant["radio"] == "silent"
            lat, lon = person_home(world, other)
            self.stop_near(ctx, int(rng.choice(days)), lat, lon, int(rng.integers(40, 90)),
                           (3, 6) if silent else (3,), pid, silent=silent)


class PcsoChildNearHome(CaseScenario):
    """APSP case study 9. A PCSO known to a girl of 12-13 through school and an unofficial cadet scheme added her
    on Instagram, sent messages "to ask if she was OK", "told her she should" delete them and "not to tell anyone
    he had messaged her"; her friend said "the PCSO was always parked around the corner from her house".
    Investigators "found similar content" with other young people."""

    archetype = "apsp9_pcso_child_near_home"
    weight = 0.6
    seed_case = "APSP case study 9"
    roles = frozenset({"pcso"})
    units = frozenset({"neighbourhood"})
    flags = (3,)
    variant_space: ClassVar[Variants] = {"channel": ("personal_app", "app_message"), "duty": ("on_duty", "both"),
                     "volume": ("one_child", "two_children"), "look_up": ("none", "her_record")}

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng, routine = ctx.world, self.rng, ctx.routine
        children = [girl(world, rng, set())]
        if self.variant["volume"] == "two_children":
            children.append(girl(world, rng, set(children)))
        # Met on duty: a report about the park near her home, where she is named as a witness.
        lat, lon = person_home(world, children[0])
        seen = int(rng.integers(window[0] + HOUR, max(window[0] + 2 * HOUR, window[1] - 2 * HOUR)))
        reporter = int(world.people.draw(rng, world.people.victim_cdf)[0])
        job = open_incident(world, routine.rows, routine.rng, "antisocial_behaviour", 3, seen,
                            {"reporting_person": [reporter], "witness": children},
                            lat + float(rng.normal(0, 0.002)), lon + float(rng.normal(0, 0.003)))
        routine.work(job, crew=[self.staff])
        span = max(4, world.days - ctx.d - 1)
        for child in children:
            pid = world.people.person_id[child]
            self.purpose_end[pid] = seen + 2 * HOUR
            c_lat, c_lon = person_home(world, child)
            # Parked round the corner after school, two or three times a week.
            days = [d for d in self.duty_days(world, ctx.d + 1, ctx.d + span)
                    if self.covers(world, d, 15.25, 16.75)]
            k = min(len(days), max(2, int(len(days) * (0.3 + 0.3 * self.scale))))
            for day in sorted(rng.choice(days, k, replace=False)) if days else []:
                self.stop_near(ctx, int(day), c_lat, c_lon, int(rng.integers(20, 45)), (3,), pid,
                               away_m=float(rng.uniform(80, 200)), at=local_time(world, int(day), 15.3))
            if self.variant["look_up"] == "her_record" and days:
                t = self.moment(ctx, days[0], "on_duty")
                if t is not None:
                    self.look_up(ctx, t, "records", "view", "person", pid, 4, [pid])
            if self.variant["channel"] == "app_message":
                n = max(4, int(25 * self.scale * span / 60))
                for i, day in enumerate(self.days_from(ctx, ctx.d + 2, span, n)):
                    progress = i / max(1, n - 1)
                    if progress < 0.3:
                        body, extra = pick(rng, FRIENDLY), ()
                    elif i % 3 == 0:
                        body, extra = pick(rng, PERSONAL_CHANNEL), (12,)
                    else:
                        body, extra = pick(rng, INTIMATE), (12,)
                    t = self.moment(ctx, day) or local_time(world, day, float(rng.uniform(16, 21)))
                    self.contact(ctx, t, child, body, channel="app_message", extra=extra)

    def covers(self, world: World, day: int, h0: float, h1: float) -> bool:
        w = self.duty(world, day)
        return w is not None and w[0] <= local_time(world, day, h0) and w[1] >= local_time(world, day, h1)


class ChessAfterHandover(CaseScenario):
    """APSP case study 10. An officer risk-assessed a domestic abuse victim, "recorded the woman was vulnerable";
    "the investigation was passed to the safeguarding unit". "A couple of days later, the officer emailed the woman
    on his personal email address" and they met at her house. His "MDT GPS location data showed he was in the
    vicinity of the woman's address on several occasions in the next two weeks. The officer was not deployed to
    this area". Continued contact after the investigation is the warning sign; in one variant it is a short call on
    duty every week, the subtle pursuit that goes on for weeks."""

    archetype = "apsp10_chess_after_handover"
    weight = 1.5
    seed_case = "APSP case study 10"
    roles = frozenset({"constable"})
    units = frozenset({"response"})
    flags = (3,)
    variant_space: ClassVar[Variants] = {"channel": ("personal_email", "email", "sms", "call"),
                     "duty": ("off_duty", "both", "on_duty_weekly_calls"), "volume": ("few", "several")}

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng = ctx.world, self.rng
        ppl = world.people
        want_email = self.variant["channel"] == "email"
        woman = self.pick_victim(world, rng, da=True)
        for _ in range(200):
            if not want_email or ppl.emails[woman]:
                break
            woman = self.pick_victim(world, rng, da=True)
        if "domestic_abuse_victim" not in ppl.vulns[woman]:
            ppl.vulns[woman].append("domestic_abuse_victim")
        job, visit = self.meet(ctx, window, "domestic_abuse", 2, woman, {"suspect": [int(ppl.da_partner[woman])]})
        self.met_through(ctx, job, visit, woman)
        pid = ppl.person_id[woman]
        first = ctx.d + int(rng.integers(2, 4))
        channel = self.variant["channel"]
        weekly = self.variant["duty"] == "on_duty_weekly_calls"
        if channel != "personal_email" and not weekly:
            n = 3 if self.variant["volume"] == "few" else int(rng.integers(5, 10))
            for k, day in enumerate(self.days_from(ctx, first, 18, n, escalate=False)):
                t = self.moment(ctx, day, "off_duty" if self.variant["duty"] != "both" else "both")
                body = pick(rng, FRIENDLY) if k < 2 else pick(rng, INTIMATE if rng.random() < 0.7 else PERSONAL_CHANNEL)
                self.contact(ctx, t, woman, body, channel=channel, extra=(12,) if k >= 2 else ())
        if weekly:  # nothing but a short call on duty each week, for as long as the data run
            day = first + 5
            while day < world.days:
                on = next((d for d in range(day, min(day + 4, world.days)) if self.duty(world, d)), None)
                if on is not None:
                    self.contact(ctx, self.moment(ctx, on, "on_duty"), woman, None, channel="call",
                                 duration=int(rng.integers(40, 300)))
                day += 7
        # Several times in the next two weeks near her address, on shift, not deployed there.
        lat, lon = person_home(world, woman)
        days = self.duty_days(world, first, first + 14, solo=True) or self.duty_days(world, first, first + 14)
        k = min(len(days), {"blatant": 6, "moderate": 4, "subtle": 3}[self.intensity])
        for day in sorted(rng.choice(days, k, replace=False)) if days else []:
            self.stop_near(ctx, int(day), lat, lon, int(rng.integers(15, 60)), (3,), pid)
