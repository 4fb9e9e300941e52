"""Giving people accounts, changing their role, disabling them and resetting their second factor.

Used by `upstander users ...`. Every change is checked before anything is written, written with its access-log
entry in one transaction (both or neither), and made by an actor that says who did it ("command line (alice)").
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from upstander.web.models import StaffMember, User
from upstander.web.models.access_log import record
from upstander.web.roles import SECOND_FACTOR_ROLES, Role, role_named


class AccountError(ValueError):
    """A change refused, in words that name the account, role or field."""


@dataclass(frozen=True)
class CommandLineActor:
    """Who made a change from the command line, as the access log names them."""

    username: str
    staff_id: str = ""
    pk: None = None

    @classmethod
    def current(cls) -> CommandLineActor:
        try:
            who = getpass.getuser()
        except (KeyError, OSError):  # no name for this uid (a container's arbitrary user)
            who = "unknown operating-system user"
        return cls(f"command line ({who})")


def role_from_words(text: str) -> Role:
    """The role a person typed, by its words ("ACU analyst") or its code (acu_analyst), in any case."""
    role = role_named(text)
    if role is None:
        raise AccountError(f"{text!r} is not a role; the roles are: {', '.join(r.label for r in Role)}")
    return role


def get_account(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise AccountError(f"there is no account called {username!r}")
    return user


def _check_username(username: str) -> None:
    if not username.strip():
        raise AccountError("the user name is empty")
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError as exc:
        raise AccountError(f"user name {username!r}: {' '.join(exc.messages)}") from None
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(f"there is already an account called {username!r}")


def _check_full_name(full_name: str) -> str:
    full_name = " ".join(full_name.split())
    if not full_name:
        raise AccountError("the full name is empty")
    if len(full_name) > User._meta.get_field("first_name").max_length:
        raise AccountError(f"the full name is longer than {User._meta.get_field('first_name').max_length} letters")
    return full_name


def _check_staff_id(staff_id: str) -> str:
    """A staff id that the staff directory knows; any id while the directory is still empty (a new install
    gives its first accounts before the first `upstander serve` brings the directory in)."""
    staff_id = staff_id.strip()
    if not staff_id:
        return ""
    if len(staff_id) > User._meta.get_field("staff_id").max_length:
        raise AccountError(f"staff id {staff_id!r} is longer than {User._meta.get_field('staff_id').max_length}")
    if StaffMember.objects.exists() and not StaffMember.objects.filter(staff_id=staff_id).exists():
        raise AccountError(f"staff id {staff_id!r} is not in the staff directory")
    return staff_id


def add_account(actor: Any, username: str, full_name: str, role: Role, staff_id: str = "",
                password: str | None = None) -> User:
    """A new account. With no password it can only sign in through single sign-on, once the provider's subject is
    linked to it on the person's first sign-in there."""
    _check_username(username)
    full_name = _check_full_name(full_name)
    staff_id = _check_staff_id(staff_id)
    user = User(username=username, first_name=full_name, role=role, staff_id=staff_id)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    with transaction.atomic():
        try:
            user.save()  # the password is checked against AUTH_PASSWORD_VALIDATORS here
        except ValidationError as exc:
            raise AccountError(f"password for {username!r} refused: {' '.join(exc.messages)}") from None
        how = "a password" if password is not None else "single sign-on only"
        record(actor, "change", "account", username,
               f"added: {role.label}, staff id {staff_id or 'none'}, {how}")
    return user


def set_role(actor: Any, username: str, role: Role) -> User:
    user = get_account(username)
    before = Role(user.role)
    with transaction.atomic():
        user.role = role
        user.save(update_fields=["role"])
        record(actor, "change", "account", username, f"role: {before.label} to {role.label}")
    return user


def disable(actor: Any, username: str) -> tuple[User, int]:
    """Disable the account and end every session it has; the number of sessions ended."""
    user = get_account(username)
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        ended = end_sessions(user)
        record(actor, "change", "account", username, f"disabled; {ended} session{'s' * (ended != 1)} ended")
    return user, ended


def enable(actor: Any, username: str) -> User:
    user = get_account(username)
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        record(actor, "change", "account", username, "enabled")
    return user


def reset_second_factor(actor: Any, username: str) -> tuple[User, int]:
    """Forget the authenticator app: the next sign-in enrols a new one. Sessions end too, because a lost or
    stolen phone is the usual reason."""
    user = get_account(username)
    with transaction.atomic():
        user.totp_secret, user.totp_confirmed, user.totp_last_step = "", False, 0
        user.save(update_fields=["totp_secret", "totp_confirmed", "totp_last_step"])
        ended = end_sessions(user)
        record(actor, "change", "account", username,
               f"second factor reset; {ended} session{'s' * (ended != 1)} ended")
    return user, ended


def end_sessions(user: User) -> int:
    """Delete every stored session signed in as this user; how many. Sessions are signed blobs keyed by a random
    id, so each one is read to find whose it is (a few thousand at most: they expire within a shift)."""
    ended = [s.pk for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500)
             if str(s.get_decoded().get(SESSION_KEY)) == str(user.pk)]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def _local(value: datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def second_factor_words(user: User) -> str:
    if user.role not in SECOND_FACTOR_ROLES:
        return "not needed"
    return "enrolled" if user.totp_confirmed else "not yet enrolled"


def sign_in_words(user: User) -> str:
    ways = (["password"] if user.has_usable_password() else []) + (["single sign-on"] if user.sso_subject else [])
    if ways:
        return " and ".join(ways)
    return "single sign-on (not yet linked)"


def describe(user: User) -> dict[str, Any]:
    """An account as `--json` gives it: words for people, plus the role's code for scripts."""
    return {"username": user.username, "full_name": user.get_full_name(), "role": Role(user.role).label,
            "role_code": user.role, "staff_id": user.staff_id, "active": user.is_active,
            "sign_in": sign_in_words(user), "second_factor": second_factor_words(user),
            "last_login": _local(user.last_login), "joined": _local(user.date_joined)}
