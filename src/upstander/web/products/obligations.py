"""The force's reporting and case obligations, counted force-wide and naming nobody: the oversight dashboard
shows them and the daily job (`upstander run`) checks them, so both always say the same."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from upstander.web.cases.models import Case
from upstander.web.cases.rules import REPORT_AFTER
from upstander.web.prevention.models import DECISION_DUE_DAYS, Declaration

S = Case.Stage
# The counts that breach an obligation, in the words the daily summary uses.
BREACHES = {
    "apsp_unreferred": "abuse-of-position cases not yet referred to the IOPC",
    "past_twelve_months": "investigations past twelve months (report owed)",
    "reports_unacknowledged": "confidential reports not acknowledged in 7 days",
    "reports_without_feedback": "confidential reports without feedback after 3 months",
    "declarations_overdue": f"declarations overdue a vetting decision ({DECISION_DUE_DAYS} days)",
}


@dataclass(frozen=True)
class Obligations:
    open_cases: int
    open_apsp: int
    referral_pending: int
    apsp_unreferred: int  # abuse of position for a sexual purpose must always be referred to the IOPC
    past_twelve_months: int  # investigations that owe a report
    reports_unacknowledged: int
    reports_without_feedback: int
    declarations_overdue: int

    def overdue(self) -> dict[str, int]:
        """The counts that are breaches of an obligation (not just work in hand), non-zero only."""
        return {k: getattr(self, k) for k in BREACHES if getattr(self, k)}

    def to_json(self) -> dict[str, int]:
        return asdict(self)


def count_obligations(today: date | None = None) -> Obligations:
    from upstander.web.portal.views.reports import overdue_counts

    today = today or timezone.localdate()
    counts = Case.objects.exclude(stage=S.CLOSED).aggregate(
        n_total=Count("id"), n_apsp=Count("id", filter=Q(apsp=True)),
        n_referral_pending=Count("id", filter=Q(referral=Case.Referral.PENDING)),
        n_apsp_unreferred=Count("id", filter=Q(apsp=True) & ~Q(referral=Case.Referral.REFER)),
        n_past_twelve_months=Count("id", filter=Q(stage=S.INVESTIGATION,
                                                investigation_started__lte=today - REPORT_AFTER)))
    declarations = Declaration.objects.filter(
        decision=Declaration.Decision.PENDING,
        declared_at__lt=timezone.now() - timedelta(days=DECISION_DUE_DAYS)).count()
    reports = overdue_counts()
    return Obligations(open_cases=counts["n_total"], open_apsp=counts["n_apsp"],
                       referral_pending=counts["n_referral_pending"], apsp_unreferred=counts["n_apsp_unreferred"],
                       past_twelve_months=counts["n_past_twelve_months"],
                       reports_unacknowledged=reports["acknowledgement"], reports_without_feedback=reports["feedback"],
                       declarations_overdue=declarations)
