"""Intelligence records: created by the ACU, seen only by those assigned and the ACU lead, never by anyone
conflicted about any member of staff the record is about."""

from __future__ import annotations

import re
from datetime import date

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from upstander import settings as upstander_settings
from upstander.web.intelligence.access import visible_records
from upstander.web.intelligence.models import DevelopmentAction, IntelligenceRecord, link_subjects
from upstander.web.models import StaffMember
from upstander.web.models.access_log import record
from upstander.web.need_to_know import conflicted_subjects
from upstander.web.roles import TRIAGE_ROLES, Role
from upstander.web.sync import publish_intelligence
from upstander.web.views import params
from upstander.web.views.common import current_user, refuse

R = IntelligenceRecord
_PERSON = re.compile(r"^P\d{4,}$")
_LABELS = {"category": "Collection category", "theme": "STUDIOSB theme", "source_grade": "Source evaluation",
           "assessment": "Intelligence assessment", "handling": "Handling code"}
_CHOICES = {"category": R.Category, "theme": R.Theme, "source_grade": R.Source, "assessment": R.Assessment,
            "handling": R.Handling}



def _get_record_for_user(request: HttpRequest, record_id: int) -> IntelligenceRecord:
    user = current_user(request)
    rec = R.objects.filter(pk=record_id).first()
    allowed = rec is not None and (user.role == Role.ACU_LEAD or rec.assigned.filter(pk=user.pk).exists())
    if rec is None or not allowed or conflicted_subjects(user) & set(rec.staff_ids):
        refuse(user, "intelligence", record_id)
    return rec


@login_required
@require_GET
def intelligence_list(request: HttpRequest) -> HttpResponse:
    return render(request, "intelligence/list.html", {"records": visible_records(current_user(request)),
                                                          "can_create": current_user(request).role in TRIAGE_ROLES})


def _split(text: str) -> list[str]:
    return [p for p in re.split(r"[\s,;]+", text.strip()) if p]


@login_required
@require_http_methods(["GET", "POST"])
def intelligence_new(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.role not in TRIAGE_ROLES:
        raise Http404("No such page")
    form = request.POST if request.method == "POST" else {}
    errors: list[str] = []
    if request.method == "POST":
        values = {name: form.get(name, "") for name in _CHOICES}
        for name, choices in _CHOICES.items():
            if values[name] not in choices.values:
                errors.append(f"{_LABELS[name]}: choose one of the options.")
        text = form.get("text", "").strip()
        if len(text) < 20:
            errors.append("What is known: write at least a sentence (20 characters).")
        staff_ids = _split(form.get("staff_ids", ""))
        known = set(StaffMember.objects.filter(staff_id__in=staff_ids).values_list("staff_id", flat=True))
        if not staff_ids:
            errors.append("Staff: name at least one member of staff by staff id.")
        for s in staff_ids:
            if s not in known:
                errors.append(f"Staff: {s!r} is not in the staff directory.")
        if user.staff_id and user.staff_id in staff_ids:
            errors.append("Staff: you cannot record intelligence about yourself; pass it to the ACU lead.")
        person_ids = _split(form.get("person_ids", ""))
        for p in person_ids:
            if not _PERSON.match(p):
                errors.append(f"People: {p!r} is not a person id (P followed by digits).")
        if not errors:
            with transaction.atomic():
                year = timezone.now().year
                n = R.objects.filter(reference__startswith=f"INT-{year}-").count() + 1
                rec = R.objects.create(reference=f"INT-{year}-{n:05d}", created_by=user, text=text,
                                       staff_ids=staff_ids, person_ids=person_ids,
                                       prejudicial_improper=form.get("prejudicial_improper") == "on", **values)
                rec.assigned.add(user)
                link_subjects([rec])
                record(user, "change", "intelligence", rec.reference, "created")
            publish_intelligence(upstander_settings.home())  # the risk matrix counts it from now on
            return redirect("intelligence", record_id=rec.pk)
    fields = [(name, _LABELS[name], choices.choices, form.get(name, "")) for name, choices in _CHOICES.items()]
    return render(request, "intelligence/new.html", {"errors": errors, "form": form, "fields": fields},
                  status=400 if errors else 200)


@login_required
@require_GET
def intelligence_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    rec = _get_record_for_user(request, record_id)
    record(current_user(request), "view", "intelligence", rec.reference, ",".join(rec.staff_ids))
    names = dict(StaffMember.objects.filter(staff_id__in=rec.staff_ids).values_list("staff_id", "name"))
    return render(request, "intelligence/detail.html", {
        "rec": rec, "staff": [(s, names.get(s, "")) for s in rec.staff_ids],
        "actions": rec.actions.select_related("by").order_by("done", "due", "at"), "today": date.today()})


def _bad_request(message: str) -> HttpResponse:
    # The page's own forms never send these; a hand-made or mangled request is told what was wrong.
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


@login_required
@require_POST
def intelligence_action(request: HttpRequest, record_id: int) -> HttpResponse:
    rec = _get_record_for_user(request, record_id)
    try:
        done_id = params.whole_number(request.POST.get("done"), "Development action", 1, 2**63 - 1)
        due_date = params.iso_date(request.POST.get("due"), "Due")
    except params.BadParameter as bad:
        return _bad_request(str(bad))
    if done_id is not None:
        if not DevelopmentAction.objects.filter(record=rec, pk=done_id).update(done=True):
            return _bad_request(f"Development action: there is no action {done_id} on {rec.reference}.")
        record(current_user(request), "change", "intelligence", rec.reference, f"action {done_id} done")
        return redirect("intelligence", record_id=rec.pk)
    action = request.POST.get("action", "").strip()
    if not action:
        return _bad_request("New action: say what is to be done.")
    DevelopmentAction.objects.create(record=rec, action=action, due=due_date, by=current_user(request))
    record(current_user(request), "change", "intelligence", rec.reference, "development action added")
    return redirect("intelligence", record_id=rec.pk)
