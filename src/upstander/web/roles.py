"""The roles of the people who use Upstander and what each may do. Need to know narrows this further."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ACU_LEAD = "acu_lead", "ACU lead"
    ACU_ANALYST = "acu_analyst", "ACU analyst"
    PSD_INVESTIGATOR = "psd_investigator", "PSD investigator"
    APPROPRIATE_AUTHORITY = "appropriate_authority", "Appropriate authority"
    VETTING_OFFICER = "vetting_officer", "Vetting officer"
    SUPERVISOR = "supervisor", "Supervisor"
    STAFF = "staff", "Member of staff"


# Who works the alert queue. Everyone else is refused it, whatever else they may see.
TRIAGE_ROLES = frozenset({Role.ACU_LEAD, Role.ACU_ANALYST})
# Roles that must pass a second factor at sign-in (PSD and ACU).
SECOND_FACTOR_ROLES = frozenset({Role.ACU_LEAD, Role.ACU_ANALYST, Role.PSD_INVESTIGATOR,
                                 Role.APPROPRIATE_AUTHORITY})


def role_named(text: str) -> Role | None:
    """The role a person wrote, by its words ("ACU analyst") or its code (acu_analyst), in any case; None if none."""
    wanted = " ".join(text.replace("_", " ").split()).casefold()
    return next((r for r in Role if wanted in (r.label.casefold(), r.value.replace("_", " "))), None)
