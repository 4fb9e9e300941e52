"""Revealing a reporter takes two people: a request with a reason, then a custodian (the ACU lead or the
appropriate authority) who is neither the requester nor conflicted approves or refuses it. The identity is shown
only after approval, to the requester, once; the request, the decision and the showing are in the access log."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portal import NAMED, submit
from upstander.web.models import AccessLog, StaffMember
from upstander.web.portal import guard as portal_guard
from upstander.web.portal.models import IdentityReveal, Report
from upstander.web.roles import Role
from webworld import World, make_user

pytestmark = pytest.mark.django_db

REASON = "To arrange a safe visit to take a first account, as the reporter asked to be contacted."


@pytest.fixture
def report(world: World) -> Report:
    """A named report linked (by its collar number) to the subject of the top alert, triaged by the lead."""
    portal_guard._limits.clear()
    StaffMember.objects.filter(collar_number="7342").update(collar_number="")
    StaffMember.objects.filter(staff_id=world.alert.subject_staff_id).update(collar_number="7342")
    assert submit(Client(), **(NAMED | {"subject_collar": "PC 7342"})).status_code == 200
    made = Report.objects.get()
    assert made.subject_staff_id == world.alert.subject_staff_id
    world.client(world.lead).post(reverse("report_triage", args=[made.pk]))
    return made


@pytest.fixture
def authority(world: World) -> object:
    return make_user("authority", Role.APPROPRIATE_AUTHORITY, world.outsider.staff_id + "-AA")


def _ask(world: World, report: Report) -> IdentityReveal:
    client = world.client(world.analyst)
    assert client.post(reverse("report_reveal", args=[report.pk]), {"reason": REASON}).status_code == 302
    return IdentityReveal.objects.get(report=report, by=world.analyst)


def _show(world: World, report: Report, asked: IdentityReveal) -> object:
    return world.client(world.analyst).post(reverse("reveal_show", args=[report.pk, asked.pk]))


def test_a_request_alone_shows_nothing(world: World, report: Report) -> None:
    asked = _ask(world, report)
    assert asked.status == "pending"
    shown = _show(world, report, asked)
    assert shown.status_code == 400 and "Jordan Example" not in shown.content.decode()
    assert "second person approves" in shown.content.decode()
    page = world.client(world.analyst).get(reverse("report", args=[report.pk])).content.decode()
    assert "Jordan Example" not in page and "07700 900123" not in page


def test_once_approved_the_requester_sees_it_once_and_every_step_is_logged(world: World, report: Report,
                                                                          authority: object) -> None:
    asked = _ask(world, report)
    custodian = world.client(authority)
    assert asked.reason in custodian.get(reverse("reveal_requests")).content.decode()
    assert custodian.post(reverse("reveal_decide", args=[asked.pk]), {"decision": "approve"}).status_code == 302
    # Another analyst who may open the report cannot use someone else's approval.
    other = make_user("analyst2", Role.ACU_ANALYST, world.outsider.staff_id + "-A2")
    assert world.client(other).post(reverse("reveal_show", args=[report.pk, asked.pk])).status_code == 404
    shown = _show(world, report, asked)
    html = shown.content.decode()
    assert shown.status_code == 200 and "Jordan Example" in html and "weekdays 10am to 2pm only" in html
    assert shown["Cache-Control"] == "no-store"
    again = _show(world, report, asked)
    assert again.status_code == 400 and "Jordan Example" not in again.content.decode()
    steps = list(AccessLog.objects.filter(object_id=report.reference, action__startswith="reveal")
                 .values_list("username", "action"))
    assert steps == [("analyst", "reveal request"), ("authority", "reveal decision"), ("analyst", "reveal")]
    asked.refresh_from_db()
    assert asked.status == "approved" and asked.decided_by == authority and asked.shown_at is not None


def test_nobody_approves_their_own_request(world: World, report: Report) -> None:
    lead = world.client(world.lead)
    assert lead.post(reverse("report_reveal", args=[report.pk]), {"reason": REASON}).status_code == 302
    asked = IdentityReveal.objects.get(by=world.lead)
    assert asked.reason not in lead.get(reverse("reveal_requests")).content.decode()
    assert lead.post(reverse("reveal_decide", args=[asked.pk]), {"decision": "approve"}).status_code == 404
    asked.refresh_from_db()
    assert asked.status == "pending"
    assert lead.post(reverse("reveal_show", args=[report.pk, asked.pk])).status_code == 400


@pytest.mark.parametrize("role", [Role.ACU_LEAD, Role.APPROPRIATE_AUTHORITY])
def test_a_custodian_in_the_subject_s_chain_cannot_decide(world: World, report: Report, role: Role) -> None:
    asked = _ask(world, report)
    conflicted = world.client(make_user("conflicted_custodian", role, world.manager.staff_id))
    assert asked.reason not in conflicted.get(reverse("reveal_requests")).content.decode()
    assert conflicted.post(reverse("reveal_decide", args=[asked.pk]), {"decision": "approve"}).status_code == 404
    asked.refresh_from_db()
    assert asked.status == "pending"


def test_a_custodian_conflicted_about_a_candidate_only_cannot_decide(world: World, authority: object) -> None:
    """The report is linked to nobody, but names the subject by surname: the subject's housemate, as the
    appropriate authority, is conflicted all the same."""
    portal_guard._limits.clear()
    surname = StaffMember.objects.get(staff_id=world.alert.subject_staff_id).surname
    submit(Client(), **(NAMED | {"subject_collar": "", "subject_name": surname}))
    report = Report.objects.get()
    assert report.subject_staff_id == ""
    world.client(world.lead).post(reverse("report_triage", args=[report.pk]))
    asked = _ask(world, report)
    housemate_authority = make_user("housemate_aa", Role.APPROPRIATE_AUTHORITY, world.housemate.staff_id)
    client = world.client(housemate_authority)
    assert client.post(reverse("reveal_decide", args=[asked.pk]), {"decision": "approve"}).status_code == 404
    assert world.client(authority).post(reverse("reveal_decide", args=[asked.pk]),
                                        {"decision": "approve"}).status_code == 302


@pytest.mark.parametrize("who", ["analyst", "investigator", "outsider"])
def test_only_custodians_decide(world: World, report: Report, who: str) -> None:
    lead = world.client(world.lead)
    lead.post(reverse("report_reveal", args=[report.pk]), {"reason": REASON})
    asked = IdentityReveal.objects.get()
    client = world.client(getattr(world, who))
    assert client.get(reverse("reveal_requests")).status_code == 404
    assert client.post(reverse("reveal_decide", args=[asked.pk]), {"decision": "approve"}).status_code == 404


def test_a_refusal_needs_a_reason_the_requester_reads(world: World, report: Report, authority: object) -> None:
    asked = _ask(world, report)
    custodian = world.client(authority)
    bad = custodian.post(reverse("reveal_decide", args=[asked.pk]), {"decision": "refuse", "reason": "no"})
    assert bad.status_code == 400 and "reason for refusing" in bad.content.decode()
    neither = custodian.post(reverse("reveal_decide", args=[asked.pk]), {"decision": "maybe"})
    assert neither.status_code == 400 and "approve or refuse" in neither.content.decode()
    reason = "A first account can be taken through the portal messages without knowing who they are."
    assert custodian.post(reverse("reveal_decide", args=[asked.pk]),
                          {"decision": "refuse", "reason": reason}).status_code == 302
    twice = custodian.post(reverse("reveal_decide", args=[asked.pk]), {"decision": "approve"})
    assert twice.status_code == 400 and "already refused" in twice.content.decode()
    shown = _show(world, report, asked)
    assert shown.status_code == 400 and "Jordan Example" not in shown.content.decode()
    assert reason in world.client(world.analyst).get(reverse("report", args=[report.pk])).content.decode()


def test_an_anonymous_report_has_nothing_to_ask_for(world: World) -> None:
    portal_guard._limits.clear()
    submit(Client(), subject_collar="", subject_name="someone")
    report = Report.objects.get()
    world.client(world.lead).post(reverse("report_triage", args=[report.pk]))
    response = world.client(world.analyst).post(reverse("report_reveal", args=[report.pk]), {"reason": REASON})
    assert response.status_code == 400 and "nothing to reveal" in response.content.decode()
    assert not IdentityReveal.objects.exists()


def test_a_second_request_while_one_waits_is_refused(world: World, report: Report) -> None:
    _ask(world, report)
    again = world.client(world.analyst).post(reverse("report_reveal", args=[report.pk]), {"reason": REASON})
    assert again.status_code == 400 and "already asked" in again.content.decode()
    assert IdentityReveal.objects.count() == 1
