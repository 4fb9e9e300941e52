"""Sign in (password, then a second factor for PSD and ACU roles) slowed down against guessing, and sign out.

Every failure looks the same from outside: an unknown name, a wrong password, a wrong code, a client being slowed
down and an account at its ceiling all get FAILED with status 400, so the page never tells which names exist.
"""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from upstander.web import totp
from upstander.web.models import User
from upstander.web.models.access_log import record
from upstander.web.ratelimit import client_address
from upstander.web.sign_in_throttle import SignInThrottle, now_at, throttle

FAILED = ("Sign-in did not succeed: the details did not match, or there have been too many tries. Check them and "
          "try again in a few minutes.")
PENDING_USER, PENDING_NEXT = "_upstander_pending_user", "_upstander_pending_next"
SECOND_FACTOR_OK = "_upstander_second_factor"
# Every session is checked by the model backend, however the person signed in: it drops a disabled account.
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _failed(gate: SignInThrottle, request: HttpRequest, username: str, account: User | None,
            checked: bool = True) -> None:
    """Count a failure for this client; a checked one against a real account also counts towards its ceiling."""
    gate.failed(username, client_address(request))
    if account is not None and checked and account.record_failed_login(now_at(gate)):
        record(account, "refuse", "login", account.username, f"locked: {account.lock_reason}")


def _may_try(gate: SignInThrottle, request: HttpRequest, username: str, account: User | None) -> bool:
    return gate.wait(username, client_address(request)) <= 0 and not (
        account is not None and account.is_locked(now_at(gate)))


def _check_password(request: HttpRequest, username: str, password: str) -> User | None:
    gate = throttle()
    account = User.objects.filter(username=username).first()
    if gate.wait(username, client_address(request)) > 0:
        return None  # slowed down: the password is not even looked at
    if account is not None and account.is_locked(now_at(gate)):
        # Behave exactly as for a name that does not exist: take as long as a check and count towards slowing.
        make_password(password)
        _failed(gate, request, username, account, checked=False)
        return None
    user = authenticate(request, username=username, password=password)
    if user is None:
        _failed(gate, request, username, account)
        return None
    if not isinstance(user, User):  # the only backend is the model backend over this user model
        raise TypeError("authentication returned an account that is not an Upstander user")
    return user


def _signed_in(request: HttpRequest, user: User, target: str) -> HttpResponse:
    throttle().succeeded(user.username, client_address(request))
    user.record_login()
    login(request, user, backend=SESSION_BACKEND)
    return redirect(target or "home")


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    error = ""
    username = ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        user = _check_password(request, username, request.POST.get("password", ""))
        if user is None:
            error = FAILED
        else:
            target = request.GET.get("next", "")
            # Only a path on this site: never an open redirect to somewhere that imitates it.
            safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure())
            target = target if target and safe else ""
            if user.needs_second_factor:
                request.session[PENDING_USER], request.session[PENDING_NEXT] = user.pk, target
                return redirect("second_factor")
            return _signed_in(request, user, target)
    return render(request, "web/login.html", {"error": error, "username": username, "sso": _sso_offer(request)},
                  status=400 if error else 200)


def _sso_offer(request: HttpRequest) -> dict[str, str] | None:
    """The single sign-on button's words and address (carrying a `next` on this site), or None when it is off."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from upstander.web.sso import config as sso_config

    config = sso_config.current()
    if config is None:
        return None
    target = request.GET.get("next", "")
    safe = target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                      require_https=request.is_secure())
    query = f"?{urlencode({'next': target})}" if safe else ""
    return {"provider": config.provider_name, "url": reverse("sso_start") + query}


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
        gate = throttle()
        step = None
        if _may_try(gate, request, user.username, user):
            step = totp.verify(user.totp_secret, request.POST.get("code", ""), user.totp_last_step)
            if step is None:
                _failed(gate, request, user.username, user)
                record(user, "refuse", "login", user.username, "wrong second-factor code")
        if step is None:
            error = FAILED
        else:
            user.totp_last_step, user.totp_confirmed = step, True
            user.save(update_fields=["totp_last_step", "totp_confirmed"])
            target = request.session.pop(PENDING_NEXT, "")
            request.session.pop(PENDING_USER, None)
            response = _signed_in(request, user, target)
            request.session[SECOND_FACTOR_OK] = True
            return response
    enrol = not user.totp_confirmed
    uri = totp.provisioning_uri(user.totp_secret, user.username) if enrol else ""
    # segno's own markup: path data and the fixed title above, nothing a person typed.
    qr_code = mark_safe(totp.qr_code_svg(uri)) if enrol else ""  # nosec B308, B703  # segno's SVG of our own URI, no user text
    return render(request, "web/second_factor.html", {
        "enrol": enrol, "secret": user.totp_secret if enrol else "", "uri": uri, "qr_code": qr_code,
        "error": error}, status=400 if error else 200)
