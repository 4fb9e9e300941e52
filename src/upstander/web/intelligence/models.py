"""Intelligence records: the national collection categories, the STUDIOSB theme, a prejudicial and improper
behaviour flag, 3x5x2 grading, links to staff and people, and development actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IntelligenceRecord(models.Model):
    class Category(models.TextChoices):
        INFILTRATION = "infiltration", "Infiltration"
        DISCLOSURE = "disclosure", "Disclosure of information"
        PERVERTING = "perverting_justice", "Perverting the course of justice"
        SEXUAL = "sexual_misconduct", "Sexual misconduct"
        DRUGS = "drugs", "Controlled drug use and supply"
        THEFT_FRAUD = "theft_fraud", "Theft and fraud"
        SYSTEMS = "misusing_systems", "Misusing force systems"
        AUTHORITY = "abuse_of_authority", "Abuse of authority"
        ASSOCIATION = "inappropriate_association", "Inappropriate association"
        VULNERABILITY = "vulnerability", "Vulnerability"
        ASSISTING = "assisting_offender", "Assisting an offender"
        OTHER = "other", "Other"

    class Theme(models.TextChoices):  # STUDIOSB (seed 002)
        SEXUAL = "sexual_misconduct", "Sexual misconduct"
        THEFT = "theft", "Theft"
        DISCLOSURE = "unauthorised_disclosure", "Unauthorised disclosure"
        DRUGS = "drugs", "Drugs"
        ASSOCIATIONS = "inappropriate_associations", "Inappropriate associations"
        ORGANISED = "organised_crime", "Organised crime"
        SOCIAL = "social_media", "Social media"
        BUSINESS = "business_interests", "Business interests"

    class Source(models.TextChoices):
        RELIABLE = "1", "1: reliable"
        UNTESTED = "2", "2: untested"
        NOT_RELIABLE = "3", "3: not reliable"

    class Assessment(models.TextChoices):
        A = "A", "A: known directly to the source"
        B = "B", "B: known indirectly, corroborated"
        C = "C", "C: known indirectly"
        D = "D", "D: not known"
        E = "E", "E: suspected to be false"

    class Handling(models.TextChoices):
        P = "P", "P: lawful sharing permitted"
        C = "C", "C: lawful sharing permitted with conditions"

    reference = models.CharField(max_length=32, unique=True)
    received_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=32, choices=Category.choices)
    theme = models.CharField(max_length=32, choices=Theme.choices)
    prejudicial_improper = models.BooleanField("prejudicial and improper behaviour", default=False)
    source_grade = models.CharField(max_length=1, choices=Source.choices)
    assessment = models.CharField(max_length=1, choices=Assessment.choices)
    handling = models.CharField(max_length=1, choices=Handling.choices)
    text = models.TextField()
    staff_ids = models.JSONField(default=list)  # the members of staff it is about
    person_ids = models.JSONField(default=list)  # members of the public it concerns
    assigned = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="intelligence", blank=True,
        db_table="web_intelligencerecord_assigned")

    @property
    def grading(self) -> str:
        return f"{self.source_grade}{self.assessment}{self.handling}"

    def __str__(self) -> str:
        return self.reference

    class Meta:
        db_table = "web_intelligencerecord"  # the table it had before the web application was split by domain


class DevelopmentAction(models.Model):
    record = models.ForeignKey(IntelligenceRecord, on_delete=models.PROTECT, related_name="actions")
    action = models.TextField()
    due = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "web_developmentaction"  # the table it had before the web application was split by domain


class IntelligenceSubject(models.Model):
    """One member of staff a record is about: the index that finds a person's intelligence without reading
    every record (`staff_ids` keeps the list as entered)."""

    record = models.ForeignKey(IntelligenceRecord, on_delete=models.CASCADE, related_name="subjects")
    staff_id = models.CharField(max_length=32, db_index=True)

    class Meta:
        db_table = "web_intelligencesubject"  # the table it had before the web application was split by domain
        constraints = [models.UniqueConstraint(fields=["record", "staff_id"], name="one_link_per_subject")]


def link_subjects(records: list[IntelligenceRecord]) -> None:
    IntelligenceSubject.objects.bulk_create(
        [IntelligenceSubject(record=r, staff_id=s) for r in records for s in dict.fromkeys(r.staff_ids)],
        batch_size=5000, ignore_conflicts=True)
