"""The force's staff directory as the web application needs it: names, teams and the line management chain.

Copied from the lake's current `staff` feed by `sync.sync_directory`; the lake stays the source of truth.
"""

from __future__ import annotations

from django.db import models


class StaffMember(models.Model):
    staff_id = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=64)
    rank = models.CharField(max_length=64, blank=True)
    team_id = models.CharField(max_length=32, blank=True, db_index=True)
    line_manager_id = models.CharField(max_length=32, blank=True, db_index=True)
    station = models.CharField(max_length=100, blank=True)
    home_uprn = models.CharField(max_length=32, blank=True, db_index=True)
    collar_number = models.CharField(max_length=20, blank=True, db_index=True)  # to route a report that gives one

    def __str__(self) -> str:
        return f"{self.name} ({self.staff_id})"
