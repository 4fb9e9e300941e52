"""Need to know: who may never see a record about a member of staff, whatever their role.

The subject themselves, everyone above them in the line management chain, and anyone linked to them (for
now: living at the same address, as the staff record shows) are conflicted. Assignment and the ACU lead
widen access; a conflict always wins over both.
"""

from __future__ import annotations

from upstander.web.models import StaffMember, User

_MAX_CHAIN = 20  # a management chain longer than this is a data error, not a hierarchy


def management_chain(staff_id: str) -> list[str]:
    """The subject's line manager, their manager, and so on up."""
    managers = dict(StaffMember.objects.values_list("staff_id", "line_manager_id"))
    chain, current = [], managers.get(staff_id)
    while current and current not in chain and len(chain) < _MAX_CHAIN:
        chain.append(current)
        current = managers.get(current)
    return chain


def linked_staff(staff_id: str) -> set[str]:
    """Staff linked to the subject: sharing their home address."""
    member = StaffMember.objects.filter(staff_id=staff_id).first()
    if member is None or not member.home_uprn:
        return set()
    return set(StaffMember.objects.filter(home_uprn=member.home_uprn).exclude(staff_id=staff_id)
               .values_list("staff_id", flat=True))


def conflicted(user: User, subject_staff_id: str) -> bool:
    """True when the user must never see a record about this member of staff."""
    own = user.staff_id
    if not own:
        return False
    if own == subject_staff_id:
        return True
    return own in management_chain(subject_staff_id) or own in linked_staff(subject_staff_id)


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
