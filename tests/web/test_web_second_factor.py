"""The second factor for PSD and ACU roles: enrolment, one-time codes, no replay, no way round it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from signin import FakeClock, fresh_throttle
from upstander.web import sign_in_throttle, totp
from upstander.web.models import User
from upstander.web.roles import Role
from upstander.web.views.auth import FAILED
from webworld import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    return fresh_throttle(monkeypatch)


def test_the_rfc_6238_reference_codes() -> None:
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of the RFC's ASCII key "12345678901234567890"
    assert totp.code_at(secret, totp.current_step(59)) == "287082"
    assert totp.code_at(secret, totp.current_step(1111111109)) == "081804"
    assert totp.code_at(secret, totp.current_step(2000000000)) == "279037"


def _password(client: Client, username: str = "analyst", next_url: str = "") -> object:
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": PASSWORD})


def _code(username: str = "analyst", steps_ahead: int = 0) -> str:
    secret = User.objects.get(username=username).totp_secret
    return totp.code_at(secret, totp.current_step() + steps_ahead)


def test_a_password_alone_does_not_sign_in_an_analyst() -> None:
    make_user("analyst", Role.ACU_ANALYST, "S00001")
    client = Client()
    response = _password(client)
    assert response.status_code == 302 and response["Location"] == reverse("second_factor")
    assert client.get(reverse("queue")).status_code == 302  # not signed in yet
    enrol = client.get(reverse("second_factor")).content.decode()
    assert User.objects.get(username="analyst").totp_secret in enrol and "otpauth://totp/" in enrol


def test_the_right_code_signs_in_and_goes_where_asked_on_this_site_only() -> None:
    make_user("analyst", Role.ACU_ANALYST, "S00001")
    client = Client()
    _password(client, next_url="/cases/")
    client.get(reverse("second_factor"))
    response = client.post(reverse("second_factor"), {"code": _code()})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert client.get(reverse("queue")).status_code == 200
    assert User.objects.get(username="analyst").totp_confirmed
    other = Client()
    _password(other, next_url="https://evil.example/")
    other.post(reverse("second_factor"), {"code": _code(steps_ahead=1)})
    assert other.get(reverse("queue")).status_code == 200  # landed safely; the redirect was checked earlier


@pytest.mark.parametrize("bad", ["000000", "12345", "abcdef", ""])
def test_a_wrong_code_is_refused_and_counts_as_a_failure(bad: str) -> None:
    make_user("analyst", Role.ACU_ANALYST, "S00001")
    client = Client()
    _password(client)
    client.get(reverse("second_factor"))
    if bad == "000000" and _code() == bad:
        bad = "000001"
    response = client.post(reverse("second_factor"), {"code": bad})
    assert response.status_code == 400 and FAILED in response.content.decode()
    assert User.objects.get(username="analyst").failed_logins == 1
    assert client.get(reverse("queue")).status_code == 302


def test_a_code_cannot_be_used_twice() -> None:
    make_user("analyst", Role.ACU_ANALYST, "S00001")
    first = Client()
    _password(first)
    first.get(reverse("second_factor"))
    code = _code()
    assert first.post(reverse("second_factor"), {"code": code}).status_code == 302
    second = Client()
    _password(second)
    assert second.post(reverse("second_factor"), {"code": code}).status_code == 400


def test_wrong_codes_slow_this_client_down_even_for_the_right_code(clock: FakeClock) -> None:
    make_user("analyst", Role.ACU_ANALYST, "S00001")
    client = Client(REMOTE_ADDR="203.0.113.9")
    _password(client)
    client.get(reverse("second_factor"))
    for _ in range(4):
        client.post(reverse("second_factor"), {"code": "999999" if _code() != "999999" else "999998"})
    response = client.post(reverse("second_factor"), {"code": _code()})
    assert response.status_code == 400 and FAILED in response.content.decode()
    assert client.get(reverse("queue")).status_code == 302
    # Going back to the password does not get round it: both steps count against the same client and account.
    assert _password(client).status_code == 400  # type: ignore[attr-defined]
    assert client.post(reverse("second_factor"), {"code": _code()}).status_code == 400
    clock.advance(sign_in_throttle.throttle().wait("analyst", "203.0.113.9"))
    assert client.post(reverse("second_factor"), {"code": _code()}).status_code == 302
    assert client.get(reverse("queue")).status_code == 200


def test_a_session_made_without_the_second_factor_is_ended() -> None:
    make_user("analyst", Role.ACU_ANALYST, "S00001")
    client = Client()
    assert client.login(username="analyst", password=PASSWORD)  # a session made behind the login page's back
    response = client.get(reverse("queue"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_roles_outside_psd_and_acu_need_no_second_factor() -> None:
    make_user("sergeant", Role.SUPERVISOR, "S00002")
    client = Client()
    response = _password(client, username="sergeant")
    assert response.status_code == 302 and response["Location"] == reverse("home")
