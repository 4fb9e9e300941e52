"""Security headers on every page; idle-session timeout; the second factor that no session gets round."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

_LAST_SEEN = "_upstander_last_seen"

# No inline script or style anywhere (scripts and styles are files under static/, htmx is told not to add its
# indicator style): a script injected into a page does not run, and no page can be framed or post elsewhere.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "object-src 'none'",
    "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"))
# Nothing in Upstander needs a device's sensors, camera or microphone: no page (nor anything injected) may ask.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
    "microphone", "midi", "payment", "usb"))


class SecurityHeadersMiddleware:
    """CSP, Permissions-Policy and no caching, on every response Django makes (static files are served before this
    by WhiteNoise and may be cached). Every page is either the unit's, about people, or the reporting portal, which
    a reporter must be able to leave without a trace: none is kept by the browser or a proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response["Permissions-Policy"] = PERMISSIONS_POLICY
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"  # replaces anything weaker a view may have said
        return response


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(_LAST_SEEN)
            if last is not None and now - float(last) > settings.IDLE_TIMEOUT_SECONDS:
                logout(request)
            else:
                request.session[_LAST_SEEN] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """A session of a PSD or ACU account that has not passed the second factor is ended, however it was made."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from upstander.web.views.auth import SECOND_FACTOR_OK

        user = request.user
        if user.is_authenticated and getattr(user, "needs_second_factor", False) and not request.session.get(
                SECOND_FACTOR_OK):
            logout(request)
        return self.get_response(request)
