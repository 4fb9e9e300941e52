"""Signing in: lockout after repeated failures, no open redirect, idle timeout, strong passwords."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from upstander.web.models import User
from upstander.web.roles import Role
from webworld import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _login(client: Client, password: str, next_url: str = "", username: str = "analyst") -> object:
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": password})


def test_five_failures_lock_the_account_even_against_the_right_password() -> None:
    make_user("analyst", Role.ACU_ANALYST, "S00001")
    client = Client()
    for _ in range(5):
        response = _login(client, "wrong-password-guess")
        assert response.status_code == 400
    assert User.objects.get(username="analyst").is_locked()
    response = _login(client, PASSWORD)
    assert response.status_code == 400 and "locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_failure_message_does_not_say_whether_the_account_exists() -> None:
    make_user("analyst", Role.ACU_ANALYST, "S00001")
    known = Client().post(reverse("login"), {"username": "analyst", "password": "nope-nope-nope"})
    unknown = Client().post(reverse("login"), {"username": "nobody", "password": "nope-nope-nope"})

    def message(response: object) -> str:
        return re.search(r'role="alert">([^<]*)<', response.content.decode()).group(1)  # type: ignore[attr-defined,union-attr]

    assert known.status_code == unknown.status_code == 400
    assert message(known) == message(unknown) and "did not match" in message(known)


def test_a_good_sign_in_clears_earlier_failures() -> None:
    make_user("sergeant", Role.SUPERVISOR, "S00002")
    client = Client()
    for _ in range(3):
        _login(client, "wrong-password-guess", username="sergeant")
    assert _login(client, PASSWORD, username="sergeant").status_code == 302
    assert User.objects.get(username="sergeant").failed_logins == 0


@pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/", "http:/\\evil.example"])
def test_sign_in_never_redirects_off_site(target: str) -> None:
    make_user("sergeant", Role.SUPERVISOR, "S00002")
    response = _login(Client(), PASSWORD, target, username="sergeant")
    assert response.status_code == 302 and "evil.example" not in response["Location"]


@override_settings(IDLE_TIMEOUT_SECONDS=60)
def test_an_idle_session_is_signed_out(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    make_user("sergeant", Role.SUPERVISOR, "S00002")
    client = Client()
    assert _login(client, PASSWORD, username="sergeant").status_code == 302
    assert client.get(reverse("home")).status_code == 200
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 61)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("weak", ["short1", "password123456", "12345678901234", "analyst-analyst"])
def test_weak_passwords_are_refused(weak: str) -> None:
    user = User(username="analyst-analyst", role=Role.ACU_ANALYST)
    with pytest.raises(ValidationError):
        validate_password(weak, user)


def test_passwords_are_stored_as_argon2id() -> None:
    user = make_user("analyst", Role.ACU_ANALYST, "S00001")
    assert user.password.startswith("argon2$argon2id$")
