"""Sign in with lockout after repeated failures, and sign out."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from upstander.web.models import User
from upstander.web.models.access_log import record

FAILED = "Those details did not match. After five failed attempts the account is locked for 15 minutes."


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
                user.record_login()
                login(request, user)
                target = request.GET.get("next", "")
                # Only a path on this site: never an open redirect to somewhere that imitates it.
                safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                       require_https=request.is_secure())
                return redirect(target if target and safe else "home")
    return render(request, "web/login.html", {"error": error, "username": username}, status=400 if error else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")
