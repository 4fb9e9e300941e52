"""Confidential reports past their period after closing, deleted with everything hanging off them.

A closed report is due once `closed_at` is older than the period, unless something still depends on it:
- a case that is not closed about a member of staff the report is linked to (its staff record, or the staff of
  an intelligence record it joins): the report may be evidence in it;
- a request to reveal the reporter that is undecided, or approved but not yet shown to the requester.
Those are kept and counted as held; they fall due on the first run after the case closes or the request ends.

A report goes in one transaction with its messages, attachments (the sealed files are stored in the database,
not on disk: deleting the rows deletes them), reveal decisions, possible subjects and portal follow-up sessions.
On SQLite, secure_delete is switched on for that transaction, so the deleted pages are overwritten rather than
left in the file. Afterwards the risk matrix's copy of reports (the store's intelligence table) is republished.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import connection, transaction

from upstander.retention.policy import CLOSED_REPORTS, Policy
from upstander.retention.summary import KindResult
from upstander.web.cases.models import Case
from upstander.web.models.access_log import record
from upstander.web.portal.models import IdentityReveal, Report, ReportAttachment, ReportMessage
from upstander.web.sync import publish_intelligence

KIND = "confidential reports after closing"


def _blocked_by_case(reports: list[Report]) -> set[int]:
    open_subjects = set(Case.objects.exclude(stage=Case.Stage.CLOSED).values_list("subject_staff_id", flat=True))
    blocked = set()
    for report in reports:
        linked = {report.subject_staff_id} | {s for r in report.linked_intelligence.all() for s in r.staff_ids}
        if (linked - {""}) & open_subjects:
            blocked.add(report.pk)
    return blocked


def _blocked_by_reveal(reports: list[Report]) -> set[int]:
    waiting = IdentityReveal.objects.filter(report__in=reports).filter(
        status=IdentityReveal.Status.PENDING) | IdentityReveal.objects.filter(
        report__in=reports, status=IdentityReveal.Status.APPROVED, shown_at=None)
    return set(waiting.values_list("report_id", flat=True))


def run(home: Path, policy: Policy, apply: bool, actor: Any) -> KindResult:
    cutoff = policy.cutoff(CLOSED_REPORTS)
    result = KindResult(KIND, CLOSED_REPORTS, policy.days[CLOSED_REPORTS], cutoff, "reports")
    past = list(Report.objects.filter(status=Report.Status.CLOSED, closed_at__lt=cutoff)
                .prefetch_related("linked_intelligence").order_by("closed_at", "pk"))
    by_case, by_reveal = _blocked_by_case(past), _blocked_by_reveal(past)
    due = [r for r in past if r.pk not in by_case | by_reveal]
    result.held = len(past) - len(due)
    reasons = [why for why, ids in (("a case that is not closed is about the staff they are linked to", by_case),
                                    ("a request to reveal the reporter is still open", by_reveal)) if ids]
    result.held_because = "; ".join(reasons)
    result.due = len(due)
    result.oldest = due[0].closed_at if due else None
    result.deleted_what = f"reports {', '.join(r.reference for r in due)}" if due else ""
    if not apply or not due:
        return result
    ids = [r.pk for r in due]
    with transaction.atomic():
        if connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute("PRAGMA secure_delete = ON")  # deleted content overwritten, not left in free pages
        messages = ReportMessage.objects.filter(report_id__in=ids).delete()[0]
        attachments = ReportAttachment.objects.filter(report_id__in=ids).delete()[0]
        IdentityReveal.objects.filter(report_id__in=ids).delete()
        Report.objects.filter(pk__in=ids).delete()  # possible subjects, links and portal sessions go with it
        record(actor, "change", "retention", "reports",
               f"deleted {len(ids):,} reports closed before {cutoff.isoformat()}, with {messages:,} messages and "
               f"{attachments:,} attachments: {result.deleted_what}")
    publish_intelligence(home)
    result.deleted = len(due)
    return result
