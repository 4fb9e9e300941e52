"""The appropriate authority's oversight dashboard: force-wide counts that name nobody, and the cases this user
is assigned to that wait on a referral, severity or outcome decision. Oversight never widens need to know: a
case is listed by name only where the case page itself would open."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from upstander import settings as upstander_settings
from upstander.web.cases.access import visible_cases
from upstander.web.cases.models import Case
from upstander.web.cases.rules import report_due
from upstander.web.models.access_log import record
from upstander.web.products.fairness import MIN_GROUP, fairness
from upstander.web.products.obligations import count_obligations
from upstander.web.roles import Role
from upstander.web.views.common import current_user, refuse

OVERSIGHT_ROLES = frozenset({Role.APPROPRIATE_AUTHORITY, Role.ACU_LEAD})
S = Case.Stage


def _waiting_on(case: Case) -> str:
    """The decision a case is waiting on, in the appropriate authority's words; empty when none."""
    if case.stage == S.ASSESSMENT and case.referral == Case.Referral.PENDING:
        return "IOPC referral decision" + (" (must refer: abuse of position for a sexual purpose)" if case.apsp else "")
    if case.stage == S.INVESTIGATION and not case.severity:
        return "severity assessment"
    if case.stage == S.PROCEEDINGS and not case.outcome:
        return "outcome of the " + (Case.Proceedings(case.proceedings).label.lower() if case.proceedings
                                    else "proceedings")
    if case.stage == S.OUTCOME and len(case.lessons_learned.strip()) < 10:
        return "lessons learned, to close"
    return ""


@login_required
@require_GET
def oversight(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.role not in OVERSIGHT_ROLES:
        refuse(user, "oversight", "-")
    today = date.today()
    counts = count_obligations(today)
    open_cases = Case.objects.exclude(stage=S.CLOSED)
    by_stage = [(Case.Stage(r["stage"]).label, r["n"])
                for r in open_cases.values("stage").annotate(n=Count("id")).order_by("stage")]
    year_start = timezone.now().replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    outcomes = [(Case.Outcome(r["outcome"]).label, r["n"]) for r in
                Case.objects.filter(updated_at__gte=year_start).exclude(outcome="")
                .values("outcome").annotate(n=Count("id")).order_by("outcome")]
    mine = []
    for case in visible_cases(user).exclude(stage=S.CLOSED).order_by("opened_at"):
        if waiting := _waiting_on(case):
            mine.append({"case": case, "waiting": waiting, "days": (timezone.now() - case.opened_at).days,
                         "report_due": report_due(case)})
    record(user, "view", "oversight", "dashboard")
    return render(request, "products/oversight.html", {
        "counts": counts, "by_stage": by_stage, "outcomes": outcomes, "mine": mine, "today": today,
        "fairness": fairness(upstander_settings.home()), "min_group": MIN_GROUP,
    })
