"""Confidential reports from the public, partner agencies and staff, their two-way messages, attachments, the
members of staff each could be about, and every request to reveal a reporter's identity with its decision.

What could identify a reporter or tell their story is sealed (`SealedTextField`, keys kept apart from the
database): their name and contact details, how and when it is safe to reach them, the partner worker's details,
the account itself, and the description of the officer (a description can identify who saw what). Left in the
clear are only what routing and obligations need: the route, the status, dates, whether the reporter chose
anonymity, the staff record the report is linked to and the staff it could be about (need to know filters on
both: `ReportSubject`), and its triage. Nothing about the
reporter's device or address is taken: the portal never reads them except to rate-limit, in memory, hashed.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from upstander.web.sealing import SealedTextField

ACKNOWLEDGE_WITHIN = timedelta(days=7)
FEEDBACK_WITHIN_MONTHS = 3


def add_months(when: datetime, months: int) -> datetime:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    month = when.month - 1 + months
    year, month = when.year + month // 12, month % 12 + 1
    return when.replace(year=year, month=month, day=min(when.day, calendar.monthrange(year, month)[1]))


class Report(models.Model):
    class Route(models.TextChoices):
        PUBLIC = "public", "A member of the public"
        PARTNER = "partner", "A partner agency, for someone they support"
        STAFF = "staff", "A member of police staff, about a colleague"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ASSESSING = "assessing", "Being assessed"
        INVESTIGATING = "investigating", "Being investigated"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=16, unique=True)  # random, so it says nothing about volume or order
    # The form's one-time token: a double click, a retry or a reload of the POST stores the report once.
    submission = models.CharField(max_length=64, unique=True)
    route = models.CharField(max_length=16, choices=Route.choices)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    # When it was last closed (cleared if reopened): the retention period runs from here (docs/retention.md).
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    receipt_hash = models.CharField(max_length=64, unique=True)  # Argon2id of the receipt code; the code is not kept
    anonymous = models.BooleanField(default=True)
    # The reporter (sealed; empty when anonymous).
    reporter_name = SealedTextField(purpose="report.reporter_name", blank=True)
    reporter_phone = SealedTextField(purpose="report.reporter_phone", blank=True)
    reporter_email = SealedTextField(purpose="report.reporter_email", blank=True)
    contact_consent = models.BooleanField(default=False)
    safe_channels = SealedTextField(purpose="report.safe_channels", blank=True)
    safe_times = SealedTextField(purpose="report.safe_times", blank=True)
    # A partner agency worker making a third-party referral (sealed).
    partner_agency = SealedTextField(purpose="report.partner_agency", blank=True)
    partner_worker = SealedTextField(purpose="report.partner_worker", blank=True)
    survivor_consent = SealedTextField(purpose="report.survivor_consent", blank=True)
    # The officer or member of staff reported, as the reporter described them (sealed).
    subject_name = SealedTextField(purpose="report.subject_name", blank=True)
    subject_collar = SealedTextField(purpose="report.subject_collar", blank=True)
    subject_role = SealedTextField(purpose="report.subject_role", blank=True)
    subject_station = SealedTextField(purpose="report.subject_station", blank=True)
    subject_vehicle = SealedTextField(purpose="report.subject_vehicle", blank=True)
    subject_description = SealedTextField(purpose="report.subject_description", blank=True)
    # What happened (sealed).
    what_happened = SealedTextField(purpose="report.what_happened")
    when_happened = SealedTextField(purpose="report.when_happened", blank=True)
    where_happened = SealedTextField(purpose="report.where_happened", blank=True)
    others_affected = SealedTextField(purpose="report.others_affected", blank=True)
    # The unit's side.
    subject_staff_id = models.CharField(max_length=32, blank=True, db_index=True)
    linked_intelligence = models.ManyToManyField("intelligence.IntelligenceRecord", blank=True, related_name="reports",
        db_table="web_report_linked_intelligence")
    assigned = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="reports",
        db_table="web_report_assigned")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)
    # Until the ACU lead triages a report only the lead and the people the lead assigns may open it.
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        db_table = "web_report"  # the table it had before the web application was split by domain
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.reference

    @property
    def acknowledge_by(self) -> datetime:
        return self.received_at + ACKNOWLEDGE_WITHIN

    @property
    def feedback_by(self) -> datetime:
        return add_months(self.received_at, FEEDBACK_WITHIN_MONTHS)

    @property
    def acknowledgement_overdue(self) -> bool:
        return self.acknowledged_at is None and timezone.now() > self.acknowledge_by

    @property
    def feedback_overdue(self) -> bool:
        return self.feedback_at is None and self.status != self.Status.CLOSED and timezone.now() > self.feedback_by


class ReportMessage(models.Model):
    class Sender(models.TextChoices):
        REPORTER = "reporter", "The reporter"
        UNIT = "unit", "The anti-corruption unit"

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="messages")
    sender = models.CharField(max_length=16, choices=Sender.choices)
    body = SealedTextField(purpose="report_message.body")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+")  # the unit's author; never set for the reporter
    counts_as = models.CharField(max_length=16, blank=True)  # "acknowledgement" or "feedback", for the record

    class Meta:
        db_table = "web_reportmessage"  # the table it had before the web application was split by domain
        ordering = ["at", "id"]


class ReportAttachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="attachments")
    filename = SealedTextField(purpose="report_attachment.filename")
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sealed = models.BinaryField()  # the cleaned file, sealed (`seal_bytes`, purpose report_attachment.data)

    class Meta:
        db_table = "web_reportattachment"  # the table it had before the web application was split by domain


class ReportSubject(models.Model):
    """A member of staff a report could be about, matched from the description the reporter gave (name, collar
    number, station, call sign or vehicle, the account) against the directory and the duty rota. Everyone
    conflicted about any of them is kept from the report, as for the staff record it is linked to. Recomputed
    when the report is stored and whenever the directory is synced (`reporting.subjects`)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="candidates")
    staff_id = models.CharField(max_length=32, db_index=True)
    why = models.CharField(max_length=32)  # what matched, in words ("surname", "collar number", ...), never the text

    class Meta:
        db_table = "web_reportsubject"  # the table it had before the web application was split by domain
        constraints = [models.UniqueConstraint(fields=["report", "staff_id"], name="one_candidate_per_report")]


class IdentityReveal(models.Model):
    """A request to show a member of the unit who made a report (who asked, when, why) and a second person's
    decision on it. The identity is shown to the requester once, and only after approval. Reveals recorded
    before the two-person rule are kept as approved, with no second person."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="reveals")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")  # who asked
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    shown_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "web_identityreveal"  # the table it had before the web application was split by domain
