"""The model, its reasons, its store and the evaluation's arithmetic, on a synthetic force's complaints history."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from rankworld import memory_lake
from upstander.rank import store
from upstander.rank.evaluate import backtest, yearly_cutoffs
from upstander.rank.explain import reasons
from upstander.rank.metrics import at_budget, auc, bootstrap_difference, selection
from upstander.rank.model import Model
from upstander.rank.snapshots import Snapshots, build, load, training_cutoffs
from upstander.rank.training import MIN_POSITIVES, last_training_cutoff, train
from upstander.simulate.history import complaint_history


@pytest.fixture(scope="module")
def force() -> tuple[Snapshots, date]:
    history = complaint_history(1500, 9, seed=31)
    con = memory_lake(history)
    span, _ = load(con, None, 24)
    return build(con, training_cutoffs(span), 180), span.as_of


def test_training_uses_only_snapshots_whose_outcomes_were_known(force: tuple[Snapshots, date]) -> None:
    snaps, as_of = force
    fitted = train(snaps, "sustained_complaint", date(2023, 1, 1), 24)
    assert fitted.model is not None
    assert fitted.cutoffs[-1] <= last_training_cutoff(date(2023, 1, 1), 24) == date(2020, 1, 1)
    assert fitted.validation, "the regularisation should be chosen on a validation year inside the training span"
    # The same data fitted later knows more outcomes: more snapshots and more positives.
    later = train(snaps, "sustained_complaint", as_of, 24)
    assert later.model is not None and later.model.training_positives > fitted.model.training_positives


def test_too_little_history_means_no_model_said_plainly(force: tuple[Snapshots, date]) -> None:
    snaps, _ = force
    fitted = train(snaps, "sustained_complaint", date(2018, 6, 1), 24)
    assert fitted.model is None
    assert "too little history" in fitted.reason and "points matrix" in fitted.reason
    assert str(MIN_POSITIVES) in fitted.reason


def test_reasons_are_words_that_add_up_to_the_score(force: tuple[Snapshots, date]) -> None:
    snaps, as_of = force
    model = train(snaps, "sustained_complaint", as_of, 24).model
    assert model is not None
    now = snaps.where(snaps.cutoff == snaps.cutoff.max())
    contrib = model.contributions(now.values, now.names)
    assert np.allclose(contrib.sum(axis=1) + model.intercept, model.log_odds(now.values, now.names))
    why = reasons(model, now.values, now.names, now.role)
    top = int(np.argmax(model.log_odds(now.values, now.names)))
    assert len(why[top]) == 5
    for r in why[top]:
        assert "_" not in r.words and any(ch.isdigit() for ch in r.words), r.words
        assert not r.words.startswith("1 complaints")
    assert [r.contribution for r in why[top]] == sorted((r.contribution for r in why[top]), reverse=True)
    assert any("(peers in the same role: " in r.words for r in why[top])


def test_a_stored_model_reads_back_and_a_tampered_one_is_refused(force: tuple[Snapshots, date],
                                                                  tmp_path: Path) -> None:
    snaps, as_of = force
    model = train(snaps, "sustained_complaint", as_of, 24).model
    assert model is not None
    saved = store.save(tmp_path, model, {"label": "sustained_complaint", "vocabulary": []})
    again = store.save(tmp_path, model, {"label": "sustained_complaint", "vocabulary": []})
    assert (saved.version, again.version) == ("v0001", "v0002")
    current = store.current_model(tmp_path)
    assert current is not None and current.version == "v0002" and current.model == model
    assert all(p.suffix == ".json" for p in (tmp_path / "models" / "rank" / "v0002").iterdir())
    path = tmp_path / "models" / "rank" / "v0002" / "model.json"
    data = json.loads(path.read_text())
    for bad in ({"coef": data["model"]["coef"][:-1]}, {"scales": [0.0] * len(data["model"]["scales"])},
                {"features": ["__import__('os').system('id')", *data["model"]["features"][1:]]},
                {"intercept": "nan"}):
        path.write_text(json.dumps({**data, "model": {**data["model"], **bad}}))
        with pytest.raises(ValueError, match=r"model\.json"):
            store.current_model(tmp_path)
    path.write_text("not json")
    with pytest.raises(ValueError, match=r"model\.json"):
        store.current_model(tmp_path)
    (tmp_path / "models" / "rank" / "CURRENT").write_text("../../etc")
    with pytest.raises(ValueError, match="not a model version"):
        store.current_model(tmp_path)


def test_a_model_without_features_is_not_a_model() -> None:
    with pytest.raises(ValueError, match="not a ranking model"):
        Model.from_json({"features": [], "means": [], "scales": [], "coef": [], "intercept": 0, "strength": 1,
                         "training_rows": 0, "training_positives": 0})


def test_budgets_split_ties_evenly_rather_than_by_order() -> None:
    score = np.array([5, 3, 3, 3, 3, 1], dtype=float)
    y = np.array([0, 1, 0, 0, 0, 1])
    assert selection(score, 3).tolist() == [1, 0.5, 0.5, 0.5, 0.5, 0]
    assert at_budget(score, y, 3) == {"k": 3, "hits": 0.5, "precision": round(0.5 / 3, 4), "recall": 0.25}
    # Reversing the order of the level people changes nothing.
    assert at_budget(score[::-1].copy(), y[::-1].copy(), 3) == at_budget(score, y, 3)


def test_auc_counts_ties_as_half() -> None:
    assert auc(np.array([1.0, 2, 3, 4]), np.array([0, 0, 1, 1])) == 1.0
    assert auc(np.array([1.0, 1, 1, 1]), np.array([0, 1, 0, 1])) == 0.5
    assert auc(np.array([1.0, 2]), np.array([1, 1])) is None


def test_the_bootstrap_interval_surrounds_the_difference_and_resamples_officers() -> None:
    rng = np.random.default_rng(1)
    officer = np.repeat(np.arange(500), 3).astype(str)
    y = rng.random(1500) < 0.1
    good = y * 0.6 + rng.random(1500) * 0.5
    noise = rng.random(1500)
    a, b = selection(good, 150), selection(noise, 150)
    d = bootstrap_difference(officer, y.astype(float), a, b, replicates=400)
    lo, hi = d["interval"]
    assert lo < d["difference"] < hi and lo > 0
    same = bootstrap_difference(officer, y.astype(float), a, a, replicates=200)
    assert same["difference"] == 0 and same["interval"] == [0, 0]


def test_test_cut_offs_have_complete_labels_and_earlier_training() -> None:
    cuts = yearly_cutoffs(date(2000, 1, 1), date(2010, 1, 1), 24)
    assert cuts == [date(2004, 1, 1), date(2005, 1, 1), date(2006, 1, 1), date(2007, 1, 1)]
    assert yearly_cutoffs(date(2016, 1, 1), date(2021, 6, 1), 24) == []


def test_the_backtest_judges_every_ranking_on_the_same_people() -> None:
    history = complaint_history(1500, 9, seed=41)  # a seed the method was not developed on
    result = backtest(memory_lake(history), None, "sustained_complaint", 24, 180, replicates=200)
    judged = [c for c in result["all"]["cutoffs"] if "methods" in c]
    assert judged and "public" in result
    for c in judged:
        assert c["population"] > 0 and c["budgets"]["top_50"] == 50
        assert {m["rule_budget"]["k"] for m in c["methods"].values()} == {c["budgets"]["rule_budget"]}
        assert date.fromisoformat(c["training"]["to"]) <= last_training_cutoff(date.fromisoformat(c["cutoff"]), 24)
    pooled = result["all"]["pooled"]["rule_budget"]
    # On a force where misconduct shows in the kinds of complaint, learning from them should beat counting them.
    assert pooled["model"]["precision"] > pooled["rule"]["precision"]
    aucs = [(c["methods"]["model"]["auc"], c["methods"]["complaints_12m"]["auc"]) for c in judged]
    assert sum(m > r for m, r in aucs) >= len(aucs) / 2
    assert result["goals"]["checks"].keys() >= {"precision_at_least_1.5x_rule"}
