"""Cases in the browser's terms: opened from an alert, need to know, the lifecycle, refusals of bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from upstander.web.cases.models import Case
from upstander.web.models import AccessLog
from upstander.web.roles import Role
from webworld import World, make_user

pytestmark = pytest.mark.django_db



def _open(world: World) -> Case:
    response = world.client(world.analyst).post(
        reverse("dispose", args=[world.alert.pk]),
        {"outcome": "open_case", "reason": "Repeated contact with a vulnerable victim after the job closed."})
    case = Case.objects.get(source_alert=world.alert)
    assert response.status_code == 302 and response["Location"] == reverse("case", args=[case.pk])
    return case


def test_opening_a_case_from_an_alert_assigns_the_analyst_and_names_the_subject(world: World) -> None:
    case = _open(world)
    assert case.subject_staff_id == world.alert.subject_staff_id
    assert list(case.assigned.all()) == [world.analyst] and case.stage == Case.Stage.ASSESSMENT
    page = world.client(world.analyst).get(reverse("case", args=[case.pk]))
    assert page.status_code == 200 and case.reference in page.content.decode()


@pytest.mark.parametrize("who", ["subject", "manager", "housemate", "investigator", "outsider"])
def test_only_the_assigned_see_a_case_and_guessing_its_url_gets_not_found(world: World, who: str) -> None:
    case = _open(world)
    client = world.client(getattr(world, who))
    for name in ("case", "case_update", "case_move", "case_engagement"):
        url = reverse(name, args=[case.pk])
        response = client.get(url) if name == "case" else client.post(url, {"stage": "investigation"})
        assert response.status_code == 404, (who, name)
    assert case.reference not in client.get(reverse("cases")).content.decode()
    assert AccessLog.objects.filter(username=getattr(world, who).username, action="refuse", object_type="case").exists()


def test_the_acu_lead_sees_every_case_unless_linked_to_the_subject(world: World) -> None:
    case = _open(world)
    lead = make_user("lead", Role.ACU_LEAD, world.outsider.staff_id + "-lead")
    assert world.client(lead).get(reverse("case", args=[case.pk])).status_code == 200
    conflicted_lead = make_user("lead2", Role.ACU_LEAD, world.manager.staff_id)
    assert world.client(conflicted_lead).get(reverse("case", args=[case.pk])).status_code == 404


def test_assigning_the_subject_to_their_own_case_still_refuses_them(world: World) -> None:
    case = _open(world)
    case.assigned.add(world.subject)
    assert world.client(world.subject).get(reverse("case", args=[case.pk])).status_code == 404


def test_the_lifecycle_from_assessment_to_closed_with_refusals_on_the_way(world: World) -> None:
    case = _open(world)
    client = world.client(world.analyst)
    move = reverse("case_move", args=[case.pk])
    update = reverse("case_update", args=[case.pk])
    refused = client.post(move, {"stage": "investigation"})
    assert refused.status_code == 400 and "Record the IOPC referral decision first." in refused.content.decode()
    refused = client.post(update, {"apsp": "on", "referral": "not_refer", "referral_date": "2026-03-01",
                                   "referral_reason": "Supervisor thought it minor."})
    assert refused.status_code == 302
    refused = client.post(move, {"stage": "investigation"})
    assert refused.status_code == 400 and "must be referred" in refused.content.decode()
    client.post(update, {"apsp": "on", "referral": "refer", "referral_date": "2026-03-01", "mode": "independent",
                         "referral_reason": "Every APSP case is referred to the IOPC."})
    assert client.post(move, {"stage": "investigation"}).status_code == 302
    client.post(update, {"apsp": "on", "referral": "refer", "referral_date": "2026-03-01", "mode": "independent",
                         "referral_reason": "Every APSP case is referred to the IOPC.", "severity": "gross_misconduct",
                         "proceedings": "hearing", "standards": ["authority_respect_courtesy", "discreditable_conduct"],
                         "investigation_started": "2026-03-02"})
    assert client.post(move, {"stage": "proceedings"}).status_code == 302
    client.post(update, {"apsp": "on", "referral": "refer", "referral_date": "2026-03-01", "mode": "independent",
                         "referral_reason": "Every APSP case is referred to the IOPC.", "severity": "gross_misconduct",
                         "proceedings": "hearing", "standards": ["authority_respect_courtesy"],
                         "investigation_started": "2026-03-02", "outcome": "dismissal_without_notice",
                         "listing": "barred"})
    assert client.post(move, {"stage": "outcome"}).status_code == 302
    assert client.post(move, {"stage": "closed"}).status_code == 400
    client.post(reverse("case_engagement", args=[case.pk]),
                {"kind": "debrief", "note": "Debrief with the survivor and her ISVA; outcome explained."})
    client.post(update, {"apsp": "on", "referral": "refer", "referral_date": "2026-03-01", "mode": "independent",
                         "referral_reason": "Every APSP case is referred to the IOPC.", "severity": "gross_misconduct",
                         "proceedings": "hearing", "standards": ["authority_respect_courtesy"],
                         "investigation_started": "2026-03-02", "outcome": "dismissal_without_notice",
                         "listing": "barred", "lessons_learned": "Victim-contact desk calls to be recorded."})
    assert client.post(move, {"stage": "closed"}).status_code == 302
    case.refresh_from_db()
    assert case.stage == Case.Stage.CLOSED and case.listing == "barred" and case.engagement.count() == 1
    assert client.post(update, {"referral": "refer"}).status_code == 400  # closed cases are not edited


@pytest.mark.parametrize(("form", "message"), [
    ({"referral": "maybe"}, "is not one of the choices"),
    ({"referral": "refer", "referral_date": "1 March"}, "is not a date"),
    ({"referral": "refer", "standards": ["being_nice"]}, "ten Standards of Professional Behaviour"),
])
def test_bad_case_input_is_refused_with_a_message_and_nothing_saved(world: World, form: dict, message: str) -> None:
    case = _open(world)
    response = world.client(world.analyst).post(reverse("case_update", args=[case.pk]), form)
    assert response.status_code == 400 and message in response.content.decode()
    case.refresh_from_db()
    assert case.referral == Case.Referral.PENDING


def test_an_investigator_added_to_the_case_can_then_open_it(world: World) -> None:
    case = _open(world)
    client = world.client(world.investigator)
    assert client.get(reverse("case", args=[case.pk])).status_code == 404
    response = world.client(world.analyst).post(reverse("case_assign", args=[case.pk]), {"username": "investigator"})
    assert response.status_code == 302
    assert client.get(reverse("case", args=[case.pk])).status_code == 200
    assert case.reference in client.get(reverse("cases")).content.decode()


@pytest.mark.parametrize("who", ["subject", "manager", "housemate"])
def test_assigning_someone_conflicted_is_refused_by_name(world: World, who: str) -> None:
    case = _open(world)
    user = getattr(world, who)
    response = world.client(world.analyst).post(reverse("case_assign", args=[case.pk]), {"username": user.username})
    assert response.status_code == 400 and "cannot be assigned" in response.content.decode()
    assert not case.assigned.filter(pk=user.pk).exists()


def test_assigning_an_unknown_account_is_refused(world: World) -> None:
    case = _open(world)
    response = world.client(world.analyst).post(reverse("case_assign", args=[case.pk]), {"username": "nobody"})
    assert response.status_code == 400 and "no active account" in response.content.decode()


def test_a_recorded_outcome_is_dated_and_published_for_the_learned_ranking(world: World,
                                                                           django_capture_on_commit_callbacks) -> None:
    from upstander.detect.alerts import AlertStore

    case = _open(world)
    update = reverse("case_update", args=[case.pk])
    form = {"referral": "not_refer", "referral_date": "2026-03-01", "referral_reason": "Local matter.",
            "severity": "misconduct", "proceedings": "meeting"}
    with django_capture_on_commit_callbacks(execute=True):
        assert world.client(world.analyst).post(update, form).status_code == 302
    case.refresh_from_db()
    assert case.outcome_recorded_at is None  # no outcome yet: nothing to learn from
    with django_capture_on_commit_callbacks(execute=True):
        assert world.client(world.analyst).post(update, {**form, "outcome": "written_warning"}).status_code == 302
    case.refresh_from_db()
    recorded = case.outcome_recorded_at
    assert recorded is not None and recorded >= case.opened_at
    with AlertStore(world.home).reading() as store:
        rows = store.execute("SELECT staff_id, outcome, recorded_at FROM case_outcomes").fetchall()
    assert rows == [(case.subject_staff_id, "written_warning", recorded.replace(tzinfo=None))]
    # Saving other details again keeps the date the outcome was first recorded.
    with django_capture_on_commit_callbacks(execute=True):
        world.client(world.analyst).post(update, {**form, "outcome": "written_warning", "lessons_learned": "Brief."})
    case.refresh_from_db()
    assert case.outcome_recorded_at == recorded


def test_the_ranking_knows_every_intelligence_category_and_only_real_outcomes_as_proven() -> None:
    from upstander.rank.source import INTELLIGENCE_CATEGORIES, PROVEN_OUTCOMES
    from upstander.web.intelligence.models import IntelligenceRecord

    assert set(INTELLIGENCE_CATEGORIES) == set(IntelligenceRecord.Category.values)
    assert set(PROVEN_OUTCOMES) < set(Case.Outcome.values)
    assert not {"", "no_further_action", "reflective_practice"} & set(PROVEN_OUTCOMES)
