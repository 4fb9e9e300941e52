"""Single sign-on settings, read from Upstander's settings table each time they are needed (they are a handful of
environment variables), and the provider's endpoints, read once from its discovery document."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from upstander import settings
from upstander.web.roles import Role, role_named

# amr values (RFC 8176) that mean the person proved a second factor at the provider.
SECOND_FACTOR_AMR = frozenset({"mfa", "otp", "hwk"})
DISCOVERY_PATH = "/.well-known/openid-configuration"
TIMEOUT_SECONDS = 10


class SsoNotConfigured(ValueError):
    """Single sign-on is asked for but its settings are incomplete or wrong; the message names the setting."""


@dataclass(frozen=True)
class Endpoints:
    authorization: str
    token: str
    userinfo: str
    jwks: str


@dataclass(frozen=True)
class SsoConfig:
    issuer: str
    provider_name: str
    client_id: str
    client_secret_file: Path
    redirect_uri: str
    scopes: str
    groups_claim: str
    group_roles: tuple[tuple[str, Role], ...]  # in the order given: the first group the person is in wins
    username_claim: str
    staff_id_claim: str
    trust_second_factor: bool
    second_factor_acr: frozenset[str]
    endpoints_given: tuple[tuple[str, str], ...]

    def role_for(self, groups: list[str]) -> Role | None:
        held = set(groups)
        return next((role for group, role in self.group_roles if group in held), None)

    def client_secret(self) -> str:
        try:
            secret = self.client_secret_file.read_text().strip()
        except OSError as exc:
            raise SsoNotConfigured(f"UPSTANDER_OIDC_CLIENT_SECRET_FILE {self.client_secret_file} cannot be read: "
                                   f"{exc.strerror}") from None
        if not secret:
            raise SsoNotConfigured(f"UPSTANDER_OIDC_CLIENT_SECRET_FILE {self.client_secret_file} is empty")
        return secret


def _role(group: str, words: str) -> Role:
    role = role_named(words)
    if role is None:
        raise SsoNotConfigured(f"UPSTANDER_OIDC_ROLE_MAP: group {group!r} is given {words!r}, which is not a role; "
                               f"the roles are: {', '.join(r.label for r in Role)}")
    return role


def current() -> SsoConfig | None:
    """The single sign-on settings, or None when it is off; SsoNotConfigured (naming the setting) when it is on but
    something it needs is missing or wrong."""
    issuer: str = settings.get("UPSTANDER_OIDC_ISSUER")
    if not issuer:
        return None
    needed = {name: settings.get(name) for name in ("UPSTANDER_OIDC_CLIENT_ID", "UPSTANDER_OIDC_CLIENT_SECRET_FILE",
                                                     "UPSTANDER_OIDC_ROLE_MAP", "UPSTANDER_OIDC_GROUPS_CLAIM",
                                                     "UPSTANDER_OIDC_USERNAME_CLAIM")}
    for name, value in needed.items():
        if not value:
            raise SsoNotConfigured(f"UPSTANDER_OIDC_ISSUER is set, so {name} must be too")
    scopes: str = settings.get("UPSTANDER_OIDC_SCOPES")
    if "openid" not in scopes.split():
        raise SsoNotConfigured(f"UPSTANDER_OIDC_SCOPES must include openid, got {scopes!r}")
    redirect: str = settings.get("UPSTANDER_OIDC_REDIRECT_URI").strip()
    if redirect:
        settings.provider_url(redirect)  # https, or http on this machine
    return SsoConfig(
        issuer=issuer, provider_name=settings.get("UPSTANDER_OIDC_PROVIDER_NAME").strip() or "your force account",
        client_id=needed["UPSTANDER_OIDC_CLIENT_ID"],
        client_secret_file=Path(needed["UPSTANDER_OIDC_CLIENT_SECRET_FILE"]).expanduser(),
        redirect_uri=redirect, scopes=" ".join(scopes.split()), groups_claim=needed["UPSTANDER_OIDC_GROUPS_CLAIM"],
        group_roles=tuple((g, _role(g, r)) for g, r in needed["UPSTANDER_OIDC_ROLE_MAP"].items()),
        username_claim=needed["UPSTANDER_OIDC_USERNAME_CLAIM"],
        staff_id_claim=settings.get("UPSTANDER_OIDC_STAFF_ID_CLAIM").strip(),
        trust_second_factor=settings.get("UPSTANDER_OIDC_TRUST_SECOND_FACTOR"),
        second_factor_acr=frozenset(settings.get("UPSTANDER_OIDC_SECOND_FACTOR_ACR")),
        endpoints_given=tuple(sorted(settings.get("UPSTANDER_OIDC_ENDPOINTS").items())))


_discovered: dict[str, Endpoints] = {}
_discovery_lock = threading.Lock()


def endpoints(config: SsoConfig) -> Endpoints:
    """The endpoints given in the settings, or else those the provider's discovery document names (read once per
    process; the document's issuer must be the configured one, as OpenID Connect Discovery requires)."""
    if config.endpoints_given:
        return Endpoints(**dict(config.endpoints_given))
    with _discovery_lock:
        if config.issuer not in _discovered:
            _discovered[config.issuer] = _discover(config.issuer)
        return _discovered[config.issuer]


def forget_discovery() -> None:
    with _discovery_lock:
        _discovered.clear()


def _discover(issuer: str) -> Endpoints:
    import requests

    url = issuer.rstrip("/") + DISCOVERY_PATH
    try:
        response = requests.get(url, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise SsoNotConfigured(f"the provider's discovery document {url} could not be read: {exc}") from None
    if document.get("issuer") != issuer:
        raise SsoNotConfigured(f"the discovery document at {url} is for issuer {document.get('issuer')!r}, not "
                               f"UPSTANDER_OIDC_ISSUER {issuer!r}")
    keys = {"authorization": "authorization_endpoint", "token": "token_endpoint",  # nosec B105  # a field name
            "userinfo": "userinfo_endpoint", "jwks": "jwks_uri"}
    missing = [field for field in keys.values() if not document.get(field)]
    if missing:
        raise SsoNotConfigured(f"the discovery document at {url} gives no {', '.join(missing)}")
    try:
        return Endpoints(**{name: settings.provider_url(document[field]) for name, field in keys.items()})
    except ValueError as exc:
        raise SsoNotConfigured(f"the discovery document at {url}: {exc}") from None
