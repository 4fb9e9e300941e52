"""The person view: everything about one member of staff, for those who work alerts, never the conflicted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from webworld import World

pytestmark = pytest.mark.django_db



def test_the_analyst_sees_the_risk_matrix_alerts_and_timeline_of_the_subject(world: World) -> None:
    html = world.client(world.analyst).get(reverse("person", args=[world.alert.subject_staff_id])).content.decode()
    assert "Risk matrix" in html and "points; offending style" in html
    assert reverse("alert", args=[world.alert.pk]) in html and "Timeline" in html


def test_contact_review_runs_on_demand(world: World) -> None:
    response = world.client(world.analyst).get(reverse("person_contacts", args=[world.alert.subject_staff_id]))
    html = response.content.decode()
    assert response.status_code == 200 and "Contact review" in html
    assert any(p in html for p in world.alert.person_ids) or "No contacts found" not in html


@pytest.mark.parametrize("who", ["subject", "manager", "housemate", "investigator", "outsider"])
def test_the_conflicted_and_those_who_do_not_triage_get_not_found(world: World, who: str) -> None:
    client = world.client(getattr(world, who))
    for name in ("person", "person_contacts"):
        assert client.get(reverse(name, args=[world.alert.subject_staff_id])).status_code == 404


def test_an_unknown_staff_id_is_not_found(world: World) -> None:
    assert world.client(world.analyst).get(reverse("person", args=["S99999"])).status_code == 404
