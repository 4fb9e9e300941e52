"""Benign look-alikes in the simulator: each kind is listed in lookalikes.csv at 1,000 staff, its rows are in the
feeds with the shape it claims (the team really owns the case, the victim really rings in, every look-up is of
someone on a call the handler took, the line is on people's records and rung by many staff in several teams),
its variants differ from seed to seed, red flag 10 is claimed only for people in records, and it all loads."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from upstander.feeds.contract import FEEDS_BY_NAME
from upstander.simulate import engine
from upstander.simulate.engine import SimulationResult, simulate
from upstander.simulate.scenarios.catalogue import plan_scenarios
from upstander.simulate.scenarios.misuse import PartnerInformant
from upstander.simulate.texts import bank
from upstander.simulate.world import World

STAFF, DAYS, SEEDS = 1000, 60, (5, 6)
NEW_KINDS = ("team_owned_contact", "victim_calls_oic", "busy_call_handler", "partner_agency_line")
KINDS = ("lives_near_victim", "victim_near_station", "housemate_in_records", *NEW_KINDS)


def _plan(world: World, every_flag: bool, every_case: bool = False) -> list:
    """The ordinary plan with every case study, plus the misuse archetype whose partner is "in the criminal
    records", so that every scenario claiming red flag 10 is in the delivery."""
    scenarios = plan_scenarios(world, every_flag, every_case)
    used = {s.staff for s in scenarios}
    staff = next(int(s) for s in world.wf.with_roles({"constable"}) if int(s) not in used)
    return [*scenarios, PartnerInformant(f"SC{len(scenarios) + 1:04d}", staff, 2, "moderate", world)]


@pytest.fixture(scope="module")
def deliveries(tmp_path_factory: pytest.TempPathFactory) -> dict[int, SimulationResult]:
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine, "plan_scenarios", _plan)
        for seed in SEEDS:
            out[seed] = simulate(STAFF, DAYS, seed, tmp_path_factory.mktemp(f"lookalikes{seed}"), every_case=True)
    return out


def _con(out: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for name in FEEDS_BY_NAME:
        parts = [str(p) for p in out.glob(f"{name}/**/*.parquet")] + [str(p) for p in out.glob(f"{name}.parquet")]
        if parts:
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet({parts!r}, union_by_name=true)")
    con.execute(f"CREATE VIEW truth AS SELECT * FROM read_csv('{out / 'ground_truth.csv'}', all_varchar=true)")
    return con


def _lookalikes(out: Path, kind: str | None = None) -> list[dict[str, str]]:
    with (out / "lookalikes.csv").open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if kind is None or r["kind"] == kind]


def _professional(texts: list[str]) -> bool:
    """No phrasing from the drift stages, no kisses."""
    drift = {t for stage in ("friendly", "concern", "compliment", "endearment", "invitation", "secrecy",
                             "personal_channel", "reply") for t in bank()[stage]}
    return not set(texts) & drift and not any(re.search(r"\s(x+|X)$", t) for t in texts)


def _people(r: dict[str, str]) -> list[str]:
    return [p for p in r["person_ids"].split(";") if p]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_kind_is_listed_a_few_per_thousand_staff_and_none_is_a_perpetrator(
        deliveries: dict[int, SimulationResult], seed: int) -> None:
    out = deliveries[seed].out
    rows = _lookalikes(out)
    counts = {k: sum(r["kind"] == k for r in rows) for k in KINDS}
    assert all(counts[k] >= 1 for k in KINDS), counts
    assert all(counts[k] <= 10 for k in NEW_KINDS), counts  # a few per 1,000 staff, not a crowd
    perpetrators = {s for (s,) in _con(out).execute("SELECT DISTINCT staff_id FROM truth").fetchall()}
    assert perpetrators
    assert not {r["staff_id"] for r in rows if r["staff_id"]} & perpetrators


@pytest.mark.parametrize("seed", SEEDS)
def test_team_owned_contact_is_with_victims_of_cases_her_team_owns_and_she_is_not_on(
        deliveries: dict[int, SimulationResult], seed: int) -> None:
    out = deliveries[seed].out
    con = _con(out)
    for r in _lookalikes(out, "team_owned_contact"):
        assert len(_people(r)) >= 5, r
        rows = con.execute("""
            WITH c AS (SELECT c.*, p.person_id FROM communications c JOIN people p ON list_contains(p.phones,
                       c.counterpart) WHERE c.staff_id = $staff AND list_contains($people, p.person_id)),
            mine AS (SELECT ip.person_id, s.started_at, s.ended_at FROM incident_staff s
                     JOIN incident_people ip USING (incident_id) WHERE s.staff_id = $staff AND s.involvement = 'owner')
            SELECT c.comm_id, c.text,
              EXISTS (SELECT 1 FROM incidents i JOIN incident_people ip USING (incident_id)
                      JOIN staff s ON s.staff_id = c.staff_id
                      WHERE ip.person_id = c.person_id AND ip.role = 'victim' AND i.transferred_to_team_id = s.team_id
                        AND i.transferred_at <= c.occurred_at AND coalesce(i.closed_at, c.occurred_at) >= c.occurred_at
                        AND i.incident_id NOT IN (SELECT incident_id FROM incident_staff WHERE staff_id = $staff)),
              EXISTS (SELECT 1 FROM duties d WHERE d.staff_id = c.staff_id
                      AND c.occurred_at BETWEEN d.starts_at AND d.ends_at),
              EXISTS (SELECT 1 FROM mine m WHERE m.person_id = c.person_id)
            FROM c ORDER BY c.comm_id""", {"staff": r["staff_id"], "people": _people(r)}).fetchall()
        team = [row for row in rows if row[2] and not row[4]]  # not also the victim of a case she owns herself
        assert len(team) >= 20, r  # dozens a month, each about a case her team owns and she is not on
        assert all(on for _, _, _, on, _ in team), r  # in working hours
        assert all(own for _, _, in_team, _, own in rows if not in_team), r  # the rest: her own cases' victims
        texts = [t for _, t, _, _, _ in team if t]
        assert texts and _professional(texts), r
        [(role,)] = con.execute("SELECT role FROM staff WHERE staff_id = ?", [r["staff_id"]]).fetchall()
        assert role in {"constable", "investigator"}


@pytest.mark.parametrize("seed", SEEDS)
def test_victim_rings_her_officer_in_charge_mostly_inbound_some_evenings(deliveries: dict[int, SimulationResult],
                                                                         seed: int) -> None:
    out = deliveries[seed].out
    con = _con(out)
    rows = _lookalikes(out, "victim_calls_oic")
    assert rows
    evenings = 0
    for r in rows:
        [person] = _people(r)
        owned = con.execute("""SELECT count(*) FROM incident_staff s JOIN incident_people ip USING (incident_id)
                               WHERE s.staff_id = ? AND s.involvement = 'owner' AND ip.person_id = ?
                                 AND ip.role = 'victim'""", [r["staff_id"], person]).fetchall()[0][0]
        assert owned >= 1, r
        comms = con.execute("""
            SELECT c.direction, c.channel, c.text, hour(c.occurred_at AT TIME ZONE 'Europe/London')
            FROM communications c JOIN people p ON list_contains(p.phones, c.counterpart)
            WHERE c.staff_id = ? AND p.person_id = ?""", [r["staff_id"], person]).fetchall()
        inbound = [c for c in comms if c[0] == "inbound"]
        assert len(inbound) >= 8 and len(inbound) > len(comms) - len(inbound), r
        evenings += sum(1 for c in inbound if c[3] >= 18)
        replies = [c[2] for c in comms if c[0] == "outbound" and c[2]]
        assert replies and _professional(replies), r
    assert evenings >= 1


@pytest.mark.parametrize("seed", SEEDS)
def test_busy_call_handler_looks_up_only_people_on_calls_she_took(deliveries: dict[int, SimulationResult],
                                                                  seed: int) -> None:
    con = _con(deliveries[seed].out)
    for r in _lookalikes(deliveries[seed].out, "busy_call_handler"):
        [(views, unexplained, repeat_calls)] = con.execute("""
            SELECT count(*),
                   count(*) FILTER (WHERE NOT EXISTS (
                       SELECT 1 FROM incident_staff s JOIN incident_people ip USING (incident_id)
                       WHERE s.staff_id = a.staff_id AND s.involvement = 'call_taker' AND ip.person_id = a.object_id)),
                   (SELECT count(*) FROM incident_staff s JOIN incidents i USING (incident_id)
                    WHERE s.staff_id = $staff AND s.involvement = 'call_taker'
                      AND s.started_at > i.opened_at + INTERVAL 10 MINUTE)
            FROM audit a WHERE a.staff_id = $staff AND a.action = 'view' AND a.object_type = 'person'""",
                                                         {"staff": r["staff_id"]}).fetchall()
        assert unexplained == 0, r
        assert repeat_calls >= 50, r  # repeat calls on incidents other handlers opened
        [(median,)] = con.execute("""
            SELECT median(n) FROM (SELECT a.staff_id, count(*) AS n FROM audit a JOIN staff s USING (staff_id)
                                   WHERE s.role = 'call_handler' AND a.action = 'view' AND a.object_type = 'person'
                                   AND a.staff_id <> $staff GROUP BY 1)""", {"staff": r["staff_id"]}).fetchall()
        assert views > 5 * median, (r, views, median)


@pytest.mark.parametrize("seed", SEEDS)
def test_partner_agency_line_is_on_records_and_rung_by_many_staff_in_several_teams(
        deliveries: dict[int, SimulationResult], seed: int) -> None:
    out = deliveries[seed].out
    con = _con(out)
    rows = _lookalikes(out, "partner_agency_line")
    lines = [r for r in rows if not r["staff_id"]]
    assert lines
    numbers = []
    for r in lines:
        phones = con.execute("SELECT phones FROM people WHERE list_contains(?, person_id)", [_people(r)]).fetchall()
        [number] = set.intersection(*(set(p) for (p,) in phones))  # the one number every resident's record has
        numbers.append(number)
        [(staff, teams, off_duty)] = con.execute("""
            SELECT count(DISTINCT c.staff_id), count(DISTINCT s.team_id),
                   count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM duties d WHERE d.staff_id = c.staff_id
                                                      AND c.occurred_at BETWEEN d.starts_at AND d.ends_at))
            FROM communications c JOIN staff s USING (staff_id) WHERE c.counterpart = ?""", [number]).fetchall()
        assert staff >= 8 and teams >= 3 and off_duty == 0, (r, staff, teams, off_duty)
    disposers = [r["staff_id"] for r in rows if r["staff_id"]]
    assert disposers
    same_day = con.execute("""
        SELECT count(DISTINCT c.staff_id) FROM communications c JOIN audit a ON a.staff_id = c.staff_id
          AND a.action = 'dispose' AND a.occurred_at::DATE = c.occurred_at::DATE
        WHERE list_contains($staff, c.staff_id) AND list_contains($numbers, c.counterpart)""",
                           {"staff": disposers, "numbers": numbers}).fetchall()[0][0]
    assert same_day >= 1


@pytest.mark.parametrize("seed", SEEDS)
def test_officers_live_near_victims_and_some_attended_one_incident_there(deliveries: dict[int, SimulationResult],
                                                                         seed: int) -> None:
    out = deliveries[seed].out
    con = _con(out)
    for r in _lookalikes(out, "lives_near_victim"):
        [person] = _people(r)
        [(km,)] = con.execute("""
            SELECT sqrt(power((s.home_lat - p.home_lat) * 111.2, 2) + power((s.home_lon - p.home_lon) * 67.0, 2))
            FROM staff s, people p WHERE s.staff_id = ? AND p.person_id = ?""", [r["staff_id"], person]).fetchall()
        assert km < 0.25, r
        if "attended" not in r["note"]:
            continue
        [incident] = re.findall(r"I\d{8}", r["note"])
        attended = con.execute("""SELECT s.incident_id, max(s.ended_at) FROM incident_staff s
                                  JOIN incident_people ip USING (incident_id)
                                  WHERE s.staff_id = ? AND ip.person_id = ? AND s.involvement = 'attending'
                                  GROUP BY 1""", [r["staff_id"], person]).fetchall()
        assert [i for i, _ in attended] == [incident], r
        later = con.execute("""SELECT count(*) FROM communications c JOIN people p ON list_contains(p.phones,
                               c.counterpart) WHERE c.staff_id = ? AND p.person_id = ?
                               AND c.occurred_at > ?::TIMESTAMPTZ + INTERVAL 3 DAY""",
                            [r["staff_id"], person, attended[0][1]]).fetchall()[0][0]
        assert later == 0, r
    assert any("attended" in r["note"] for s in SEEDS for r in _lookalikes(deliveries[s].out, "lives_near_victim"))


def test_variants_differ_across_seeds(deliveries: dict[int, SimulationResult]) -> None:
    a, b = (deliveries[s].out for s in SEEDS)
    for kind in ("lives_near_victim", *NEW_KINDS):
        notes_a = {r["note"] for r in _lookalikes(a, kind)}
        notes_b = {r["note"] for r in _lookalikes(b, kind)}
        assert notes_a != notes_b, kind
    # Within one force too: more than one variant of the daily kinds.
    assert len({r["note"] for r in _lookalikes(a, "team_owned_contact")}) >= 2


@pytest.mark.parametrize("seed", SEEDS)
def test_red_flag_10_is_claimed_only_for_people_in_records(deliveries: dict[int, SimulationResult],
                                                           seed: int) -> None:
    rows = _con(deliveries[seed].out).execute("""
        WITH t AS (SELECT archetype, "end", unnest(string_split(person_ids, ';')) AS person_id FROM truth
                   WHERE red_flag = '10')
        SELECT archetype, person_id,
               person_id IN (SELECT person_id FROM incident_people WHERE role IN ('suspect', 'detainee')
                             AND recorded_at <= t."end"::TIMESTAMPTZ)
               OR person_id IN (SELECT object_id FROM watches WHERE reason = 'ocg_nominal')
        FROM t""").fetchall()
    assert {"partner_informant", "coerced_partner_leak", "drug_dealer_informant"} <= {a for a, _, _ in rows}
    assert all(known for _, _, known in rows), [r for r in rows if not r[2]]


def test_the_delivery_still_loads_with_nothing_quarantined(deliveries: dict[int, SimulationResult],
                                                           tmp_path: Path) -> None:
    result = deliveries[SEEDS[1]]
    env = {**os.environ, "UPSTANDER_HOME": str(tmp_path / "home")}
    proc = subprocess.run([sys.executable, "-m", "upstander.cli", "load", str(result.out), "--json"],
                          capture_output=True, text=True, env=env, timeout=600)
    summary = json.loads(proc.stdout)
    assert proc.returncode == 0, summary
    assert summary["quarantined"] == 0 and summary["rejected_files"] == []
    assert summary["loaded"] == result.rows


@pytest.mark.parametrize("seed", SEEDS)
def test_no_one_in_records_shares_a_home_with_staff_unless_put_there(deliveries: dict[int, SimulationResult],
                                                                     seed: int) -> None:
    # A household's people are each other's family: a stranger in records at an officer's address would make
    # red flag 9's pattern (living with someone met on duty) out of chance, not out of a scenario.
    out = deliveries[seed].out
    con = _con(out)
    sharing = {s for (s,) in con.execute("""SELECT DISTINCT s.staff_id FROM staff s
                                            JOIN people p ON p.home_uprn = s.home_uprn""").fetchall()}
    housemates = {r["staff_id"] for r in _lookalikes(out, "housemate_in_records")}
    perpetrators = {s for (s,) in con.execute("SELECT DISTINCT staff_id FROM truth").fetchall()}
    assert housemates and housemates <= sharing
    assert sharing <= housemates | perpetrators, sorted(sharing - housemates - perpetrators)
