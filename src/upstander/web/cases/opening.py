"""Opening a case from an alert: its reference, its first assignee and the access-log line, in one transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from upstander.web.cases.models import Case
from upstander.web.models import User
from upstander.web.models.access_log import record
from upstander.web.triage.models import Alert


def open_case_from_alert(alert: Alert, user: User) -> Case:
    year = timezone.now().year
    with transaction.atomic():
        n = Case.objects.filter(reference__startswith=f"UPS-{year}-").count() + 1
        case = Case.objects.create(reference=f"UPS-{year}-{n:05d}", title=alert.summary[:200] or alert.detector_id,
                                   subject_staff_id=alert.subject_staff_id, opened_by=user, source_alert=alert,
                                   apsp=alert.category == "sexual_misconduct")
        case.assigned.add(user)
        record(user, "change", "case", case.reference, f"opened from alert {alert.alert_id}")
    return case
