"""The appropriate authority's oversight dashboard: counts that name nobody, and only their own cases by name."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from upstander.web.cases.models import Case
from upstander.web.cases.opening import open_case_from_alert
from upstander.web.roles import Role
from webworld import World, make_user, signed_in

pytestmark = pytest.mark.django_db


def _authority(world: World) -> object:
    return make_user("authority", Role.APPROPRIATE_AUTHORITY, world.outsider.staff_id)


def test_counts_name_nobody_and_only_assigned_cases_are_listed(world: World) -> None:
    theirs = open_case_from_alert(world.alert, world.analyst)  # an APSP case nobody has referred yet
    theirs.apsp = True
    theirs.save()
    authority = _authority(world)
    html = signed_in(authority).get(reverse("oversight")).content.decode()
    assert "Abuse of position for a sexual purpose not yet referred" in html and "<strong>1</strong>" in html
    assert theirs.reference not in html and theirs.title not in html  # not assigned: a number, never a name
    theirs.assigned.add(authority)
    html = signed_in(authority).get(reverse("oversight")).content.decode()
    assert theirs.reference in html and "IOPC referral decision (must refer" in html


def test_an_investigation_past_twelve_months_shows_its_report_overdue(world: World) -> None:
    case = open_case_from_alert(world.alert, world.analyst)
    authority = _authority(world)
    case.assigned.add(authority)
    Case.objects.filter(pk=case.pk).update(stage=Case.Stage.INVESTIGATION, referral=Case.Referral.REFER,
                                           investigation_started=date.today() - timedelta(days=400))
    html = signed_in(authority).get(reverse("oversight")).content.decode()
    assert "severity assessment" in html and "overdue" in html
    assert "Investigations past twelve months (report owed)</dt><dd>1" in html


def test_an_authority_conflicted_about_the_subject_sees_the_count_but_not_the_case(world: World) -> None:
    case = open_case_from_alert(world.alert, world.analyst)
    manager_authority = make_user("authority-manager", Role.APPROPRIATE_AUTHORITY, world.manager.staff_id)
    case.assigned.add(manager_authority)  # even if assigned by mistake
    html = signed_in(manager_authority).get(reverse("oversight")).content.decode()
    assert case.reference not in html and "Nothing waits on you" in html


@pytest.mark.parametrize("who", ["analyst", "investigator", "outsider", "subject"])
def test_other_roles_get_not_found(world: World, who: str) -> None:
    assert world.client(getattr(world, who)).get(reverse("oversight")).status_code == 404
