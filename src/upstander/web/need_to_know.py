"""Need to know: who may never see a record about a member of staff, whatever their role.

The subject themselves, everyone above them in the line management chain, and anyone linked to them (for
now: living at the same address, as the staff record shows) are conflicted. Assignment and the ACU lead
widen access; a conflict always wins over both.
"""

from __future__ import annotations

from upstander.web.models import StaffMember, User


def conflicted(user: User, subject_staff_id: str) -> bool:
    """True when the user must never see a record about this member of staff."""
    return subject_staff_id in conflicted_subjects(user)


def conflicted_subjects(user: User) -> set[str]:
    """Every member of staff this user is conflicted about (for filtering lists in one query)."""
    own = user.staff_id
    if not own:
        return set()
    managers = dict(StaffMember.objects.values_list("staff_id", "line_manager_id"))
    reports: dict[str, list[str]] = {}
    for staff, manager in managers.items():
        if manager:
            reports.setdefault(manager, []).append(staff)
    found, frontier = {own}, [own]
    while frontier:  # everyone below the user in the chain: the user manages them, directly or not
        nxt = [s for m in frontier for s in reports.get(m, ()) if s not in found]
        found.update(nxt)
        frontier = nxt
    me = StaffMember.objects.filter(staff_id=own).first()
    if me is not None and me.home_uprn:
        found.update(StaffMember.objects.filter(home_uprn=me.home_uprn).values_list("staff_id", flat=True))
    return found
