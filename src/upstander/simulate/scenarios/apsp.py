"""Abuse of position for a sexual purpose: the patterns of the APSP case studies (seed 001) and corruption
case studies 3 and 8 (seed 002), as they would show in a force's own data."""

from __future__ import annotations

import numpy as np

from upstander.simulate.clock import DAY, HOUR
from upstander.simulate.incidents import open_incident, person_home
from upstander.simulate.scenarios.base import Context, Scenario, evening
from upstander.simulate.texts import FRIENDLY, INTIMATE, PERSONAL_CHANNEL, PROFESSIONAL, pick


def escalating_days(rng: np.random.Generator, first: int, span: int, count: int) -> np.ndarray:
    """Days for `count` contacts over `span` days, sparse at first and ever more frequent (rising frequency)."""
    u = np.sort(rng.random(count)) ** 0.5  # density grows linearly with time
    return first + (u * span).astype(int)


def message_for(rng: np.random.Generator, progress: float, intensity: str, ref: str) -> tuple[str, bool]:
    """The message at a point of the drift, and whether its content is itself a red flag (12)."""
    bold = {"blatant": 0.0, "moderate": 0.15, "subtle": 0.35}[intensity]
    if progress < 0.15:
        return pick(rng, PROFESSIONAL, ref=ref) + (" X" if rng.random() < 0.5 else ""), False
    if progress < 0.45 + bold:
        return pick(rng, FRIENDLY), False
    if progress < 0.85 or rng.random() < 0.5:
        return pick(rng, INTIMATE), True
    return pick(rng, PERSONAL_CHANNEL), True


class ContactDrift(Scenario):
    """Meets a vulnerable woman through duty, then keeps contacting her from the work phone, more and more often,
    later and later, drifting from professional to intimate to personal channels."""

    archetype = "contact_drift"
    seed_case = "APSP case study 2; APSP case study 10; corruption case study 8"
    roles = frozenset({"constable", "pcso"})
    units = frozenset({"response", "neighbourhood"})
    flags = (1, 3, 12)
    kind, priority, da = "domestic_abuse", 2, True
    silent = False

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng = ctx.world, self.rng
        victim = self.pick_victim(world, rng, da=self.da)
        extra = {"suspect": [int(world.people.da_partner[victim])]} if self.da else None
        job, _ = self.meet(ctx, window, self.kind, self.priority, victim, extra)
        pid, number = world.people.person_id[victim], world.people.phones[victim][0]
        span = int(min(world.days - ctx.d - 2, {"blatant": 60, "moderate": 80, "subtle": 100}[self.intensity]))
        if span < 3:
            return
        count = max(6, int(110 * self.scale * span / 100))
        days = escalating_days(rng, ctx.d + 1, span, count)
        for i, day in enumerate(days):
            progress = i / max(1, count - 1)
            late = rng.random() < 0.15 + 0.6 * progress
            t = evening(world, rng, int(day), late)
            if rng.random() < 0.3:  # calls, many too short to be answered (APSP 2: 30 of 38 under five seconds)
                self.text(ctx, t, number, None, (1,), pid, channel="call", duration=int(rng.integers(1, 5)) if
                          rng.random() < 0.7 else int(rng.integers(60, 1500)))
                continue
            body, content_flag = message_for(rng, progress, self.intensity, job.incident_id)
            self.text(ctx, t, number, body, (1, 12) if content_flag else (1,), pid)
            if rng.random() < 0.35:
                reply = pick(rng, ("Thank you x", "Ok x", "Haha stop it x", "Thanks for everything, you've been great"))
                self.text(ctx, t + int(rng.integers(60, 3 * HOUR)), number, reply, (1,), pid, direction="inbound")
        # Stops near her home on shift, not deployed there: four in APSP 2, "several" in two weeks in APSP 10.
        lat, lon = person_home(world, victim)
        stops = {"blatant": 6, "moderate": 4, "subtle": 3}[self.intensity]
        candidates = self.duty_days(world, ctx.d + 2, ctx.d + 2 + span, solo=True)  # alone in the car
        chosen = sorted(rng.choice(candidates, min(stops, len(candidates)), replace=False)) if candidates else []
        for j, day in enumerate(chosen):
            silent = self.silent and j % 2 == 0
            self.dwell(ctx, int(day), lat, lon, int(rng.integers(25, 100)), (3, 6) if silent else (3,), pid, silent)


class ContactDriftSilent(ContactDrift):
    """As above, with the radio going quiet during the visits ("radio silence while on duty", seed 002)."""

    archetype = "contact_drift_radio_silent"
    seed_case = "APSP case study 2; APSP case study 3; seed 002 red flags: radio silence while on duty"
    flags = (1, 3, 6, 12)
    silent = True


class NumerousVisits(Scenario):
    """A neighbourhood officer or PCSO given a low-level matter makes 'numerous visits' to a vulnerable woman,
    contact rises and moves to secrecy (APSP case study 8; APSP case study 2's burglary-kit return visit)."""

    archetype = "numerous_visits"
    seed_case = "APSP case study 8; APSP case study 2"
    roles = frozenset({"pcso", "constable"})
    units = frozenset({"neighbourhood"})
    flags = (1, 11, 12)

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng = ctx.world, self.rng
        victim = self.pick_victim(world, rng)
        job, _ = self.meet(ctx, window, "antisocial_behaviour", 3, victim)
        pid, number = world.people.person_id[victim], world.people.phones[victim][0]
        lat, lon = person_home(world, victim)
        span = int(min(world.days - ctx.d - 2, 90))
        if span < 3:
            return
        visit_days = self.duty_days(world, ctx.d + 1, ctx.d + 1 + span)
        visits = int(len(visit_days) * {"blatant": 0.7, "moderate": 0.45, "subtle": 0.3}[self.intensity])
        for day in sorted(rng.choice(visit_days, min(visits, len(visit_days)), replace=False)) if visit_days else []:
            self.dwell(ctx, int(day), lat, lon, int(rng.integers(30, 90)), (11,), pid)
        count = max(6, int(70 * self.scale * span / 90))
        for i, day in enumerate(escalating_days(rng, ctx.d + 1, span, count)):
            progress = i / max(1, count - 1)
            t = evening(world, rng, int(day), late=rng.random() < 0.1 + 0.5 * progress)
            if progress < 0.4:
                self.text(ctx, t, number, pick(rng, FRIENDLY), (1, 11), pid)
            else:
                body, flagged = message_for(rng, progress, self.intensity, job.incident_id)
                self.text(ctx, t, number, body, (1, 12) if flagged else (1,), pid)


class LowPriorityLog(Scenario):
    """A radio dispatcher holds a low-priority log over for himself, calls the vulnerable caller again and again
    with personal questions, then messages her that evening after the log is closed (APSP case study 4)."""

    archetype = "low_priority_log"
    seed_case = "APSP case study 4"
    roles = frozenset({"radio_dispatcher", "call_handler"})
    flags = (1, 11, 12)

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng, routine = ctx.world, self.rng, ctx.routine
        victim = self.pick_victim(world, rng)
        pid, number = world.people.person_id[victim], world.people.phones[victim][0]
        start, end, _, _ = window
        opened = int(rng.integers(start + HOUR, max(start + HOUR + 1, end - 2 * HOUR)))
        lat, lon = person_home(world, victim)
        job = open_incident(world, routine.rows, routine.rng, "concern_for_welfare", 4, opened,
                            {"reporting_person": [victim]}, lat, lon)
        routine.work(job)
        routine.involve(job, self.staff, "dispatcher", opened + 120, opened + 2 * DAY)
        self.look_up(ctx, opened + 180, "command_and_control", "view", "incident", job.incident_id, 11, [pid])
        calls = {"blatant": 7, "moderate": 5, "subtle": 4}[self.intensity]
        for k in range(calls):  # the next day(s), on shift, far more calls than a low-priority log needs
            day = ctx.d + 1 + k // 3
            window2 = self.duty(world, day) or (evening(world, rng, day, False), 0, None, "")
            t = window2[0] + int(rng.integers(HOUR, 6 * HOUR))
            self.text(ctx, t, number, None, (11,), pid, channel="call", duration=int(rng.integers(300, 1800)))
        later = ctx.d + 2 + calls // 3
        for _ in range(int(2 + 6 * self.scale)):
            t = evening(world, rng, later + int(rng.integers(0, 10)), late=True)
            self.text(ctx, t, number, pick(rng, PERSONAL_CHANNEL + INTIMATE), (1, 12), pid, channel="app_message")
