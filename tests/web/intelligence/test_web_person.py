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


def test_the_timeline_reads_in_words_with_local_times_and_their_zone(world: World) -> None:
    import re

    from django.utils.html import escape

    from upstander.web.templatetags.upstander_tags import detector_name

    html = world.client(world.analyst).get(reverse("person", args=[world.alert.subject_staff_id])).content.decode()
    timeline = html[html.index('id="timeline"'):]
    timeline = timeline[:timeline.index("</section>")]
    assert escape(detector_name(world.alert.detector_id)) in timeline  # as the page escapes it
    assert world.alert.detector_id + ":" not in timeline  # the detector's name, not its id
    # Every time is local with its zone (GMT in winter, BST in summer) and machine-readable beside it.
    shown = re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', timeline)
    assert shown and all(re.fullmatch(r"\d{1,2} \w{3} \d{4} \d{2}:\d{2} (GMT|BST)", text) for _, text in shown)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", re.sub(r"<[^>]+>", " ", timeline))  # no stored codes
