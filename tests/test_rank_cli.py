"""`upstander rank ...` and `upstander risk` with a learned ranking, on a force that delivered staff and years of
complaints through the loader; and the fairness audit on one that delivered sex, ethnicity and birth year."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rankworld import loaded_home, memory_lake
from upstander.rank import audit, ranking
from upstander.rank.audit import age_band, disproportion
from upstander.simulate.history import complaint_history


def cli(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "UPSTANDER_HOME": str(home), "COLUMNS": "200", **env}
    return subprocess.run([sys.executable, "-m", "upstander.cli", *args], capture_output=True, text=True,
                          env=environ, timeout=300, check=False)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = loaded_home(tmp_path_factory.mktemp("rank"), n_staff=800, years=10, seed=3)
    return path


def test_fit_show_evaluate_and_risk_use_the_learned_ranking(home: Path) -> None:
    before = cli(home, "risk", "--json")
    assert "learned" not in before.stdout  # nothing fitted yet: the points matrix
    fit = cli(home, "rank", "fit")
    assert fit.returncode == 0, fit.stderr
    assert "fitted v0001" in fit.stderr
    assert (home / "models" / "rank" / "v0001" / "model.json").exists()

    shown = cli(home, "rank", "show", "--top", "10", "--json")
    assert shown.returncode == 0, shown.stderr
    people = json.loads(shown.stdout)["people"]
    assert len(people) == 10
    assert [p["score"] for p in people] == sorted((p["score"] for p in people), reverse=True)
    for p in people:
        assert 1 <= len(p["reasons"]) <= 5 and all("_" not in r["words"] for r in p["reasons"])

    table = cli(home, "rank", "show", "--top", "3")
    assert table.returncode == 0 and table.stdout == "" and people[0]["staff_id"] in table.stderr

    risk = json.loads(cli(home, "risk", "--json", "--top", "5").stdout)
    assert risk["ranking"] == "learned" and risk["model_version"] == "v0001"
    assert [p["staff_id"] for p in risk["people"]] == [p["staff_id"] for p in people[:5]]

    evaluated = cli(home, "rank", "evaluate", "--json", "--replicates", "200")
    assert evaluated.returncode == 0, evaluated.stderr
    result = json.loads(evaluated.stdout)
    assert result["model_version"] == "v0001" and result["test_cutoffs"]
    assert set(result["all"]["pooled"]["rule_budget"]) == {"model", "rule", "complaints_12m", "complaints_60m",
                                                           "points_matrix"}
    assert (home / "models" / "rank" / "v0001" / "evaluation.json").exists()
    words = cli(home, "rank", "evaluate", "--replicates", "100")
    assert "three-in-twelve rule" in words.stderr and "the rule's own budget" in words.stderr


def test_with_too_little_history_the_points_matrix_stays_and_says_so(tmp_path: Path) -> None:
    home, _ = loaded_home(tmp_path, n_staff=200, years=2, seed=4)
    fit = cli(home, "rank", "fit")
    assert fit.returncode == 1 and "too little history" in fit.stderr and "points matrix" in fit.stderr
    assert not (home / "models" / "rank" / "CURRENT").exists()
    shown = json.loads(cli(home, "rank", "show", "--json").stdout)
    assert shown["model_version"] is None and "points matrix" in shown["note"]


@pytest.mark.parametrize(("name", "value"), [("UPSTANDER_RANK_LABEL", "arrests"),
                                             ("UPSTANDER_RANK_OUTCOME_DELAY_MONTHS", "0"),
                                             ("UPSTANDER_RANK_OUTCOME_DELAY_MONTHS", "two years")])
def test_a_bad_ranking_setting_is_refused_with_its_name(tmp_path: Path, name: str, value: str) -> None:
    result = cli(tmp_path, "rank", "fit", **{name: value})
    assert result.returncode == 2 and name in result.stderr


def test_the_audit_reports_groups_beside_the_rule(tmp_path: Path) -> None:
    history = complaint_history(1500, 9, seed=51)
    con = memory_lake(history)
    assert ranking.fit(tmp_path, con).stored is not None
    result = audit.audit(tmp_path, memory_lake(history))
    assert result["characteristics_delivered"] == ["age_band", "ethnicity", "sex"]
    sexes = result["groups"]["sex"]
    assert set(sexes) == {"female", "male"}
    assert sum(g["ranking"]["people"] for g in sexes.values()) == result["population"]
    assert sum(g["ranking"]["flagged"] for g in sexes.values()) == result["flagged"] == result["rule_flagged"]
    for g in sexes.values():
        lo, hi = g["ranking"]["interval"]
        assert lo <= g["ranking"]["ratio"] <= hi
        assert 0 < g["mean_percentile_rank"] < 1
    # Without the protected fields nothing is audited, and the ranking is the same.
    blind = audit.audit(tmp_path, memory_lake(history, protected=False))
    assert blind["groups"] == {} and blind["not_delivered"] == ["sex", "ethnicity", "age_band"]


def test_disproportion_and_its_katz_interval() -> None:
    # 30 of 100 flagged in the group, 100 of 1000 overall: three times the overall rate.
    d = disproportion(30, 100, 100, 1000)
    assert d["flag_rate"] == 0.3 and d["ratio"] == 3.0
    lo, hi = d["interval"]
    assert 2.0 < lo < 3.0 < hi < 4.5
    assert disproportion(0, 50, 100, 1000)["ratio"] == 0.0
    assert disproportion(0, 0, 0, 0)["ratio"] is None
    assert age_band(1990, __import__("datetime").date(2025, 1, 1)) == "30-39" and age_band(None, None) == "unknown"  # type: ignore[arg-type]
