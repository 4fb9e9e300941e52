"""Every role against every sensitive address: who gets the page, and who gets "not found".

Nobody here is linked to the subject; conflicts are tested persona by persona in the view tests. A case and an
intelligence record exist, assigned to nobody in this test, so only the ACU lead may open them; so do two
reports, one not yet triaged (only the lead) and one triaged (the unit's triage roles), the triaged one with a
request to reveal its reporter made by someone else (the custodians decide on it; nobody here may see it).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from upstander.web.models import Declaration, IdentityReveal, IntelligenceRecord, Report, StaffMember
from upstander.web.roles import Role
from upstander.web.views.cases import open_case_from_alert
from webworld import World, make_user, signed_in

ROLES = list(Role)


def _addresses(world: World, case_id: int, record_id: int, declaration_id: int, report_id: int,
               triaged_id: int, reveal_id: int) -> dict[str, tuple[str, str]]:
    subject = world.alert.subject_staff_id
    return {
        "queue": ("get", reverse("queue")),
        "detector statistics": ("get", reverse("detector_stats")),
        "alert": ("get", reverse("alert", args=[world.alert.pk])),
        "assign alert": ("post", reverse("assign", args=[world.alert.pk])),
        "person": ("get", reverse("person", args=[subject])),
        "contact review": ("get", reverse("person_contacts", args=[subject])),
        "case": ("get", reverse("case", args=[case_id])),
        "move case": ("post", reverse("case_move", args=[case_id])),
        "intelligence record": ("get", reverse("intelligence", args=[record_id])),
        "new intelligence": ("get", reverse("intelligence_new")),
        "vetting dashboard": ("get", reverse("vetting")),
        "declaration": ("get", reverse("declaration", args=[declaration_id])),
        "decide declaration": ("post", reverse("declaration", args=[declaration_id])),
        "oversight": ("get", reverse("oversight")),
        "reports": ("get", reverse("reports")),
        "report": ("get", reverse("report", args=[report_id])),
        "triage report": ("post", reverse("report_triage", args=[report_id])),
        "assign report": ("post", reverse("report_assign", args=[report_id])),
        "triaged report": ("get", reverse("report", args=[triaged_id])),
        "reveal reporter": ("post", reverse("report_reveal", args=[triaged_id])),
        "reveal requests": ("get", reverse("reveal_requests")),
        "decide reveal": ("post", reverse("reveal_decide", args=[reveal_id])),
        "show reporter": ("post", reverse("reveal_show", args=[triaged_id, reveal_id])),
    }


# Which roles may open what (200, or a redirect after a POST); everyone else gets 404.
ALLOWED = {
    "queue": {Role.ACU_LEAD, Role.ACU_ANALYST},
    "detector statistics": {Role.ACU_LEAD, Role.ACU_ANALYST},
    "alert": {Role.ACU_LEAD, Role.ACU_ANALYST},
    "assign alert": {Role.ACU_LEAD, Role.ACU_ANALYST},
    "person": {Role.ACU_LEAD, Role.ACU_ANALYST},
    "contact review": {Role.ACU_LEAD, Role.ACU_ANALYST},
    "case": {Role.ACU_LEAD},
    "move case": {Role.ACU_LEAD},
    "intelligence record": {Role.ACU_LEAD},
    "new intelligence": {Role.ACU_LEAD, Role.ACU_ANALYST},
    "vetting dashboard": {Role.ACU_LEAD, Role.VETTING_OFFICER},
    "declaration": {Role.ACU_LEAD, Role.VETTING_OFFICER},
    "decide declaration": {Role.ACU_LEAD, Role.VETTING_OFFICER},
    "oversight": {Role.ACU_LEAD, Role.APPROPRIATE_AUTHORITY},
    "reports": {Role.ACU_LEAD, Role.ACU_ANALYST},
    "report": {Role.ACU_LEAD},
    "triage report": {Role.ACU_LEAD},
    "assign report": {Role.ACU_LEAD},
    "triaged report": {Role.ACU_LEAD, Role.ACU_ANALYST},
    "reveal reporter": {Role.ACU_LEAD, Role.ACU_ANALYST},
    "reveal requests": {Role.ACU_LEAD, Role.APPROPRIATE_AUTHORITY},
    "decide reveal": {Role.ACU_LEAD, Role.APPROPRIATE_AUTHORITY},
    "show reporter": set(),  # only the requester, once approved
}


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_each_role_reaches_exactly_what_it_may(world: World, role: Role) -> None:
    case = open_case_from_alert(world.alert, world.analyst)
    case.assigned.clear()
    record = IntelligenceRecord.objects.create(
        reference="INT-TEST-1", created_by=world.analyst, category="sexual_misconduct", theme="sexual_misconduct",
        source_grade="2", assessment="B", handling="P", text="A third-party referral about late-night texts.",
        staff_ids=[world.alert.subject_staff_id])
    declaration = Declaration.objects.create(
        reference="DEC-TEST-1", staff_id=world.alert.subject_staff_id, kind="business_interest",
        detail="Director of a vehicle recovery firm that tenders for force work.", declared_by=world.subject)
    report = Report.objects.create(
        reference="R-TESTTEST", submission="matrix-test-submission-token", route="public", receipt_hash="0" * 64,
        what_happened="He kept messaging me at night after the burglary.",
        subject_staff_id=world.alert.subject_staff_id)
    triaged = Report.objects.create(
        reference="R-TRIAGED1", submission="matrix-test-triaged-token", route="public", receipt_hash="1" * 64,
        what_happened="He kept messaging me at night after the burglary.", anonymous=False,
        reporter_name="A Reporter", subject_staff_id=world.alert.subject_staff_id, triaged_at=timezone.now(),
        triaged_by=world.lead)
    reveal = IdentityReveal.objects.create(report=triaged, by=world.analyst,
                                           reason="To take a first account from the reporter in person.")
    unlinked = (StaffMember.objects.exclude(staff_id__in=[world.alert.subject_staff_id, world.manager.staff_id,
                                                          world.housemate.staff_id, world.supervisor.staff_id])
                .order_by("-staff_id").values_list("staff_id", flat=True)[0])
    user = make_user(f"as_{role.value}", role, unlinked)
    client = signed_in(user)
    addresses = _addresses(world, case.pk, record.pk, declaration.pk, report.pk, triaged.pk, reveal.pk)
    for name, (method, url) in addresses.items():
        status = getattr(client, method)(url).status_code
        if role in ALLOWED[name]:
            assert status in (200, 302, 400), (role, name, status)  # 400: reached, but the empty form refused
        else:
            assert status == 404, (role, name, status)
