"""Benign look-alikes built on purpose, so that a naive rule fires on them (DESIGN.md, "Benign look-alikes").

Routine work already has officers in charge phoning victims, call handlers' look-ups, neighbourhood officers'
community contacts and the ticket office's disposals. Here we add named, listed ones that sit closer to a red
flag: where people live (places.py), contact that the owning team, the victim or a shared partner-agency line
explains (contact.py, lines.py), and a call handler whose look-ups all come from calls she takes (lines.py).
Each is listed in lookalikes.csv, which detection never reads; the daily ones write feed rows the way the
work itself would, on the days it happens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from upstander.simulate.routine import DayRoutine
from upstander.simulate.world import World


@dataclass
class LookAlike:
    kind: str
    staff_id: str  # empty when the look-alike is about people, whoever deals with them
    person_ids: list[str]
    note: str  # in words, with the variant, for whoever reads an evaluation

    def add_person(self, person_id: str) -> None:
        if person_id not in self.person_ids:
            self.person_ids.append(person_id)


class Daily(Protocol):
    def on_day(self, routine: DayRoutine) -> None: ...


@dataclass
class LookAlikes:
    records: list[LookAlike] = field(default_factory=list)
    daily: list[Daily] = field(default_factory=list)

    def on_day(self, routine: DayRoutine) -> None:
        for work in self.daily:
            work.on_day(routine)


def how_many(world: World, per_thousand: float) -> int:
    """A few per 1,000 staff, and at least one in any force."""
    return max(1, round(world.wf.n * per_thousand / 1000))


def pick_staff(world: World, rng: np.random.Generator, roles: set[str], units: set[str] | None, taken: set[int],
               k: int = 1) -> list[int]:
    """k members of staff in the roles and units, none already a perpetrator or another look-alike."""
    pool = [int(s) for s in world.wf.with_roles(roles, units) if int(s) not in taken]
    chosen = [int(s) for s in rng.choice(pool, min(k, len(pool)), replace=False)] if pool else []
    taken.update(chosen)
    return chosen


def variant(rng: np.random.Generator, space: dict[str, tuple]) -> dict:
    return {name: options[int(rng.integers(len(options)))] for name, options in space.items()}


def build_lookalikes(world: World, exclude: set[int]) -> LookAlikes:
    from upstander.simulate.lookalikes.contact import team_owned_contact, victim_calls_oic
    from upstander.simulate.lookalikes.lines import busy_call_handler, partner_agency_line
    from upstander.simulate.lookalikes.places import places

    out = LookAlikes()
    taken = set(exclude)
    for build in (places, team_owned_contact, victim_calls_oic, busy_call_handler, partner_agency_line):
        build(world, taken, out)
    return out


def duty_window(world: World, staff: int, day_index: int) -> tuple[int, int] | None:
    """(start, end) of the duty the member of staff starts on that day, or None."""
    if not 0 <= day_index < world.days:
        return None
    duties = world.duties(day_index)
    i = duties.of(staff)
    return None if i is None else (int(duties.start[i]), int(duties.end[i]))


def title(world: World, staff: int) -> str:
    """How a member of staff signs a message: rank and surname for officers, full name for police staff."""
    wf = world.wf
    rank = {"constable": "DC" if wf.unit[staff] in {"public_protection", "cid"} else "PC", "sergeant": "DS"
            if wf.unit[staff] in {"public_protection", "cid"} else "PS"}.get(str(wf.role[staff]))
    return f"{rank} {wf.surname[staff]}" if rank else f"{wf.forename[staff]} {wf.surname[staff]}"
