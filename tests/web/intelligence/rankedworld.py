"""A force with ten years of complaints and a fitted learned ranking, for the ranked-people page, the person
view's reasons and the oversight dashboard's fairness audit. The personas:

- analyst: an ACU analyst linked to nobody;
- subject: the person the ranking puts first, given the ACU analyst role to make the test hard;
- housemate: an ACU analyst living at the subject's address;
- investigator: a PSD investigator (does not work alerts, so never sees the ranking);
- outsider: an ordinary member of staff;
- authority: the appropriate authority (oversight dashboard).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from upstander.rank import ranking
from upstander.web.models import StaffMember, User
from upstander.web.roles import Role
from upstander.web.sync import sync_directory
from webworld import make_user


@dataclass
class RankedWorld:
    home: Path
    top: list[str]  # staff ids in the learned ranking's order
    analyst: User
    subject: User
    housemate: User
    investigator: User
    outsider: User
    authority: User


def fitted_home(tmp: Path) -> Path:
    from rankworld import loaded_home

    home, _ = loaded_home(tmp, n_staff=600, years=9, seed=17)
    result = ranking.fit(home)
    assert result.stored is not None, result.message
    return home


def build(home: Path) -> RankedWorld:
    sync_directory(home)
    _, people = ranking.rank_now(home)
    top = [p.staff_id for p in people]
    subject_id = top[0]
    # Two members of staff who are not ranked become the analyst and the housemate; the housemate shares the
    # subject's address (the directory is the application's copy of the staff feed).
    unranked = list(StaffMember.objects.exclude(staff_id__in=top).values_list("staff_id", flat=True)[:5])
    StaffMember.objects.filter(staff_id=subject_id).update(home_uprn="100090001234")
    StaffMember.objects.filter(staff_id=unranked[1]).update(home_uprn="100090001234")
    return RankedWorld(
        home, top,
        analyst=make_user("analyst", Role.ACU_ANALYST, unranked[0]),
        subject=make_user("subject", Role.ACU_ANALYST, subject_id),
        housemate=make_user("housemate", Role.ACU_ANALYST, unranked[1]),
        investigator=make_user("investigator", Role.PSD_INVESTIGATOR, unranked[2]),
        outsider=make_user("outsider", Role.STAFF, unranked[3]),
        authority=make_user("authority", Role.APPROPRIATE_AUTHORITY, unranked[4]),
    )
