"""The reporting portal's gate, in front of every other middleware: it acts before anything reads the body.

- Portal pages never see a staff sign-in: the session cookie is hidden from them, so nothing a portal page
  does can read or write a member of staff's session (the follow-up has a cookie of its own).
- A POST is refused on its declared size (Content-Length) before the body is parsed, and, for the report form
  and the receipt-code form, on the rate limit for its hashed address: a flood of hostile forms costs the
  server a header's worth of work each, not a parse of megabytes and a decode of pictures.
- A body Django cannot read within its limits (a nameless file too big for a form field, too many fields) gets
  a page that says what to do, not a bare "Bad Request".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import Resolver404, resolve

from upstander import settings as upstander_settings
from upstander.web.portal.reporting.attachments import MAX_BYTES, MAX_FILES
from upstander.web.ratelimit import RateLimiter, client_address

PREFIX = "/report/"
SMALL_BODY = 256 * 1024  # a receipt code or a reply (20,000 characters, even percent-encoded)
_limits: dict[str, RateLimiter] = {}
# url name -> (largest body accepted, the rate limiter counting its POSTs, if any)
_POSTS: dict[str, tuple[int, str]] = {"portal_form": (settings.FILE_UPLOAD_MAX_MEMORY_SIZE, "report"),
                                      "portal_follow_up": (SMALL_BODY, "code")}


def limiter(kind: str) -> RateLimiter:
    """One limiter per kind ("report": per hour, "code": per 15 minutes), made on first use so that the setting
    is read at run time."""
    if kind not in _limits:
        limit = upstander_settings.get("UPSTANDER_REPORT_LIMIT")
        _limits[kind] = RateLimiter(limit, 3600 if kind == "report" else 900)
    return _limits[kind]


def portal_page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """A portal page: with the quick exit, never cached, never sent as a referrer to another site. (Not
    "no-referrer": with it Chromium sends `Origin: null` on the form's own POST, which Django's CSRF check must
    refuse.)"""
    context["quick_exit"] = upstander_settings.get("UPSTANDER_QUICK_EXIT_URL")
    response = render(request, f"portal/{template}", context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def _refused(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    return portal_page(request, "refused.html", {"title": title, "message": message}, status=status)


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0  # as Django reads it: no body


class PortalGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        request.COOKIES.pop(settings.SESSION_COOKIE_NAME, None)
        if request.method == "POST" and (refusal := self._check_post(request)) is not None:
            return refusal
        return self.get_response(request)

    def _check_post(self, request: HttpRequest) -> HttpResponse | None:
        try:
            name = resolve(request.path_info).url_name or ""
        except Resolver404:
            name = ""
        cap, kind = _POSTS.get(name, (SMALL_BODY, ""))
        if _declared_length(request) > cap:
            return _refused(request, "The files are too large",
                            f"The form and its files were too large together to be sent: at most {MAX_FILES} "
                            f"files of {MAX_BYTES // 2**20} MB each. Nothing has been stored. Please go back, "
                            "choose fewer or smaller files, and send it again.", 413)
        if kind and not limiter(kind).hit(client_address(request)):
            return portal_page(request, "busy.html", {}, status=429)
        try:
            _ = request.POST  # parsed here, once, so that a body Django refuses gets a page that says what to do
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, MultiPartParserError):
            return _refused(request, "The form could not be read",
                            "Something in the form could not be read: perhaps a file without a name, or far "
                            "more text than the questions take. Nothing has been stored. Please go back, choose "
                            "your files again (each with a name) and send it again.", 400)
        return None
