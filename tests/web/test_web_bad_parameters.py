"""Bad numbers and dates in a request are the sender's mistake: 400 with a plain message naming the field,
never a 500 and never silently ignored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from upstander.web.intelligence.models import DevelopmentAction, IntelligenceRecord
from webworld import World

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"

QUEUE_BAD = [
    ("max_age_days", HUGE, "Raised within (days)"),
    ("max_age_days", "-3", "Raised within (days)"),
    ("max_age_days", "²", "Raised within (days)"),
    ("min_score", "abc", "Score at least"),
    ("min_score", "1" * 400, "Score at least"),
    ("min_score", "nan", "Score at least"),
    ("min_score", "1e9'; DROP TABLE", "Score at least"),
    ("red_flag", "x", "Red flag"),
    ("red_flag", "²", "Red flag"),
    ("red_flag", "13", "Red flag"),
    ("red_flag", HUGE, "Red flag"),
    ("page", "abc", "Page"),
    ("page", "0", "Page"),
    ("page", HUGE, "Page"),
]


@pytest.mark.parametrize(("name", "value", "label"), QUEUE_BAD)
def test_a_bad_queue_filter_is_a_400_that_names_the_field(world: World, name: str, value: str, label: str) -> None:
    response = world.client(world.analyst).get(reverse("queue"), {name: value})
    assert response.status_code == 400
    text = response.content.decode()
    assert f'role="alert">{label}:' in text and "Filter alerts" in text  # the whole page, with the form to fix it


def test_a_bad_filter_sent_by_htmx_gets_the_message_in_the_results(world: World) -> None:
    response = world.client(world.analyst).get(reverse("queue"), {"max_age_days": HUGE}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 400 and text.startswith('<div id="results"')
    assert "Raised within (days): “99999999999999999999” is not a whole number from 0 to 36,500." in text


def test_good_and_blank_filters_still_work(world: World) -> None:
    client = world.client(world.analyst)
    for good in ({"max_age_days": "36500"}, {"min_score": "0.5"}, {"red_flag": "12"}, {"page": "9999"},
                 {"min_score": "", "max_age_days": "", "red_flag": "", "page": ""}):
        assert client.get(reverse("queue"), good).status_code == 200, good


def _record_with_action(world: World) -> tuple[IntelligenceRecord, DevelopmentAction]:
    rec = IntelligenceRecord.objects.create(
        reference="INT-2026-00001", created_by=world.analyst, category="sexual_misconduct",
        theme="sexual_misconduct", source_grade="2", assessment="B", handling="C",
        text="A support worker reports the officer texts a client late at night.",
        staff_ids=[world.alert.subject_staff_id], person_ids=[])
    rec.assigned.add(world.analyst)
    return rec, DevelopmentAction.objects.create(record=rec, action="Audit the look-ups", by=world.analyst)


@pytest.mark.parametrize(("form", "words"), [
    ({"done": "abc"}, "Development action: “abc” is not a whole number"),
    ({"done": HUGE}, "Development action: “99999999999999999999” is not a whole number"),
    ({"done": "-1"}, "Development action: “-1” is not a whole number"),
    ({"done": "999999"}, "Development action: there is no action 999999 on INT-2026-00001."),
    ({"action": "Speak to the supervisor", "due": "2026-02-30"}, "Due: “2026-02-30” is not a date (YYYY-MM-DD)."),
    ({"action": "Speak to the supervisor", "due": "tomorrow"}, "Due: “tomorrow” is not a date (YYYY-MM-DD)."),
    ({"action": "Speak to the supervisor", "due": "99999-01-01"}, "Due: “99999-01-01” is not a date"),
    ({"action": "", "due": "2026-03-01"}, "New action: say what is to be done."),
])
def test_a_bad_intelligence_action_is_a_400_with_a_message(world: World, form: dict[str, str], words: str) -> None:
    rec, action = _record_with_action(world)
    response = world.client(world.analyst).post(reverse("intelligence_action", args=[rec.pk]), form)
    assert response.status_code == 400 and words in response.content.decode()
    action.refresh_from_db()
    assert not action.done and rec.actions.count() == 1  # nothing changed


def test_a_good_intelligence_action_still_works(world: World) -> None:
    rec, action = _record_with_action(world)
    client = world.client(world.analyst)
    assert client.post(reverse("intelligence_action", args=[rec.pk]), {"done": str(action.pk)}).status_code == 302
    assert client.post(reverse("intelligence_action", args=[rec.pk]),
                       {"action": "Speak to the supervisor", "due": "2026-03-01"}).status_code == 302
    action.refresh_from_db()
    assert action.done and rec.actions.get(action="Speak to the supervisor").due.isoformat() == "2026-03-01"
