"""The ACU lead's view of sign-in guessing: the accounts some client is being slowed down on, and the accounts
locked at their ceiling, with when and why; and clearing them. Every other role is refused (404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from upstander.web.models import User
from upstander.web.models.access_log import record
from upstander.web.roles import Role
from upstander.web.sign_in_throttle import now_at, throttle
from upstander.web.views.common import current_user, refuse


@dataclass(frozen=True)
class LockRow:
    username: str
    account: User | None  # None: a name typed at sign-in that is no account here
    why: str
    since: datetime
    until: datetime


def _get_lead(request: HttpRequest) -> User:
    user = current_user(request)
    if user.role != Role.ACU_LEAD:
        refuse(user, "sign-in locks", "-")
    return user


def _rows() -> list[LockRow]:
    gate = throttle()
    now = now_at(gate)
    rows: dict[str, LockRow] = {}
    for u in User.objects.filter(locked_until__gt=now).order_by("-locked_at"):
        rows[u.username] = LockRow(u.username, u, f"Locked for every client: {u.lock_reason}.",
                                   u.locked_at or now, u.locked_until or now)
    slowed = gate.slowed()
    accounts = {u.username: u for u in User.objects.filter(username__in=[s.username for s in slowed])}
    for s in slowed:
        why = (f"Slowed down for {s.clients} client{'s' if s.clients != 1 else ''} after {s.failures} failed "
               f"sign-in{'s' if s.failures != 1 else ''} from there.")
        since, until = datetime.fromtimestamp(s.since, tz=UTC), datetime.fromtimestamp(s.until, tz=UTC)
        if s.username in rows:
            old = rows[s.username]
            rows[s.username] = LockRow(old.username, old.account, f"{old.why} {why}", min(old.since, since),
                                       max(old.until, until))
        else:
            rows[s.username] = LockRow(s.username, accounts.get(s.username), why, since, until)
    return sorted(rows.values(), key=lambda r: r.since, reverse=True)


@login_required
@require_GET
def sign_in_locks(request: HttpRequest) -> HttpResponse:
    lead = _get_lead(request)
    rows = _rows()
    record(lead, "view", "sign-in locks", "-", f"{len(rows)} listed")
    return render(request, "web/sign_in_locks.html", {"rows": rows})


@login_required
@require_POST
def clear_sign_in_lock(request: HttpRequest) -> HttpResponse:
    lead = _get_lead(request)
    username = request.POST.get("username", "").strip()
    clients = throttle().clear(username)
    account = User.objects.filter(username=username).first()
    if account is not None:
        account.clear_sign_in_lock()
    record(lead, "change", "sign-in lock", username[:64],
           f"cleared: {clients} slowed client{'s' if clients != 1 else ''}"
           + (", account ceiling" if account is not None else ", no such account"))
    return redirect("sign_in_locks")
