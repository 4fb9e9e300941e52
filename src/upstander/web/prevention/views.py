"""Declarations: a member of staff declares for themselves; the vetting unit decides, never on anyone it is
conflicted about; the vetting dashboard shows what is waiting, what is overdue and what was declined."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from upstander import settings as upstander_settings
from upstander.web.models import StaffMember, User
from upstander.web.models.access_log import record
from upstander.web.need_to_know import conflicted, conflicted_subjects
from upstander.web.prevention.models import DECISION_DUE_DAYS, Declaration
from upstander.web.roles import Role
from upstander.web.sync import publish_declarations
from upstander.web.views.common import current_user, refuse

VETTING_ROLES = frozenset({Role.VETTING_OFFICER, Role.ACU_LEAD})
# A declined interest of these kinds that carries on is the red flag the prevention strand names.
WATCHED_DECLINES = (Declaration.Kind.BUSINESS, Declaration.Kind.SECONDARY, Declaration.Kind.ASSOCIATION)
MIN_DETAIL = 20


def visible_declarations(user: User) -> object:
    """Declarations the vetting unit may see: none for other roles, never one about someone they are conflicted on."""
    if user.role not in VETTING_ROLES:
        return Declaration.objects.none()
    return Declaration.objects.exclude(staff_id__in=conflicted_subjects(user))


def _get_declaration_for_user(request: HttpRequest, declaration_id: int) -> Declaration:
    user = current_user(request)
    declaration = Declaration.objects.filter(pk=declaration_id).first()
    if declaration is None or user.role not in VETTING_ROLES or conflicted(user, declaration.staff_id):
        refuse(user, "declaration", declaration_id)
    return declaration


def _next_reference() -> str:
    year = timezone.now().year
    n = Declaration.objects.filter(reference__startswith=f"DEC-{year}-").count() + 1
    return f"DEC-{year}-{n:05d}"


@login_required
@require_http_methods(["GET", "POST"])
def my_declarations(request: HttpRequest) -> HttpResponse:
    """The signed-in member of staff's own declarations, and a form to make one (kept as typed when refused)."""
    user = current_user(request)
    errors: list[str] = []
    if not user.staff_id:
        errors.append("Your account is not linked to a staff record, so it cannot make declarations.")
    if request.method == "POST" and not errors:
        kind = request.POST.get("kind", "")
        detail = request.POST.get("detail", "").strip()
        if kind not in Declaration.Kind.values:
            errors.append("Choose what you are declaring.")
        if len(detail) < MIN_DETAIL:
            errors.append(f"Describe what you are declaring in at least {MIN_DETAIL} characters: who or what, "
                          "since when, and how it touches your work.")
        if not errors:
            with transaction.atomic():
                declaration = Declaration.objects.create(reference=_next_reference(), staff_id=user.staff_id,
                                                         kind=kind, detail=detail, declared_by=user)
                record(user, "change", "declaration", declaration.reference, "declared")
            return redirect("my_declarations")
    mine = Declaration.objects.filter(staff_id=user.staff_id) if user.staff_id else Declaration.objects.none()
    return render(request, "prevention/mine.html", {
        "declarations": mine, "kinds": Declaration.Kind.choices, "errors": errors,
        "form": request.POST if errors else {},
    }, status=400 if errors and request.method == "POST" else 200)


@login_required
@require_GET
def vetting_dashboard(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.role not in VETTING_ROLES:
        refuse(user, "vetting", "-")
    seen = visible_declarations(user)
    pending = list(seen.filter(decision=Declaration.Decision.PENDING).order_by("declared_at"))
    declined = list(seen.filter(decision=Declaration.Decision.DECLINED, kind__in=WATCHED_DECLINES)
                    .order_by("-decided_at")[:50])
    names = dict(StaffMember.objects.filter(staff_id__in={d.staff_id for d in pending + declined})
                 .values_list("staff_id", "name"))
    for d in pending + declined:
        d.staff_name = names.get(d.staff_id, "")  # type: ignore[attr-defined]
    by_kind = seen.values("kind").annotate(n=Count("id")).order_by("kind")
    record(user, "view", "vetting", "dashboard")
    return render(request, "prevention/vetting.html", {
        "pending": pending, "overdue": sum(d.overdue for d in pending), "declined": declined,
        "by_kind": [(Declaration.Kind(k["kind"]).label, k["n"]) for k in by_kind], "due_days": DECISION_DUE_DAYS,
    })


@login_required
@require_http_methods(["GET", "POST"])
def declaration_detail(request: HttpRequest, declaration_id: int) -> HttpResponse:
    """One declaration and the decision on it: a reason always, conditions when approved with conditions."""
    declaration = _get_declaration_for_user(request, declaration_id)
    user = current_user(request)
    errors: list[str] = []
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        reason = request.POST.get("reason", "").strip()
        conditions = request.POST.get("conditions", "").strip()
        if declaration.decision != Declaration.Decision.PENDING:
            errors.append("This declaration has already been decided.")
        if decision not in Declaration.Decision.values or decision == Declaration.Decision.PENDING:
            errors.append("Choose a decision.")
        if len(reason) < 10:
            errors.append("Give the reason for the decision (at least a sentence): the member of staff reads it.")
        if decision == Declaration.Decision.CONDITIONS and len(conditions) < 10:
            errors.append("Write the conditions the approval carries.")
        if decision != Declaration.Decision.CONDITIONS and conditions:
            errors.append("Conditions go only with an approval with conditions.")
        if not errors:
            with transaction.atomic():
                declaration.decision, declaration.decision_reason = decision, reason
                declaration.conditions, declaration.decided_by = conditions, user
                declaration.decided_at = timezone.now()
                declaration.save()
                record(user, "change", "declaration", declaration.reference, f"decided {decision}")
            publish_declarations(upstander_settings.home())  # a decline counts on the risk matrix from now on
            return redirect("vetting")
    else:
        record(user, "view", "declaration", declaration.reference, declaration.staff_id)
    return render(request, "prevention/detail.html", {
        "declaration": declaration, "errors": errors, "form": request.POST if errors else {},
        "decisions": [c for c in Declaration.Decision.choices if c[0] != Declaration.Decision.PENDING],
        "member": StaffMember.objects.filter(staff_id=declaration.staff_id).first(),
        "history": Declaration.objects.filter(staff_id=declaration.staff_id).exclude(pk=declaration.pk),
    }, status=400 if errors else 200)
