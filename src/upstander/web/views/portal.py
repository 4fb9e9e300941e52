"""The confidential reporting portal: three routes in, a receipt code shown once, and a way back in with it.

Nobody signs in. Nothing about the reporter's device or address is stored: the rate limiter counts a daily-
changing hash of the address in memory, and the pages ask browsers to keep nothing (no-store, no referrer).
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from upstander import settings as upstander_settings
from upstander.web.models import Report, ReportMessage
from upstander.web.reporting import receipt
from upstander.web.reporting.attachments import MAX_BYTES, MAX_FILES, AttachmentRejected, clean_attachments
from upstander.web.reporting.forms import FollowUpForm, ReplyForm, ReportForm
from upstander.web.reporting.intake import find_by_code, is_submission_token, new_submission_token, store_report
from upstander.web.reporting.ratelimit import RateLimiter, client_address

_FOLLOW_UP = "portal_report"  # the session key holding the report a receipt code opened
FOLLOW_UP_SECONDS = 15 * 60
_limits: dict[str, RateLimiter] = {}


def _limiter(kind: str) -> RateLimiter:
    """One limiter per kind, made on first use so that the setting is read at run time."""
    if kind not in _limits:
        limit = upstander_settings.get("UPSTANDER_REPORT_LIMIT")
        _limits[kind] = RateLimiter(limit, 3600 if kind == "report" else 900)
    return _limits[kind]


def _private(view: Any) -> Any:
    """Portal pages: never cached, never sent as a referrer to another site, never framed. (Not "no-referrer":
    with it Chromium sends `Origin: null` on the form's own POST, which Django's CSRF check must refuse.)"""
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "same-origin"
        return response
    return wrapped


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context["quick_exit"] = upstander_settings.get("UPSTANDER_QUICK_EXIT_URL")
    return render(request, f"web/portal/{template}", context, status=status)


@_private
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return _render(request, "start.html", {"routes": Report.Route.choices})


@_private
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest, route: str) -> HttpResponse:
    if route not in Report.Route.values:
        return redirect("portal")
    submission = request.POST.get("submission", "") if request.method == "POST" else new_submission_token()
    form = ReportForm(request.POST or None, route=route)
    file_error = ""
    context = {"form": form, "route": route, "route_label": Report.Route(route).label, "submission": submission,
               "max_files": MAX_FILES, "max_mb": MAX_BYTES // 2**20}
    if request.method == "POST":
        if not is_submission_token(submission):
            context["submission"] = new_submission_token()
            file_error = "The form was incomplete. Please check your answers and send it again."
        elif not _limiter("report").hit(client_address(request)):
            return _render(request, "busy.html", context, status=429)
        uploads = request.FILES.getlist("attachments")
        if int(request.META.get("CONTENT_LENGTH") or 0) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
            file_error = (f"The files are too large together: at most {MAX_FILES} files of {MAX_BYTES // 2**20} MB "
                          "each. Please choose fewer or smaller files.")
        try:
            files = clean_attachments([(f.name or "file", f.read(MAX_BYTES + 1)) for f in uploads])
        except AttachmentRejected as exc:
            file_error = file_error or str(exc)
        if form.is_valid() and not file_error:
            stored = store_report(route, submission, form.cleaned_data, files)
            # Committed above; only now is the reporter told. The code is shown on this response and never again.
            return _render(request, "received.html", {"report": stored.report, "code": stored.code})
        context["file_error"] = file_error
        context["files_chosen"] = len(uploads)
        return _render(request, "form.html", context, status=400)
    return _render(request, "form.html", context)


@_private
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest) -> HttpResponse:
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if not _limiter("code").hit(client_address(request)):
            return _render(request, "busy.html", {}, status=429)
        if problem := receipt.problem(code):
            form.add_error("code", problem)
        elif (report := find_by_code(code)) is None:
            form.add_error("code", "No report has that code. Please check each word. A lost code cannot be "
                                   "recovered: if you have lost it, you can make a new report and say so.")
        else:
            request.session.cycle_key()
            request.session[_FOLLOW_UP] = report.pk
            request.session.set_expiry(FOLLOW_UP_SECONDS)
            return redirect("portal_report")
    return _render(request, "follow_up.html", {"form": form}, status=400 if form.errors else 200)


@_private
@require_http_methods(["GET", "POST"])
def my_report(request: HttpRequest) -> HttpResponse:
    report = Report.objects.filter(pk=request.session.get(_FOLLOW_UP, 0)).first()
    if report is None:
        return redirect("portal_follow_up")
    request.session.set_expiry(FOLLOW_UP_SECONDS)  # 15 minutes without use, not 15 minutes in all
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ReportMessage.objects.create(report=report, sender=ReportMessage.Sender.REPORTER,
                                     body=form.cleaned_data["body"])
        return redirect("portal_report")
    return _render(request, "my_report.html", {"report": report, "messages": report.messages.all(), "form": form},
                   status=400 if form.errors else 200)


@require_GET
def quick_exit(request: HttpRequest) -> HttpResponse:
    """Leave at once: end the follow-up session, ask the browser to forget this site, go somewhere ordinary."""
    request.session.flush()
    response = HttpResponseRedirect(upstander_settings.get("UPSTANDER_QUICK_EXIT_URL"))
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
