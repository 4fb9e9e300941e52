"""Runs a simulation: builds the force, lives it day by day, injects scenarios, and writes the delivery with its
ground truth. Memory is bounded by one day of rows plus follow-ups scheduled for later days."""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from upstander.simulate.background import Background
from upstander.simulate.lookalikes import LookAlike, build_lookalikes
from upstander.simulate.movement import Movement
from upstander.simulate.registers import people_rows, routine_complaints, staff_rows, team_rows, watch_rows
from upstander.simulate.routine import DayRoutine
from upstander.simulate.rows import DayRows, FeedRows, Schedule
from upstander.simulate.scenarios.base import Context, Truth
from upstander.simulate.scenarios.catalogue import plan_scenarios
from upstander.simulate.world import build_world
from upstander.simulate.writer import DeliveryWriter

DEFAULT_START = date(2025, 1, 6)  # a Monday; a year from it ends in the past, as a real delivery would
TRUTH_COLUMNS = ("scenario_id", "red_flag", "staff_id", "person_ids", "start", "end", "seed_case", "archetype",
                 "intensity")


@dataclass
class SimulationResult:
    out: Path
    staff: int
    days: int
    seed: int
    rows: dict[str, int]
    scenarios: int
    truth_rows: int
    flags: list[int]
    seconds: float
    corruptions: int = 0


def simulate(staff: int, days: int, seed: int, out: Path, *, every_flag: bool = False, corrupt: bool = False,
             start: date = DEFAULT_START, on_day: Callable[[int], None] | None = None,
             every_case: bool = False) -> SimulationResult:
    if staff < 50:
        raise ValueError("--staff must be at least 50: a smaller force has too few teams to roster")
    if days < 1:
        raise ValueError("--days must be at least 1")
    began = time.perf_counter()
    world = build_world(seed, staff, start, days)
    scenarios = plan_scenarios(world, every_flag, every_case)
    lookalikes = build_lookalikes(world, {s.staff for s in scenarios})
    schedule = Schedule(start, days)
    movement = Movement(world)
    background = Background(world)
    writer = DeliveryWriter(out)
    truth = Truth()
    complaints = FeedRows("complaints")
    previous_visits: list = []
    for d in range(days):
        rows = schedule.pop(d)
        routine = DayRoutine(world, d, rows, schedule)
        visits = routine.run()
        ctx = Context(world, routine, movement, truth, complaints, world.end_epoch)
        for scenario in scenarios:
            scenario.on_day(ctx)
        lookalikes.on_day(routine)
        visits = routine.visits  # scenarios may have added deployments
        background.run(routine)
        if d > 0:
            movement.run(rows, d - 1, previous_visits + visits)
        writer.write_day(f"{world.day(d):%Y-%m-%d}", rows)
        previous_visits = visits
        if on_day:
            on_day(d)
    tail = DayRows()
    movement.run(tail, days - 1, previous_visits)
    writer.write_day(f"{world.day(days - 1):%Y-%m-%d}", tail, part=1)

    routine_complaints(world, complaints, {s.staff for s in scenarios})
    for name, feed_rows in (("staff", staff_rows(world)), ("teams", team_rows(world)), ("people", people_rows(world)),
                            ("complaints", complaints), ("watches", watch_rows(world))):
        writer.write_whole(name, feed_rows)
    n_truth, flags = write_truth(out / "ground_truth.csv", truth)
    write_lookalikes(out / "lookalikes.csv", lookalikes.records)
    result = SimulationResult(out, staff, days, seed, dict(writer.counts), len(scenarios), n_truth, flags,
                              time.perf_counter() - began)
    if corrupt:
        from upstander.simulate.corrupt import corrupt_delivery

        result.corruptions = corrupt_delivery(out, seed)
    (out / "delivery.json").write_text(json.dumps({
        "generator": "upstander simulate", "staff": staff, "days": days, "seed": seed, "start": start.isoformat(),
        "every_flag": every_flag, "every_case": every_case, "corrupt": corrupt, "rows": result.rows,
        "scenarios": result.scenarios,
    }, indent=2))
    return result


def write_truth(path: Path, truth: Truth) -> tuple[int, list[int]]:
    def iso(t: int) -> str:
        return datetime.fromtimestamp(t, UTC).isoformat()

    rows = []
    for (sid, flag), sig in sorted(truth.signals.items()):
        staff_id, seed_case, archetype, intensity = truth.meta[sid]
        rows.append((sid, flag, staff_id, ";".join(sorted(sig.persons)), iso(sig.start), iso(sig.end), seed_case,
                     archetype, intensity))
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(TRUTH_COLUMNS)
        w.writerows(rows)
    return len(rows), sorted({r[1] for r in rows})


def write_lookalikes(path: Path, lookalikes: list[LookAlike]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(("kind", "staff_id", "person_ids", "note"))
        for la in lookalikes:
            w.writerow((la.kind, la.staff_id, ";".join(la.person_ids), la.note))
