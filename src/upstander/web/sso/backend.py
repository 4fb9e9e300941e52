"""mozilla-django-oidc's authorisation code flow, held to more than its defaults.

The library checks the ID token's signature (RS256, the provider's published keys), its expiry and its nonce. Here
the issuer and audience are checked too (the library leaves both unchecked), the token must carry exp, iat and sub,
PKCE is used, and the account comes from `sso.accounts` by subject identifier, never by e-mail address. Settings
are read when a sign-in needs them, not when the backend is made: Django makes one for every request.
"""

from __future__ import annotations

from typing import Any

import jwt
from django.conf import settings as django_settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from upstander.web.models import User
from upstander.web.sso import config as sso_config
from upstander.web.sso.accounts import Refused, sign_in

SIGNING_ALGORITHM = "RS256"
REFUSAL = "upstander_sso_refusal"  # request attribute: the words the refusal page shows
SECOND_FACTOR = "upstander_sso_second_factor"  # request attribute: how the provider proved a second factor


def _config() -> sso_config.SsoConfig:
    config = sso_config.current()
    if config is None:
        raise SuspiciousOperation("single sign-on is not configured")
    return config


def oidc_setting(attr: str, *default: Any) -> Any:
    """What mozilla-django-oidc asks for by setting name: the live single sign-on settings for the provider's
    addresses and this client, Django's settings for the rest."""
    dynamic = {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": lambda: sso_config.endpoints(_config()).authorization,
        "OIDC_OP_TOKEN_ENDPOINT": lambda: sso_config.endpoints(_config()).token,
        "OIDC_OP_USER_ENDPOINT": lambda: sso_config.endpoints(_config()).userinfo,
        "OIDC_OP_JWKS_ENDPOINT": lambda: sso_config.endpoints(_config()).jwks,
        "OIDC_RP_CLIENT_ID": lambda: _config().client_id,
        "OIDC_RP_CLIENT_SECRET": lambda: _config().client_secret(),
        "OIDC_RP_SCOPES": lambda: _config().scopes,
    }
    if attr in dynamic:
        return dynamic[attr]()
    return getattr(django_settings, attr, *default)


def redirect_uri(request: HttpRequest) -> str:
    """Where the provider sends the person back: as configured (behind a proxy), else this request's own site."""
    return _config().redirect_uri or request.build_absolute_uri(reverse("sso_callback"))


def _live(name: str) -> property:
    return property(lambda self: oidc_setting(name))


class SsoBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(oidc_setting)
    OIDC_OP_TOKEN_ENDPOINT = _live("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = _live("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = _live("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_CLIENT_ID = _live("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = _live("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = SIGNING_ALGORITHM
    OIDC_RP_IDP_SIGN_KEY = None  # always the provider's published keys

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # the library's reads settings here: not wanted
        self.UserModel = User

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:  # type: ignore[override]
        # Only the callback's call (it passes the nonce it kept); never a password sign-in, even one whose address
        # carries ?code=...&state=...
        if request is None or "nonce" not in kwargs or {"username", "password"} & kwargs.keys():
            return None
        if sso_config.current() is None:
            return None
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def get_token(self, payload: dict[str, Any]) -> Any:
        payload["redirect_uri"] = redirect_uri(self.request)  # the one the authorisation request sent
        return super().get_token(payload)

    def _verify_jws(self, payload: Any, key: Any) -> dict[str, Any]:
        """The library's check, plus issuer and audience (and azp when there are several audiences)."""
        config = _config()
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != SIGNING_ALGORITHM:
            raise SuspiciousOperation(f"the ID token is signed with {header.get('alg')!r}, not {SIGNING_ALGORITHM}")
        try:
            claims: dict[str, Any] = jwt.decode(
                payload, key, algorithms=[SIGNING_ALGORITHM], audience=config.client_id, issuer=config.issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]}, leeway=60)
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"the ID token was refused: {exc}") from None
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != config.client_id:
            raise SuspiciousOperation("the ID token is for several clients and not authorised for this one")
        return claims

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User | None:
        """`payload` is the verified ID token; the groups and names come with the userinfo."""
        userinfo = self.get_userinfo(access_token, id_token, payload)
        try:
            signed_in = sign_in(_config(), payload, userinfo if isinstance(userinfo, dict) else {})
        except Refused as refusal:
            setattr(self.request, REFUSAL, refusal.words)
            return None
        setattr(self.request, SECOND_FACTOR, signed_in.provider_second_factor)
        return signed_in.user

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None
