"""Declarations a member of staff makes about themselves (business interests, secondary employment, notifiable
associations, a new partner or housemate, gifts and hospitality, changes of circumstances), and the vetting
unit's decision on each. A declined business interest that carries on is a red flag (DESIGN, prevention
strand), so a decline is kept with its reason and reaches the risk matrix."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# The vetting unit's working target for deciding a declaration (days from receipt); older ones show as overdue.
DECISION_DUE_DAYS = 28


class Declaration(models.Model):
    class Kind(models.TextChoices):
        BUSINESS = "business_interest", "Business interest"
        SECONDARY = "secondary_employment", "Secondary employment"
        ASSOCIATION = "notifiable_association", "Notifiable association"
        PARTNER = "new_partner", "New partner or housemate"
        GIFT = "gift_hospitality", "Gift or hospitality"
        FINANCES = "financial_difficulty", "Financial difficulty"
        CHANGE = "change_of_circumstances", "Other change of circumstances"

    class Decision(models.TextChoices):
        PENDING = "pending", "Awaiting a decision"
        APPROVED = "approved", "Approved"
        CONDITIONS = "approved_with_conditions", "Approved with conditions"
        DECLINED = "declined", "Declined"
        NOTED = "noted", "Noted (no approval needed)"

    reference = models.CharField(max_length=32, unique=True)
    staff_id = models.CharField(max_length=32, db_index=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    detail = models.TextField()
    declared_at = models.DateTimeField(auto_now_add=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=32, choices=Decision.choices, default=Decision.PENDING, db_index=True)
    conditions = models.TextField(blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "web_declaration"  # the table it had before the web application was split by domain
        ordering = ["-declared_at"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_kind_display()}, {self.staff_id})"

    @property
    def decision_due(self):  # type: ignore[no-untyped-def]
        return self.declared_at + timedelta(days=DECISION_DUE_DAYS)

    @property
    def overdue(self) -> bool:
        return self.decision == self.Decision.PENDING and timezone.now() > self.decision_due
