"""Declarations: a member of staff declares for themselves; the vetting unit decides with a reason; a decline
reaches the risk matrix; nobody conflicted about the declarer sees it, and staff see only their own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from upstander.risk.matrix import risk_matrix
from upstander.web.models import AccessLog
from upstander.web.prevention.models import Declaration
from upstander.web.roles import Role
from webworld import World, make_user, signed_in

pytestmark = pytest.mark.django_db

DETAIL = "Co-owner of a vehicle recovery firm in the force area, since March; it tenders for force contracts."


def _declare(world: World, who: str = "subject", **form: str) -> Declaration:
    data = {"kind": "business_interest", "detail": DETAIL} | form
    response = world.client(getattr(world, who)).post(reverse("my_declarations"), data)
    assert response.status_code == 302, response.content.decode()[:500]
    return Declaration.objects.get(staff_id=getattr(world, who).staff_id)


def _vetting_officer(world: World, staff_id: str | None = None) -> object:
    return make_user("vetting", Role.VETTING_OFFICER, staff_id or "")


def test_a_member_of_staff_declares_and_sees_only_their_own(world: World) -> None:
    mine = _declare(world, "outsider")
    assert mine.reference.startswith("DEC-") and mine.decision == "pending" and mine.declared_by == world.outsider
    _declare(world, "subject")
    html = world.client(world.outsider).get(reverse("my_declarations")).content.decode()
    assert mine.reference in html and "vehicle recovery" in html
    assert Declaration.objects.get(staff_id=world.subject.staff_id).reference not in html
    assert AccessLog.objects.filter(action="change", object_type="declaration", object_id=mine.reference).exists()


@pytest.mark.parametrize(("form", "message"), [
    ({"kind": "hobby"}, "Choose what you are declaring"),
    ({"kind": ""}, "Choose what you are declaring"),
    ({"detail": "a firm"}, "at least 20 characters"),
    ({"detail": "   " + " " * 30}, "at least 20 characters"),
])
def test_a_bad_declaration_is_refused_with_a_reason_and_the_typing_kept(world: World, form: dict[str, str],
                                                                        message: str) -> None:
    data = {"kind": "business_interest", "detail": DETAIL} | form
    response = world.client(world.outsider).post(reverse("my_declarations"), data)
    html = response.content.decode()
    assert response.status_code == 400 and message in html and "Nothing has been saved yet" in html
    assert not Declaration.objects.exists()
    if form.get("detail", DETAIL) == DETAIL:
        assert "vehicle recovery firm" in html  # what they typed is still in the form


def test_an_account_without_a_staff_record_cannot_declare(world: World) -> None:
    response = signed_in(_vetting_officer(world)).post(reverse("my_declarations"), {"kind": "gift_hospitality",
                                                                                     "detail": DETAIL})
    assert response.status_code == 400 and "not linked to a staff record" in response.content.decode()
    assert not Declaration.objects.exists()


def test_the_vetting_officer_sees_the_waiting_declaration_and_declines_it_with_a_reason(world: World) -> None:
    declaration = _declare(world, "subject")
    client = signed_in(_vetting_officer(world))
    dashboard = client.get(reverse("vetting")).content.decode()
    assert declaration.reference in dashboard and "1 awaiting a decision" in dashboard
    response = client.post(reverse("declaration", args=[declaration.pk]),
                           {"decision": "declined", "reason": "The firm tenders for force recovery contracts."})
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.decision == "declined" and declaration.decided_at is not None
    assert "Declined interests" in client.get(reverse("vetting")).content.decode()
    # The member of staff reads the decision and its reason.
    mine = world.client(world.subject).get(reverse("my_declarations")).content.decode()
    assert "Declined" in mine and "tenders for force recovery contracts" in mine


def test_a_decline_counts_on_the_risk_matrix_and_shows_on_the_person_view(world: World) -> None:
    declaration = _declare(world, "subject")
    before = next(r for r in risk_matrix(world.home, only=[world.alert.subject_staff_id]))
    signed_in(_vetting_officer(world)).post(reverse("declaration", args=[declaration.pk]), {
        "decision": "declined", "reason": "The firm tenders for force recovery contracts."})
    after = next(r for r in risk_matrix(world.home, only=[world.alert.subject_staff_id]))
    added = [p for p in after.points if p.source == "declaration"]
    assert [p.ref for p in added] == [declaration.reference]
    assert after.total == pytest.approx(before.total + added[0].points, abs=0.3)  # amplifiers scale the subtotal
    html = world.client(world.analyst).get(reverse("person", args=[world.alert.subject_staff_id])).content.decode()
    assert declaration.reference in html and "declined business interest" in html


def test_an_approval_is_noted_but_adds_no_risk(world: World) -> None:
    declaration = _declare(world, "subject", kind="gift_hospitality",
                           detail="A bottle of wine from a grateful victim's family after the trial, handed in.")
    signed_in(_vetting_officer(world)).post(reverse("declaration", args=[declaration.pk]), {
        "decision": "noted", "reason": "Handed in and recorded in the gifts register."})
    after = next(r for r in risk_matrix(world.home, only=[world.alert.subject_staff_id]))
    assert not [p for p in after.points if p.source == "declaration"]


@pytest.mark.parametrize(("form", "message"), [
    ({"decision": ""}, "Choose a decision"),
    ({"decision": "pending"}, "Choose a decision"),
    ({"decision": "maybe"}, "Choose a decision"),
    ({"reason": "no"}, "Give the reason"),
    ({"decision": "approved_with_conditions", "conditions": ""}, "Write the conditions"),
    ({"decision": "declined", "conditions": "Not while on the roads policing unit."}, "Conditions go only with"),
])
def test_a_bad_decision_is_refused_and_nothing_changes(world: World, form: dict[str, str], message: str) -> None:
    declaration = _declare(world, "subject")
    data = {"decision": "approved", "reason": "Low risk: no overlap with the member of staff's duties."} | form
    response = signed_in(_vetting_officer(world)).post(reverse("declaration", args=[declaration.pk]), data)
    assert response.status_code == 400 and message in response.content.decode()
    declaration.refresh_from_db()
    assert declaration.decision == "pending" and declaration.decided_by is None


def test_a_decision_cannot_be_made_twice(world: World) -> None:
    declaration = _declare(world, "subject")
    client = signed_in(_vetting_officer(world))
    reason = {"reason": "Low risk: no overlap with the member of staff's duties."}
    assert client.post(reverse("declaration", args=[declaration.pk]), {"decision": "approved"} | reason
                       ).status_code == 302
    response = client.post(reverse("declaration", args=[declaration.pk]), {"decision": "declined"} | reason)
    assert response.status_code == 400 and "already been decided" in response.content.decode()
    declaration.refresh_from_db()
    assert declaration.decision == "approved"


def test_a_vetting_officer_in_the_declarers_chain_never_sees_it(world: World) -> None:
    declaration = _declare(world, "subject")
    manager_vetting = signed_in(make_user("vetting-manager", Role.VETTING_OFFICER, world.manager.staff_id))
    assert declaration.reference not in manager_vetting.get(reverse("vetting")).content.decode()
    for method in ("get", "post"):
        response = getattr(manager_vetting, method)(reverse("declaration", args=[declaration.pk]),
                                                    *([{"decision": "approved", "reason": "Looks fine to me."}]
                                                      if method == "post" else []))
        assert response.status_code == 404
    declaration.refresh_from_db()
    assert declaration.decision == "pending"
    assert AccessLog.objects.filter(action="refuse", object_type="declaration").count() == 2


def test_the_declarer_cannot_decide_their_own_even_as_a_vetting_officer(world: World) -> None:
    own = make_user("vetting-self", Role.VETTING_OFFICER, world.outsider.staff_id)
    _declare(world, "outsider")
    declaration = Declaration.objects.get(staff_id=world.outsider.staff_id)
    response = signed_in(own).post(reverse("declaration", args=[declaration.pk]),
                                   {"decision": "approved", "reason": "Approving my own declaration."})
    assert response.status_code == 404
    declaration.refresh_from_db()
    assert declaration.decision == "pending"
