"""Idle-session timeout: a signed-in session unused for UPSTANDER_IDLE_TIMEOUT seconds is ended."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

_LAST_SEEN = "_upstander_last_seen"


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
