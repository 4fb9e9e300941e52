"""Signing in with the force's identity provider: the start (off to the provider) and the callback (back again).

The state and nonce are mozilla-django-oidc's, kept in the session; a callback whose state is not this browser's,
or whose ID token carries another nonce, is refused with a page and an access-log entry. After the provider, a PSD
or ACU role still passes Upstander's own second factor unless the provider is trusted for one and its ID token
says one was used (UPSTANDER_OIDC_TRUST_SECOND_FACTOR).

The session cookie is SameSite=Strict, so a browser coming back from the provider's site does not send it on
that first request; the callback then answers with a page that sends the browser on to the same address from
this site, where it does.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from upstander.web.models import User
from upstander.web.models.access_log import record
from upstander.web.sso import config as sso_config
from upstander.web.sso.accounts import Claimant
from upstander.web.sso.backend import REFUSAL, SECOND_FACTOR, oidc_setting, redirect_uri
from upstander.web.views.auth import PENDING_NEXT, PENDING_USER, SECOND_FACTOR_OK, SESSION_BACKEND

BOUNCED = "bounced"


class _Start(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs: object) -> None:  # the library's reads the endpoint here, before it is needed
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    @property
    def OIDC_OP_AUTH_ENDPOINT(self) -> str:
        return str(oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT"))

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:
        return str(oidc_setting("OIDC_RP_CLIENT_ID"))

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        return {"redirect_uri": redirect_uri(request)}


class _Callback(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)
    user: User

    def login_failure(self) -> HttpResponse:
        config = _config_or_404()
        words = getattr(self.request, REFUSAL, "")
        if not words:  # refused before any account was looked at: say why, and log it
            if self.request.GET.get("error"):
                words, detail = f"{config.provider_name} did not sign you in.", (
                    f"the provider answered {self.request.GET.get('error', '')[:60]}")
            else:
                words, detail = "This sign-in was not started from this browser, or has already been used.", (
                    "callback with no sign-in in progress in this session")
            record(Claimant("anonymous"), "refuse", "login", "single sign-on", detail)
        return _refused(self.request, config, words)

    def login_success(self) -> HttpResponse:
        user, request = self.user, self.request
        target = request.session.pop("oidc_login_next", None) or ""
        vouched = getattr(request, SECOND_FACTOR, "")
        if user.needs_second_factor and not vouched:
            request.session[PENDING_USER], request.session[PENDING_NEXT] = user.pk, target
            return redirect("second_factor")
        user.record_login()
        login(request, user, backend=SESSION_BACKEND)
        if user.needs_second_factor:
            request.session[SECOND_FACTOR_OK] = True
            record(user, "change", "login", user.username, f"second factor at the provider ({vouched}) accepted")
        return redirect(target or "home")


def _config_or_404() -> sso_config.SsoConfig:
    config = sso_config.current()
    if config is None:
        raise Http404("Single sign-on is not set up")
    return config


def _refused(request: HttpRequest, config: sso_config.SsoConfig, words: str) -> HttpResponse:
    return render(request, "web/sso_refused.html", {"words": words, "provider": config.provider_name}, status=403)


@require_GET
def sso_start(request: HttpRequest) -> HttpResponseBase:
    _config_or_404()
    return _Start.as_view()(request)


@require_GET
def sso_callback(request: HttpRequest) -> HttpResponseBase:
    config = _config_or_404()
    if settings.SESSION_COOKIE_NAME not in request.COOKIES and BOUNCED not in request.GET and (
            "state" in request.GET):
        # Back from the provider's site without the SameSite=Strict cookie: go on from this site, which sends it.
        query = request.GET.copy()
        query[BOUNCED] = "1"
        return render(request, "web/sso_continue.html", {"next": f"{request.path}?{query.urlencode()}",
                                                         "provider": config.provider_name})
    try:
        return _Callback.as_view()(request)
    except SuspiciousOperation as exc:  # a state not this browser's, a nonce or token that does not match
        record(Claimant("anonymous"), "refuse", "login", "single sign-on", f"provider's answer refused: {exc}")
        return _refused(request, config, f"The answer from {config.provider_name} did not match this sign-in, so "
                                         "it was refused. Start again from the sign-in page.")
