"""The follow-up after a receipt code: a cookie of the portal's own, never the Django session.

The cookie holds only a random value; the database holds its SHA-256 (the value has 256 bits, so a fast hash is
enough) beside the report and when the follow-up lapses, 15 minutes after it was last used. A staff sign-in in
the same browser is never involved (the portal guard hides the session cookie from portal pages), so no row
anywhere joins a member of staff to a report they made.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from upstander.web.portal.models import PortalVisit, Report

COOKIE = "upstander_portal"
FOLLOW_UP_SECONDS = 15 * 60
_PATH = "/report/"


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()


def _visit(request: HttpRequest) -> PortalVisit | None:
    value = request.COOKIES.get(COOKIE, "")
    if not value:
        return None
    return PortalVisit.objects.select_related("report").filter(key_hash=_hash(value)).first()


def open_follow_up(request: HttpRequest, response: HttpResponse, report: Report) -> None:
    """Let this browser into `report`: a fresh value every time (an old one, if any, ends)."""
    now = timezone.now()
    PortalVisit.objects.filter(expires_at__lte=now).delete()  # lapsed ones go whenever anyone comes back
    end_follow_up(request, None)
    value = secrets.token_urlsafe(32)
    PortalVisit.objects.create(key_hash=_hash(value), report=report,
                               expires_at=now + timedelta(seconds=FOLLOW_UP_SECONDS))
    # No max-age: the browser forgets it when it closes; the server forgets it after 15 minutes unused.
    response.set_cookie(COOKIE, value, path=_PATH, httponly=True, samesite="Strict")


def followed_up_report(request: HttpRequest) -> Report | None:
    """The report this browser followed up, its 15 minutes started again; None if none or it lapsed."""
    visit = _visit(request)
    if visit is None:
        return None
    now = timezone.now()
    if visit.expires_at <= now:
        visit.delete()
        return None
    PortalVisit.objects.filter(pk=visit.pk).update(expires_at=now + timedelta(seconds=FOLLOW_UP_SECONDS))
    return visit.report


def end_follow_up(request: HttpRequest, response: HttpResponse | None) -> None:
    """End this browser's follow-up, if any (quick exit, or a new code entered)."""
    value = request.COOKIES.get(COOKIE, "")
    if value:
        PortalVisit.objects.filter(key_hash=_hash(value)).delete()
    if response is not None:
        response.delete_cookie(COOKIE, path=_PATH, samesite="Strict")
