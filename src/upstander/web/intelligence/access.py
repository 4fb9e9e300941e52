"""Which intelligence records a user may see: those assigned and the ACU lead, never a record about anyone they
are conflicted on."""

from __future__ import annotations

from upstander.web.intelligence.models import IntelligenceRecord
from upstander.web.models import User
from upstander.web.need_to_know import conflicted_subjects
from upstander.web.roles import Role

R = IntelligenceRecord


def visible_records(user: User, about: str | None = None) -> list[IntelligenceRecord]:
    """Records the user may see (assigned, or every record for the ACU lead), never one about anyone they are
    conflicted on; with `about`, only those about that member of staff."""
    records = R.objects.all() if user.role == Role.ACU_LEAD else R.objects.filter(assigned=user)
    if about is not None:
        records = records.filter(subjects__staff_id=about)
    blocked = conflicted_subjects(user)
    if blocked:
        records = records.exclude(subjects__staff_id__in=blocked)
    return list(records.distinct().order_by("-received_at"))
