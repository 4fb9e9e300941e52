"""Signing in: guessing is slowed per client without locking the owner out, every failure looks the same, no
open redirect, idle timeout."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from signin import FakeClock, client_at, fresh_throttle, message, post_code, post_password
from upstander.web import sign_in_throttle
from upstander.web.models import User
from upstander.web.roles import Role
from upstander.web.views.auth import FAILED
from webworld import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    return fresh_throttle(monkeypatch)


def _login(client: Client, password: str, next_url: str = "", username: str = "analyst") -> Any:
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": password})


def test_fifty_failures_from_one_client_do_not_stop_the_lead_signing_in_from_another(clock: FakeClock) -> None:
    make_user("lead", Role.ACU_LEAD, "S00001")
    attacker = client_at(ATTACKER)
    for n in range(50):
        response = post_password(attacker, "lead", f"guess-number-{n}-of-many")
        assert response.status_code == 400 and message(response) == FAILED
        clock.advance(60)  # a patient guesser, one try a minute
    assert not User.objects.get(username="lead").is_locked()
    owner = client_at(OWNER)
    response = post_password(owner, "lead", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("second_factor")
    owner.get(reverse("second_factor"))
    assert post_code(owner, "lead").status_code == 302
    assert owner.get(reverse("queue")).status_code == 200


def test_a_client_is_slowed_more_after_each_failure_even_against_the_right_password(clock: FakeClock) -> None:
    make_user("sergeant", Role.SUPERVISOR, "S00002")
    client = client_at(ATTACKER)
    for _ in range(3):  # a few free mistakes
        assert _login(client, "wrong-password-guess", username="sergeant").status_code == 400
    assert _login(client, PASSWORD, username="sergeant").status_code == 302
    client = client_at(ATTACKER)
    gate = sign_in_throttle.throttle()
    waits = []
    for _ in range(6):
        _login(client, "wrong-password-guess", username="sergeant")
        waits.append(gate.wait("sergeant", ATTACKER))
        clock.advance(waits[-1])
    assert waits[:3] == [0, 0, 0] and waits[3:] == [2, 4, 8]  # doubling after the free tries
    _login(client, "wrong-password-guess", username="sergeant")
    response = _login(client, PASSWORD, username="sergeant")
    assert response.status_code == 400 and message(response) == FAILED  # still waiting: not even checked
    assert "_auth_user_id" not in client.session
    clock.advance(gate.wait("sergeant", ATTACKER))
    assert _login(client, PASSWORD, username="sergeant").status_code == 302


def test_a_client_trying_many_names_is_stopped_across_all_of_them(clock: FakeClock) -> None:
    make_user("sergeant", Role.SUPERVISOR, "S00002")
    sprayer = client_at(ATTACKER)
    for n in range(30):
        _login(sprayer, "Summer2024!", username=f"officer{n:03d}")
    response = _login(sprayer, PASSWORD, username="sergeant")
    assert response.status_code == 400 and message(response) == FAILED
    assert _login(client_at(OWNER), PASSWORD, username="sergeant").status_code == 302
    clock.advance(15 * 60)
    assert _login(sprayer, PASSWORD, username="sergeant").status_code == 302


@override_settings(SIGN_IN_CEILING=5)
def test_failures_from_many_clients_lock_the_account_at_its_ceiling(clock: FakeClock) -> None:
    make_user("sergeant", Role.SUPERVISOR, "S00002")
    for n in range(5):
        _login(client_at(f"203.0.113.{n + 10}"), "wrong-password-guess", username="sergeant")
    account = User.objects.get(username="sergeant")
    assert account.is_locked(sign_in_throttle.now_at(sign_in_throttle.throttle()))
    assert "5 failed sign-ins" in account.lock_reason
    response = _login(client_at(OWNER), PASSWORD, username="sergeant")
    assert response.status_code == 400 and message(response) == FAILED
    clock.advance(3601)
    assert _login(client_at(OWNER), PASSWORD, username="sergeant").status_code == 302


@override_settings(SIGN_IN_CEILING=5)
def test_every_failure_gives_the_same_message_and_status(clock: FakeClock) -> None:
    make_user("analyst", Role.ACU_ANALYST, "S00001")
    make_user("sergeant", Role.SUPERVISOR, "S00002")
    make_user("locked", Role.SUPERVISOR, "S00003")
    for n in range(5):
        _login(client_at(f"203.0.113.{n + 10}"), "wrong-password-guess", username="locked")
    slowed = client_at("192.0.2.50")
    for _ in range(4):
        _login(slowed, "wrong-password-guess", username="sergeant")
        _login(slowed, "wrong-password-guess", username="nobody-here")
    responses = {
        "unknown name": _login(client_at(OWNER), "nope-nope-nope", username="nobody"),
        "wrong password": _login(client_at(OWNER), "nope-nope-nope", username="sergeant"),
        "slowed, right password": _login(slowed, PASSWORD, username="sergeant"),
        "slowed, unknown name": _login(slowed, PASSWORD, username="nobody-here"),
        "locked at ceiling, right password": _login(client_at(OWNER), PASSWORD, username="locked"),
    }
    second = client_at("192.0.2.77")
    _login(second, PASSWORD, username="analyst")
    second.get(reverse("second_factor"))
    responses["wrong second-factor code"] = second.post(reverse("second_factor"), {"code": "12345"})
    for why, response in responses.items():
        assert response.status_code == 400, why
        assert message(response) == FAILED, why
    assert "locked" not in FAILED.lower() and "exist" not in FAILED.lower()


def test_a_locked_account_is_slowed_exactly_like_a_name_that_does_not_exist(clock: FakeClock) -> None:
    with override_settings(SIGN_IN_CEILING=1):
        make_user("sergeant", Role.SUPERVISOR, "S00002")
        _login(client_at(OWNER), "wrong-password-guess", username="sergeant")
        gate = sign_in_throttle.throttle()
        prober = client_at(ATTACKER)
        for _ in range(5):
            _login(prober, "wrong-password-guess", username="sergeant")
            _login(prober, "wrong-password-guess", username="nobody")
        assert gate.wait("sergeant", ATTACKER) == gate.wait("nobody", ATTACKER) > 0


def test_no_client_address_is_kept_in_the_throttle(clock: FakeClock) -> None:
    make_user("sergeant", Role.SUPERVISOR, "S00002")
    for _ in range(5):
        _login(client_at(ATTACKER), "wrong-password-guess", username="sergeant")
    gate = sign_in_throttle.throttle()
    assert ATTACKER not in repr(vars(gate)) and "203.0.113" not in repr(vars(gate))
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(gate)


def test_a_good_sign_in_clears_earlier_failures() -> None:
    make_user("sergeant", Role.SUPERVISOR, "S00002")
    client = Client()
    for _ in range(3):
        _login(client, "wrong-password-guess", username="sergeant")
    assert _login(client, PASSWORD, username="sergeant").status_code == 302
    assert User.objects.get(username="sergeant").failed_logins == 0
    assert sign_in_throttle.throttle().slowed() == []


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
