"""Which reports a user may see: the ACU lead every one, triage roles the triaged ones, anyone the ones assigned
to them; never one about anyone they are conflicted on."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from upstander.web.models import User
from upstander.web.need_to_know import conflicted_subjects
from upstander.web.portal.models import Report
from upstander.web.roles import Role


def is_lead(user: User) -> bool:
    return user.is_active and user.role == Role.ACU_LEAD


def report_subjects(report: Report) -> set[str]:
    """Everyone the report could be about: its linked staff record and every candidate."""
    found = set(report.candidates.values_list("staff_id", flat=True))
    return found | {report.subject_staff_id} if report.subject_staff_id else found


def without_conflicts(reports: QuerySet[Report], user: User) -> QuerySet[Report]:
    blocked = conflicted_subjects(user)
    return reports.exclude(subject_staff_id__in=blocked).exclude(candidates__staff_id__in=blocked)


def visible_reports(user: User) -> QuerySet[Report]:
    """The reports this user may open, in one query: the lead every one, triage roles the triaged ones, anyone
    the ones assigned to them; never one about anyone they are conflicted on."""
    if is_lead(user):
        reports = Report.objects.all()
    elif user.can_triage:
        reports = Report.objects.filter(Q(triaged_at__isnull=False) | Q(assigned=user))
    else:
        reports = Report.objects.filter(assigned=user)
    return without_conflicts(reports, user).distinct()
