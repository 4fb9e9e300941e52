"""The force's staff directory as the web application needs it: names, teams and the management chain.

Copied from the lake's current `staff` and `teams` feeds by `sync.sync_directory`; the lake stays the source of
truth. The chain above a member of staff is their line manager and their team's supervisor, walked upwards.
"""

from __future__ import annotations

from django.db import models


class StaffMember(models.Model):
    staff_id = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    # Kept apart as well as joined in `name`: a report may give a surname alone, or "surname, forename".
    forename = models.CharField(max_length=100, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    role = models.CharField(max_length=64)
    rank = models.CharField(max_length=64, blank=True)
    team_id = models.CharField(max_length=32, blank=True, db_index=True)
    line_manager_id = models.CharField(max_length=32, blank=True, db_index=True)
    station = models.CharField(max_length=100, blank=True)
    home_uprn = models.CharField(max_length=32, blank=True, db_index=True)
    collar_number = models.CharField(max_length=20, blank=True, db_index=True)  # to route a report that gives one

    def __str__(self) -> str:
        return f"{self.name} ({self.staff_id})"


class Team(models.Model):
    """A team and its supervisor: part of the chain above every member of the team (`need_to_know`)."""

    team_id = models.CharField(max_length=32, unique=True)
    supervisor_id = models.CharField(max_length=32, blank=True, db_index=True)

    def __str__(self) -> str:
        return self.team_id
