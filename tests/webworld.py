"""The people of the web tests, on the demo force after detection.

- analyst: an ACU analyst with no link to anyone alerted on;
- investigator: a PSD investigator (does not work the alert queue);
- outsider: an ordinary member of staff;
- subject: the member of staff the top alert is about, given the ACU analyst role to make the test hard;
- manager: the subject's line manager, also an ACU analyst;
- housemate: an ACU analyst who lives at the subject's address;
- supervisor: the supervisor of the subject's team (someone other than their line manager), an ACU analyst;
- lead: the ACU lead, linked to nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.test import Client

from upstander.web.models import StaffMember, Team, User
from upstander.web.roles import Role
from upstander.web.sync import sync_all
from upstander.web.triage.models import Alert

PASSWORD = "harbour-kestrel-granite-07"


@dataclass
class World:
    home: Path
    alert: Alert  # the top alert
    analyst: User
    investigator: User
    outsider: User
    subject: User
    manager: User
    housemate: User
    supervisor: User
    lead: User

    def client(self, user: User) -> Client:
        return signed_in(user)


def signed_in(user: User) -> Client:
    """A client signed in as `user`, as if the password and (for PSD and ACU roles) the second factor passed."""
    from upstander.web.views.auth import SECOND_FACTOR_OK

    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    session = c.session
    session[SECOND_FACTOR_OK] = True
    session.save()
    return c


def make_user(username: str, role: Role, staff_id: str) -> User:
    user = User(username=username, role=role, staff_id=staff_id)
    user.set_password(PASSWORD)
    user.save()
    return user


def build(home: Path) -> World:
    sync_all(home)
    alert = Alert.objects.order_by("-score", "id").first()
    assert alert is not None, "the demo force should raise alerts"
    subject_staff = StaffMember.objects.get(staff_id=alert.subject_staff_id)
    alerted = set(Alert.objects.values_list("subject_staff_id", flat=True))
    managers = set(StaffMember.objects.values_list("line_manager_id", flat=True))
    managers |= set(Team.objects.values_list("supervisor_id", flat=True))
    free = (StaffMember.objects.exclude(staff_id__in=alerted | managers)
            .exclude(home_uprn=subject_staff.home_uprn).order_by("staff_id").values_list("staff_id", flat=True))
    analyst_id, investigator_id, outsider_id, housemate_id, supervisor_id, lead_id = free[:6]
    # The subject's team is supervised by someone other than their line manager (a force where the two differ):
    # the supervisor is in the subject's chain whether or not the line manager is recorded.
    Team.objects.update_or_create(team_id=subject_staff.team_id, defaults={"supervisor_id": supervisor_id})
    # The housemate's staff record gives the subject's address (a partner in the same force).
    StaffMember.objects.filter(staff_id=housemate_id).update(home_uprn=subject_staff.home_uprn or "UPRN-SUBJECT")
    if not subject_staff.home_uprn:
        StaffMember.objects.filter(staff_id=subject_staff.staff_id).update(home_uprn="UPRN-SUBJECT")
    assert subject_staff.line_manager_id, "the subject should have a line manager in the directory"
    return World(
        home=home, alert=alert,
        analyst=make_user("analyst", Role.ACU_ANALYST, analyst_id),
        investigator=make_user("investigator", Role.PSD_INVESTIGATOR, investigator_id),
        outsider=make_user("outsider", Role.STAFF, outsider_id),
        subject=make_user("subject", Role.ACU_ANALYST, subject_staff.staff_id),
        manager=make_user("manager", Role.ACU_ANALYST, subject_staff.line_manager_id),
        housemate=make_user("housemate", Role.ACU_ANALYST, housemate_id),
        supervisor=make_user("supervisor", Role.ACU_ANALYST, supervisor_id),
        lead=make_user("acu_lead", Role.ACU_LEAD, lead_id),
    )
