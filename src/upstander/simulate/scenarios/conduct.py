"""Conduct that accumulates: complaints from women met on duty (APSP case study 5), sexualised messages to
colleagues (APSP case studies 5 and 8, corruption case study 3), and moving in with a victim met through duty
(corruption case study 5; the good-practice guide's new-partner check)."""

from __future__ import annotations

from upstander.simulate.clock import DAY, HOUR
from upstander.simulate.scenarios.apsp import escalating_days
from upstander.simulate.scenarios.base import Context, Scenario, evening
from upstander.simulate.texts import COLLEAGUE_SEXUALISED, FRIENDLY, INTIMATE, pick


class ComplaintsAccumulate(Scenario):
    """Three or more complaints within twelve months from different women, each met on a job: the pattern APSP
    case study 5's force now screens for."""

    archetype = "complaints_accumulate"
    seed_case = "APSP case study 5"
    roles = frozenset({"constable", "pcso"})
    units = frozenset({"response", "neighbourhood"})
    flags = (7,)

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        self.remaining = {"blatant": 5, "moderate": 4, "subtle": 3}[self.intensity]
        self.gap = max(2, min(60, (ctx.world.days - ctx.d) // (self.remaining + 1)))
        self.next_day = ctx.d
        self.step(ctx)

    def step(self, ctx: Context) -> None:
        if ctx.d < self.next_day or self.remaining <= 0:
            return
        window = self.duty(ctx.world, ctx.d)
        if window is None:
            return
        world, rng = ctx.world, self.rng
        victim = self.pick_victim(world, rng, vulnerable=rng.random() < 0.6)
        job, _ = self.meet(ctx, window, "concern_for_welfare", 2, victim)
        received = job.opened + int(rng.integers(2 * DAY, 12 * DAY))
        if received < ctx.end_epoch:
            ctx.complaints.add(
                complaint_id=f"CO{world.ids.next('complaint'):07d}", received=received, subject_staff_id=self.staff_id,
                allegation=str(rng.choice(["sexual_conduct", "individual_behaviour", "abuse_of_position"])),
                complainant_person_id=world.people.person_id[victim], outcome="pending", origin="public")
            ctx.truth.note(self, 7, received, [world.people.person_id[victim]])
        self.remaining -= 1
        self.next_day = ctx.d + int(self.gap * rng.uniform(0.6, 1.4))
        self.finished = self.remaining <= 0


class ColleagueHarassment(Scenario):
    """Sexualised messages to colleagues on work phones, passed off as banter, often late at night."""

    archetype = "colleague_harassment"
    seed_case = "APSP case study 5; APSP case study 8; corruption case study 3"
    roles = frozenset({"constable", "sergeant", "pcso"})
    flags = (8,)

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng = ctx.world, self.rng
        wf = world.wf
        mates = [m for m in wf.teams[wf.team[self.staff]].members if m != self.staff]
        others = [int(m) for m in rng.choice(wf.n, 30, replace=False) if m != self.staff]
        targets = (mates[:2] + others[:2]) if mates else others[:3]
        span = max(3, min(world.days - ctx.d - 1, 120))
        count = max(5, int(45 * self.scale * span / 120))
        for i, day in enumerate(escalating_days(rng, ctx.d, span, count)):
            target = targets[i % len(targets)]
            t = evening(world, rng, int(day), late=rng.random() < 0.5)
            body = pick(rng, COLLEAGUE_SEXUALISED) if i % 3 != 2 or self.intensity == "blatant" else pick(
                rng, FRIENDLY)
            self.text(ctx, t, wf.work_phone[target], body, (8,), None)


class MovedInWithVictim(Scenario):
    """Takes a vulnerable woman's statement, keeps in touch from the work phone, and within months is living at
    her address: a new partner and housemate who is in police records with this officer (corruption 5)."""

    archetype = "moved_in_with_victim"
    seed_case = "corruption case study 5"
    roles = frozenset({"constable"})
    units = frozenset({"response", "neighbourhood", "public_protection"})
    flags = (1, 9)

    def begin(self, ctx: Context, window: tuple[int, int, str | None, str]) -> None:
        world, rng = ctx.world, self.rng
        victim = self.pick_victim(world, rng, da=True)
        self.meet(ctx, window, "domestic_abuse", 2, victim, {"suspect": [int(world.people.da_partner[victim])]})
        pid, number = world.people.person_id[victim], world.people.phones[victim][0]
        span = max(4, min(world.days - ctx.d - 2, 75))
        for day in escalating_days(rng, ctx.d + 2, span - 2, max(4, int(25 * self.scale))):
            t = evening(world, rng, int(day), late=rng.random() < 0.4)
            self.text(ctx, t, number, pick(rng, FRIENDLY + INTIMATE), (1,), pid)
        move = ctx.d + span
        moved_at = evening(world, rng, min(move, world.days - 1), False) + HOUR
        self.new_home = int(world.people.addr[victim])
        self.move_day = move
        ctx.truth.note(self, 9, min(moved_at, ctx.end_epoch - 1), [pid])

    def step(self, ctx: Context) -> None:
        if getattr(self, "move_day", None) is not None and ctx.d >= min(self.move_day, ctx.world.days - 1):
            ctx.world.wf.home_addr[self.staff] = self.new_home  # the staff record's new address
            self.finished = True
