"""Sign in with lockout after repeated failures, and sign out."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from upstander.web import totp
from upstander.web.models import User
from upstander.web.models.access_log import record

FAILED = "Those details did not match. After five failed attempts the account is locked for 15 minutes."
PENDING_USER, PENDING_NEXT = "_upstander_pending_user", "_upstander_pending_next"
SECOND_FACTOR_OK = "_upstander_second_factor"


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    error = ""
    username = ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        account = User.objects.filter(username=username).first()
        if account is not None and account.is_locked():
            local = timezone.localtime(account.locked_until)
            error = f"This account is locked after repeated failed sign-ins. Try again after {local:%H:%M}."
            record(account, "refuse", "login", account.username, "locked")
        else:
            user = authenticate(request, username=username, password=password)
            if user is None:
                if account is not None:
                    account.record_failed_login()
                error = FAILED
            else:
                assert isinstance(user, User)
                target = request.GET.get("next", "")
                # Only a path on this site: never an open redirect to somewhere that imitates it.
                safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                       require_https=request.is_secure())
                target = target if target and safe else ""
                if user.needs_second_factor:
                    request.session[PENDING_USER], request.session[PENDING_NEXT] = user.pk, target
                    return redirect("second_factor")
                user.record_login()
                login(request, user)
                return redirect(target or "home")
    return render(request, "web/login.html", {"error": error, "username": username}, status=400 if error else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """The code from an authenticator app, after the password; first time, the app is enrolled here."""
    user = User.objects.filter(pk=request.session.get(PENDING_USER)).first()
    if user is None:
        return redirect("login")
    if not user.totp_secret:
        user.totp_secret, user.totp_confirmed = totp.new_secret(), False
        user.save(update_fields=["totp_secret", "totp_confirmed"])
    error = ""
    if request.method == "POST":
        if user.is_locked():
            request.session.pop(PENDING_USER, None)
            return redirect("login")
        step = totp.verify(user.totp_secret, request.POST.get("code", ""), user.totp_last_step)
        if step is None:
            user.record_failed_login()
            record(user, "refuse", "login", user.username, "wrong second-factor code")
            error = "That code did not match. Codes change every 30 seconds and each works once."
        else:
            user.totp_last_step, user.totp_confirmed = step, True
            user.save(update_fields=["totp_last_step", "totp_confirmed"])
            target = request.session.pop(PENDING_NEXT, "") or "home"
            request.session.pop(PENDING_USER, None)
            user.record_login()
            login(request, user)
            request.session[SECOND_FACTOR_OK] = True
            return redirect(target)
    return render(request, "web/second_factor.html", {
        "enrol": not user.totp_confirmed, "secret": user.totp_secret if not user.totp_confirmed else "",
        "uri": totp.provisioning_uri(user.totp_secret, user.username) if not user.totp_confirmed else "",
        "error": error}, status=400 if error else 200)
