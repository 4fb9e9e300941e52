"""Intelligence records: grading and categories validated, need to know enforced, actions tracked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from upstander.web.intelligence.models import IntelligenceRecord
from webworld import World

pytestmark = pytest.mark.django_db



def _form(world: World, **overrides: str) -> dict[str, str]:
    form = {"category": "sexual_misconduct", "theme": "sexual_misconduct", "source_grade": "2", "assessment": "B",
            "handling": "C", "staff_ids": world.alert.subject_staff_id, "person_ids": "P0000123",
            "text": "A support worker reports the officer texts a client late at night from a work phone."}
    form.update(overrides)
    return form


def test_the_analyst_records_graded_intelligence_and_is_assigned_to_it(world: World) -> None:
    response = world.client(world.analyst).post(reverse("intelligence_new"), _form(world, prejudicial_improper="on"))
    rec = IntelligenceRecord.objects.get()
    assert response.status_code == 302 and rec.grading == "2BC" and rec.prejudicial_improper
    assert list(rec.assigned.all()) == [world.analyst]
    page = world.client(world.analyst).get(reverse("intelligence", args=[rec.pk])).content.decode()
    assert "2BC" in page and "Sexual misconduct" in page


@pytest.mark.parametrize(("overrides", "message"), [
    ({"source_grade": "4"}, "Source evaluation: choose one of the options."),
    ({"assessment": "F"}, "Intelligence assessment: choose one of the options."),
    ({"handling": "X"}, "Handling code: choose one of the options."),
    ({"theme": "gossip"}, "STUDIOSB theme: choose one of the options."),
    ({"category": ""}, "Collection category: choose one of the options."),
    ({"staff_ids": "S99999"}, "'S99999' is not in the staff directory"),
    ({"staff_ids": ""}, "name at least one member of staff"),
    ({"person_ids": "Jane Smith"}, "is not a person id"),
    ({"text": "too short"}, "write at least a sentence"),
])
def test_bad_intelligence_is_refused_with_a_message_and_the_typing_kept(
        world: World, overrides: dict[str, str], message: str) -> None:
    form = _form(world, **overrides)
    response = world.client(world.analyst).post(reverse("intelligence_new"), form)
    html = response.content.decode()
    assert response.status_code == 400 and message in html.replace("&#x27;", "'")
    assert "A support worker reports" in html or overrides.get("text")
    assert not IntelligenceRecord.objects.exists()


def test_nobody_records_intelligence_about_themselves(world: World) -> None:
    response = world.client(world.subject).post(reverse("intelligence_new"), _form(world))
    assert response.status_code == 400 and not IntelligenceRecord.objects.exists()


@pytest.mark.parametrize("who", ["subject", "manager", "housemate", "investigator", "outsider"])
def test_only_the_assigned_see_a_record_and_the_conflicted_never(world: World, who: str) -> None:
    world.client(world.analyst).post(reverse("intelligence_new"), _form(world))
    rec = IntelligenceRecord.objects.get()
    user = getattr(world, who)
    rec.assigned.add(user)  # even assigned by mistake, a conflicted user is refused
    client = world.client(user)
    expected = 200 if who in ("investigator", "outsider") else 404
    assert client.get(reverse("intelligence", args=[rec.pk])).status_code == expected
    rec.assigned.remove(user)
    assert client.get(reverse("intelligence", args=[rec.pk])).status_code == 404
    assert rec.reference not in client.get(reverse("intelligence_list")).content.decode()


def test_development_actions_are_added_and_marked_done(world: World) -> None:
    client = world.client(world.analyst)
    client.post(reverse("intelligence_new"), _form(world))
    rec = IntelligenceRecord.objects.get()
    client.post(reverse("intelligence_action", args=[rec.pk]),
                {"action": "Audit the officer's look-ups", "due": "2026-01-10"})
    action = rec.actions.get()
    client.post(reverse("intelligence_action", args=[rec.pk]), {"done": str(action.pk)})
    action.refresh_from_db()
    assert action.done and action.due.isoformat() == "2026-01-10"


def test_new_intelligence_adds_points_to_the_subjects_risk_matrix(world: World) -> None:
    from upstander.risk.matrix import risk_matrix

    home = world.home  # the test's own home: its alert store is a copy
    subject = world.alert.subject_staff_id
    before = next(r for r in risk_matrix(home, only=[subject]))
    world.client(world.analyst).post(reverse("intelligence_new"), _form(world))
    after = next(r for r in risk_matrix(home, only=[subject]))
    intel = [p for p in after.points if p.source == "intelligence"]
    assert len(intel) == 1 and "2BC" in intel[0].why and after.total > before.total
