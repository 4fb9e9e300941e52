"""Accounts: a role, the force staff record the account belongs to (for need to know), and lockout state."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from upstander.web.roles import SECOND_FACTOR_ROLES, TRIAGE_ROLES, Role


class User(AbstractUser):
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.STAFF)
    # The user's own force staff id: the subject of an alert or case, and their management chain, are found
    # through it. Empty only for accounts that are not members of the force.
    staff_id = models.CharField(max_length=32, blank=True, db_index=True)
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # Second factor (PSD and ACU roles): the shared secret, whether the user has proved they hold it, and the
    # last time step used, so that a code cannot be replayed.
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_confirmed = models.BooleanField(default=False)
    totp_last_step = models.BigIntegerField(default=0)

    @property
    def can_triage(self) -> bool:
        return self.is_active and self.role in TRIAGE_ROLES

    @property
    def needs_second_factor(self) -> bool:
        return self.role in SECOND_FACTOR_ROLES

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    def record_failed_login(self) -> None:
        self.failed_logins += 1
        if self.failed_logins >= settings.LOCKOUT_FAILURES:
            self.locked_until = timezone.now() + timedelta(seconds=settings.LOCKOUT_SECONDS)
            self.failed_logins = 0
        self.save(update_fields=["failed_logins", "locked_until"])

    def record_login(self) -> None:
        if self.failed_logins or self.locked_until:
            self.failed_logins, self.locked_until = 0, None
            self.save(update_fields=["failed_logins", "locked_until"])
