"""The person view: one page for one member of staff, for those who work alerts and never for anyone
conflicted about them. Contact review runs only when asked for (it reads a year of their records)."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from upstander import settings as upstander_settings
from upstander.risk import watchlist
from upstander.risk.contact_review import contact_review
from upstander.risk.matrix import risk_matrix
from upstander.web.cases.access import visible_cases
from upstander.web.intelligence import ranking
from upstander.web.intelligence.access import visible_records
from upstander.web.lake_cache import lake_cursor
from upstander.web.models import StaffMember
from upstander.web.models.access_log import record
from upstander.web.need_to_know import conflicted
from upstander.web.portal.access import visible_reports
from upstander.web.prevention.models import Declaration
from upstander.web.templatetags.upstander_tags import detector_name
from upstander.web.triage.models import Alert
from upstander.web.views.common import current_user, refuse


def _get_staff_for_user(request: HttpRequest, staff_id: str) -> StaffMember:
    user = current_user(request)
    member = StaffMember.objects.filter(staff_id=staff_id).first()
    if member is None or not user.can_triage or conflicted(user, staff_id):
        refuse(user, "person", staff_id)
    return member


# The contract's complaint outcomes as a person reads them.
_OUTCOME_WORDS = {"pending": "not yet decided", "no_further_action": "no further action",
                  "service_acceptable": "service acceptable", "service_not_acceptable": "service not acceptable",
                  "upheld": "upheld", "withdrawn": "withdrawn", "unknown": "outcome not known"}


def _complaints(con: duckdb.DuckDBPyConnection, staff_id: str) -> list[tuple[str, datetime, str, str]]:
    """(complaint id, received as an aware time, allegation in words, outcome in words), oldest first."""
    rows = con.execute("""SELECT complaint_id, received, allegation, coalesce(outcome, 'pending')
                          FROM complaints WHERE subject_staff_id = ? ORDER BY received""", [staff_id]).fetchall()
    return [(cid, _aware(received), str(allegation or "other").replace("_", " "),
             _OUTCOME_WORDS.get(str(outcome), str(outcome).replace("_", " ")))
            for cid, received, allegation, outcome in rows]


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@login_required
@require_GET
def person(request: HttpRequest, staff_id: str) -> HttpResponse:
    member = _get_staff_for_user(request, staff_id)
    user = current_user(request)
    record(user, "view", "person", staff_id)
    home = upstander_settings.home()
    lake = lake_cursor(home)
    risk = next(iter(risk_matrix(home, only=[staff_id], con=lake)), None)
    ranked = ranking.current(home)
    standing = ranked.by_id.get(staff_id)
    alerts = Alert.objects.filter(subject_staff_id=staff_id).order_by("-alerted_at")
    intel = visible_records(user, about=staff_id)
    cases = visible_cases(user).filter(subject_staff_id=staff_id)
    complaints = _complaints(lake, staff_id)
    declarations = Declaration.objects.filter(staff_id=staff_id)
    reports = visible_reports(user).filter(subject_staff_id=staff_id).order_by("-received_at")
    timeline = sorted(
        [(a.alerted_at, "alert", f"{detector_name(a.detector_id)}: {a.summary}") for a in alerts]
        + [(r.received_at, "intelligence", f"{r.reference} ({r.grading}, {r.get_category_display()})")
           for r in intel]
        + [(c[1], "complaint", f"{c[0]}: {c[2]} ({c[3]})") for c in complaints]
        + [(c.opened_at, "case", f"{c.reference} opened") for c in cases]
        + [(r.received_at, "confidential report", f"{r.reference} ({r.get_route_display().lower()})")
           for r in reports]
        + [(d.declared_at, "declaration",
            f"{d.reference} {d.get_kind_display().lower()} ({d.get_decision_display().lower()})")
           for d in declarations],
        key=lambda entry: entry[0], reverse=True)
    watch = next((w for w in watchlist.entries(home) if w.staff_id == staff_id), None)
    return render(request, "intelligence/person.html", {
        "member": member, "risk": risk, "ranking": ranked, "standing": standing,
        "standing_percent": round(100 * standing.score) if standing and ranked.learned else None,
        "alerts": alerts, "intel": intel, "cases": cases, "complaints": complaints,
        "declarations": declarations, "reports": reports,
        "timeline": timeline, "watch": watch, "audits": watchlist.audits(home, staff_id) if watch else [],
    })


@login_required
@require_GET
def person_contacts(request: HttpRequest, staff_id: str) -> HttpResponse:
    member = _get_staff_for_user(request, staff_id)
    record(current_user(request), "view", "contact_review", staff_id)
    rows = contact_review(upstander_settings.home(), staff_id)[:100]
    # htmx puts the table into the person view; without JavaScript the link opens it as a page of its own.
    template = "intelligence/_contact_review.html" if request.htmx else "intelligence/person_contacts.html"
    response = render(request, template, {"member": member, "rows": rows})
    patch_vary_headers(response, ["HX-Request"])
    return response
