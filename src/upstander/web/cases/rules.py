"""Which stage a case may move to, and what it needs first. Pure functions over a case: no database, no web."""

from __future__ import annotations

from datetime import date, timedelta

from upstander.web.cases.models import Case

S, Sev, P, Out = Case.Stage, Case.Severity, Case.Proceedings, Case.Outcome

NEXT: dict[str, tuple[str, ...]] = {
    S.ASSESSMENT: (S.INVESTIGATION,),
    S.INVESTIGATION: (S.PROCEEDINGS, S.OUTCOME),
    S.PROCEEDINGS: (S.OUTCOME,),
    S.OUTCOME: (S.CLOSED,),
    S.CLOSED: (),
}
# What each kind of proceedings may end in (a meeting cannot dismiss).
OUTCOMES_FOR: dict[str, tuple[str, ...]] = {
    P.MEETING: (Out.NO_ACTION, Out.REFLECTIVE, Out.WRITTEN, Out.FINAL_WRITTEN),
    P.HEARING: (Out.NO_ACTION, Out.REFLECTIVE, Out.WRITTEN, Out.FINAL_WRITTEN, Out.REDUCTION, Out.DISMISSAL,
                Out.WOULD_HAVE),
    P.ACCELERATED: (Out.FINAL_WRITTEN, Out.REDUCTION, Out.DISMISSAL, Out.WOULD_HAVE),
    "": (Out.NO_ACTION, Out.REFLECTIVE),
}
REPORT_AFTER = timedelta(days=365)  # an investigation not finished in twelve months owes a report


def referral_problems(case: Case) -> list[str]:
    problems = []
    if case.referral == Case.Referral.PENDING:
        problems.append("Record the IOPC referral decision first.")
    else:
        if case.referral_date is None:
            problems.append("Give the date of the referral decision.")
        if len(case.referral_reason.strip()) < 10:
            problems.append("Give the reason for the referral decision.")
    if (case.serious_corruption or case.apsp) and case.referral == Case.Referral.NOT_REFER:
        problems.append("Serious corruption, including every abuse of position for a sexual purpose, must be "
                        "referred to the IOPC.")
    if case.referral == Case.Referral.REFER and not case.mode:
        problems.append("Record the mode of investigation the IOPC decided.")
    return problems


def transition_problems(case: Case, target: str) -> list[str]:
    """Why the case cannot move to `target` now; empty when it can."""
    if target not in NEXT.get(case.stage, ()):
        return [f"A case at {Case.Stage(case.stage).label.lower()} cannot move to {Case.Stage(target).label.lower()}."]
    problems: list[str] = []
    if target == S.INVESTIGATION:
        problems += referral_problems(case)
    elif target == S.PROCEEDINGS:
        if case.severity not in (Sev.MISCONDUCT, Sev.GROSS):
            problems.append("Proceedings follow only a finding of misconduct or gross misconduct.")
        if not case.standards:
            problems.append("Record the Standards of Professional Behaviour engaged.")
        if case.proceedings == P.MEETING and case.severity == Sev.GROSS:
            problems.append("Gross misconduct goes to a hearing, not a meeting.")
        if case.proceedings in (P.HEARING, P.ACCELERATED) and case.severity == Sev.MISCONDUCT:
            problems.append("Misconduct goes to a meeting; a hearing is for gross misconduct.")
        if not case.proceedings:
            problems.append("Choose a meeting, a hearing or an accelerated hearing.")
    elif target == S.OUTCOME:
        if case.stage == S.INVESTIGATION and case.severity not in (Sev.NO_MISCONDUCT, Sev.PRACTICE):
            problems.append("Only no misconduct or practice requiring improvement ends without proceedings.")
        if not case.outcome:
            problems.append("Record the outcome.")
        elif case.outcome not in OUTCOMES_FOR.get(case.proceedings if case.stage == S.PROCEEDINGS else "", ()):
            where = (f"of a {Case.Proceedings(case.proceedings).label.lower()}" if case.stage == S.PROCEEDINGS
                     else "without proceedings")
            problems.append(f"{Case.Outcome(case.outcome).label} is not an outcome {where}.")
    elif target == S.CLOSED and len(case.lessons_learned.strip()) < 10:
        problems.append("Record the lessons learned before closing.")
    return problems


def report_due(case: Case) -> date | None:
    """When the report on a long investigation is owed (twelve months after it started), while it runs."""
    if case.investigation_started is None or case.stage not in (S.INVESTIGATION,):
        return None
    return case.investigation_started + REPORT_AFTER
