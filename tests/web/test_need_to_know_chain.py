"""The chain above a member of staff is their line manager and their team's supervisor, walked upwards: with
the subject's line manager left blank, their team supervisor (given an ACU role) must still be kept from the
alert, the person view and the reports about them, and so must whoever is above the supervisor."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from upstander.web.models import StaffMember, Team
from upstander.web.need_to_know import conflicted_subjects
from upstander.web.portal.models import Report
from upstander.web.roles import Role
from upstander.web.sync import sync_directory
from webworld import World, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_line_manager(world: World) -> str:
    subject = world.alert.subject_staff_id
    StaffMember.objects.filter(staff_id=subject).update(line_manager_id="")
    return subject


def _linked_report(world: World, subject: str) -> Report:
    return Report.objects.create(
        reference="R-CHAIN001", submission="chain-test-submission-token", route="public", receipt_hash="2" * 64,
        what_happened="He kept texting me late at night after the burglary.", subject_staff_id=subject,
        triaged_at=timezone.now(), triaged_by=world.lead)


def test_the_team_supervisor_is_kept_from_the_alert_person_and_reports(world: World, no_line_manager: str) -> None:
    report = _linked_report(world, no_line_manager)
    client = world.client(world.supervisor)
    assert client.get(reverse("alert", args=[world.alert.pk])).status_code == 404
    assert client.get(reverse("person", args=[no_line_manager])).status_code == 404
    assert client.get(reverse("report", args=[report.pk])).status_code == 404
    assert report.reference not in client.get(reverse("reports")).content.decode()
    assert f'href="{reverse("alert", args=[world.alert.pk])}"' not in client.get(reverse("queue")).content.decode()
    # The analyst linked to nobody still works all three.
    analyst = world.client(world.analyst)
    assert analyst.get(reverse("alert", args=[world.alert.pk])).status_code == 200
    assert analyst.get(reverse("report", args=[report.pk])).status_code == 200


def test_the_chain_is_walked_upwards_through_supervisors_and_managers(world: World, no_line_manager: str) -> None:
    """Above the subject: their team supervisor; the supervisor's line manager (here the outsider); and the
    supervisor of that manager's team (a new member of staff, given an ACU role)."""
    StaffMember.objects.filter(staff_id=world.supervisor.staff_id).update(line_manager_id=world.outsider.staff_id)
    StaffMember.objects.create(staff_id="S-TOP", name="Top of the chain", role="inspector_plus", team_id="T-TOP")
    Team.objects.create(team_id="T-ABOVE", supervisor_id="S-TOP")
    StaffMember.objects.filter(staff_id=world.outsider.staff_id).update(team_id="T-ABOVE")
    top = make_user("top", Role.ACU_ANALYST, "S-TOP")
    assert no_line_manager in conflicted_subjects(world.outsider)
    assert no_line_manager in conflicted_subjects(top)
    assert world.client(top).get(reverse("alert", args=[world.alert.pk])).status_code == 404
    assert no_line_manager not in conflicted_subjects(world.analyst)


def test_a_cycle_in_the_chain_ends(world: World) -> None:
    """A team led by someone whose line manager is in that team (data as forces have it) does not loop."""
    StaffMember.objects.filter(staff_id=world.supervisor.staff_id).update(line_manager_id=world.alert.subject_staff_id)
    found = conflicted_subjects(world.supervisor)
    assert world.alert.subject_staff_id in found and world.supervisor.staff_id in found


def test_the_directory_sync_brings_the_team_supervisors_across(world: World) -> None:
    Team.objects.all().delete()
    sync_directory(world.home)
    subject = StaffMember.objects.get(staff_id=world.alert.subject_staff_id)
    assert Team.objects.filter(team_id=subject.team_id).exclude(supervisor_id="").exists()
    assert subject.surname and subject.forename and subject.name == f"{subject.forename} {subject.surname}"
