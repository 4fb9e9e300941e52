"""The unit's side of confidential reports: the list with obligations due, one report, its triage and
assignment, replies to the reporter, status and links, and attachments (reveals: `report_reveals`).

Need to know rests on everyone a report could be about: the staff record it is linked to and every candidate
matched from the reporter's description (`ReportSubject`). Anyone conflicted about any of them never sees it,
whatever their role, even if assigned. Until the ACU lead triages a report only the lead and the people the lead
assigns may open it; after triage the unit's triage roles may too. Every view and change is in the access log.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from upstander import settings as upstander_settings
from upstander.web.intelligence.access import visible_records
from upstander.web.models import StaffMember, User
from upstander.web.models.access_log import record
from upstander.web.need_to_know import conflicted, conflicted_about_any
from upstander.web.portal.access import is_lead, report_subjects, visible_reports
from upstander.web.portal.models import IdentityReveal, Report, ReportMessage
from upstander.web.portal.models.reports import ACKNOWLEDGE_WITHIN
from upstander.web.roles import Role
from upstander.web.sealing import unseal_bytes
from upstander.web.sync import publish_intelligence
from upstander.web.views.common import current_user, refuse

# Who the ACU lead may assign a report to (each still subject to need to know).
ASSIGNABLE_ROLES = frozenset({Role.ACU_LEAD, Role.ACU_ANALYST, Role.PSD_INVESTIGATOR, Role.APPROPRIATE_AUTHORITY})
_CONFLICT = ("they are someone the report could be about, in that person's management chain, or live at their "
             "address")


def _get_report_for_user(request: HttpRequest, report_id: int) -> Report:
    user = current_user(request)
    report = visible_reports(user).filter(pk=report_id).first()
    if report is None:
        refuse(user, "report", report_id)
    return report


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    # For anyone else the list opens only on a report they may see: opening on one they are assigned to but
    # conflicted about would tell them a report about their own circle exists.
    if not user.can_triage and not visible_reports(user).exists():
        refuse(user, "reports", "-")
    reports = list(visible_reports(user).order_by("-received_at")[:500])
    overdue = overdue_counts()
    names = dict(StaffMember.objects.filter(staff_id__in={r.subject_staff_id for r in reports})
                 .values_list("staff_id", "name"))
    for r in reports:
        r.subject_label = names.get(r.subject_staff_id, "")  # type: ignore[attr-defined]
    record(user, "view", "reports", "list")
    return render(request, "portal/reports/list.html", {"reports": reports, "overdue": overdue})


def render_report(request: HttpRequest, report: Report, errors: list[str] | None = None,
                  revealed: IdentityReveal | None = None, status: int = 200) -> HttpResponse:
    user = current_user(request)
    candidates = list(report.candidates.order_by("staff_id")[:50])
    names = dict(StaffMember.objects.filter(staff_id__in=[c.staff_id for c in candidates])
                 .values_list("staff_id", "name"))
    for c in candidates:
        c.name = names.get(c.staff_id, "")  # type: ignore[attr-defined]
    return render(request, "portal/reports/detail.html", {
        "report": report, "messages": report.messages.select_related("by"), "errors": errors or [],
        "attachments": report.attachments.defer("sealed"), "revealed": revealed, "is_lead": is_lead(user),
        "candidates": candidates, "candidate_count": report.candidates.count(),
        "reveals": report.reveals.select_related("by", "decided_by").order_by("at"),
        "statuses": Report.Status.choices,
        "subject": StaffMember.objects.filter(staff_id=report.subject_staff_id).first(),
        "intelligence": report.linked_intelligence.filter(pk__in=[r.pk for r in visible_records(user)]),
        "form": request.POST if errors else {},
    }, status=status)


@login_required
@require_GET
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _get_report_for_user(request, report_id)
    record(current_user(request), "view", "report", report.reference, report.subject_staff_id)
    return render_report(request, report)


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
        return render_report(request, report, errors, status=400)
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
    elif staff_id != report.subject_staff_id and staff_id and conflicted(user, staff_id):
        # Relinking is need-to-know checked too: nobody links a report to someone they are conflicted about.
        record(user, "refuse", "report", report.reference, f"link to {staff_id}: conflicted")
        return render_report(request, report, [f"You cannot link this report to {staff_id}: you are that person, "
                                               "in their management chain, or live at their address."], status=400)
    references = [r.strip() for r in f.get("intelligence", "").split(",") if r.strip()]
    mine = {r.reference: r for r in visible_records(user)}
    unknown = [r for r in references if r not in mine]
    if unknown:
        errors.append(f"No intelligence record you can see has the reference {unknown[0]!r}.")
    if errors:
        return render_report(request, report, errors, status=400)
    was = report.subject_staff_id
    with transaction.atomic():
        if status != report.status:  # retention of a closed report runs from its closing
            report.closed_at = timezone.now() if status == Report.Status.CLOSED else None
        report.status, report.subject_staff_id = status, staff_id
        report.save(update_fields=["status", "subject_staff_id", "closed_at"])
        report.linked_intelligence.add(*[mine[r] for r in references])
        link = f"linked to {staff_id or 'nobody'}" + (f" (was {was or 'nobody'})" if was != staff_id else "")
        record(user, "change", "report", report.reference,
               f"status {status}; {link}; intelligence {', '.join(references) or '-'}")
    publish_intelligence(upstander_settings.home())  # the risk matrix counts a linked report from now on
    return redirect("report", report_id=report.pk)


@login_required
@require_POST
def report_triage(request: HttpRequest, report_id: int) -> HttpResponse:
    """The ACU lead's triage: the report opens to the unit's triage roles (bar anyone conflicted)."""
    report = _get_report_for_user(request, report_id)
    user = current_user(request)
    if not is_lead(user):
        refuse(user, "report triage", report.reference)
    if report.triaged_at is None:
        report.triaged_at, report.triaged_by = timezone.now(), user
        report.save(update_fields=["triaged_at", "triaged_by"])
        record(user, "change", "report", report.reference, "triaged: open to the unit's analysts")
    return redirect("report", report_id=report.pk)


@login_required
@require_POST
def report_assign(request: HttpRequest, report_id: int) -> HttpResponse:
    """The ACU lead gives the report to a colleague. Anyone conflicted about anyone the report could be about is
    refused by name (and the refusal logged): assignment never opens a report to them."""
    report = _get_report_for_user(request, report_id)
    user = current_user(request)
    if not is_lead(user):
        refuse(user, "report assignment", report.reference)
    username = request.POST.get("username", "").strip()
    colleague = User.objects.filter(username=username, is_active=True).first()
    if colleague is None or colleague.role not in ASSIGNABLE_ROLES:
        return render_report(request, report, [
            f"There is no active account {username!r} in the unit, PSD or the appropriate authority."], status=400)
    if conflicted_about_any(colleague, report_subjects(report)):
        record(user, "refuse", "report", report.reference, f"assignment of {username}: conflicted")
        return render_report(request, report, [f"{username} cannot be assigned: {_CONFLICT}."], status=400)
    report.assigned.add(colleague)
    record(user, "change", "report", report.reference, f"assigned {username}")
    return redirect("report", report_id=report.pk)


@login_required
@require_GET
def report_attachment(request: HttpRequest, report_id: int, attachment_id: int) -> HttpResponse:
    report = _get_report_for_user(request, report_id)
    attachment = report.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        refuse(current_user(request), "report attachment", attachment_id)
    # The file's name is sealed in the report: the log gets the attachment's id, never its name.
    record(current_user(request), "view", "report attachment", report.reference, f"attachment {attachment.pk}")
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
