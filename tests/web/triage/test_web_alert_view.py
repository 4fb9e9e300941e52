"""One alert, its evidence and its disposition: who may see it, and what a decision needs."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from upstander.web.models import AccessLog
from upstander.web.sync import sync_alerts
from upstander.web.templatetags.upstander_tags import detector_name
from upstander.web.triage.models import Alert, Disposition
from webworld import World

pytestmark = pytest.mark.django_db



def test_the_analyst_sees_the_alert_with_its_evidence_rows_from_the_lake(world: World) -> None:
    page = world.client(world.analyst).get(reverse("alert", args=[world.alert.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert world.alert.subject_staff_id in html and "How to read this alert" in html
    first_ref = world.alert.evidence[0]
    feed = first_ref.split(":", 1)[0]
    assert feed.capitalize() in html or "Stops on the map" in html  # the evidence feed is shown as a table or map
    assert AccessLog.objects.filter(username="analyst", action="view", object_id=world.alert.alert_id).exists()


@pytest.mark.parametrize("who", ["subject", "manager", "housemate", "outsider", "investigator"])
def test_everyone_conflicted_or_without_the_role_gets_not_found_even_guessing_the_url(world: World, who: str) -> None:
    user = getattr(world, who)
    client = world.client(user)
    for name in ("alert", "assign", "dispose"):
        url = reverse(name, args=[world.alert.pk])
        response = client.get(url) if name == "alert" else client.post(url, {"outcome": "nfa", "reason": "x" * 20})
        assert response.status_code == 404, (who, name)
    world.alert.refresh_from_db()
    assert world.alert.status == Alert.Status.NEW and not Disposition.objects.filter(alert=world.alert).exists()
    assert AccessLog.objects.filter(username=user.username, action="refuse").count() >= 3


def test_a_signed_out_visitor_is_sent_to_sign_in(world: World) -> None:
    from django.test import Client

    response = Client().get(reverse("alert", args=[world.alert.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(("form", "message"), [
    ({"outcome": "", "reason": "The stops were at the station car park."}, "Choose what should happen"),
    ({"outcome": "maybe", "reason": "The stops were at the station car park."}, "Choose what should happen"),
    ({"outcome": "false_positive", "reason": "  no  "}, "Give the reason"),
])
def test_a_disposition_without_an_outcome_or_a_reason_is_refused_and_the_typing_kept(
        world: World, form: dict[str, str], message: str) -> None:
    response = world.client(world.analyst).post(reverse("dispose", args=[world.alert.pk]), form)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and form["reason"].strip() in html
    assert not Disposition.objects.filter(alert=world.alert).exists()


def test_assign_then_dispose_closes_the_alert_and_counts_in_the_detector_statistics(world: World) -> None:
    client = world.client(world.analyst)
    client.post(reverse("assign", args=[world.alert.pk]))
    world.alert.refresh_from_db()
    assert world.alert.assigned_to == world.analyst and world.alert.status == Alert.Status.ASSIGNED
    reason = "Stops were at a shared standby point; radio logs show a refreshment break."
    response = client.post(reverse("dispose", args=[world.alert.pk]), {"outcome": "false_positive", "reason": reason})
    assert response.status_code == 302
    world.alert.refresh_from_db()
    assert world.alert.status == Alert.Status.DISPOSED
    assert Disposition.objects.get(alert=world.alert).reason == reason
    stats = client.get(reverse("detector_stats")).content.decode()
    # The detector by its title, never its id.
    assert escape(detector_name(world.alert.detector_id)) in stats and "100%" in stats
    assert world.alert.detector_id not in stats
    again = client.post(reverse("dispose", args=[world.alert.pk]), {"outcome": "nfa", "reason": reason})
    assert again.status_code == 400 and Disposition.objects.filter(alert=world.alert).count() == 1


def test_syncing_detection_again_adds_no_duplicates_and_keeps_the_decision(world: World) -> None:
    client = world.client(world.analyst)
    client.post(reverse("dispose", args=[world.alert.pk]),
                {"outcome": "develop", "reason": "Matches an intelligence report received last month."})
    count = Alert.objects.count()
    seen, new = sync_alerts(world.home)
    assert new == 0 and Alert.objects.count() == count == seen
    world.alert.refresh_from_db()
    assert world.alert.status == Alert.Status.DISPOSED


def test_an_alert_gone_from_the_store_is_removed_if_untouched_and_kept_if_decided(world: World) -> None:
    from upstander.detect.alerts import AlertStore

    decided, untouched = Alert.objects.filter(status=Alert.Status.NEW).order_by("alert_id")[:2]
    world.client(world.analyst).post(reverse("dispose", args=[decided.pk]),
                                     {"outcome": "nfa", "reason": "Explained by a job recorded late."})
    with AlertStore(world.home).writing() as con:  # a full detection run no longer finds either
        con.execute("DELETE FROM alerts WHERE alert_id IN (?, ?)", [decided.alert_id, untouched.alert_id])
    seen, new = sync_alerts(world.home)
    assert new == 0 and seen == Alert.objects.count() - 1
    assert not Alert.objects.filter(alert_id=untouched.alert_id).exists()
    decided.refresh_from_db()
    assert decided.status == Alert.Status.DISPOSED and decided.disposition.reason.startswith("Explained")


def test_communications_evidence_is_drawn_on_a_timeline_mark_by_mark(world: World) -> None:
    alert = next(a for a in Alert.objects.order_by("-score")
                 if any(ref.startswith("communications:") for ref in a.evidence))
    html = world.client(world.analyst).get(reverse("alert", args=[alert.pk])).content.decode()
    n = len({ref for ref in alert.evidence if ref.startswith("communications:")})
    timeline = html.split('class="timeline"', 1)[1].split("</svg>", 1)[0]
    assert timeline.count("<rect ") == min(n, 500)
    assert f"{min(n, 500)} communications from" in html


def test_the_acu_lead_gives_an_alert_to_an_analyst_but_never_to_someone_conflicted(world: World) -> None:
    from upstander.web.roles import Role
    from webworld import make_user, signed_in

    lead = signed_in(make_user("lead", Role.ACU_LEAD, world.investigator.staff_id + "-L"))
    url = reverse("assign", args=[world.alert.pk])
    for username, message in (("manager", "linked to its subject"), ("investigator", "does not work the alert"),
                              ("nobody", "no active account")):
        response = lead.post(url, {"username": username})
        assert response.status_code == 400 and message in response.content.decode()
    assert lead.post(url, {"username": "analyst"}).status_code == 302
    world.alert.refresh_from_db()
    assert world.alert.assigned_to == world.analyst
    assert world.client(world.analyst).post(url, {"username": "housemate"}).status_code == 400  # only the lead


def test_the_queue_shows_an_analyst_the_alerts_given_to_them(world: World) -> None:
    world.alert.assigned_to, world.alert.status = world.analyst, Alert.Status.ASSIGNED
    world.alert.save()
    html = world.client(world.analyst).get(reverse("queue"), {"mine": "1"}).content.decode()
    assert reverse("alert", args=[world.alert.pk]) in html and "1 alert." in html
