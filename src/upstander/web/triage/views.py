"""Alert triage: the queue, one alert with its evidence, assignment, and a disposition with its reason."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from upstander import settings as upstander_settings
from upstander.detect.catalogue import CATEGORIES, load_detectors
from upstander.web.cases.opening import open_case_from_alert
from upstander.web.models import StaffMember, User
from upstander.web.models.access_log import record
from upstander.web.need_to_know import conflicted, conflicted_subjects
from upstander.web.roles import Role
from upstander.web.sync import publish_dispositions
from upstander.web.triage.evidence import comms_timeline, load_evidence, stay_map
from upstander.web.triage.models import Alert, Disposition
from upstander.web.views import params
from upstander.web.views.common import current_user, refuse

PAGE_SIZE = 50
RED_FLAGS = 12  # the red flags of the national counter-corruption guidance, numbered 1 to 12


def _visible_alerts(user: User) -> QuerySet[Alert]:
    """Alerts this user may see: none unless they triage, and never one about someone they are conflicted on."""
    if not user.can_triage:
        return Alert.objects.none()
    return Alert.objects.exclude(subject_staff_id__in=conflicted_subjects(user))


def _get_alert_for_user(request: HttpRequest, alert_id: int) -> Alert:
    """The alert, or 404 (never 403: a refusal must not confirm that a record about someone exists)."""
    user = current_user(request)
    alert = Alert.objects.select_related("assigned_to").filter(pk=alert_id).first()
    if alert is None or not user.can_triage or conflicted(user, alert.subject_staff_id):
        refuse(user, "alert", alert_id)
    return alert


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return redirect("queue") if current_user(request).can_triage else render(request, "triage/home.html")


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not user.can_triage:
        refuse(user, "queue", "-")
    f = request.GET
    status = f.get("status", "open")
    try:
        flag = params.whole_number(f.get("red_flag"), "Red flag", 1, RED_FLAGS)
        min_score = params.number(f.get("min_score"), "Score at least", 0, 1_000_000)
        age = params.whole_number(f.get("max_age_days"), "Raised within (days)", 0, 36_500)
        page_number = params.whole_number(f.get("page"), "Page", 1, 1_000_000) or 1
    except params.BadParameter as bad:
        return _render_queue(request, Alert.objects.none(), status, error=str(bad))
    alerts = _visible_alerts(user)
    if status == "open":
        alerts = alerts.exclude(status=Alert.Status.DISPOSED)
    elif status in Alert.Status.values:
        alerts = alerts.filter(status=status)
    if flag is not None:
        # JSON containment is not portable across SQLite and PostgreSQL; the detector ids per flag are.
        alerts = alerts.filter(detector_id__in=[d.id for d in load_detectors() if flag in d.red_flags])
    if (category := f.get("category", "")) in CATEGORIES:
        alerts = alerts.filter(category=category)
    if team := f.get("team", "").strip():
        alerts = alerts.filter(subject_team_id=team)
    if min_score is not None:
        alerts = alerts.filter(score__gte=min_score)
    if age is not None:
        alerts = alerts.filter(alerted_at__gte=timezone.now() - timedelta(days=age))
    if f.get("mine") == "1":
        alerts = alerts.filter(assigned_to=user)
    return _render_queue(request, alerts, status, page_number)


def _render_queue(request: HttpRequest, alerts: QuerySet[Alert], status: str, page_number: int = 1,
                  error: str = "") -> HttpResponse:
    f = request.GET
    order = "-alerted_at" if f.get("order") == "newest" else "-score"
    # Past the last page shows the last page: the queue shrinks as alerts are disposed of.
    page = Paginator(alerts.select_related("assigned_to").order_by(order, "id"), PAGE_SIZE).get_page(page_number)
    names = dict(StaffMember.objects.filter(staff_id__in=[a.subject_staff_id for a in page])
                 .values_list("staff_id", "name"))
    for a in page:
        a.subject_name = names.get(a.subject_staff_id, "")  # type: ignore[attr-defined]
    # htmx asks for the results alone when a filter changes; a plain request (no JavaScript) gets the whole page.
    template = "triage/_queue_results.html" if request.htmx else "triage/queue.html"
    response = render(request, template, {
        "page": page, "filters": f, "categories": CATEGORIES, "red_flags": range(1, RED_FLAGS + 1),
        "status": status, "error": error,
    }, status=400 if error else 200)
    patch_vary_headers(response, ["HX-Request"])  # the two forms of the page must never be cached as one
    return response


@login_required
@require_GET
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = _get_alert_for_user(request, alert_id)
    record(current_user(request), "view", "alert", alert.alert_id, alert.subject_staff_id)
    return _render_alert(request, alert)


def _render_alert(request: HttpRequest, alert: Alert, errors: list[str] | None = None,
                  status: int = 200) -> HttpResponse:
    """The alert page: the detector's own reading, the evidence from the lake, and the decision form (with the
    reviewer's typing kept when a decision is refused)."""
    detector = next((d for d in load_detectors() if d.id == alert.detector_id), None)
    evidence = load_evidence(upstander_settings.home(), alert.evidence)
    return render(request, "triage/alert.html", {
        "alert": alert, "detector": detector, "evidence": evidence, "stays": stay_map(evidence.stays),
        "timeline": comms_timeline(evidence), "outcomes": Disposition.Outcome.choices,
        "subject": StaffMember.objects.filter(staff_id=alert.subject_staff_id).first(),
        "disposition": Disposition.objects.filter(alert=alert).select_related("decided_by").first(),
        "errors": errors or [], "form": request.POST if errors else {},
    }, status=status)


@login_required
@require_POST
def assign(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Take the alert, or (the ACU lead) give it to an analyst who works alerts and is not conflicted."""
    alert = _get_alert_for_user(request, alert_id)
    user = current_user(request)
    username = request.POST.get("username", "").strip()
    target = user
    if username and username != user.username:
        target = User.objects.filter(username=username, is_active=True).first()  # type: ignore[assignment]
        problem = ("Only the ACU lead gives alerts to others." if user.role != Role.ACU_LEAD
                   else f"There is no active account {username!r}." if target is None
                   else f"{username} does not work the alert queue." if not target.can_triage
                   else f"{username} cannot be given this alert: they are linked to its subject."
                   if conflicted(target, alert.subject_staff_id) else "")
        if problem:
            return HttpResponse(problem, status=400, content_type="text/plain; charset=utf-8")
    if alert.status != Alert.Status.DISPOSED:
        alert.assigned_to, alert.status = target, Alert.Status.ASSIGNED
        alert.save(update_fields=["assigned_to", "status", "updated_at"])
        record(user, "change", "alert", alert.alert_id, f"assigned to {target.username}")
    return redirect("alert", alert_id=alert.pk)


@login_required
@require_POST
def dispose(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = _get_alert_for_user(request, alert_id)
    outcome = request.POST.get("outcome", "")
    reason = request.POST.get("reason", "").strip()
    errors = []
    if outcome not in Disposition.Outcome.values:
        errors.append("Choose what should happen to this alert.")
    if len(reason) < 10:
        errors.append("Give the reason for this decision (at least a sentence): it is read at review.")
    if alert.status == Alert.Status.DISPOSED:
        errors.append("This alert has already been disposed of.")
    if errors:
        return _render_alert(request, alert, errors, status=400)
    with transaction.atomic():
        Disposition.objects.create(alert=alert, outcome=outcome, reason=reason, decided_by=current_user(request))
        # The learned ranking reads dispositions as outcomes (case_opened), once this decision is committed.
        transaction.on_commit(lambda: publish_dispositions(upstander_settings.home()))
        alert.status = Alert.Status.DISPOSED
        alert.save(update_fields=["status", "updated_at"])
        record(current_user(request), "change", "alert", alert.alert_id, f"disposed: {outcome}")
        if outcome == Disposition.Outcome.OPEN_CASE:
            case = open_case_from_alert(alert, current_user(request))
            return redirect("case", case_id=case.pk)
    return redirect("queue")


@login_required
@require_GET
def detector_stats(request: HttpRequest) -> HttpResponse:
    """Per detector: alerts, and how analysts disposed of them; the share judged false positives."""
    user = current_user(request)
    if not user.can_triage:
        raise Http404("No such page")
    rows = (_visible_alerts(user).values("detector_id").annotate(
        alerts=Count("id"),
        disposed=Count("disposition"),
        false_positive=Count("disposition", filter=Q(disposition__outcome=Disposition.Outcome.FALSE_POSITIVE)),
        cases=Count("disposition", filter=Q(disposition__outcome=Disposition.Outcome.OPEN_CASE)),
        intelligence=Count("disposition", filter=Q(disposition__outcome=Disposition.Outcome.DEVELOP_INTELLIGENCE)),
    ).order_by("detector_id"))
    table = [{**r, "fp_share": (r["false_positive"] / r["disposed"]) if r["disposed"] else None} for r in rows]
    return render(request, "triage/stats.html", {"rows": table, "idle": settings.IDLE_TIMEOUT_SECONDS})
