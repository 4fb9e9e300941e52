"""Cases, from assessment to outcome, under the Police (Conduct) Regulations 2020 as the seeds describe them.

Transitions are checked by `upstander.web.cases.rules`; a case is visible only to the people assigned to it and
the ACU lead, never to its subject, their management chain or anyone linked to them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

# The ten Standards of Professional Behaviour (Police (Conduct) Regulations 2020, schedule 2).
STANDARDS = (
    ("honesty_integrity", "Honesty and integrity"),
    ("authority_respect_courtesy", "Authority, respect and courtesy"),
    ("equality_diversity", "Equality and diversity"),
    ("use_of_force", "Use of force"),
    ("orders_instructions", "Orders and instructions"),
    ("duties_responsibilities", "Duties and responsibilities"),
    ("confidentiality", "Confidentiality"),
    ("fitness_for_work", "Fitness for work"),
    ("discreditable_conduct", "Discreditable conduct"),
    ("challenging_reporting", "Challenging and reporting improper conduct"),
)


class Case(models.Model):
    class Stage(models.TextChoices):
        ASSESSMENT = "assessment", "Assessment"
        INVESTIGATION = "investigation", "Investigation"
        PROCEEDINGS = "proceedings", "Misconduct proceedings"
        OUTCOME = "outcome", "Outcome recorded"
        CLOSED = "closed", "Closed"

    class Referral(models.TextChoices):
        PENDING = "pending", "Not yet decided"
        REFER = "refer", "Referred to the IOPC"
        NOT_REFER = "not_refer", "Not referred"

    class Mode(models.TextChoices):
        LOCAL = "local", "Local investigation"
        DIRECTED = "directed", "Directed by the IOPC"
        INDEPENDENT = "independent", "Independent (IOPC)"

    class Severity(models.TextChoices):
        UNASSESSED = "", "Not yet assessed"
        NO_MISCONDUCT = "no_misconduct", "No misconduct"
        PRACTICE = "practice_requiring_improvement", "Practice requiring improvement (reflective practice)"
        MISCONDUCT = "misconduct", "Misconduct"
        GROSS = "gross_misconduct", "Gross misconduct"

    class Proceedings(models.TextChoices):
        NONE = "", "None"
        MEETING = "meeting", "Misconduct meeting"
        HEARING = "hearing", "Misconduct hearing"
        ACCELERATED = "accelerated_hearing", "Accelerated misconduct hearing"

    class Outcome(models.TextChoices):
        NONE = "", "Not yet decided"
        NO_ACTION = "no_further_action", "No further action"
        REFLECTIVE = "reflective_practice", "Reflective practice review"
        WRITTEN = "written_warning", "Written warning"
        FINAL_WRITTEN = "final_written_warning", "Final written warning"
        REDUCTION = "reduction_in_rank", "Reduction in rank"
        DISMISSAL = "dismissal_without_notice", "Dismissal without notice"
        WOULD_HAVE = "would_have_been_dismissed", "Would have been dismissed (has left)"

    class Listing(models.TextChoices):
        NONE = "", "Not listed"
        BARRED = "barred", "Barred list"
        ADVISORY = "advisory", "Advisory list"

    reference = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=200)
    subject_staff_id = models.CharField(max_length=32, db_index=True)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.ASSESSMENT, db_index=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source_alert = models.ForeignKey("triage.Alert", null=True, blank=True, on_delete=models.PROTECT)
    assigned = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="cases", blank=True,
        db_table="web_case_assigned")
    # Serious corruption, which includes every abuse of position for a sexual purpose, must be referred.
    serious_corruption = models.BooleanField(default=False)
    apsp = models.BooleanField("abuse of position for a sexual purpose", default=False)
    referral = models.CharField(max_length=16, choices=Referral.choices, default=Referral.PENDING)
    referral_date = models.DateField(null=True, blank=True)
    referral_reason = models.TextField(blank=True)
    mode = models.CharField(max_length=16, choices=Mode.choices, blank=True)
    investigation_started = models.DateField(null=True, blank=True)
    standards = models.JSONField(default=list, blank=True)
    severity = models.CharField(max_length=40, choices=Severity.choices, blank=True)
    proceedings = models.CharField(max_length=24, choices=Proceedings.choices, blank=True)
    outcome = models.CharField(max_length=32, choices=Outcome.choices, blank=True)
    # When the outcome was recorded: the learned ranking learns from proven cases as known from this date.
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    listing = models.CharField(max_length=16, choices=Listing.choices, blank=True)
    criminal_referral = models.BooleanField(default=False)
    pension_forfeiture_considered = models.BooleanField(default=False)
    lessons_learned = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.reference

    class Meta:
        db_table = "web_case"  # the table it had before the web application was split by domain


class EngagementEntry(models.Model):
    """The survivor engagement log: updates given, support referrals made, the debrief."""

    class Kind(models.TextChoices):
        UPDATE = "update", "Update given"
        SUPPORT = "support_referral", "Support referral"
        DEBRIEF = "debrief", "Debrief"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="engagement")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    note = models.TextField()
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "web_engagemententry"  # the table it had before the web application was split by domain
