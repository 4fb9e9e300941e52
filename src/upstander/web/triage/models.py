"""Alerts copied from the detection alert store, and the analyst's disposition of each."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Alert(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        ASSIGNED = "assigned", "Assigned"
        DISPOSED = "disposed", "Disposed"

    alert_id = models.CharField(max_length=64, unique=True)  # the alert store's key: detection re-runs update it
    detector_id = models.CharField(max_length=64, db_index=True)
    red_flags = models.JSONField(default=list)
    category = models.CharField(max_length=64, db_index=True)
    subject_staff_id = models.CharField(max_length=32, db_index=True)
    subject_team_id = models.CharField(max_length=32, blank=True, db_index=True)
    person_ids = models.JSONField(default=list)
    window_start = models.DateTimeField(null=True)
    window_end = models.DateTimeField(null=True)
    alerted_at = models.DateTimeField(db_index=True)
    score = models.FloatField(db_index=True)
    evidence = models.JSONField(default=list)
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW, db_index=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="assigned_alerts")
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "web_alert"  # the table it had before the web application was split by domain
        indexes = [models.Index(fields=["status", "-score"]), models.Index(fields=["subject_staff_id", "-alerted_at"])]

    def __str__(self) -> str:
        return f"{self.detector_id} on {self.subject_staff_id}"


class Disposition(models.Model):
    class Outcome(models.TextChoices):
        NO_FURTHER_ACTION = "nfa", "No further action"
        DEVELOP_INTELLIGENCE = "develop", "Develop as intelligence"
        OPEN_CASE = "open_case", "Open a case"
        FALSE_POSITIVE = "false_positive", "False positive"

    alert = models.OneToOneField(Alert, on_delete=models.PROTECT, related_name="disposition")
    outcome = models.CharField(max_length=32, choices=Outcome.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "web_disposition"  # the table it had before the web application was split by domain
