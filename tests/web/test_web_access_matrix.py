"""Need to know, address by address: every person around the subject, in every role, against every sensitive
address, fragment and attachment, linked and unlinked reports included.

The subject of the top alert has everything a unit might hold: the alert, a case, an intelligence record, a
declaration, a report linked to them and triaged (with an attachment and a request to reveal its reporter), a
report that only names them ("Surname, Forename") and is not yet triaged, and one that gives only their collar
number in the account and is triaged. The people who must never see any of it are the subject, their line
manager, their team supervisor and a housemate; each is tried holding every role in turn, and is even assigned
to the case, the record and the reports, because a conflict must beat role and assignment alike. An unrelated
colleague, in every role and assigned to nothing, reaches exactly what the role allows.

Every address the application serves is named here, as sensitive or as public; a new address that is not makes
`test_every_address_is_in_the_matrix` fail, so no sensitive view can be added without a check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.utils import timezone

from upstander.web.cases.opening import open_case_from_alert
from upstander.web.intelligence.models import IntelligenceRecord, link_subjects
from upstander.web.models import StaffMember, User
from upstander.web.portal.models import IdentityReveal, Report, ReportAttachment
from upstander.web.portal.reporting.subjects import refresh_report_subjects
from upstander.web.prevention.models import Declaration
from upstander.web.roles import Role
from upstander.web.sealing import seal_bytes
from upstander.web.triage.models import Alert
from webworld import World, make_user, signed_in

pytestmark = pytest.mark.django_db
ROLES = list(Role)
LEAD, ANALYST = Role.ACU_LEAD, Role.ACU_ANALYST
TRIAGE = {LEAD, ANALYST}
EVERYONE = set(ROLES)

# Addresses anyone may open without being signed in (the portal, signing in), or that only ever show the
# signed-in user their own things.
PUBLIC = {"login", "second_factor", "sso_start", "sso_callback", "logout", "portal", "portal_follow_up",
          "portal_report", "quick_exit", "portal_form"}
OWN = {"home", "my_declarations"}


@dataclass
class Records:
    """What the unit holds about the subject, and the addresses of each."""

    subject: str
    alert: Alert
    case: int
    record: int
    declaration: int
    linked: Report  # linked to the subject, triaged
    unlinked: Report  # names the subject, not linked, not triaged
    collar_only: Report  # the subject's collar number in the account alone, triaged
    linked_attachment: int
    unlinked_attachment: int
    pending_reveal: int  # a request about `linked`, by someone else, waiting on a custodian

    def links(self) -> list[str]:
        """Text that must not appear on any page shown to someone conflicted about the subject."""
        reports = [self.linked, self.unlinked, self.collar_only]
        return ([f"/alerts/{a}/" for a in Alert.objects.filter(subject_staff_id=self.subject)
                 .values_list("pk", flat=True)]
                + [f"/cases/{self.case}/", f"/intelligence/{self.record}/", f"/staff/{self.subject}/",
                   f"/vetting/declarations/{self.declaration}/", f"/reports/reveals/{self.pending_reveal}/"]
                + [f"/reports/{r.pk}/" for r in reports] + [r.reference for r in reports])


@dataclass(frozen=True)
class Address:
    url_name: str
    method: str
    build: Callable[[Records], list[Any]]  # the URL's arguments
    allowed: set[Role]  # roles an unrelated colleague, assigned to nothing, may reach
    about_subject: bool = True  # False: a list or role page, which must open by role but hide the subject
    htmx: bool = False  # asked for as an htmx fragment


def _none(r: Records) -> list[Any]:
    return []


# GETs before POSTs: a POST that is allowed may change what a later address shows.
ADDRESSES: dict[str, Address] = {
    "alert queue": Address("queue", "get", _none, TRIAGE, about_subject=False),
    "alert queue (htmx results)": Address("queue", "get", _none, TRIAGE, about_subject=False, htmx=True),
    "detector statistics": Address("detector_stats", "get", _none, TRIAGE, about_subject=False),
    "alert": Address("alert", "get", lambda r: [r.alert.pk], TRIAGE),
    "person view": Address("person", "get", lambda r: [r.subject], TRIAGE),
    "people to look at first": Address("ranked_people", "get", _none, TRIAGE, about_subject=False),
    "contact review": Address("person_contacts", "get", lambda r: [r.subject], TRIAGE),
    "contact review (htmx fragment)": Address("person_contacts", "get", lambda r: [r.subject], TRIAGE, htmx=True),
    "cases": Address("cases", "get", _none, EVERYONE, about_subject=False),
    "case": Address("case", "get", lambda r: [r.case], {LEAD}),
    "intelligence list": Address("intelligence_list", "get", _none, EVERYONE, about_subject=False),
    "new intelligence": Address("intelligence_new", "get", _none, TRIAGE, about_subject=False),
    "intelligence record": Address("intelligence", "get", lambda r: [r.record], {LEAD}),
    "vetting dashboard": Address("vetting", "get", _none, {LEAD, Role.VETTING_OFFICER}, about_subject=False),
    "declaration": Address("declaration", "get", lambda r: [r.declaration], {LEAD, Role.VETTING_OFFICER}),
    "oversight": Address("oversight", "get", _none, {LEAD, Role.APPROPRIATE_AUTHORITY}, about_subject=False),
    "sign-in locks": Address("sign_in_locks", "get", _none, {LEAD}, about_subject=False),
    "reports": Address("reports", "get", _none, TRIAGE, about_subject=False),
    "linked report": Address("report", "get", lambda r: [r.linked.pk], TRIAGE),
    "unlinked report, not triaged": Address("report", "get", lambda r: [r.unlinked.pk], {LEAD}),
    "report naming a collar number": Address("report", "get", lambda r: [r.collar_only.pk], TRIAGE),
    "linked report's attachment": Address("report_attachment", "get",
                                          lambda r: [r.linked.pk, r.linked_attachment], TRIAGE),
    "unlinked report's attachment": Address("report_attachment", "get",
                                            lambda r: [r.unlinked.pk, r.unlinked_attachment], {LEAD}),
    "reveal requests": Address("reveal_requests", "get", _none, {LEAD, Role.APPROPRIATE_AUTHORITY},
                               about_subject=False),
    "assign alert": Address("assign", "post", lambda r: [r.alert.pk], TRIAGE),
    "dispose of alert": Address("dispose", "post", lambda r: [r.alert.pk], TRIAGE),
    "intelligence action": Address("intelligence_action", "post", lambda r: [r.record], {LEAD}),
    "update case": Address("case_update", "post", lambda r: [r.case], {LEAD}),
    "move case": Address("case_move", "post", lambda r: [r.case], {LEAD}),
    "case engagement": Address("case_engagement", "post", lambda r: [r.case], {LEAD}),
    "assign case": Address("case_assign", "post", lambda r: [r.case], {LEAD}),
    "decide declaration": Address("declaration", "post", lambda r: [r.declaration], {LEAD, Role.VETTING_OFFICER}),
    "reply to a reporter": Address("report_reply", "post", lambda r: [r.linked.pk], TRIAGE),
    "relink a report": Address("report_update", "post", lambda r: [r.unlinked.pk], {LEAD}),
    "assign an unlinked report": Address("report_assign", "post", lambda r: [r.unlinked.pk], {LEAD}),
    "ask to reveal a reporter": Address("report_reveal", "post", lambda r: [r.linked.pk], TRIAGE),
    "decide on a reveal": Address("reveal_decide", "post", lambda r: [r.pending_reveal],
                                  {LEAD, Role.APPROPRIATE_AUTHORITY}),
    "show a reporter": Address("reveal_show", "post", lambda r: [r.linked.pk, r.pending_reveal], set()),
    "clear a sign-in lock": Address("clear_sign_in_lock", "post", _none, {LEAD}, about_subject=False),
    "triage an unlinked report": Address("report_triage", "post", lambda r: [r.unlinked.pk], {LEAD}),
}


def _named(patterns: list[Any]) -> set[str]:
    """Every named address, walking into each domain app's included `urls` (the split apps are includes)."""
    found: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            found |= _named(p.url_patterns)
        elif isinstance(p, URLPattern) and p.name:
            found.add(p.name)
    return found


def _unchecked(patterns: list[Any]) -> list[str]:
    """Named addresses among `patterns` that this matrix neither checks nor knows to be public."""
    covered = {a.url_name for a in ADDRESSES.values()} | PUBLIC | OWN
    return sorted(_named(patterns) - covered)


def test_every_address_is_in_the_matrix() -> None:
    missing = _unchecked(get_resolver().url_patterns)
    assert not missing, f"addresses with no need-to-know check in this matrix: {missing}"


def test_the_matrix_check_itself_notices_a_new_address() -> None:
    new = path("reports/<int:report_id>/export/", lambda request, report_id: None, name="report_export")
    assert _unchecked([*get_resolver().url_patterns, new]) == ["report_export"]
    # ... and one a domain app adds in its own urls, reached through an include.
    inside = path("", include([path("cases/<int:case_id>/export/", lambda request, case_id: None,
                                    name="case_export")]))
    assert _unchecked([*get_resolver().url_patterns, inside]) == ["case_export"]
    assert "case" in _named(get_resolver().url_patterns)  # the cases app's own addresses are walked


def _report(reference: str, subject: str = "", triaged_by: User | None = None, **sealed: str) -> Report:
    return Report.objects.create(
        reference=reference, submission=f"matrix-{reference}", route="public", receipt_hash=reference.ljust(64, "0"),
        anonymous=False, reporter_name="Alex Reporter", reporter_phone="07700 900321",
        what_happened=sealed.pop("what_happened", "He kept messaging me at night after the burglary."),
        subject_staff_id=subject, triaged_at=timezone.now() if triaged_by else None, triaged_by=triaged_by,
        **sealed)


def _attachment(report: Report) -> int:
    data = b"A photo of the messages, as the reporter sent it."
    return ReportAttachment.objects.create(
        report=report, filename="messages.txt", content_type="text/plain", size=len(data),
        sealed=seal_bytes(data, purpose="report_attachment.data")).pk


def _records(world: World, assigned: list[User]) -> Records:
    subject = StaffMember.objects.get(staff_id=world.alert.subject_staff_id)
    StaffMember.objects.filter(collar_number="7342").update(collar_number="")
    StaffMember.objects.filter(pk=subject.pk).update(collar_number="7342")
    case = open_case_from_alert(world.alert, world.analyst)
    case.assigned.set(assigned)
    record = IntelligenceRecord.objects.create(
        reference="INT-MATRIX-1", created_by=world.analyst, category="sexual_misconduct", theme="sexual_misconduct",
        source_grade="2", assessment="B", handling="P", text="A third-party referral about late-night texts.",
        staff_ids=[subject.staff_id])
    link_subjects([record])
    record.assigned.set(assigned)
    declaration = Declaration.objects.create(
        reference="DEC-MATRIX-1", staff_id=subject.staff_id, kind="business_interest",
        detail="Director of a vehicle recovery firm that tenders for force work.", declared_by=world.subject)
    linked = _report("R-MATRIXLNK", subject.staff_id, world.lead)
    unlinked = _report("R-MATRIXUNL", subject_name=f"{subject.surname.upper()},  {subject.forename}")
    collar_only = _report("R-MATRIXCOL", triaged_by=world.lead,
                          what_happened="His collar number was 7342. He kept texting me late at night.")
    refresh_report_subjects(world.home)
    for report in (linked, unlinked, collar_only):
        report.assigned.set(assigned)
    assert subject.staff_id in set(unlinked.candidates.values_list("staff_id", flat=True))
    assert subject.staff_id in set(collar_only.candidates.values_list("staff_id", flat=True))
    pending = IdentityReveal.objects.create(report=linked, by=world.analyst,
                                            reason="To take a first account from the reporter in person.")
    return Records(subject.staff_id, world.alert, case.pk, record.pk, declaration.pk, linked, unlinked, collar_only,
                   _attachment(linked), _attachment(unlinked), pending.pk)


def _ask(client: Any, address: Address, records: Records) -> Any:
    url = reverse(address.url_name, args=address.build(records))
    headers = {"HX-Request": "true"} if address.htmx else {}
    return getattr(client, address.method)(url, headers=headers)


CONFLICTED = ["subject", "manager", "supervisor", "housemate"]


@pytest.mark.parametrize("persona", CONFLICTED)
def test_nobody_conflicted_about_the_subject_reaches_anything_about_them_in_any_role(
        world: World, persona: str) -> None:
    staff_id = getattr(world, persona).staff_id
    users = [make_user(f"{persona}_as_{role.value}", role, staff_id) for role in ROLES]
    records = _records(world, assigned=users)
    # Even an approved request of their own must not show them the reporter.
    approved = {u.pk: IdentityReveal.objects.create(
        report=records.linked, by=u, reason="To take a first account from the reporter in person.",
        status=IdentityReveal.Status.APPROVED, decided_by=world.lead, decided_at=timezone.now()).pk for u in users}
    links = records.links()
    reached = []
    for user in users:
        client = signed_in(user)
        for name, address in ADDRESSES.items():
            if address.url_name == "reveal_show":
                url = reverse("reveal_show", args=[records.linked.pk, approved[user.pk]])
                response = client.post(url)
            else:
                response = _ask(client, address, records)
            if address.about_subject:
                if response.status_code != 404:
                    reached.append(f"{user.role} {name}: {response.status_code}")
            else:
                opens = response.status_code in (200, 302, 400)  # 400: reached, but the empty form refused
                if opens != (user.role in address.allowed) or (not opens and response.status_code != 404):
                    reached.append(f"{user.role} {name}: {response.status_code}")
                body = response.content.decode(errors="replace")
                shown = [link for link in links if link in body]
                if shown:
                    reached.append(f"{user.role} {name} shows {shown}")
    assert not reached, f"the {persona} reached what is about the subject:\n" + "\n".join(reached)
    records.linked.refresh_from_db()
    assert records.linked.reveals.filter(shown_at__isnull=False).count() == 0


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_an_unrelated_colleague_reaches_exactly_what_their_role_allows(world: World, role: Role) -> None:
    records = _records(world, assigned=[])
    linked_to_nobody = (StaffMember.objects.exclude(staff_id__in=[
        records.subject, world.manager.staff_id, world.housemate.staff_id, world.supervisor.staff_id])
        .exclude(collar_number="7342").order_by("-staff_id").values_list("staff_id", flat=True)[0])
    client = signed_in(make_user(f"colleague_as_{role.value}", role, linked_to_nobody))
    wrong = []
    for name, address in ADDRESSES.items():
        status = _ask(client, address, records).status_code
        if role in address.allowed:
            if status not in (200, 302, 400):  # 400: reached, but the empty form refused
                wrong.append(f"{name}: {status}, expected to reach it")
        elif status != 404:
            wrong.append(f"{name}: {status}, expected 404")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
