"""Need to know for reports not yet linked to a staff record, attacked as the outside tester did: the manager,
the housemate and the team supervisor of the officer a report names, each given an ACU role, try to open it,
reveal the reporter, relink it and find it in the list, for every way a reporter might write the officer down.
And the ACU lead's triage: until it, only the lead and the people the lead assigns may open a report."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portal import NAMED, submit
from upstander.web.lake_cache import lake_cursor
from upstander.web.models import AccessLog, StaffMember, Team
from upstander.web.portal import guard as portal_guard
from upstander.web.portal.models import Report
from upstander.web.portal.reporting.subjects import refresh_report_subjects
from upstander.web.roles import Role
from webworld import World, make_user

pytestmark = pytest.mark.django_db

ATTACKERS = ["manager", "housemate", "supervisor"]
# How reporters write the officer down: each must name the subject (Rowan Quillfeather, collar 7342).
DESCRIPTIONS = {
    "surname, forename": {"subject_name": "QUILLFEATHER,  Rowan"},
    "initial and surname": {"subject_name": "PC R. Quillfeather"},
    "initials alone": {"subject_name": "R.Q."},
    "zero-width space": {"subject_name": "Quill\u200bfeather"},
    "non-breaking space and case": {"subject_name": "rowan\u00a0quillfeather"},
    "accent": {"subject_name": "Officer Quíllfeather"},
    "surname in the account only": {"subject_name": "", "what_happened": "The officer, PC quillfeather, kept "
                                    "texting me late at night from his work phone after the burglary."},
    "collar number in the name field": {"subject_name": "PC 07342"},
    "collar number in the account": {"subject_name": "", "what_happened": "His collar number was 7342. He "
                                     "kept texting me late at night after I reported a burglary."},
}


@pytest.fixture
def named(world: World) -> StaffMember:
    """The subject of the top alert, with a name and collar number nobody else in the directory has."""
    portal_guard._limits.clear()
    StaffMember.objects.filter(collar_number="7342").update(collar_number="")
    StaffMember.objects.filter(staff_id=world.alert.subject_staff_id).update(
        forename="Rowan", surname="Quillfeather", name="Rowan Quillfeather", collar_number="7342")
    return StaffMember.objects.get(staff_id=world.alert.subject_staff_id)


def _report(world: World, **fields: str) -> Report:
    """A report from the portal (no collar in its own field, so intake links it to nobody), triaged by the lead:
    open to the unit's analysts, bar anyone conflicted."""
    assert submit(Client(), **(NAMED | {"subject_collar": ""} | fields)).status_code == 200
    report = Report.objects.latest("received_at")
    assert report.subject_staff_id == ""
    assert world.client(world.lead).post(reverse("report_triage", args=[report.pk])).status_code == 302
    return report


def _attempts(world: World, who: str, report: Report) -> None:
    user = getattr(world, who)
    client = world.client(user)
    assert report.reference not in client.get(reverse("reports")).content.decode()
    assert client.get(reverse("report", args=[report.pk])).status_code == 404
    reveal = client.post(reverse("report_reveal", args=[report.pk]),
                         {"reason": "To check who made this report before I speak to my officer."})
    assert reveal.status_code == 404
    relink = client.post(reverse("report_update", args=[report.pk]), {"status": "closed", "subject_staff_id": ""})
    assert relink.status_code == 404
    report.refresh_from_db()
    assert report.status != "closed" and not report.reveals.exists()
    assert AccessLog.objects.filter(user=user, action="refuse", object_type="report").count() == 3


@pytest.mark.parametrize("how", list(DESCRIPTIONS))
def test_the_named_officer_s_chain_and_housemates_cannot_open_an_unlinked_report(
        world: World, named: StaffMember, how: str) -> None:
    report = _report(world, **DESCRIPTIONS[how])
    assert named.staff_id in set(report.candidates.values_list("staff_id", flat=True))
    for who in ATTACKERS:
        _attempts(world, who, report)
    # An analyst linked to nobody it names works it as usual.
    assert world.client(world.analyst).get(reverse("report", args=[report.pk])).status_code == 200


def test_nor_when_the_report_gives_only_a_call_sign(world: World) -> None:
    """Someone crewing a call sign the report gives, who works for the same manager, supervisor and shares the
    housemate's address as the subject does (the directory as a force would have it)."""
    con = lake_cursor(world.home)
    call_sign, crew = con.execute("""SELECT call_sign, list(DISTINCT staff_id ORDER BY staff_id) FROM duties
                                     WHERE call_sign IS NOT NULL GROUP BY call_sign
                                     ORDER BY count(DISTINCT staff_id), call_sign LIMIT 1""").fetchone()
    officer = StaffMember.objects.get(staff_id=crew[0])
    housemate = StaffMember.objects.get(staff_id=world.housemate.staff_id)
    StaffMember.objects.filter(pk=officer.pk).update(line_manager_id=world.manager.staff_id,
                                                     home_uprn=housemate.home_uprn)
    Team.objects.update_or_create(team_id=officer.team_id, defaults={"supervisor_id": world.supervisor.staff_id})
    portal_guard._limits.clear()
    report = _report(world, subject_name="", subject_vehicle=f"{call_sign[:-2]} {call_sign[-2:]}".lower())
    assert officer.staff_id in set(report.candidates.values_list("staff_id", flat=True))
    for who in ATTACKERS:
        _attempts(world, who, report)


def test_a_directory_sync_recomputes_who_a_report_could_be_about(world: World) -> None:
    """A report naming someone by a surname the directory did not yet have (a change of name): once the
    directory has it, their manager is kept from the report."""
    portal_guard._limits.clear()
    report = _report(world, subject_name="PC Quillfeather")
    manager = world.client(world.manager)
    assert manager.get(reverse("report", args=[report.pk])).status_code == 200
    StaffMember.objects.filter(staff_id=world.alert.subject_staff_id).update(surname="Quillfeather")
    refresh_report_subjects(world.home)  # what sync_directory does after bringing the directory across
    assert manager.get(reverse("report", args=[report.pk])).status_code == 404


def test_until_triage_only_the_lead_and_assignees_open_a_report(world: World, named: StaffMember) -> None:
    assert submit(Client(), **(NAMED | {"subject_name": "someone at the station", "subject_collar": ""})
                  ).status_code == 200
    report = Report.objects.get()
    analyst = world.client(world.analyst)
    assert report.reference not in analyst.get(reverse("reports")).content.decode()
    assert analyst.get(reverse("report", args=[report.pk])).status_code == 404
    assert analyst.post(reverse("report_triage", args=[report.pk])).status_code == 404  # not theirs to triage
    lead = world.client(world.lead)
    assert lead.get(reverse("report", args=[report.pk])).status_code == 200
    assert lead.post(reverse("report_assign", args=[report.pk]), {"username": "analyst"}).status_code == 302
    assert analyst.get(reverse("report", args=[report.pk])).status_code == 200
    assert world.client(world.housemate).get(reverse("report", args=[report.pk])).status_code == 404


def test_a_lead_in_the_named_officer_s_chain_cannot_open_it_before_triage(world: World, named: StaffMember) -> None:
    conflicted_lead = make_user("lead_manager", Role.ACU_LEAD, world.manager.staff_id)
    assert submit(Client(), **(NAMED | {"subject_name": "Quillfeather", "subject_collar": ""})).status_code == 200
    report = Report.objects.get()
    client = world.client(conflicted_lead)
    assert client.get(reverse("report", args=[report.pk])).status_code == 404
    assert client.post(reverse("report_triage", args=[report.pk])).status_code == 404
    assert report.reference not in client.get(reverse("reports")).content.decode()


def test_the_lead_cannot_assign_it_to_anyone_conflicted(world: World, named: StaffMember) -> None:
    report = _report(world, subject_name="Quillfeather")
    for who in ATTACKERS:
        response = world.client(world.lead).post(reverse("report_assign", args=[report.pk]), {"username": who})
        assert response.status_code == 400 and "cannot be assigned" in response.content.decode()
        assert AccessLog.objects.filter(user=world.lead, action="refuse", object_id=report.reference,
                                        detail__contains=who).exists()
    assert not report.assigned.exists()
    bad = world.client(world.lead).post(reverse("report_assign", args=[report.pk]), {"username": "outsider"})
    assert bad.status_code == 400 and "no active account" in bad.content.decode()  # not someone who works reports


def test_nobody_relinks_a_report_to_someone_they_are_conflicted_about(world: World, named: StaffMember) -> None:
    """The housemate may work a report about a stranger, but not link it to the person they live with."""
    report = _report(world, subject_name="a sergeant at another station")
    client = world.client(world.housemate)
    response = client.post(reverse("report_update", args=[report.pk]),
                           {"status": "assessing", "subject_staff_id": named.staff_id})
    assert response.status_code == 400 and "cannot link" in response.content.decode()
    report.refresh_from_db()
    assert report.subject_staff_id == "" and report.status == "received"
    assert AccessLog.objects.filter(user=world.housemate, action="refuse", object_id=report.reference).exists()


def test_a_relink_is_logged_with_what_it_was(world: World, named: StaffMember) -> None:
    report = _report(world, subject_name="a sergeant at another station")
    world.client(world.analyst).post(reverse("report_update", args=[report.pk]),
                                     {"status": "assessing", "subject_staff_id": named.staff_id})
    entry = AccessLog.objects.filter(user=world.analyst, action="change", object_id=report.reference).get()
    assert f"linked to {named.staff_id} (was nobody)" in entry.detail
