"""Need to know: who may never see a record about a member of staff, whatever their role.

The subject themselves, everyone in the chain above them and anyone living at the same address (as the staff
record shows) are conflicted. The chain is the subject's line manager and their team's supervisor, and theirs in
turn, upwards: a blank line manager must not leave the team supervisor out. Assignment and the ACU lead widen
access; a conflict always wins over both. Every view (alerts, person, cases, intelligence, declarations,
reports) asks here, so there is one answer.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from upstander.web.models import StaffMember, Team, User


def conflicted(user: User, subject_staff_id: str) -> bool:
    """True when the user must never see a record about this member of staff."""
    return subject_staff_id in conflicted_subjects(user)


def conflicted_about_any(user: User, staff_ids: Iterable[str]) -> bool:
    """True when the user is conflicted about any of these (the staff a report could be about)."""
    return not conflicted_subjects(user).isdisjoint(staff_ids)


def conflicted_subjects(user: User) -> set[str]:
    """Every member of staff S such that the user is S, is in S's chain, or shares S's address.

    Walked downwards from the user, a level at a time: the people they line-manage and the members of the teams
    they supervise, then those people's own. Two indexed queries a level, so the cost follows the size of the
    user's part of the force, not the directory (a constable with nobody below them costs two queries)."""
    own = user.staff_id
    if not own:
        return set()
    found, frontier = {own}, {own}
    while frontier:
        teams = Team.objects.filter(supervisor_id__in=frontier).values_list("team_id", flat=True)
        below = set(StaffMember.objects.filter(Q(line_manager_id__in=frontier) | Q(team_id__in=list(teams)))
                    .values_list("staff_id", flat=True))
        frontier = below - found
        found |= frontier
    uprn = StaffMember.objects.filter(staff_id=own).values_list("home_uprn", flat=True).first()
    if uprn:
        found.update(StaffMember.objects.filter(home_uprn=uprn).values_list("staff_id", flat=True))
    return found
