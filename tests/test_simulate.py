"""The synthetic force: ground truth, determinism, the contract, realistic routine and scenario behaviour."""

from __future__ import annotations

import csv
import hashlib
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from upstander.feeds.contract import FEEDS_BY_NAME
from upstander.simulate.engine import TRUTH_COLUMNS, SimulationResult, simulate
from upstander.simulate.scenarios.apsp import escalating_days
from upstander.simulate.scenarios.catalogue import plan_scenarios
from upstander.simulate.world import build_world


def _q(out: Path, sql: str) -> list[tuple]:
    con = duckdb.connect()
    for name in FEEDS_BY_NAME:
        parts = [str(p) for p in out.glob(f"{name}/**/*.parquet")] + [str(p) for p in out.glob(f"{name}.parquet")]
        if parts:
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet({parts!r}, union_by_name=true)")
    con.execute(f"CREATE VIEW truth AS SELECT * FROM read_csv('{out}/ground_truth.csv', header=true)")
    return con.execute(sql).fetchall()


def _truth(out: Path) -> list[dict[str, str]]:
    with (out / "ground_truth.csv").open() as fh:
        return list(csv.DictReader(fh))


def test_every_flag_ground_truth_names_every_red_flag(every_flag_delivery: SimulationResult) -> None:
    rows = _truth(every_flag_delivery.out)
    assert tuple(rows[0].keys()) == TRUTH_COLUMNS
    assert {int(r["red_flag"]) for r in rows} == set(range(1, 13))
    for r in rows:
        assert r["seed_case"], r
        assert r["start"] <= r["end"]


def test_ground_truth_names_real_staff_and_people(every_flag_delivery: SimulationResult) -> None:
    out = every_flag_delivery.out
    missing_staff = _q(out, "SELECT staff_id FROM truth WHERE staff_id NOT IN (SELECT staff_id FROM staff)")
    assert missing_staff == []
    persons = {p for r in _truth(out) for p in r["person_ids"].split(";") if p}
    known = {r[0] for r in _q(out, "SELECT person_id FROM people")}
    assert persons and persons <= known


def test_every_file_has_the_contract_schema(every_flag_delivery: SimulationResult) -> None:
    for path in every_flag_delivery.out.rglob("*.parquet"):
        name = path.relative_to(every_flag_delivery.out).parts[0].removesuffix(".parquet")
        assert pq.read_schema(path).remove_metadata().equals(FEEDS_BY_NAME[name].arrow_schema()), path


def _digest(out: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.name != "delivery.json":
            h.update(str(path.relative_to(out)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def test_same_seed_gives_the_same_delivery_and_another_seed_does_not(tmp_path: Path) -> None:
    a = simulate(120, 4, 7, tmp_path / "a", every_flag=True)
    b = simulate(120, 4, 7, tmp_path / "b", every_flag=True)
    c = simulate(120, 4, 8, tmp_path / "c", every_flag=True)
    assert _digest(a.out) == _digest(b.out)
    assert _digest(a.out) != _digest(c.out)


def test_keys_are_unique(every_flag_delivery: SimulationResult) -> None:
    out = every_flag_delivery.out
    for name, feed in FEEDS_BY_NAME.items():
        key = ", ".join(f'"{k}"' for k in feed.key)
        dupes = _q(out, f"SELECT {key}, count(*) FROM {name} GROUP BY ALL HAVING count(*) > 1 LIMIT 3")
        assert dupes == [], (name, dupes)


def test_routine_rates_look_like_a_force(every_flag_delivery: SimulationResult) -> None:
    out = every_flag_delivery.out
    [(per_staff_day,)] = _q(out, "SELECT count(*) / 300.0 / 30 FROM incidents")
    assert 0.08 < per_staff_day < 0.2
    [(da_share,)] = _q(out, "SELECT avg((type = 'domestic_abuse')::int) FROM incidents")
    assert 0.08 < da_share < 0.25
    # Night is quieter than evening.
    [(night, evening)] = _q(out, """SELECT count(*) FILTER (WHERE hour(opened_at) BETWEEN 3 AND 5),
                                           count(*) FILTER (WHERE hour(opened_at) BETWEEN 17 AND 19) FROM incidents""")
    assert night * 2 < evening
    # Priority 4 is resolved without anyone attending.
    [(p4_attended,)] = _q(out, """SELECT count(*) FROM incident_staff s JOIN incidents i USING (incident_id)
                                  WHERE i.priority = 4 AND s.involvement = 'attending'""")
    assert p4_attended == 0


def test_attending_officers_were_on_duty(every_flag_delivery: SimulationResult) -> None:
    [(share,)] = _q(every_flag_delivery.out, """
        SELECT avg((EXISTS (SELECT 1 FROM duties d WHERE d.staff_id = s.staff_id
                            AND s.started_at BETWEEN d.starts_at AND d.ends_at))::int)
        FROM incident_staff s WHERE involvement IN ('attending', 'call_taker', 'dispatcher')""")
    assert share > 0.98


def test_vehicles_report_every_30_seconds_while_moving(every_flag_delivery: SimulationResult) -> None:
    [(gaps,)] = _q(every_flag_delivery.out, """
        WITH p AS (SELECT device_id, recorded_at, speed_kph,
                          recorded_at - lag(recorded_at) OVER (PARTITION BY device_id ORDER BY recorded_at) AS gap,
                          lag(speed_kph) OVER (PARTITION BY device_id ORDER BY recorded_at) AS prev_speed
                   FROM positions WHERE source = 'avl')
        SELECT avg((gap = INTERVAL 30 SECOND)::int) FROM p WHERE speed_kph > 0 AND prev_speed > 0""")
    assert gaps > 0.95


def test_benign_look_alikes_are_present(every_flag_delivery: SimulationResult) -> None:
    out = every_flag_delivery.out
    with (out / "lookalikes.csv").open() as fh:
        kinds = {r["kind"] for r in csv.DictReader(fh)}
    assert {"lives_near_victim", "housemate_in_records", "victim_near_station"} <= kinds
    # Officers in charge phone victims while their investigation is open: the look-alike of red flag 1.
    [(oic_calls,)] = _q(out, """
        SELECT count(*) FROM communications c
        JOIN incident_staff s ON s.staff_id = c.staff_id AND s.involvement = 'owner'
        JOIN incident_people ip ON ip.incident_id = s.incident_id AND ip.role = 'victim'
        JOIN people p ON p.person_id = ip.person_id AND list_contains(p.phones, c.counterpart)
        WHERE c.occurred_at BETWEEN s.started_at AND coalesce(s.ended_at, c.occurred_at)
          AND c.staff_id NOT IN (SELECT staff_id FROM truth)""")
    assert oic_calls > 20
    [(community,)] = _q(out, """SELECT count(*) FROM communications c JOIN staff USING (staff_id)
                                 WHERE staff.role IN ('pcso', 'constable') AND c.counterpart IN
                                 (SELECT unnest(phones) FROM people)
                                 AND c.staff_id NOT IN (SELECT staff_id FROM truth)""")
    assert community > 50


def test_contact_drift_follows_the_duty_contact(every_flag_delivery: SimulationResult) -> None:
    out = every_flag_delivery.out
    drift = [r for r in _truth(out) if r["red_flag"] == "1" and r["archetype"].startswith("contact_drift")]
    assert drift
    for r in drift:
        person = r["person_ids"].split(";")[0]
        [(met,)] = _q(out, f"""SELECT epoch(min(s.started_at)) FROM incident_staff s
                               JOIN incident_people ip USING (incident_id)
                               WHERE s.staff_id = '{r['staff_id']}' AND ip.person_id = '{person}'""")
        times = [t for (t,) in _q(out, f"""
            SELECT epoch(c.occurred_at) FROM communications c, people p WHERE p.person_id = '{person}'
            AND list_contains(p.phones, c.counterpart) AND c.staff_id = '{r['staff_id']}' ORDER BY c.occurred_at""")]
        assert met is not None and len(times) >= 5 and times[0] > met


def test_contact_rises_in_frequency() -> None:
    """The drift the case studies describe: sparse contact at first, then more and more often."""
    days = escalating_days(np.random.default_rng(3), 10, 90, 400)
    first, last = (days < 10 + 30).sum(), (days >= 10 + 60).sum()
    assert days.min() >= 10 and days.max() < 100
    assert last > 3 * first


def test_dwell_scenarios_park_near_the_victims_home(every_flag_delivery: SimulationResult) -> None:
    out = every_flag_delivery.out
    for r in [r for r in _truth(out) if r["red_flag"] == "3"]:
        person = r["person_ids"].split(";")[0]
        [(near,)] = _q(out, f"""
            SELECT count(*) FROM positions pos, people p
            WHERE p.person_id = '{person}' AND pos.recorded_at BETWEEN '{r['start']}' AND '{r['end']}'::TIMESTAMPTZ
                  + INTERVAL 2 HOUR
              AND abs(pos.lat - p.home_lat) < 0.0015 AND abs(pos.lon - p.home_lon) < 0.0022 AND pos.speed_kph = 0""")
        assert near >= 2, r


def test_prevalence_is_a_handful_per_thousand_staff_a_year() -> None:
    world = build_world(11, 6000, date(2025, 1, 6), 365)
    n = len(plan_scenarios(world, every_flag=False))
    assert 12 <= n <= 50  # 5 per 1,000 staff a year expected, Poisson spread


def test_ground_truth_is_never_read_by_loading_or_detection() -> None:
    """Only the simulator writes it and only the commands that run the simulator name it."""
    src = Path(__file__).parents[1] / "src" / "upstander"
    readers = [p for p in src.rglob("*.py")
               if "ground_truth" in p.read_text() and "simulate" not in p.parts and p.parent.name != "cli"]
    assert readers == []


def test_corrupt_lists_every_bad_row(corrupt_delivery: SimulationResult) -> None:
    out = corrupt_delivery.out
    with (out / "corruptions.csv").open() as fh:
        listed = list(csv.DictReader(fh))
    assert len(listed) == corrupt_delivery.corruptions > 10
    kinds = {r["kind"] for r in listed}
    assert {"truncated", "bad_timestamp", "unknown_id", "duplicate_key", "impossible_coordinates"} <= kinds
    for r in listed:
        assert (out / r["file"]).exists()


@pytest.mark.parametrize(("staff", "days"), [(10, 5), (300, 0)])
def test_bad_sizes_are_refused(tmp_path: Path, staff: int, days: int) -> None:
    with pytest.raises(ValueError, match="must be at least"):
        simulate(staff, days, 1, tmp_path / "x")
