"""The alert queue: who may work it, what it shows, and its filters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from upstander.detect.catalogue import load_detectors
from upstander.web.triage.models import Alert
from webworld import World

pytestmark = pytest.mark.django_db



def _listed(html: str) -> set[int]:
    return {a.pk for a in Alert.objects.all() if reverse("alert", args=[a.pk]) + '"' in html}


def test_the_analyst_sees_open_alerts_highest_score_first(world: World) -> None:
    html = world.client(world.analyst).get(reverse("queue"), {"status": "all"}).content.decode()
    total = Alert.objects.count()
    assert f"{total} alert" in html
    top = list(Alert.objects.order_by("-score", "id")[:50])
    positions = [html.index(reverse("alert", args=[a.pk]) + '"') for a in top]
    assert positions == sorted(positions)


@pytest.mark.parametrize("who", ["investigator", "outsider"])
def test_roles_that_do_not_triage_are_refused_the_queue(world: World, who: str) -> None:
    client = world.client(getattr(world, who))
    assert client.get(reverse("queue")).status_code == 404
    assert client.get(reverse("detector_stats")).status_code == 404


@pytest.mark.parametrize("who", ["subject", "manager", "housemate"])
def test_a_conflicted_analyst_never_sees_alerts_about_the_subject(world: World, who: str) -> None:
    html = world.client(getattr(world, who)).get(reverse("queue"), {"status": "all"}).content.decode()
    about = Alert.objects.filter(subject_staff_id=world.alert.subject_staff_id)
    about_subject = set(about.values_list("pk", flat=True))
    assert about_subject and not (about_subject & _listed(html))
    assert world.alert.subject_staff_id not in html


def test_the_red_flag_filter_keeps_only_alerts_from_detectors_for_that_flag(world: World) -> None:
    flag = world.alert.red_flags[0]
    html = world.client(world.analyst).get(reverse("queue"), {"status": "all", "red_flag": flag}).content.decode()
    detectors = {d.id for d in load_detectors() if flag in d.red_flags}
    listed = Alert.objects.filter(pk__in=_listed(html))
    assert listed.exists() and set(listed.values_list("detector_id", flat=True)) <= detectors
    outside = Alert.objects.exclude(detector_id__in=detectors)
    assert not (set(outside.values_list("pk", flat=True)) & _listed(html))


def test_score_and_team_filters_and_a_page_past_the_end(world: World) -> None:
    client = world.client(world.analyst)
    threshold = world.alert.score
    html = client.get(reverse("queue"), {"status": "all", "min_score": f"{threshold:.2f}"}).content.decode()
    assert all(a.score >= round(threshold, 2) for a in Alert.objects.filter(pk__in=_listed(html)))
    team = world.alert.subject_team_id
    html = client.get(reverse("queue"), {"status": "all", "team": team}).content.decode()
    assert {a.subject_team_id for a in Alert.objects.filter(pk__in=_listed(html))} == {team}
    assert client.get(reverse("queue"), {"page": "9999"}).status_code == 200  # the last page
    # Bad values are refused with a message (tests/web/test_web_bad_parameters.py), not ignored.
