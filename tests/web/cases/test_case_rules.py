"""The conduct process as rules: which stage a case may move to, and what it needs first."""

from __future__ import annotations

from datetime import date

import pytest

from upstander.web.cases.models import Case
from upstander.web.cases.rules import report_due, transition_problems

S, Sev, P, Out = Case.Stage, Case.Severity, Case.Proceedings, Case.Outcome


def case(**fields: object) -> Case:
    base = dict(reference="UPS-1", title="t", subject_staff_id="S1", stage=S.ASSESSMENT, standards=[],
                referral=Case.Referral.PENDING, referral_reason="", lessons_learned="", severity="",
                proceedings="", outcome="", mode="")
    base.update(fields)
    return Case(**base)  # type: ignore[arg-type]


REFERRED = dict(referral=Case.Referral.REFER, referral_date=date(2026, 3, 1), mode=Case.Mode.INDEPENDENT,
                referral_reason="Abuse of position for a sexual purpose must be referred.")


def test_an_investigation_needs_a_recorded_referral_decision_with_date_and_reason() -> None:
    problems = transition_problems(case(), S.INVESTIGATION)
    assert problems == ["Record the IOPC referral decision first."]
    half = case(referral=Case.Referral.NOT_REFER)
    assert {"Give the date of the referral decision.", "Give the reason for the referral decision."} <= set(
        transition_problems(half, S.INVESTIGATION))
    assert transition_problems(case(**REFERRED), S.INVESTIGATION) == []


@pytest.mark.parametrize("flag", ["apsp", "serious_corruption"])
def test_serious_corruption_and_every_apsp_case_must_be_referred(flag: str) -> None:
    not_referred = case(referral=Case.Referral.NOT_REFER, referral_date=date(2026, 3, 1),
                        referral_reason="Considered minor by the supervisor.", **{flag: True})
    assert any("must be referred" in p for p in transition_problems(not_referred, S.INVESTIGATION))


def test_a_referral_needs_the_mode_the_iopc_decided() -> None:
    assert "Record the mode of investigation the IOPC decided." in transition_problems(
        case(**{**REFERRED, "mode": ""}), S.INVESTIGATION)


@pytest.mark.parametrize(("stage", "target"), [
    (S.ASSESSMENT, S.OUTCOME), (S.ASSESSMENT, S.CLOSED), (S.INVESTIGATION, S.CLOSED), (S.CLOSED, S.INVESTIGATION),
    (S.OUTCOME, S.PROCEEDINGS), (S.PROCEEDINGS, S.INVESTIGATION),
])
def test_skipping_or_reversing_stages_is_refused(stage: str, target: str) -> None:
    assert "cannot move to" in transition_problems(case(stage=stage, **REFERRED), target)[0]


@pytest.mark.parametrize(("severity", "proceedings", "ok"), [
    (Sev.MISCONDUCT, P.MEETING, True), (Sev.GROSS, P.HEARING, True), (Sev.GROSS, P.ACCELERATED, True),
    (Sev.GROSS, P.MEETING, False), (Sev.MISCONDUCT, P.HEARING, False), (Sev.PRACTICE, P.MEETING, False),
    (Sev.MISCONDUCT, "", False),
])
def test_proceedings_must_fit_the_severity(severity: str, proceedings: str, ok: bool) -> None:
    c = case(stage=S.INVESTIGATION, severity=severity, proceedings=proceedings, standards=["confidentiality"])
    assert (transition_problems(c, S.PROCEEDINGS) == []) is ok


def test_proceedings_need_the_standards_engaged() -> None:
    c = case(stage=S.INVESTIGATION, severity=Sev.GROSS, proceedings=P.HEARING)
    assert "Record the Standards of Professional Behaviour engaged." in transition_problems(c, S.PROCEEDINGS)


@pytest.mark.parametrize(("proceedings", "outcome", "ok"), [
    (P.MEETING, Out.FINAL_WRITTEN, True), (P.MEETING, Out.DISMISSAL, False), (P.HEARING, Out.DISMISSAL, True),
    (P.HEARING, Out.WOULD_HAVE, True), (P.ACCELERATED, Out.WRITTEN, False), (P.HEARING, "", False),
])
def test_an_outcome_must_be_one_the_proceedings_can_give(proceedings: str, outcome: str, ok: bool) -> None:
    c = case(stage=S.PROCEEDINGS, severity=Sev.GROSS, proceedings=proceedings, outcome=outcome)
    assert (transition_problems(c, S.OUTCOME) == []) is ok


def test_only_no_misconduct_or_practice_requiring_improvement_ends_without_proceedings() -> None:
    assert transition_problems(case(stage=S.INVESTIGATION, severity=Sev.PRACTICE, outcome=Out.REFLECTIVE),
                               S.OUTCOME) == []
    assert transition_problems(case(stage=S.INVESTIGATION, severity=Sev.GROSS, outcome=Out.NO_ACTION), S.OUTCOME)


def test_closing_needs_the_lessons_learned() -> None:
    assert transition_problems(case(stage=S.OUTCOME), S.CLOSED) == ["Record the lessons learned before closing."]
    assert transition_problems(case(stage=S.OUTCOME, lessons_learned="Audit victim-contact lines quarterly."),
                               S.CLOSED) == []


def test_the_report_on_a_long_investigation_is_due_twelve_months_after_it_began() -> None:
    running = case(stage=S.INVESTIGATION, investigation_started=date(2025, 4, 1))
    assert report_due(running) == date(2026, 4, 1)
    assert report_due(case(stage=S.OUTCOME, investigation_started=date(2025, 4, 1))) is None
