"""Security headers on every page; idle-session timeout; the second factor that no session gets round."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

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


def _has_control(text: str) -> bool:
    return any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in text)


def _nul_in(values: Any) -> bool:
    return any("\x00" in key or any("\x00" in v for v in vs) for key, vs in values.lists())


class ControlCharacterMiddleware:
    """An address with a control character in it (`/staff/S00286%00/`) is refused here, for every view at once:
    the attempt is written to the access log (which stores the character as a visible escape) and answered
    "not found", before any view hands the value to a database that cannot take it (PostgreSQL refuses a NUL
    outright, which would make the request a 500 and leave no trace for `refused_in_upstander`). A NUL in a
    signed-in form or query value is refused the same way. The portal's own forms reject a NUL in their fields."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.http import Http404

        from upstander.web.models.access_log import record

        bad_path = _has_control(request.path)
        bad_value = not bad_path and _nul_in(request.GET)
        if not bad_path and not bad_value and request.method == "POST" and not request.path.startswith("/report/"):
            bad_value = _nul_in(request.POST)
        if bad_path or bad_value:
            if request.user.is_authenticated:
                record(request.user, "refuse", "address", request.path, "control character in the request")
            if bad_path:
                raise Http404("No such page")
            return HttpResponse("A value in this request holds a NUL character, which Upstander does not accept.",
                                status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
