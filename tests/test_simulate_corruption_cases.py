"""The eight corruption case studies (seed 002) as scenarios: each, injected into a small force the way the engine
injects any scenario, leaves the rows its ground truth claims, and its variants differ from seed to seed."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import numpy as np
import pytest

from upstander.feeds.contract import FEEDS_BY_NAME
from upstander.simulate import engine
from upstander.simulate.engine import simulate
from upstander.simulate.scenarios.corruption_cases import CORRUPTION_CASES
from upstander.simulate.world import World, build_world

STAFF, DAYS, SEED = 300, 40, 11


def _inject(world: World, every_flag: bool, every_case: bool = False) -> list:
    """One of each case study, each perpetrator drawn from the roles and units the case names."""
    rng = np.random.default_rng(3)
    used: set[int] = set()
    out = []
    for n, kind in enumerate(CORRUPTION_CASES, start=1):
        pool = [int(s) for s in world.wf.with_roles(set(kind.roles), set(kind.units) if kind.units else None)
                if int(s) not in used] or [int(s) for s in world.wf.with_roles(set(kind.roles)) if int(s) not in used]
        staff = int(rng.choice(pool))
        used.add(staff)
        out.append(kind(f"SC{n:04d}", staff, 1, "moderate", world))
    return out


@pytest.fixture(scope="module")
def delivery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corruption") / "delivery"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine, "plan_scenarios", _inject)
        simulate(STAFF, DAYS, SEED, out)
    return out


def _q(out: Path, sql: str) -> list[tuple]:
    con = duckdb.connect()
    for name in FEEDS_BY_NAME:
        parts = [str(p) for p in out.glob(f"{name}/**/*.parquet")] + [str(p) for p in out.glob(f"{name}.parquet")]
        if parts:
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet({parts!r}, union_by_name=true)")
    return con.execute(sql).fetchall()


def _truth(out: Path) -> list[dict[str, str]]:
    with (out / "ground_truth.csv").open() as fh:
        return list(csv.DictReader(fh))


def test_every_case_study_is_injected_with_the_flags_it_always_signals(delivery: Path) -> None:
    flags: dict[str, set[int]] = {}
    for r in _truth(delivery):
        flags.setdefault(r["archetype"], set()).add(int(r["red_flag"]))
        assert r["seed_case"].startswith("corruption case study"), r
    for kind in CORRUPTION_CASES:
        assert set(kind.flags) <= flags.get(kind.archetype, set()), kind.archetype
    assert {f"corruption case study {i}" for i in range(1, 9)} == {r["seed_case"] for r in _truth(delivery)}


def test_communication_flags_have_messages_from_the_perpetrators_device(delivery: Path) -> None:
    for r in _truth(delivery):
        if int(r["red_flag"]) not in (1, 2, 10, 12):
            continue
        n = _q(delivery, f"SELECT count(*) FROM communications c JOIN staff s USING (staff_id) "
                         f"WHERE c.staff_id = '{r['staff_id']}' AND c.occurred_at BETWEEN '{r['start']}' AND "
                         f"'{r['end']}'")[0][0]
        assert n >= 1, r


def test_look_up_and_disposal_flags_have_audit_rows(delivery: Path) -> None:
    for r in _truth(delivery):
        flag = int(r["red_flag"])
        if flag not in (4, 5):
            continue
        actions = {a for (a,) in _q(delivery, f"SELECT DISTINCT action FROM audit WHERE staff_id = '{r['staff_id']}' "
                                              f"AND occurred_at BETWEEN '{r['start']}' AND '{r['end']}'")}
        assert ("dispose" in actions) if flag == 5 else ({"view"} <= actions), r


def test_people_named_in_truth_are_real_and_in_the_records_the_case_touches(delivery: Path) -> None:
    known = {p for (p,) in _q(delivery, "SELECT person_id FROM people")}
    persons = {p for r in _truth(delivery) for p in r["person_ids"].split(";") if p}
    assert persons and persons <= known
    ocg = next(r for r in _truth(delivery) if r["archetype"] == "exploitation_team_calls" and r["red_flag"] == "4")
    viewed = _q(delivery, f"SELECT count(*) FROM audit a JOIN custody c ON a.object_id = c.custody_id "
                          f"WHERE a.staff_id = '{ocg['staff_id']}' AND a.object_type = 'custody'")[0][0]
    assert viewed >= 1  # custody records of the group's members, booked by other officers


def test_dwell_near_her_home_for_the_cake(delivery: Path) -> None:
    rows = [r for r in _truth(delivery) if r["archetype"] == "cake_collection"]
    assert {"1", "3"} <= {r["red_flag"] for r in rows}


def test_secrecy_words_of_case_study_four_are_in_the_texts(delivery: Path) -> None:
    leak = next(r for r in _truth(delivery) if r["archetype"] == "coerced_partner_leak")
    texts = {t for (t,) in _q(delivery, f"SELECT text FROM communications WHERE staff_id = '{leak['staff_id']}'")}
    assert "You can't show anyone and delete it after" in texts


def test_variants_differ_across_seeds() -> None:
    variants: dict[str, set[tuple[str, str]]] = {k.archetype: set() for k in CORRUPTION_CASES}
    for seed in range(6):
        world = build_world(seed, 200, engine.DEFAULT_START, 10)
        for s in _inject(world, False):
            variants[s.archetype].add((s.channel, s.pattern))
    for archetype, seen in variants.items():
        assert len(seen) >= 2, archetype
