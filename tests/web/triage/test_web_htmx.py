"""htmx where it helps: the queue's filters and the person view's contact review swap in a fragment; without
JavaScript the same addresses answer with whole pages, and the two forms are never cached as one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from webworld import World

pytestmark = pytest.mark.django_db


def test_the_queue_answers_htmx_with_the_results_alone(world: World) -> None:
    client = world.client(world.analyst)
    url = reverse("queue") + f"?team={world.alert.subject_team_id}"
    fragment = client.get(url, headers={"HX-Request": "true"})
    page = client.get(url)
    assert fragment.content.decode().lstrip().startswith('<div id="results"')
    assert "<html" not in fragment.content.decode() and "<html" in page.content.decode()
    assert reverse("alert", args=[world.alert.pk]) in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"] and "HX-Request" in page["Vary"]


def test_the_page_loads_htmx_from_the_application_itself(world: World) -> None:
    html = world.client(world.analyst).get(reverse("queue")).content.decode()
    assert 'src="/static/django_htmx/htmx' in html and "hx-get" in html and "//unpkg" not in html


def test_contact_review_arrives_as_a_fragment_or_a_page(world: World) -> None:
    client = world.client(world.analyst)
    url = reverse("person_contacts", args=[world.alert.subject_staff_id])
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith('<section id="contact-review"') and "<html" not in fragment
    assert "<html" in client.get(url).content.decode()


@pytest.mark.parametrize("who", ["subject", "manager", "housemate", "outsider"])
def test_a_fragment_is_refused_exactly_like_the_page(world: World, who: str) -> None:
    client = world.client(getattr(world, who))
    for url in (reverse("queue"), reverse("person_contacts", args=[world.alert.subject_staff_id])):
        if who == "subject" and url == reverse("queue"):
            # The subject works alerts: the queue opens, but never with an alert about them.
            html = client.get(url, headers={"HX-Request": "true"}).content.decode()
            assert reverse("alert", args=[world.alert.pk]) not in html
            continue
        if who in ("manager", "housemate") and url == reverse("queue"):
            continue
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 404
