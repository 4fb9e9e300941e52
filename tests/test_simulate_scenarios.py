"""The case-study scenarios: with --every-case a small force gets one of each, every red flag the ground truth
claims for them has real rows in the feeds, and their variants differ from seed to seed."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from upstander.cli import register
from upstander.feeds.contract import FEEDS_BY_NAME
from upstander.simulate.engine import SimulationResult, simulate
from upstander.simulate.scenarios.apsp_cases import APSP_CASES
from upstander.simulate.scenarios.catalogue import catalogue, plan_scenarios
from upstander.simulate.scenarios.corruption_cases import CORRUPTION_CASES
from upstander.simulate.world import build_world

SEEDS = (5, 6)
STAFF, DAYS = 300, 40


@pytest.fixture(scope="module")
def deliveries(tmp_path_factory: pytest.TempPathFactory) -> dict[int, SimulationResult]:
    root = tmp_path_factory.mktemp("cases")
    return {seed: simulate(STAFF, DAYS, seed, root / f"seed-{seed}", every_case=True) for seed in SEEDS}


def _con(out: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name in FEEDS_BY_NAME:
        parts = [str(p) for p in out.glob(f"{name}/**/*.parquet")] + [str(p) for p in out.glob(f"{name}.parquet")]
        if parts:
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet({parts!r}, union_by_name=true)")
    truth = out / "ground_truth.csv"
    con.execute(f"CREATE VIEW truth AS SELECT * FROM read_csv('{truth}', header=true, all_varchar=true)")
    return con


def _truth(out: Path) -> list[dict[str, str]]:
    with (out / "ground_truth.csv").open() as fh:
        return list(csv.DictReader(fh))


def _one(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> int:
    return int(con.execute(sql, list(params)).fetchone()[0])


def _evidence(con: duckdb.DuckDBPyConnection, flag: int, **values: str) -> int:
    sql = EVIDENCE[flag]
    return int(con.execute(sql, {k: v for k, v in values.items() if f"${k}" in sql}).fetchone()[0])


@pytest.mark.parametrize("kind", APSP_CASES, ids=lambda k: k.archetype)
def test_every_case_injects_each_apsp_case_with_its_flags(deliveries: dict[int, SimulationResult], kind: type) -> None:
    for seed, result in deliveries.items():
        rows = [r for r in _truth(result.out) if r["archetype"] == kind.archetype]
        assert rows, (seed, kind.archetype)
        assert {r["seed_case"] for r in rows} == {kind.seed_case}
        assert set(kind.flags) <= {int(r["red_flag"]) for r in rows}, (seed, kind.archetype)


def test_each_case_study_is_named_once_in_the_catalogue() -> None:
    cases = [k.seed_case for k in APSP_CASES]
    assert sorted(cases) == sorted(f"APSP case study {n}" for n in range(1, 11))
    for kind in (*APSP_CASES, *CORRUPTION_CASES):
        assert kind.__doc__ and '"' in kind.__doc__, kind  # quotes the facts it follows
        assert kind.flags and kind.roles


EVIDENCE = {
    # red flag -> a query returning how many rows in the feeds show it for (staff, person, start, end)
    1: """SELECT count(*) FROM communications c, people p, staff s
          WHERE p.person_id = $person AND s.staff_id = $staff AND c.staff_id = $staff
            AND list_contains(s.device_ids, c.device_id)
            AND (list_contains(p.phones, c.counterpart) OR list_contains(p.emails, c.counterpart))
            AND c.direction = 'outbound' AND c.occurred_at BETWEEN $start AND $end""",
    2: """SELECT count(*) FROM communications c WHERE c.staff_id = $staff AND c.occurred_at BETWEEN $start AND $end
            AND c.counterpart IN (SELECT unnest(phones) FROM people WHERE person_id = $person)""",
    3: """SELECT count(*) FROM positions pos, people p
          WHERE p.person_id = $person AND pos.speed_kph = 0
            AND pos.recorded_at BETWEEN $start AND $end::TIMESTAMPTZ + INTERVAL 2 HOUR
            AND abs(pos.lat - p.home_lat) < 0.0025 AND abs(pos.lon - p.home_lon) < 0.004
            AND pos.device_id IN (SELECT vehicle_id FROM duties WHERE staff_id = $staff AND vehicle_id IS NOT NULL
                                  UNION SELECT unnest(device_ids) FROM staff WHERE staff_id = $staff)""",
    4: """SELECT count(*) FROM audit WHERE staff_id = $staff AND occurred_at BETWEEN $start AND $end
            AND (object_id = $person OR object_id IN (SELECT custody_id FROM custody WHERE person_id = $person)
                 OR object_id IN (SELECT incident_id FROM incident_people WHERE person_id = $person))""",
    6: """SELECT CASE WHEN count(*) = 0 THEN 1 ELSE 0 END FROM radio
          WHERE staff_id = $staff AND occurred_at BETWEEN $start AND $start::TIMESTAMPTZ + INTERVAL 15 MINUTE""",
    7: """SELECT CASE WHEN count(*) >= 3 THEN count(*) ELSE 0 END FROM complaints
          WHERE subject_staff_id = $staff AND received BETWEEN $end::TIMESTAMPTZ - INTERVAL 365 DAY AND $end""",
    8: """SELECT (SELECT count(*) FROM communications c WHERE c.staff_id = $staff AND c.text IS NOT NULL
                  AND c.counterpart IN (SELECT unnest(work_phones) FROM staff WHERE staff_id <> $staff))
               + (SELECT count(*) FROM complaints WHERE subject_staff_id = $staff AND origin = 'internal'
                  AND allegation = 'sexual_conduct')""",
    10: """SELECT count(*) FROM communications c, people p
           WHERE p.person_id = $person AND c.staff_id = $staff AND list_contains(p.phones, c.counterpart)
             AND c.occurred_at BETWEEN $start AND $end
             AND p.person_id IN (SELECT person_id FROM incident_people WHERE role IN ('suspect', 'detainee'))""",
    11: """SELECT greatest(
             (SELECT count(*) - 1 FROM incident_staff s JOIN incident_people ip USING (incident_id)
              WHERE s.staff_id = $staff AND ip.person_id = $person AND s.involvement = 'attending'),
             (SELECT CASE WHEN count(*) >= 3 THEN 1 ELSE 0 END FROM communications c, people p
              WHERE p.person_id = $person AND c.staff_id = $staff AND list_contains(p.phones, c.counterpart)
                AND c.occurred_at <= $end))""",
    12: """SELECT count(*) FROM communications c, people p
           WHERE p.person_id = $person AND c.staff_id = $staff AND c.text IS NOT NULL AND c.direction = 'outbound'
             AND (list_contains(p.phones, c.counterpart) OR list_contains(p.emails, c.counterpart))
             AND c.occurred_at BETWEEN $start AND $end""",
}


@pytest.mark.parametrize("seed", SEEDS)
def test_every_flag_claimed_for_a_case_has_rows_in_the_feeds(deliveries: dict[int, SimulationResult],
                                                             seed: int) -> None:
    out = deliveries[seed].out
    con = _con(out)
    archetypes = {k.archetype for k in APSP_CASES}
    checked = 0
    for r in _truth(out):
        if r["archetype"] not in archetypes:
            continue
        flag = int(r["red_flag"])
        persons = [p for p in r["person_ids"].split(";") if p] or [""]
        counts = [_evidence(con, flag, staff=r["staff_id"], person=p, start=r["start"], end=r["end"])
                  for p in persons]
        assert max(counts) > 0, r
        checked += 1
    assert checked >= 25


def test_custody_meeting_is_a_custody_record_worked_by_the_detention_officer(
        deliveries: dict[int, SimulationResult]) -> None:
    for result in deliveries.values():
        con = _con(result.out)
        r = next(r for r in _truth(result.out) if r["archetype"] == "apsp7_custody_detainee" and r["red_flag"] == "1")
        person = r["person_ids"].split(";")[0]
        [(custody_id, suite, booked, released)] = con.execute(
            "SELECT custody_id, suite, booked_in, released FROM custody WHERE person_id = $1 ORDER BY booked_in "
            "LIMIT 1", [person]).fetchall()
        on_duty = _one(con, """SELECT count(*) FROM duties WHERE staff_id = $1 AND duty_type = 'custody'
                                AND area = $2 AND $3 BETWEEN starts_at AND ends_at""", r["staff_id"], suite, booked)
        assert on_duty == 1
        worked = _one(con, """SELECT count(*) FROM audit WHERE staff_id = $1 AND object_id = $2
                               AND occurred_at BETWEEN $3 AND $4""", r["staff_id"], custody_id, booked, released)
        assert worked >= 3
        # She is on no incident's staff list: the relationship starts in custody.
        assert _one(con, """SELECT count(*) FROM incident_staff s JOIN incident_people ip USING (incident_id)
                             WHERE s.staff_id = $1 AND ip.person_id = $2""", r["staff_id"], person) == 0
        assert _one(con, "SELECT count(*) FROM communications WHERE staff_id = $1 AND occurred_at > $2",
                    r["staff_id"], released) > 0


def test_contact_marked_red_flag_1_comes_after_meeting_through_duty(deliveries: dict[int, SimulationResult]) -> None:
    """Flag 1 starts at a contact after the person was met on a job or in custody, never before."""
    for result in deliveries.values():
        con = _con(result.out)
        for r in _truth(result.out):
            if r["red_flag"] != "1" or not r["archetype"].startswith("apsp") or r["archetype"].startswith("apsp1_"):
                continue  # APSP 1's woman rang an enquiry desk: no incident or custody record
            person = r["person_ids"].split(";")[0]
            met = _one(con, """SELECT count(*) FROM (SELECT recorded_at AS t FROM incident_people WHERE person_id = $1
                                UNION ALL SELECT booked_in FROM custody WHERE person_id = $1) WHERE t < $2""",
                       person, r["start"])
            assert met > 0, r


def test_variants_differ_across_seeds() -> None:
    plans = []
    for seed in range(1, 9):
        world = build_world(seed, 200, date(2025, 1, 6), 30)
        plans.append({s.archetype: tuple(sorted(s.variant.items())) for s in plan_scenarios(world, False, True)
                      if hasattr(s, "variant")})
    for kind in APSP_CASES:
        seen = {p[kind.archetype] for p in plans if kind.archetype in p}
        assert len(seen) >= 3, (kind.archetype, seen)


def test_channels_and_shapes_differ_between_two_forces(deliveries: dict[int, SimulationResult]) -> None:
    shapes = []
    for result in deliveries.values():
        con = _con(result.out)
        shapes.append(set(con.execute("""
            SELECT t.archetype, c.channel, count(*) > 10 FROM communications c
            JOIN (SELECT DISTINCT staff_id, archetype FROM truth) t USING (staff_id)
            WHERE t.archetype LIKE 'apsp%' GROUP BY ALL""").fetchall()))
    assert shapes[0] != shapes[1]


def test_a_normal_simulation_draws_case_studies_too() -> None:
    kinds = catalogue()
    assert abs(sum(w for _, w in kinds) - 1) < 1e-9
    assert {k for k, _ in kinds} >= set(APSP_CASES)
    world = build_world(11, 6000, date(2025, 1, 6), 365)
    drawn = {s.archetype for s in plan_scenarios(world, every_flag=False)}
    assert drawn & {k.archetype for k in APSP_CASES}
    assert drawn - {k.archetype for k in APSP_CASES}


def test_every_case_on_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "delivery"
    result = CliRunner().invoke(register(), ["simulate", "--staff", "200", "--days", "30", "--seed", "3",
                                             "--out", str(out), "--every-case", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "delivery.json").read_text())["every_case"] is True
    cases = {r["seed_case"] for r in _truth(out)}
    assert {k.seed_case for k in (*APSP_CASES, *CORRUPTION_CASES)} <= cases


def test_every_case_delivery_loads_with_nothing_quarantined(deliveries: dict[int, SimulationResult],
                                                            tmp_path: Path) -> None:
    result = deliveries[SEEDS[0]]
    env = {**os.environ, "UPSTANDER_HOME": str(tmp_path / "home")}
    proc = subprocess.run([sys.executable, "-m", "upstander.cli", "load", str(result.out), "--json"],
                          capture_output=True, text=True, env=env, timeout=600)
    summary = json.loads(proc.stdout)
    assert proc.returncode == 0, summary
    assert summary["quarantined"] == 0
    assert summary["rejected_files"] == []
    assert summary["loaded"] == result.rows
