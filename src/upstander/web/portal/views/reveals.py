"""Revealing who made a report takes two people: one who may open the report asks, with a reason; a custodian
(the ACU lead or the appropriate authority) who is not the requester and is not conflicted about anyone the
report could be about approves or refuses, with a reason for a refusal. Only then, and once, is the identity
shown, to the requester alone. The request, the decision and the showing are each in the access log.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from upstander.web.models import User
from upstander.web.models.access_log import record
from upstander.web.need_to_know import conflicted_about_any
from upstander.web.portal.access import report_subjects, without_conflicts
from upstander.web.portal.models import IdentityReveal, Report
from upstander.web.portal.views.reports import _get_report_for_user, render_report
from upstander.web.roles import Role
from upstander.web.views.common import current_user, refuse

MIN_REVEAL_REASON = 20
# The custodians of reporters' identities: the second person of every reveal.
REVEAL_APPROVERS = frozenset({Role.ACU_LEAD, Role.APPROPRIATE_AUTHORITY})


def is_custodian(user: User) -> bool:
    return user.is_active and user.role in REVEAL_APPROVERS


def _nothing_to_reveal(report: Report) -> bool:
    return report.anonymous and report.route != Report.Route.PARTNER


@login_required
@require_POST
def report_reveal(request: HttpRequest, report_id: int) -> HttpResponse:
    """Ask for the reporter's identity: recorded with the reason, shown only once a custodian approves."""
    report = _get_report_for_user(request, report_id)
    user = current_user(request)
    reason = request.POST.get("reason", "").strip()
    if _nothing_to_reveal(report):
        return render_report(request, report, ["The reporter chose to stay anonymous: there is nothing to reveal."],
                             status=400)
    if len(reason) < MIN_REVEAL_REASON:
        return render_report(request, report, [
            f"Give the reason the reporter's identity is needed (at least {MIN_REVEAL_REASON} characters): "
            "it is recorded and a second person decides on it."], status=400)
    if report.reveals.filter(by=user, status=IdentityReveal.Status.PENDING).exists():
        return render_report(request, report, ["You have already asked; your request waits for a decision."],
                             status=400)
    asked = IdentityReveal.objects.create(report=report, by=user, reason=reason)
    record(user, "reveal request", "report", report.reference, f"request {asked.pk}: {reason[:200]}")
    return redirect("report", report_id=report.pk)


def _decidable(user: User) -> list[IdentityReveal]:
    """Requests waiting on a custodian: not their own, never about anyone they are conflicted on."""
    reports = without_conflicts(Report.objects.filter(reveals__status=IdentityReveal.Status.PENDING), user)
    return list(IdentityReveal.objects.filter(status=IdentityReveal.Status.PENDING, report__in=reports)
                .exclude(by=user).select_related("report", "by").order_by("at"))


@login_required
@require_GET
def reveal_requests(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not is_custodian(user):
        refuse(user, "reveal requests", "-")
    record(user, "view", "reveal requests", "list")
    return render(request, "portal/reports/reveals.html", {"pending": _decidable(user)})


def _get_request_for_custodian(request: HttpRequest, reveal_id: int) -> IdentityReveal:
    user = current_user(request)
    asked = IdentityReveal.objects.select_related("report", "by").filter(pk=reveal_id).first()
    if (asked is None or not is_custodian(user) or asked.by_id == user.pk
            or conflicted_about_any(user, report_subjects(asked.report))):
        refuse(user, "reveal request", reveal_id)
    return asked


@login_required
@require_POST
def reveal_decide(request: HttpRequest, reveal_id: int) -> HttpResponse:
    """A custodian approves or refuses a request (a refusal needs a reason the requester reads)."""
    asked = _get_request_for_custodian(request, reveal_id)
    user = current_user(request)
    decision, reason = request.POST.get("decision", ""), request.POST.get("reason", "").strip()
    errors = []
    if asked.status != IdentityReveal.Status.PENDING:
        errors.append(f"This request was already {asked.get_status_display().lower()}.")
    elif decision not in ("approve", "refuse"):
        errors.append("Choose whether to approve or refuse the request.")
    elif decision == "refuse" and len(reason) < MIN_REVEAL_REASON:
        errors.append(f"Give the reason for refusing (at least {MIN_REVEAL_REASON} characters): the requester "
                      "reads it.")
    if errors:
        return render(request, "portal/reports/reveals.html", {"pending": _decidable(user), "errors": errors},
                      status=400)
    status = IdentityReveal.Status.APPROVED if decision == "approve" else IdentityReveal.Status.REFUSED
    # Conditional on still pending, so two custodians deciding at once cannot both decide.
    if not IdentityReveal.objects.filter(pk=asked.pk, status=IdentityReveal.Status.PENDING).update(
            status=status, decided_by=user, decided_at=timezone.now(), decision_reason=reason):
        return render(request, "portal/reports/reveals.html", {
            "pending": _decidable(user), "errors": ["Someone else decided this request first."]}, status=400)
    asked.status = status
    record(user, "reveal decision", "report", asked.report.reference,
           f"request {asked.pk} by {asked.by.username} {asked.status}: {reason[:200]}")
    return redirect("reveal_requests")


@login_required
@require_POST
def reveal_show(request: HttpRequest, report_id: int, reveal_id: int) -> HttpResponse:
    """The identity, to the requester of an approved request, once, in this response only."""
    report = _get_report_for_user(request, report_id)
    user = current_user(request)
    asked = report.reveals.filter(pk=reveal_id, by=user).first()
    if asked is None:
        refuse(user, "reveal request", reveal_id)
    # Conditional, so that two requests at once cannot both show it.
    shown = IdentityReveal.objects.filter(pk=asked.pk, status=IdentityReveal.Status.APPROVED, shown_at=None).update(
        shown_at=timezone.now())
    if not shown:
        why = ("It is shown only once a second person approves the request." if asked.status !=
               IdentityReveal.Status.APPROVED else "It has already been shown once: ask again if it is needed again.")
        return render_report(request, report, [why], status=400)
    approver = asked.decided_by.username if asked.decided_by else "-"
    record(user, "reveal", "report", report.reference, f"request {asked.pk}, approved by {approver}")
    response = render_report(request, report, revealed=asked)
    response["Cache-Control"] = "no-store"
    return response
