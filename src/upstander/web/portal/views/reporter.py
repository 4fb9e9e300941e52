"""The confidential reporting portal: three routes in, a receipt code shown once, and a way back in with it.

Nobody signs in. Nothing about the reporter's device or address is stored: the rate limiter (in the portal
guard, before the body is read) counts a daily-changing hash of the address in memory, and the pages ask browsers
to keep nothing (no-store, no referrer). The follow-up has a cookie of its own, never the Django session.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from upstander import settings as upstander_settings
from upstander.web.portal.guard import portal_page
from upstander.web.portal.models import Report, ReportMessage
from upstander.web.portal.reporting import receipt
from upstander.web.portal.reporting.attachments import (
    MAX_BYTES,
    MAX_FILES,
    AttachmentRejected,
    AttachmentsBusy,
    CleanedFile,
    attachment_slot,
    clean_attachments,
)
from upstander.web.portal.reporting.follow_up import end_follow_up, followed_up_report, open_follow_up
from upstander.web.portal.reporting.forms import FollowUpForm, ReplyForm, ReportForm
from upstander.web.portal.reporting.intake import find_by_code, is_submission_token, new_submission_token, store_report

_BUSY = ("We are receiving a lot of files just now, so yours could not be checked. Nothing has been stored yet. "
         "Please wait a minute, choose your files again and send the report again.")
_NAMELESS = ("A file arrived without a name, so we could not take it. Nothing has been stored yet. Please choose "
             "your files again (each file needs a name) and send the report again.")


def _private(view: Any) -> Any:
    """Portal pages: never cached, never sent as a referrer to another site, never framed."""
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "same-origin"
        return response
    return wrapped


@_private
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    return portal_page(request, "start.html", {"routes": Report.Route.choices})


def _files(request: HttpRequest) -> list[CleanedFile]:
    """The request's attachments cleaned, holding one of the few attachment slots while it is done."""
    uploads = request.FILES.getlist("attachments")
    if not uploads:
        return []
    with attachment_slot():
        return clean_attachments([(f.name or "file", f.read(MAX_BYTES + 1)) for f in uploads])


@_private
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest, route: str) -> HttpResponse:
    if route not in Report.Route.values:
        return redirect("portal")
    submission = request.POST.get("submission", "") if request.method == "POST" else new_submission_token()
    form = ReportForm(request.POST or None, route=route)
    context = {"form": form, "route": route, "route_label": Report.Route(route).label, "submission": submission,
               "max_files": MAX_FILES, "max_mb": MAX_BYTES // 2**20}
    if request.method != "POST":
        return portal_page(request, "form.html", context)
    file_error, status = "", 400
    # Django takes a file part with an empty name for a text field: a file sent that way would be lost unsaid.
    if any(request.POST.getlist("attachments")):
        file_error = _NAMELESS
    if not is_submission_token(submission):  # not a form this server gave out: no work is done for it
        context["submission"] = new_submission_token()
        file_error = "The form was incomplete. Please check your answers and send it again."
    elif form.is_valid() and not file_error:
        try:
            files = _files(request)
        except AttachmentRejected as exc:
            file_error = str(exc)
        except AttachmentsBusy:
            file_error, status = _BUSY, 503
        else:
            stored = store_report(route, submission, form.cleaned_data, files)
            # Committed above; only now is the reporter told. The code is shown on this response and never again.
            return portal_page(request, "received.html", {"report": stored.report, "code": stored.code})
    context["file_error"] = file_error
    context["files_chosen"] = bool(request.FILES.getlist("attachments")) or file_error == _NAMELESS
    response = portal_page(request, "form.html", context, status=status)
    if status == 503:
        response["Retry-After"] = "60"
    return response


@_private
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest) -> HttpResponse:
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():  # the guard has counted this attempt against the limit
        code = form.cleaned_data["code"]
        if problem := receipt.problem(code):
            form.add_error("code", problem)
        elif (report := find_by_code(code)) is None:
            form.add_error("code", "No report has that code. Please check each word. A lost code cannot be "
                                   "recovered: if you have lost it, you can make a new report and say so.")
        else:
            response = redirect("portal_report")
            open_follow_up(request, response, report)
            return response
    return portal_page(request, "follow_up.html", {"form": form}, status=400 if form.errors else 200)


@_private
@require_http_methods(["GET", "POST"])
def my_report(request: HttpRequest) -> HttpResponse:
    report = followed_up_report(request)  # 15 minutes without use, not 15 minutes in all
    if report is None:
        return redirect("portal_follow_up")
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ReportMessage.objects.create(report=report, sender=ReportMessage.Sender.REPORTER,
                                     body=form.cleaned_data["body"])
        return redirect("portal_report")
    return portal_page(request, "my_report.html",
                       {"report": report, "messages": report.messages.all(), "form": form},
                       status=400 if form.errors else 200)


@require_GET
def quick_exit(request: HttpRequest) -> HttpResponse:
    """Leave at once: end the follow-up, ask the browser to forget this site, go somewhere ordinary."""
    response = HttpResponseRedirect(upstander_settings.get("UPSTANDER_QUICK_EXIT_URL"))
    end_follow_up(request, response)
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
