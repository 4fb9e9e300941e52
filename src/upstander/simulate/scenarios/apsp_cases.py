"""The ten APSP case studies of IOPC Learning the Lessons 40 (seed 001), one scenario each, as the perpetrator's
behaviour would show in the force's own systems. Case studies 1-5 are here, 6-10 in `apsp_cases_more`.

Each scenario follows what its case study says was done, not what a detector might look for, and draws a
variant (channel, duty pattern, volume) so that no two forces see the same shape. Where the case says the
contact ran on a personal device or app, one variant keeps it there: then only what reached force systems
(look-ups, complaints, positions) is in the data, as in the real case.
"""

from __future__ import annotations

from typing import ClassVar

from upstander.simulate.clock import DAY, HOUR
from upstander.simulate.incidents import person_home
from upstander.simulate.routine import Audit
from upstander.simulate.scenarios.base import Context
from upstander.simulate.scenarios.casework import CaseScenario, Variants, complaint, local_time, log_without_deployment
from upstander.simulate.texts import COLLEAGUE_SEXUALISED, FRIENDLY, INTIMATE, PERSONAL_CHANNEL, PROFESSIONAL, pick

REPLIES = ("Thank you x", "Ok x", "X", "Haha stop it x", "Thanks, you've been really kind", "I owe you a drink x")


class EnquiryDeskContact(CaseScenario):
    """APSP case study 1. A woman rang the force's desk for victims' enquiries about an incident from years ago;
    "calls to this line are not recorded". The officer "took the woman's number either from force systems or the
    phone display" and "around three days later ... sent a text message to the woman asking how she was and
    about her weekend. The officer was on duty at the time." She complained about 20 minutes later.

    In the data: the desk call (when the line logs it), look-ups of her record with no incident to explain them,
    then the text from the work phone (or nothing, when he used his own phone) and her complaint."""

    archetype = "apsp1_enquiry_desk"
    seed_case = "APSP case study 1"
    roles = frozenset({"call_handler", "police_staff_other", "constable"})
    units = frozenset({"control_room", "support"})
    flags = (4,)
    variant_space: ClassVar[Variants] = {
        "channel": ("sms", "app_message", "personal_device"), "duty": ("on_duty", "on_duty", "off_duty"),
                     "volume": ("one_message", "a_second_message"), "desk_line": ("logged", "not_logged")}

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng = ctx.world, self.rng
        woman = self.pick_victim(world, rng, da=True)
        pid, ppl = world.people.person_id[woman], world.people
        t0 = int(rng.integers(window[0] + HOUR, max(window[0] + 2 * HOUR, window[1] - 2 * HOUR)))
        minutes = int(rng.integers(15, 50))  # she "offloaded" to "a professional ear"
        logged = self.variant["desk_line"] == "logged"
        if logged:
            self.contact(ctx, t0, woman, None, channel="call", direction="inbound", duration=minutes * 60, met=False)
        self._desk_look_up(ctx, t0 + 120, "search", None, ppl.surname[woman].upper(), pid, logged)
        for k in (4, 9):
            self._desk_look_up(ctx, t0 + 60 * k, "view", pid, None, pid, logged)
        # After the call: her record opened again to take the number down.
        self.look_up(ctx, t0 + minutes * 60 + int(rng.integers(120, 1800)), "records", "view", "person", pid, 4, [pid])
        self.purpose_end[pid] = t0 + minutes * 60
        if rng.random() < 0.5:
            ctx.world.wf.apsp_training[self.staff] = None  # "never been told" it was against policy
        day = ctx.d + int(rng.integers(2, 5))
        t = self.moment(ctx, day) or self.moment(ctx, day + 1, "off_duty")
        if t is None:
            return
        if self.variant["channel"] != "personal_device":
            self.contact(ctx, t, woman, pick(rng, FRIENDLY), channel=self.variant["channel"])
            if self.variant["volume"] == "a_second_message":
                self.contact(ctx, t + int(rng.integers(300, 900)), woman, pick(rng, INTIMATE),
                             channel=self.variant["channel"], extra=(12,))
        complaint(ctx, self, t + int(rng.integers(15, 30)) * 60, "abuse_of_position", pid, "public")

    def _desk_look_up(self, ctx: Context, t: int, action: str, object_id: str | None, terms: str | None,
                      pid: str, explained: bool) -> None:
        """A look-up during the call: explained when the desk line logs the call, a signal when it does not."""
        if t >= ctx.end_epoch:
            return
        Audit(ctx.world)(ctx.routine.rows_at(t), self.staff, t, "records", action, "person", object_id, terms)
        if not explained:
            ctx.truth.note(self, 4, t, [pid])


class BurglaryKitBanter(CaseScenario):
    """APSP case study 2. A PCSO tasked to an attempted burglary "sent the woman a text with a crime reference
    number and put an "X" ... at the end"; two weeks later he visited to install a burglary kit; "flirty banter
    ... over text" for weeks. "A police vehicle assigned to the PCSO had stopped on four occasions in the vicinity
    of the woman's home", "parked away from the property". "A total of 38 calls were made from his device to the
    woman's number. 30 of these calls were less than five seconds"; billing showed contact with other women
    "more than what would reasonably be expected of someone in his role"."""

    archetype = "apsp2_burglary_kit_banter"
    weight = 1.5
    seed_case = "APSP case study 2"
    roles = frozenset({"pcso", "constable"})
    units = frozenset({"neighbourhood"})
    flags = (1, 3)  # kisses (12) in every variant but the forensic one: calls and a single text
    variant_space: ClassVar[Variants] = {
        "channel": ("sms", "app_message", "call"), "duty": ("both", "on_duty", "off_duty"),
                     "volume": ("usual", "usual", "billing")}

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng = ctx.world, self.rng
        woman = self.pick_victim(world, rng)
        job, visit = self.meet(ctx, window, "burglary", 3, woman)
        self.met_through(ctx, job, visit, woman)
        self.woman, self.job = woman, job
        pid = world.people.person_id[woman]
        span = max(3, min(world.days - ctx.d - 1, int(70 * (0.6 + self.scale))))
        channel = self.variant["channel"]
        text_channel = "sms" if channel == "call" else channel
        # The next day: the crime reference with a kiss; she answers with one.
        t = self.moment(ctx, ctx.d + 1, "on_duty") or self.moment(ctx, ctx.d + 1, "off_duty")
        if channel == "call":  # the forensic picture: one text, many unanswered calls
            self.contact(ctx, t, woman, "Have you got my messages.", channel="sms")
        else:
            officer = f"{world.wf.forename[self.staff]} {world.wf.surname[self.staff]}"
            self.contact(ctx, t, woman, pick(rng, PROFESSIONAL, ref=job.incident_id, officer=officer) + " X",
                         channel=text_channel, extra=(12,))
            if t is not None:
                self.contact(ctx, t + int(rng.integers(600, 4 * HOUR)), woman, "X", channel=text_channel,
                             direction="inbound")
        # Two weeks on: the burglary-kit visit, on his own, recorded against the job.
        for day in range(ctx.d + 12, ctx.d + 18):
            if self.revisit(ctx, job, woman, day, int(rng.integers(30, 75)), (11,)):
                break
        n = max(8, int(60 * self.scale * span / 70))
        for i, day in enumerate(self.days_from(ctx, ctx.d + 2, span, n)):
            when = self.moment(ctx, day)
            if channel == "call" or rng.random() < 0.25:
                short = rng.random() < 30 / 38
                self.contact(ctx, when, woman, None, channel="call",
                             duration=int(rng.integers(0, 5)) if short else int(rng.integers(60, 900)))
                continue
            progress = i / max(1, n - 1)
            body, extra = (pick(rng, FRIENDLY), ()) if progress < 0.3 else (pick(rng, INTIMATE), (12,))
            self.contact(ctx, when, woman, body, channel=text_channel, extra=extra)
            if when is not None and rng.random() < 0.3:
                self.contact(ctx, when + int(rng.integers(120, 2 * HOUR)), woman, str(rng.choice(REPLIES)),
                             channel=text_channel, direction="inbound")
        # Four stops near her home on afternoon or evening shifts, the car left a little way off.
        lat, lon = person_home(world, woman)
        late_days = [d for d in self.duty_days(world, ctx.d + 7, ctx.d + span + 1)
                     if (self.duty(world, d)[0] - world.start_epoch) % DAY >= 11 * HOUR]
        days = late_days or self.duty_days(world, ctx.d + 3, ctx.d + span + 1)
        stops = {"blatant": 6, "moderate": 4, "subtle": 4}[self.intensity]
        for day in sorted(rng.choice(days, min(stops, len(days)), replace=False)) if days else []:
            self.stop_near(ctx, int(day), lat, lon, int(rng.integers(30, 90)), (3,), pid,
                           away_m=float(rng.uniform(60, 180)))
        if self.variant["volume"] == "billing":
            self.others = [ctx.d + 2, ctx.d + 5]  # two further vulnerable women, met on later shifts

    def step(self, ctx: Context) -> None:
        others = getattr(self, "others", [])
        if not others or ctx.d < others[0]:
            return
        window = self.duty(ctx.world, ctx.d)
        if window is None:
            return
        others.pop(0)
        world, rng = ctx.world, self.rng
        other = self.pick_victim(world, rng)
        job, visit = self.meet(ctx, window, str(rng.choice(["antisocial_behaviour", "theft"])), 3, other)
        self.met_through(ctx, job, visit, other)
        span = max(2, world.days - ctx.d - 1)
        for day in self.days_from(ctx, ctx.d + 1, span, int(span * 1.2 * (0.5 + self.scale))):
            body, extra = (pick(rng, FRIENDLY), (2,)) if rng.random() < 0.6 else (pick(rng, INTIMATE), (2, 12))
            self.contact(ctx, self.moment(ctx, day), other, body, channel="sms", extra=extra)
        for day in self.days_from(ctx, ctx.d + 1, span, int(span * 0.8)):  # and more to the first woman
            self.contact(ctx, self.moment(ctx, day), self.woman, pick(rng, FRIENDLY), channel="sms", extra=(2,))


class OnDutyVisits(CaseScenario):
    """APSP case study 3. Sent to a woman's address after an egg was thrown at her house, the officer stayed "a
    couple of hours", "returned the following day to finish taking her statement", then "would visit her at home
    while on duty around two or three times a week ... while the officer was on duty and in full uniform"."""

    archetype = "apsp3_on_duty_visits"
    seed_case = "APSP case study 3"
    roles = frozenset({"constable"})
    units = frozenset({"response", "neighbourhood"})
    flags = (3, 11)
    variant_space: ClassVar[Variants] = {"channel": ("none", "call", "sms"), "duty": ("on_duty",),
                     "volume": ("one_a_week", "two_or_three_a_week", "three_or_four_a_week"),
                     "radio": ("as_usual", "silent")}

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng = ctx.world, self.rng
        woman = self.pick_victim(world, rng)
        job, visit = self.meet(ctx, window, "criminal_damage", 3, woman)
        self.met_through(ctx, job, visit, woman)
        pid = world.people.person_id[woman]
        lat, lon = person_home(world, woman)
        for day in range(ctx.d + 1, ctx.d + 4):  # the next shift: back to finish the statement, alone
            if self.revisit(ctx, job, woman, day, int(rng.integers(45, 120)), (11,)):
                break
        per_week = {"one_a_week": 1.0, "two_or_three_a_week": 2.5, "three_or_four_a_week": 3.5}[self.variant["volume"]]
        span = max(3, world.days - ctx.d - 2)
        days = self.duty_days(world, ctx.d + 4, ctx.d + 4 + span, solo=True) or self.duty_days(
            world, ctx.d + 4, ctx.d + 4 + span)
        visits = min(len(days), max(2, int(per_week * span / 7 * (0.5 + self.scale))))
        silent = self.variant["radio"] == "silent"
        for day in sorted(rng.choice(days, visits, replace=False)) if days else []:
            self.stop_near(ctx, int(day), lat, lon, int(rng.integers(35, 110)), (3, 6) if silent else (3,), pid,
                           silent=silent)
        if self.variant["channel"] != "none":
            for day in self.days_from(ctx, ctx.d + 2, span, max(3, int(span / 4))):
                warm = rng.random() < 0.5
                body = pick(rng, INTIMATE if warm else FRIENDLY)
                self.contact(ctx, self.moment(ctx, day, "both"), woman, body, channel=self.variant["channel"],
                             extra=(12,) if warm else ())


class DispatcherHeldLog(CaseScenario):
    """APSP case study 4. A woman rang 101 about her vulnerable mother; the low-priority log "was accepted ... by
    a radio allocator and dispatcher". He held the call over "to the following day when he was back on shift",
    called her the next day and talked "about where she was living and her finances", "told her he would like to
    speak to her outside of work", called again "a few hours later" and they agreed to close the log. "Later that
    evening he contacted the woman via Facebook Messenger ... invited her for coffee ... asked her to provide a
    picture of herself"."""

    archetype = "apsp4_dispatcher_held_log"
    seed_case = "APSP case study 4"
    roles = frozenset({"radio_dispatcher", "call_handler"})
    units = frozenset({"control_room"})
    flags = (11,)
    variant_space: ClassVar[Variants] = {
        "channel": ("personal_app", "app_message", "sms"), "duty": ("off_duty", "both"),
                     "volume": ("few", "many")}

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng = ctx.world, self.rng
        woman = self.pick_victim(world, rng, vulnerable=True)
        mother = self.pick_victim(world, rng, vulnerable=True)
        pid = world.people.person_id[woman]
        start, end = window[0], window[1]
        opened = int(rng.integers(start + HOUR, max(start + 2 * HOUR, end - 5 * HOUR)))
        nxt = next((d for d in range(ctx.d + 1, ctx.d + 6) if self.duty(world, d) is not None), None)
        calls: list[tuple[int, int]] = [(opened + int(rng.integers(HOUR, 2 * HOUR)), int(rng.integers(240, 700))),
                                        (opened + int(rng.integers(3 * HOUR, 4 * HOUR)), int(rng.integers(400, 900)))]
        if nxt is not None:
            w2 = self.duty(world, nxt)
            first = w2[0] + int(rng.integers(HOUR, 3 * HOUR))
            calls += [(first, int(rng.integers(1200, 2700))),  # where she lived, her finances, coffee
                      (first + int(rng.integers(3 * HOUR, 5 * HOUR)), int(rng.integers(500, 1200)))]
        closed = calls[-1][0] + calls[-1][1] + 600
        job = log_without_deployment(ctx, self, "concern_for_welfare", 3, opened,
                                     {"victim": [mother], "reporting_person": [woman]}, closed)
        ctx.routine.involve(job, self.staff, "dispatcher", opened + 300, closed)
        self.purpose_end[pid] = closed
        for k, (t, secs) in enumerate(calls):
            if k >= 2:  # the log reopened on his next shift
                self.look_up(ctx, t - 60, "command_and_control", "view", "incident", job.incident_id, 11, [pid])
            self.contact(ctx, t, woman, None, channel="call", duration=secs, extra=(11,) if k >= 1 else ())
        if self.variant["volume"] == "many":  # a call to check on her, as offered
            self.contact(ctx, calls[1][0] + 40 * 60, woman, None, channel="call", duration=int(rng.integers(300, 900)),
                         extra=(11,))
        if self.variant["channel"] == "personal_app":
            return  # Facebook Messenger: nothing on the force's devices
        day = (closed - world.start_epoch) // DAY
        n = int(rng.integers(3, 6)) if self.variant["volume"] == "few" else int(rng.integers(6, 14))
        t = max(closed + HOUR, local_time(world, int(day), 20.5))
        for k in range(n):
            body = pick(rng, FRIENDLY) if k == 0 else pick(rng, INTIMATE if rng.random() < 0.7 else PERSONAL_CHANNEL)
            self.contact(ctx, t, woman, body, channel=self.variant["channel"], extra=() if k == 0 else (12,))
            t += int(rng.integers(5 * 60, 50 * 60)) if k < 4 else int(rng.integers(DAY // 2, 3 * DAY))


class MessagesAndComplaints(CaseScenario):
    """APSP case study 5. The day after attending a burglary a PCSO messaged the woman privately, "told her she
    looked amazing"; she complained. "A number of his female colleagues came forward ... reported being contacted
    by him via text", "they were "beautiful" or "hot"", messages that "gave the appearance he was drunk"; a
    parallel investigation into touching a colleague. The force now screens for "three or more complaints within a
    12-month period"."""

    archetype = "apsp5_messages_and_complaints"
    seed_case = "APSP case study 5"
    roles = frozenset({"pcso", "constable"})
    units = frozenset({"neighbourhood", "response"})
    flags = (7, 8)
    variant_space: ClassVar[Variants] = {
        "channel": ("personal_app", "app_message", "sms"), "duty": ("off_duty", "both"),
                     "volume": ("few", "many")}

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng, wf = ctx.world, self.rng, ctx.world.wf
        woman = self.pick_victim(world, rng, vulnerable=False)
        husband = int(world.people.draw(rng, world.people.victim_cdf)[0])
        job, visit = self.meet(ctx, window, "burglary", 3, woman, {"reporting_person": [husband]})
        self.met_through(ctx, job, visit, woman)
        pid = world.people.person_id[woman]
        remaining = max(6, world.days - ctx.d - 1)
        last_message = ctx.d + 1
        if self.variant["channel"] != "personal_app":
            for k in range(int(rng.integers(2, 6))):
                day = ctx.d + 1 + k
                body = pick(rng, FRIENDLY) if k == 0 else pick(rng, INTIMATE)
                self.contact(ctx, self.moment(ctx, day, late=True), woman, body, channel=self.variant["channel"],
                             extra=() if k == 0 else (12,))
                last_message = day
        # Colleagues: repetitive, late, as if drunk, on their work phones.
        mates = [m for m in wf.teams[wf.team[self.staff]].members if m != self.staff]
        others = [int(m) for m in rng.choice(wf.n, 12, replace=False) if int(m) != self.staff]
        targets = (mates[:3] + others[:2]) if mates else others[:4]
        n = max(6, int((60 if self.variant["volume"] == "many" else 25) * self.scale * remaining / 60))
        for i, day in enumerate(self.days_from(ctx, ctx.d, remaining, n, escalate=False)):
            target = targets[i % len(targets)]
            t = self.moment(ctx, day, "off_duty", late=True) or self.moment(ctx, day, "on_duty")
            body = pick(rng, COLLEAGUE_SEXUALISED)
            if rng.random() < 0.3:
                body = body.replace("you", "u").replace("You", "U")
            channel = "app_message" if self.variant["channel"] == "app_message" and rng.random() < 0.5 else "sms"
            if t is not None and t < ctx.end_epoch:
                self.text(ctx, t, wf.work_phone[target], body, (8,), None, channel=channel)
        # Her complaint, then colleagues coming forward once it is investigated.
        t = local_time(world, min(last_message + int(rng.integers(2, 6)), ctx.d + remaining // 3), 10.5)
        received = [t] if complaint(ctx, self, t, "sexual_conduct", pid, "public") else []
        for _ in range(int(rng.integers(2, 4))):
            t2 = t + int(rng.uniform(1, max(2, remaining * 0.4))) * DAY
            if complaint(ctx, self, t2, "sexual_conduct", None, "internal"):
                ctx.truth.note(self, 8, t2)
                received.append(t2)
        received.sort()
        for t3 in received[2:]:  # three or more in twelve months
            ctx.truth.note(self, 7, t3, [pid])


__all__ = ["APSP_CASES"]

from upstander.simulate.scenarios.apsp_cases_more import (  # noqa: E402 (the second half of the ten)
    ChessAfterHandover,
    CustodyDetainee,
    PcsoChildNearHome,
    RegularContactPcso,
    SpecialConstableSnapchat,
)

APSP_CASES: tuple[type[CaseScenario], ...] = (
    EnquiryDeskContact,
    BurglaryKitBanter,
    OnDutyVisits,
    DispatcherHeldLog,
    MessagesAndComplaints,
    SpecialConstableSnapchat,
    CustodyDetainee,
    RegularContactPcso,
    PcsoChildNearHome,
    ChessAfterHandover,
)
