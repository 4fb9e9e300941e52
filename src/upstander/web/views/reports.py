"""The unit's side of confidential reports: the list with obligations due, one report, replies to the reporter,
status and links, attachments, and a recorded reveal of who the reporter is.

Reports are for those who work the unit's triage (and anyone assigned), never for anyone conflicted about the
member of staff a report is linked to. Before a report is linked, it is also kept from anyone it names by their
own name or collar number. Every view and change is in the access log; identity is shown only in the response
to a reveal with a reason.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from upstander import settings as upstander_settings
from upstander.web.models import IdentityReveal, Report, ReportMessage, StaffMember, User
from upstander.web.models.access_log import record
from upstander.web.models.reports import ACKNOWLEDGE_WITHIN
from upstander.web.need_to_know import conflicted, conflicted_subjects
from upstander.web.reporting.sealing import unseal_bytes
from upstander.web.sync import publish_intelligence
from upstander.web.views.common import current_user, refuse
from upstander.web.views.intelligence import visible_records

MIN_REVEAL_REASON = 20


def _names_user(report: Report, user: User) -> bool:
    """Whether an unlinked report names this user, by their name or collar number, as the person reported."""
    me = StaffMember.objects.filter(staff_id=user.staff_id).first() if user.staff_id else None
    if me is None:
        return False
    collar = "".join(c for c in report.subject_collar if c.isdigit())
    return bool((me.collar_number and collar == me.collar_number)
                or (me.name and me.name.lower() in report.subject_name.lower()))


def visible_reports(user: User) -> QuerySet[Report]:
    reports = Report.objects.all() if user.can_triage else Report.objects.filter(assigned=user)
    return reports.exclude(subject_staff_id__in=conflicted_subjects(user) - {""}).distinct()


def _get_report_for_user(request: HttpRequest, report_id: int) -> Report:
    user = current_user(request)
    report = Report.objects.filter(pk=report_id).first()
    allowed = report is not None and (user.can_triage or report.assigned.filter(pk=user.pk).exists())
    if (report is None or not allowed or (report.subject_staff_id and conflicted(user, report.subject_staff_id))
            or (not report.subject_staff_id and _names_user(report, user))):
        refuse(user, "report", report_id)
    return report


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.can_triage and not Report.objects.filter(assigned=user).exists():
        refuse(user, "reports", "-")
    reports = [r for r in visible_reports(user).order_by("-received_at")[:500]
               if r.subject_staff_id or not _names_user(r, user)]
    overdue = overdue_counts()
    names = dict(StaffMember.objects.filter(staff_id__in={r.subject_staff_id for r in reports})
                 .values_list("staff_id", "name"))
    for r in reports:
        r.subject_label = names.get(r.subject_staff_id, "")  # type: ignore[attr-defined]
    record(user, "view", "reports", "list")
    return render(request, "web/reports/list.html", {"reports": reports, "overdue": overdue})


def _render_report(request: HttpRequest, report: Report, errors: list[str] | None = None,
                   revealed: IdentityReveal | None = None, status: int = 200) -> HttpResponse:
    user = current_user(request)
    return render(request, "web/reports/detail.html", {
        "report": report, "messages": report.messages.select_related("by"), "errors": errors or [],
        "attachments": report.attachments.defer("sealed"), "revealed": revealed,
        "reveals": report.reveals.select_related("by").order_by("at"), "statuses": Report.Status.choices,
        "subject": StaffMember.objects.filter(staff_id=report.subject_staff_id).first(),
        "intelligence": report.linked_intelligence.filter(pk__in=[r.pk for r in visible_records(user)]),
        "form": request.POST if errors else {},
    }, status=status)


@login_required
@require_GET
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _get_report_for_user(request, report_id)
    record(current_user(request), "view", "report", report.reference, report.subject_staff_id)
    return _render_report(request, report)


@login_required
@require_POST
def report_reply(request: HttpRequest, report_id: int) -> HttpResponse:
    """A message to the reporter. The unit's first message acknowledges the report; one marked as feedback
    meets the three-month feedback obligation."""
    report = _get_report_for_user(request, report_id)
    user = current_user(request)
    body = request.POST.get("body", "").strip()
    kind = request.POST.get("kind", "update")
    errors = []
    if len(body) < 10:
        errors.append("Write the message to the reporter (at least a sentence).")
    if kind not in ("update", "feedback"):
        errors.append("Choose whether the message is an update or feedback.")
    if errors:
        return _render_report(request, report, errors, status=400)
    now = timezone.now()
    with transaction.atomic():
        counts_as = "acknowledgement" if report.acknowledged_at is None else ""
        if kind == "feedback":
            counts_as = "feedback" if not counts_as else "acknowledgement and feedback"
        ReportMessage.objects.create(report=report, sender=ReportMessage.Sender.UNIT, body=body, by=user,
                                     counts_as=counts_as)
        if report.acknowledged_at is None:
            report.acknowledged_at = now
            if report.status == Report.Status.RECEIVED:
                report.status = Report.Status.ACKNOWLEDGED
        if kind == "feedback" and report.feedback_at is None:
            report.feedback_at = now
        report.save(update_fields=["acknowledged_at", "feedback_at", "status"])
        record(user, "change", "report", report.reference, f"message to the reporter ({kind})")
    return redirect("report", report_id=report.pk)


@login_required
@require_POST
def report_update(request: HttpRequest, report_id: int) -> HttpResponse:
    """Status, the staff record the report is about, and intelligence it joins."""
    report = _get_report_for_user(request, report_id)
    user = current_user(request)
    f = request.POST
    errors = []
    status = f.get("status", report.status)
    if status not in Report.Status.values:
        errors.append("Choose a status from the list.")
    staff_id = f.get("subject_staff_id", report.subject_staff_id).strip()
    if staff_id and not StaffMember.objects.filter(staff_id=staff_id).exists():
        errors.append(f"There is no member of staff {staff_id!r} in the directory.")
    references = [r.strip() for r in f.get("intelligence", "").split(",") if r.strip()]
    mine = {r.reference: r for r in visible_records(user)}
    unknown = [r for r in references if r not in mine]
    if unknown:
        errors.append(f"No intelligence record you can see has the reference {unknown[0]!r}.")
    if errors:
        return _render_report(request, report, errors, status=400)
    with transaction.atomic():
        report.status, report.subject_staff_id = status, staff_id
        report.save(update_fields=["status", "subject_staff_id"])
        report.linked_intelligence.add(*[mine[r] for r in references])
        record(user, "change", "report", report.reference,
               f"status {status}; linked to {staff_id or 'nobody'}; intelligence {', '.join(references) or '-'}")
    publish_intelligence(upstander_settings.home())  # the risk matrix counts a linked report from now on
    if staff_id and conflicted(user, staff_id):
        return redirect("reports")  # linked to someone this user is conflicted about: it is no longer theirs to see
    return redirect("report", report_id=report.pk)


@login_required
@require_POST
def report_reveal(request: HttpRequest, report_id: int) -> HttpResponse:
    """Show who made the report, for this response only, after recording who asked and why."""
    report = _get_report_for_user(request, report_id)
    user = current_user(request)
    reason = request.POST.get("reason", "").strip()
    if len(reason) < MIN_REVEAL_REASON:
        return _render_report(request, report, [
            f"Give the reason the reporter's identity is needed (at least {MIN_REVEAL_REASON} characters): "
            "it is recorded and reviewed."], status=400)
    reveal = IdentityReveal.objects.create(report=report, by=user, reason=reason)
    record(user, "reveal", "report", report.reference, reason[:200])
    response = _render_report(request, report, revealed=reveal)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def report_attachment(request: HttpRequest, report_id: int, attachment_id: int) -> HttpResponse:
    report = _get_report_for_user(request, report_id)
    attachment = report.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        refuse(current_user(request), "report attachment", attachment_id)
    record(current_user(request), "view", "report attachment", report.reference, attachment.filename)
    data = unseal_bytes(bytes(attachment.sealed), purpose="report_attachment.data")
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.filename}"'
    response["Cache-Control"] = "no-store"
    return response


def overdue_counts() -> dict[str, int]:
    """For the unit's dashboards: open reports past their acknowledgement or feedback date (force-wide numbers,
    naming nobody)."""
    now = timezone.now()
    open_reports = Report.objects.exclude(status=Report.Status.CLOSED)
    unanswered = open_reports.filter(feedback_at=None).only("received_at", "status", "feedback_at")
    return {"acknowledgement": open_reports.filter(acknowledged_at=None,
                                                   received_at__lt=now - ACKNOWLEDGE_WITHIN).count(),
            "feedback": sum(r.feedback_overdue for r in unanswered)}
