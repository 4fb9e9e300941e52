"""From a provider's verified answer to an Upstander account, or a refusal in words.

An account is found by the provider's issuer and subject identifier. On a person's first sign-in it is made, or an
account given by `upstander users add --sso-only` under the same name is linked; an account with a password, or
linked to someone else at the provider, is never taken over by a name. The role comes from the groups at every
sign-in; a person in no mapped group, or whose account is disabled here, is refused whatever the provider says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from upstander.web.models import User
from upstander.web.models.access_log import record
from upstander.web.roles import Role
from upstander.web.sso.config import SECOND_FACTOR_AMR, SsoConfig


@dataclass(frozen=True)
class Claimant:
    """Someone the provider vouched for who has no account here (yet), as the access log names them."""

    username: str
    staff_id: str = ""
    pk: None = None


class Refused(Exception):
    """Sign-in refused: `words` for the person, `detail` for the access log."""

    def __init__(self, words: str, detail: str) -> None:
        super().__init__(detail)
        self.words, self.detail = words, detail


@dataclass(frozen=True)
class SignedIn:
    user: User
    provider_second_factor: str  # how the provider proved a second factor, in words; "" when it did not (or is
    # not trusted to)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def groups_in(value: Any) -> list[str]:
    """A groups claim as a list of names: providers send a list, or a single name as a string."""
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list):
        return [g for g in value if isinstance(g, str) and g]
    return []


def provider_second_factor(config: SsoConfig, id_token: dict[str, Any]) -> str:
    """How the ID token says a second factor was used, when the provider is trusted for it; "" otherwise. Only the
    signed ID token counts (amr and acr are claims about this authentication, not about the person)."""
    if not config.trust_second_factor:
        return ""
    amr = sorted(SECOND_FACTOR_AMR.intersection(groups_in(id_token.get("amr"))))
    if amr:
        return f"amr {', '.join(amr)}"
    acr = _text(id_token.get("acr"))
    return f"acr {acr}" if acr and acr in config.second_factor_acr else ""


def _name_for(config: SsoConfig, claims: dict[str, Any]) -> str:
    username = _text(claims.get(config.username_claim))
    if not username:
        raise Refused(f"{config.provider_name} did not say who you are in a form Upstander can use.",
                      f"no {config.username_claim} claim")
    try:
        User._meta.get_field("username").run_validators(username)
        User._meta.get_field("username").clean(username, None)
    except ValidationError:
        raise Refused(f"{config.provider_name} gave a user name Upstander cannot use.",
                      f"unusable {config.username_claim} {username!r}") from None
    return username


def _find_or_link(config: SsoConfig, subject: str, claims: dict[str, Any]) -> tuple[User | None, str]:
    """The account for this subject (None: make one) and the name to make it under."""
    linked = User.objects.filter(sso_issuer=config.issuer, sso_subject=subject).first()
    if linked is not None:
        return linked, linked.username
    username = _name_for(config, claims)
    same_name = User.objects.filter(username__iexact=username).first()
    if same_name is None:
        return None, username
    if same_name.sso_subject or same_name.has_usable_password():
        raise Refused(f"An Upstander account called {username} already exists and is not linked to your "
                      f"{config.provider_name} sign-in. Ask the ACU lead to sort it out.",
                      f"{username} exists and is not linked to subject {subject}")
    return same_name, username  # given by `users add --sso-only`, waiting for its first sign-in


def _update(user: User, config: SsoConfig, subject: str, role: Role, claims: dict[str, Any], made: bool) -> list[str]:
    """Bring the account up to date with the provider; what changed, in words."""
    changed = []
    if made:
        changed.append(f"role {role.label}")
    elif user.role != role:
        changed.append(f"role {Role(user.role).label} to {role.label}")
    user.role = role
    if not user.sso_subject:
        changed.append(f"linked to subject {subject}")
    user.sso_issuer, user.sso_subject = config.issuer, subject
    given, family = _text(claims.get("given_name")), _text(claims.get("family_name"))
    if given or family:
        user.first_name, user.last_name = given[:150], family[:150]
    elif name := _text(claims.get("name")):
        user.first_name, user.last_name = name[:150], ""
    if email := _text(claims.get("email")):
        user.email = email[:254]
    staff_id = _text(claims.get(config.staff_id_claim)) if config.staff_id_claim else ""
    if staff_id and staff_id != user.staff_id:
        if len(staff_id) > User._meta.get_field("staff_id").max_length:
            raise Refused(f"{config.provider_name} gave a staff id Upstander cannot use.",
                          f"staff id {staff_id!r} too long")
        changed.append(f"staff id {user.staff_id or 'none'} to {staff_id}")
        user.staff_id = staff_id
    return changed


def sign_in(config: SsoConfig, id_token: dict[str, Any], userinfo: dict[str, Any]) -> SignedIn:
    """The account this verified ID token and its userinfo sign in, made or brought up to date; Refused (already
    written to the access log) when they do not."""
    subject = _text(id_token.get("sub"))
    claimant = Claimant(_text(userinfo.get(config.username_claim)) or _text(id_token.get(config.username_claim))
                        or f"subject {subject}")
    try:
        if not subject or _text(userinfo.get("sub")) != subject:
            raise Refused(f"{config.provider_name}'s answer did not hang together; sign in again.",
                          "userinfo subject differs from the ID token's")
        claims = {**id_token, **userinfo}  # userinfo is the fuller, fresher source of groups and names
        groups = groups_in(claims.get(config.groups_claim))
        role = config.role_for(groups)
        user, username = _find_or_link(config, subject, claims)
        claimant = user or Claimant(username)
        if user is not None and not user.is_active:
            raise Refused("This Upstander account is disabled. Ask the ACU lead if you think it should not be.",
                          f"account disabled in Upstander; {config.provider_name} vouched for it")
        if role is None:
            shown = ", ".join(groups)[:300] or "none"
            raise Refused(f"Your {config.provider_name} account is in none of the groups that have a role in "
                          "Upstander, so it cannot sign you in here. Ask the ACU lead if you need access.",
                          f"in no group with a role (groups: {shown})")
        made = user is None
        user = user or User(username=username)
        if made:
            user.set_unusable_password()
        changes = _update(user, config, subject, role, claims, made)
        with transaction.atomic():
            user.save()
            if made or changes:
                what = "made" if made else "updated"
                record(user, "change", "account", user.username,
                       f"{what} at single sign-on with {config.provider_name}: {'; '.join(changes)}")
    except IntegrityError:  # the same person's first sign-in twice at once: the other one made the account
        refusal = Refused("Signing in did not finish; try again.", "account made by a simultaneous sign-in")
        record(claimant, "refuse", "login", claimant.username, f"single sign-on: {refusal.detail}")
        raise refusal from None
    except Refused as refusal:
        record(claimant, "refuse", "login", claimant.username, f"single sign-on: {refusal.detail}")
        raise
    return SignedIn(user, provider_second_factor(config, id_token))
