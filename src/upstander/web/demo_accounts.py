"""One demo account per role, with a fresh strong password each time the demo runs (printed once)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from upstander.web.models import StaffMember, User
from upstander.web.portal.reporting.wordlist import WORDS
from upstander.web.roles import Role
from upstander.web.triage.models import Alert

# Six words from 2,281: about 67 bits, beyond guessing even without the sign-in throttle.
_PASSWORD_WORDS = 6


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    password: str
    staff_id: str


def _password() -> str:
    return "-".join(secrets.choice(WORDS) for _ in range(_PASSWORD_WORDS))


def _staff_for(role: Role, taken: set[str]) -> str:
    """A plausible force staff record for the account: the member-of-staff account is the subject of the
    highest-scoring alert, so that the demo shows a subject refused their own alert."""
    if role == Role.STAFF:
        top = Alert.objects.order_by("-score").values_list("subject_staff_id", flat=True).first()
        if top:
            return top
    pool = StaffMember.objects.exclude(staff_id__in=taken)
    preferred = {Role.SUPERVISOR: "sergeant", Role.VETTING_OFFICER: "police_staff_other"}.get(role, "investigator")
    member = pool.filter(role=preferred).order_by("staff_id").first() or pool.order_by("staff_id").first()
    return member.staff_id if member else ""


def ensure_demo_accounts() -> list[DemoLogin]:
    logins, taken = [], set(Alert.objects.values_list("subject_staff_id", flat=True).distinct())
    for role in Role:
        username = f"demo_{role.value}"
        user = User.objects.filter(username=username).first() or User(username=username, role=role)
        if not user.staff_id:
            user.staff_id = _staff_for(role, taken)
        taken.add(user.staff_id)
        password = _password()
        user.role = role
        user.set_password(password)
        user.save()  # checked against the password rules like every password
        user.clear_sign_in_lock()
        logins.append(DemoLogin(username, role.label, password, user.staff_id))
    return logins


# Synthetic declarations so the vetting dashboard has something to decide in the demo (kind, detail, days ago).
_DEMO_DECLARATIONS = (
    ("business_interest", "Part-owner of a vehicle recovery and storage firm that tenders for force contracts.", 3),
    ("secondary_employment", "Weekend door supervisor at a town-centre bar inside my own policing area.", 35),
    ("gift_hospitality", "Offered two football tickets by a local car dealer after a burglary inquiry; declined.", 10),
)


def ensure_demo_declarations(logins: list[DemoLogin]) -> int:
    """Three pending declarations from demo staff (one of them overdue), once; returns how many were added."""
    from datetime import timedelta

    from django.utils import timezone

    from upstander.web.prevention.models import Declaration

    if Declaration.objects.exists():
        return 0
    declarers = [g for g in logins if g.staff_id and g.role in (Role.STAFF.label, Role.SUPERVISOR.label,
                                                                  Role.PSD_INVESTIGATOR.label)]
    added = 0
    for n, ((kind, detail, days), who) in enumerate(zip(_DEMO_DECLARATIONS, declarers, strict=False), 1):
        user = User.objects.get(username=who.username)
        d = Declaration.objects.create(reference=f"DEC-DEMO-{n:03d}", staff_id=who.staff_id, kind=kind,
                                       detail=detail, declared_by=user)
        Declaration.objects.filter(pk=d.pk).update(declared_at=timezone.now() - timedelta(days=days))
        added += 1
    return added
