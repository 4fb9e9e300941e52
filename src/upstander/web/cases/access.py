"""Which cases a user may see: the people assigned and the ACU lead, never anyone conflicted about the subject."""

from __future__ import annotations

from django.db.models import QuerySet

from upstander.web.cases.models import Case
from upstander.web.models import User
from upstander.web.need_to_know import conflicted_subjects
from upstander.web.roles import Role


def visible_cases(user: User) -> QuerySet[Case]:
    cases = Case.objects.all() if user.role == Role.ACU_LEAD else Case.objects.filter(assigned=user)
    return cases.exclude(subject_staff_id__in=conflicted_subjects(user)).distinct()
