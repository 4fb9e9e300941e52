"""Cases: visible only to the people assigned and the ACU lead, never to anyone conflicted about the subject."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from upstander import settings as upstander_settings
from upstander.web.cases.access import visible_cases
from upstander.web.cases.models import STANDARDS, Case, EngagementEntry
from upstander.web.cases.rules import NEXT, report_due, transition_problems
from upstander.web.models import StaffMember, User
from upstander.web.models.access_log import record
from upstander.web.need_to_know import conflicted
from upstander.web.roles import Role
from upstander.web.sync import publish_case_outcomes
from upstander.web.views.common import current_user, refuse


def _get_case_for_user(request: HttpRequest, case_id: int) -> Case:
    """The case, or 404 for anyone not assigned (bar the ACU lead) and for anyone conflicted, whatever their role."""
    user = current_user(request)
    case = Case.objects.filter(pk=case_id).first()
    allowed = case is not None and (user.role == Role.ACU_LEAD or case.assigned.filter(pk=user.pk).exists())
    if case is None or not allowed or conflicted(user, case.subject_staff_id):
        refuse(user, "case", case_id)
    return case


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    cases = list(visible_cases(current_user(request)).order_by("-opened_at"))
    names = dict(StaffMember.objects.filter(staff_id__in=[c.subject_staff_id for c in cases])
                 .values_list("staff_id", "name"))
    rows = [{"case": c, "subject": names.get(c.subject_staff_id, c.subject_staff_id), "report_due": report_due(c)}
            for c in cases]
    return render(request, "cases/list.html", {"rows": rows, "today": date.today()})


def _render_case(request: HttpRequest, case: Case, errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    return render(request, "cases/detail.html", {
        "case": case, "errors": errors or [], "standards": STANDARDS,
        "subject": StaffMember.objects.filter(staff_id=case.subject_staff_id).first(),
        "next_stages": [(s, Case.Stage(s).label) for s in NEXT.get(case.stage, ())], "report_due": report_due(case),
        "engagement": case.engagement.select_related("by").order_by("at"), "kinds": EngagementEntry.Kind.choices,
        "choices": {"referral": Case.Referral.choices, "mode": Case.Mode.choices, "severity": Case.Severity.choices,
                    "proceedings": Case.Proceedings.choices, "outcome": Case.Outcome.choices,
                    "listing": Case.Listing.choices},
        "assigned": case.assigned.order_by("username"),
    }, status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _get_case_for_user(request, case_id)
    record(current_user(request), "view", "case", case.reference, case.subject_staff_id)
    return _render_case(request, case)


_FIELDS = {"referral": Case.Referral, "mode": Case.Mode, "severity": Case.Severity,
           "proceedings": Case.Proceedings, "outcome": Case.Outcome, "listing": Case.Listing}


@login_required
@require_POST
def case_update(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _get_case_for_user(request, case_id)
    if case.stage == Case.Stage.CLOSED:
        return _render_case(request, case, ["A closed case cannot be changed."], status=400)
    post, errors, outcome_before = request.POST, [], case.outcome
    for name, choices in _FIELDS.items():
        value = post.get(name, getattr(case, name))
        if value not in {*choices.values, ""} or (name == "referral" and not value):
            errors.append(f"{name.replace('_', ' ').capitalize()}: {value!r} is not one of the choices.")
        else:
            setattr(case, name, value)
    standards = post.getlist("standards")
    if any(s not in dict(STANDARDS) for s in standards):
        errors.append("Standards: choose from the ten Standards of Professional Behaviour.")
    else:
        case.standards = standards
    for name in ("referral_date", "investigation_started"):
        text = post.get(name, "").strip()
        try:
            setattr(case, name, date.fromisoformat(text) if text else None)
        except ValueError:
            errors.append(f"{name.replace('_', ' ').capitalize()}: {text!r} is not a date (YYYY-MM-DD).")
    case.referral_reason = post.get("referral_reason", case.referral_reason)
    case.lessons_learned = post.get("lessons_learned", case.lessons_learned)
    for flag in ("serious_corruption", "apsp", "criminal_referral", "pension_forfeiture_considered"):
        setattr(case, flag, post.get(flag) == "on")
    if errors:
        return _render_case(request, case, errors, status=400)
    if case.outcome != outcome_before:
        case.outcome_recorded_at = timezone.now() if case.outcome else None
    case.save()
    record(current_user(request), "change", "case", case.reference, "details updated")
    if case.outcome != outcome_before:
        # The learned ranking reads proven cases as outcomes (proven_case), once this change is committed.
        transaction.on_commit(lambda: publish_case_outcomes(upstander_settings.home()))
    return redirect("case", case_id=case.pk)


@login_required
@require_POST
def case_move(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _get_case_for_user(request, case_id)
    target = request.POST.get("stage", "")
    problems = (transition_problems(case, target) if target in Case.Stage.values
                else [f"{target!r} is not a stage."])
    if problems:
        return _render_case(request, case, problems, status=400)
    if target == Case.Stage.INVESTIGATION and case.investigation_started is None:
        case.investigation_started = date.today()
    previous, case.stage = case.stage, target
    case.save()
    record(current_user(request), "change", "case", case.reference, f"stage {previous} -> {target}")
    return redirect("case", case_id=case.pk)


@login_required
@require_POST
def case_engagement(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _get_case_for_user(request, case_id)
    kind, note = request.POST.get("kind", ""), request.POST.get("note", "").strip()
    if kind not in EngagementEntry.Kind.values or not note:
        return _render_case(request, case, ["Choose what kind of contact it was and write a note."], status=400)
    EngagementEntry.objects.create(case=case, kind=kind, note=note, by=current_user(request))
    record(current_user(request), "change", "case", case.reference, f"engagement: {kind}")
    return redirect("case", case_id=case.pk)


@login_required
@require_POST
def case_assign(request: HttpRequest, case_id: int) -> HttpResponse:
    """Add a colleague to the case (an investigator, the appropriate authority). Someone conflicted about the
    subject is refused by name, whoever asks: assignment can never open a case to them."""
    case = _get_case_for_user(request, case_id)
    username = request.POST.get("username", "").strip()
    colleague = User.objects.filter(username=username, is_active=True).first()
    if colleague is None:
        return _render_case(request, case, [f"There is no active account {username!r}."], status=400)
    if conflicted(colleague, case.subject_staff_id):
        record(current_user(request), "refuse", "case", case.reference, f"assignment of {username}: conflicted")
        return _render_case(request, case, [f"{username} cannot be assigned: they are the subject, in the "
                                            "subject's management chain or linked to the subject."], status=400)
    case.assigned.add(colleague)
    record(current_user(request), "change", "case", case.reference, f"assigned {username}")
    return redirect("case", case_id=case.pk)
