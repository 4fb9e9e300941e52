"""Contact review: the day an allegation arrives, every member of the public the officer had contact with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_risk_matrix import cli, detected_home, truth
from upstander.risk.contact_review import ContactRow, UnknownStaff, contact_review
from upstander.simulate.engine import SimulationResult


@pytest.fixture(scope="module")
def home(every_flag_delivery: SimulationResult) -> Path:
    return detected_home(every_flag_delivery.out)


@pytest.fixture(scope="module")
def drift(every_flag_delivery: SimulationResult) -> tuple[str, str]:
    """(perpetrator, victim) of the first contact_drift scenario (red flag 1)."""
    row = next(t for t in truth(every_flag_delivery.out) if t["archetype"] == "contact_drift" and t["red_flag"] == "1")
    return row["staff_id"], row["person_ids"].split(";")[0]


@pytest.fixture(scope="module")
def review(home: Path, drift: tuple[str, str]) -> list[ContactRow]:
    return contact_review(home, drift[0])


def test_the_victim_ranks_in_the_top_three_with_after_purpose_contact(review: list[ContactRow],
                                                                      drift: tuple[str, str]) -> None:
    ranked = [r.person_id for r in review]
    victim = review[ranked.index(drift[1])]
    assert ranked.index(drift[1]) < 3, [(r.who, r.rank_score) for r in review[:5]]
    assert victim.after_purpose >= 3  # the contact_after_purpose detector's own threshold
    assert victim.how_met and victim.purpose_until is not None
    assert any(a.startswith("contact_after_purpose:") for a in victim.alerts)
    assert victim.rank_reasons[0].startswith("vulnerability") and len(victim.rank_reasons) > 1
    assert victim.first_contact is not None and victim.last_contact is not None
    assert victim.first_contact <= victim.last_contact


def test_a_second_person_met_is_listed_too(review: list[ContactRow], drift: tuple[str, str]) -> None:
    met = [r for r in review if r.how_met]
    assert len(met) >= 2
    assert any(r.person_id != drift[1] for r in met)
    assert len({r.person_id or r.counterpart for r in review}) == len(review)  # one row per person


def test_every_count_has_its_evidence(review: list[ContactRow]) -> None:
    for r in review:
        refs = r.evidence
        assert sum(e.startswith("communications:") for e in refs) == r.calls + r.messages
        assert sum(e.startswith("audit:") for e in refs) == r.lookups_explained + r.lookups_unexplained
        assert sum(e.startswith("positions:") for e in refs) == r.stays_near_home
        assert r.calls + r.messages == r.within_purpose + r.after_purpose + r.no_duty_link
        assert refs, r.who
    scores = [r.rank_score for r in review]
    assert scores == sorted(scores, reverse=True)


def test_vulnerability_outweighs_the_same_contact() -> None:
    from upstander.risk.contact_review import _rank

    plain, vulnerable = ContactRow("P1", None, after_purpose=3), ContactRow("P2", None, after_purpose=3,
                                                                            vulnerabilities=["mental_ill_health"])
    _rank(plain)
    _rank(vulnerable)
    assert vulnerable.rank_score > plain.rank_score and vulnerable.concern == plain.concern


def test_unknown_staff_is_refused(home: Path) -> None:
    with pytest.raises(UnknownStaff, match="S-NOBODY"):
        contact_review(home, "S-NOBODY")
    result = cli(home, "contact-review", "S-NOBODY")
    assert result.returncode == 2 and "S-NOBODY" in result.stderr


def test_cli_contact_review_json(home: Path, drift: tuple[str, str]) -> None:
    result = cli(home, "contact-review", drift[0], "--json", "--top", "3")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["staff_id"] == drift[0] and len(payload["people"]) == 3
    assert drift[1] in [p["person_id"] for p in payload["people"]]
