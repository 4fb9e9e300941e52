"""Accounts: a role, the force staff record the account belongs to (for need to know), the sign-in ceiling, and
the identity at the force's single sign-on provider that the account is linked to (if any).

Guessing is slowed per client in memory (`upstander.web.sign_in_throttle`); what is kept here is only the
ceiling across every client together, which stops a guesser with many addresses and shows up for the ACU lead.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.auth.password_validation import validate_password
from django.db import models
from django.utils import timezone

from upstander.web.roles import SECOND_FACTOR_ROLES, TRIAGE_ROLES, Role


class Accounts(UserManager["User"]):
    def _create_user_object(self, username: str, email: str | None, password: str | None,
                            **extra_fields: Any) -> User:
        # Django's manager hashes the password itself; going through set_password means the rules apply here too.
        user = super()._create_user_object(username, email, None, **extra_fields)
        if password is not None:
            user.set_password(password)
        return user


class User(AbstractUser):
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.STAFF)
    # The user's own force staff id: the subject of an alert or case, and their management chain, are found
    # through it. Empty only for accounts that are not members of the force.
    staff_id = models.CharField(max_length=32, blank=True, db_index=True)
    # Failed sign-ins from every client since `last_failed_login`'s window began; at the ceiling the account is
    # locked until `locked_until` (or the ACU lead clears it).
    failed_logins = models.PositiveIntegerField(default=0)
    last_failed_login = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    lock_reason = models.CharField(max_length=200, blank=True)
    # Second factor (PSD and ACU roles): the shared secret, whether the user has proved they hold it, and the
    # last time step used, so that a code cannot be replayed.
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_confirmed = models.BooleanField(default=False)
    totp_last_step = models.BigIntegerField(default=0)
    # Single sign-on: the provider's issuer and its stable subject identifier for this person. An account is found
    # by these two, never by a name or e-mail address the provider sends, which could match someone else's account.
    sso_issuer = models.CharField(max_length=255, blank=True)
    sso_subject = models.CharField(max_length=255, blank=True)

    objects = Accounts()

    class Meta(AbstractUser.Meta):
        constraints = [models.UniqueConstraint(fields=["sso_issuer", "sso_subject"],
                                               condition=~models.Q(sso_subject=""),
                                               name="one_account_per_sso_identity")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every new password is checked against AUTH_PASSWORD_VALIDATORS before it is stored, whichever path set
        # it (set_password keeps the plain text in _password until the save). Checked here, not in set_password,
        # because Django's backend calls set_password on a blank user to even out timing for unknown names.
        if self._password is not None:
            validate_password(self._password, self)
        super().save(*args, **kwargs)

    def check_password(self, raw_password: str) -> bool:
        from django.contrib.auth.hashers import check_password, make_password

        def rehash(raw: str) -> None:
            # A hash upgrade on sign-in is not a new password: an old one is not refused at this point.
            self.password = make_password(raw)
            self.save(update_fields=["password"])

        return check_password(raw_password, self.password, rehash)

    @property
    def can_triage(self) -> bool:
        return self.is_active and self.role in TRIAGE_ROLES

    @property
    def needs_second_factor(self) -> bool:
        return self.role in SECOND_FACTOR_ROLES

    def is_locked(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.locked_until is not None and self.locked_until > now

    def record_failed_login(self, now: datetime | None = None) -> bool:
        """Count one failure checked against this account from any client; True if it reached the ceiling."""
        now = now or timezone.now()
        window = timedelta(seconds=settings.SIGN_IN_CEILING_WINDOW_SECONDS)
        if self.last_failed_login is None or now - self.last_failed_login > window:
            self.failed_logins = 0
        self.failed_logins += 1
        self.last_failed_login = now
        locked = self.failed_logins >= settings.SIGN_IN_CEILING and not self.is_locked(now)
        if locked:
            self.locked_at = now
            self.locked_until = now + timedelta(seconds=settings.SIGN_IN_CEILING_LOCK_SECONDS)
            self.lock_reason = (f"{self.failed_logins} failed sign-ins from any client within "
                                f"{settings.SIGN_IN_CEILING_WINDOW_SECONDS // 60} minutes")
        self.save(update_fields=["failed_logins", "last_failed_login", "locked_until", "locked_at", "lock_reason"])
        return locked

    def clear_sign_in_lock(self) -> None:
        self.failed_logins, self.last_failed_login = 0, None
        self.locked_until, self.locked_at, self.lock_reason = None, None, ""
        self.save(update_fields=["failed_logins", "last_failed_login", "locked_until", "locked_at", "lock_reason"])

    def record_login(self) -> None:
        if self.failed_logins or self.last_failed_login:
            self.failed_logins, self.last_failed_login = 0, None
            self.save(update_fields=["failed_logins", "last_failed_login"])
