"""The risk matrix on a realistic force: the issue's demo delivery, loaded and run through every detector.

`detected_home` and `cli` are shared with test_contact_review.py and test_watchlist.py (imported from here);
`detected_home` is cached, so the delivery is loaded and detected once per session. The commands run in a
child process: importing risk_cmd here would register its commands on the app test_docs.py inspects.
"""

from __future__ import annotations

import csv
import functools
import itertools
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from upstander.detect.engine import run_detection
from upstander.feeds.loading import load_delivery
from upstander.lake import Lake
from upstander.risk.matrix import CORROBORATION, RiskRow, _Alert, _alert_points, notes, risk_matrix
from upstander.simulate.engine import SimulationResult


@functools.cache
def detected_home(delivery: Path) -> Path:
    """A home with `delivery` loaded and every detector run over it."""
    home = delivery.parent / f"{delivery.name}-risk-home"
    load_delivery(delivery, home=home)
    run_detection(home, full=True)
    return home


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`upstander ARGS` in a child process with UPSTANDER_HOME set."""
    env = {**os.environ, "UPSTANDER_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "upstander.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def truth(delivery: Path) -> list[dict[str, str]]:
    with open(delivery / "ground_truth.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def home(every_flag_delivery: SimulationResult) -> Path:
    return detected_home(every_flag_delivery.out)


@pytest.fixture(scope="module")
def matrix(home: Path) -> list[RiskRow]:
    return risk_matrix(home)


def alerts_table(home: Path) -> dict[str, tuple[str, list[str]]]:
    con = duckdb.connect(str(home / "alerts.duckdb"), read_only=True)
    try:
        return {a: (k, list(e)) for a, k, e in con.execute("SELECT alert_id, kind, evidence FROM alerts").fetchall()}
    finally:
        con.close()


def test_every_point_traces_to_an_alert_or_complaint(home: Path, matrix: list[RiskRow]) -> None:
    alerts = alerts_table(home)
    complaints = {c for (c,) in Lake(home).connect().execute("SELECT complaint_id FROM complaints").fetchall()}
    assert matrix, "the demo delivery should put people on the matrix"
    for row in matrix:
        assert row.points and row.why_listed
        for p in row.points:
            assert p.why and p.points > 0
            if p.source == "complaint":
                assert p.ref in complaints
            else:
                assert p.source in ("alert", "corroboration", "amplifier"), p
                assert p.ref in alerts, f"{row.staff_id}: {p.ref} is not an alert"
                kind, evidence = alerts[p.ref]
                assert kind == ("amplifier" if p.source == "amplifier" else "alert")
                if p.source != "corroboration":
                    assert list(p.evidence) == evidence
        assert row.total == pytest.approx(sum(p.points for p in row.points), abs=0.011)


def test_one_persons_row_alone_has_the_same_points_as_in_the_whole_matrix(home: Path,
                                                                          matrix: list[RiskRow]) -> None:
    for row in matrix[:3] + matrix[-2:]:
        [alone] = risk_matrix(home, only=[row.staff_id])
        assert alone.total == row.total and [p.ref for p in alone.points] == [p.ref for p in row.points]
    assert risk_matrix(home, only=["S99999"]) == []


def test_amplifiers_alone_never_put_anyone_on_the_list(home: Path, matrix: list[RiskRow]) -> None:
    con = duckdb.connect(str(home / "alerts.duckdb"), read_only=True)
    amplifier_only = {s for (s,) in con.execute("""SELECT subject_staff_id FROM alerts GROUP BY 1
                                                   HAVING bool_and(kind = 'amplifier')""").fetchall()}
    con.close()
    assert amplifier_only, "the delivery should have staff with amplifiers and no alert"
    listed = {r.staff_id for r in matrix}
    assert not listed & amplifier_only
    for row in matrix:
        assert any(p.source == "alert" for p in row.points)


def test_most_of_the_top_five_are_injected_perpetrators(every_flag_delivery: SimulationResult,
                                                       matrix: list[RiskRow]) -> None:
    perpetrators = {t["staff_id"] for t in truth(every_flag_delivery.out)}
    top = [r.staff_id for r in matrix[:5]]
    assert sum(s in perpetrators for s in top) >= 4, top
    assert [r.rank for r in matrix] == sorted(r.rank for r in matrix) and matrix[0].rank == 1
    assert all(a.total >= b.total for a, b in itertools.pairwise(matrix))


def test_corroborated_staff_outrank_a_single_weak_alert(matrix: list[RiskRow]) -> None:
    corroborated = [r for r in matrix if len(r.detectors) >= 2]
    weak_single = [r for r in matrix if sum(p.source == "alert" for p in r.points) == 1
                   and next(p for p in r.points if p.source == "alert").points < 8]
    assert corroborated and weak_single
    assert min(r.total for r in corroborated) > max(r.total for r in weak_single)
    for r in corroborated:
        # Each corroboration point follows its alert and names flags no stronger alert had already raised.
        seen: set[int] = set()
        before: set[int] = set()
        for p in r.points:
            if p.source == "corroboration":
                assert before and not before & set(p.red_flags)
            elif p.source == "alert":
                before, seen = set(seen), seen | set(p.red_flags)


def test_two_weak_detectors_beat_one_stronger_alone() -> None:
    def alert(i: int, det: str, flags: tuple[int, ...], score: float, weight: float) -> _Alert:
        return _Alert(f"a{i}", det, flags, "alert", "S1", [], datetime(2025, 1, 1, tzinfo=UTC), score, weight, (), "")

    two = _alert_points([alert(1, "excessive_service", (11,), 3.0, 2.5),
                         alert(2, "unexplained_lookups", (4,), 3.0, 2.5)])
    one = _alert_points([alert(3, "contact_with_criminals", (10,), 8.0, 3.0)])
    assert sum(p.points for p in two) > sum(p.points for p in one)
    assert [p.points for p in two if p.source == "corroboration"] == [CORROBORATION]
    # A second alert from the same detector counts half and corroborates nothing.
    same = _alert_points([alert(4, "excessive_service", (11,), 3.0, 2.5),
                          alert(5, "excessive_service", (11,), 3.0, 2.5)])
    assert [p.source for p in same] == ["alert", "alert"] and same[1].points == pytest.approx(same[0].points / 2, 0.01)


def test_offending_style_is_explained(every_flag_delivery: SimulationResult, matrix: list[RiskRow]) -> None:
    drift = {t["staff_id"] for t in truth(every_flag_delivery.out) if t["archetype"].startswith("contact_drift")}
    by_staff = {r.staff_id: r for r in matrix}
    assert drift <= set(by_staff)
    for staff_id in drift:
        row = by_staff[staff_id]
        assert row.style == "predatory", (staff_id, row.style_reasons)
        assert any(r.startswith(("escalation:", "evasion:")) for r in row.style_reasons)
    for row in matrix:
        assert row.style in ("predatory", "exploratory", "undetermined") and row.style_reasons
    lookups_only = [r for r in matrix if r.detectors == ["unexplained_lookups"]]
    assert all(r.style == "undetermined" and "do not apply" in r.style_reasons[0] for r in lookups_only)


def test_intelligence_counts_when_the_table_exists(home: Path, tmp_path: Path, matrix: list[RiskRow]) -> None:
    assert "contributes zero" in notes(home)[0]
    assert not any(p.source == "intelligence" for r in matrix for p in r.points)
    copy = tmp_path / "home"
    shutil.copytree(home, copy)
    subject = matrix[-1].staff_id
    con = duckdb.connect(str(copy / "alerts.duckdb"))
    con.execute("CREATE TABLE intelligence (staff_id VARCHAR, graded VARCHAR, category VARCHAR, "
                "recorded_at TIMESTAMPTZ)")
    con.execute("INSERT INTO intelligence VALUES (?, 'B2', 'sexual_misconduct', '2015-03-01'), (?, NULL, NULL, NULL)",
                [subject, "S-not-listed"])
    con.close()
    rows = {r.staff_id: r for r in risk_matrix(copy)}
    intel = [p for p in rows[subject].points if p.source == "intelligence"]
    assert [p.points for p in intel] == [3.0] and intel[0].ref.startswith(f"intelligence:{subject}@2015-03-01")
    assert "S-not-listed" not in rows  # intelligence alone does not list anyone either
    assert "read from the intelligence table" in notes(copy)[0]


def test_cli_risk_json_and_table(home: Path) -> None:
    result = cli(home, "risk", "--json", "--top", "3")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert len(payload["people"]) == 3 and payload["notes"] and "weight x" in payload["method"]
    assert all(p["ref"] for person in payload["people"] for p in person["points"])
    table = cli(home, "risk", "--top", "2")
    assert table.returncode == 0 and table.stdout == ""
    assert payload["people"][0]["staff_id"] in table.stderr
