"""Sign-in helpers for the web tests: an injected clock for the sign-in throttle (no test sleeps), and the steps
of signing in from a given client address."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from upstander.web import sign_in_throttle, totp
from upstander.web.models import User


@dataclass
class FakeClock:
    now: float = 1_900_000_000.0  # some time in 2030: nothing depends on the real clock

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def fresh_throttle(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """A new throttle (its counts are in memory, shared by the process) on a clock the test moves by hand."""
    clock = FakeClock()
    gate = sign_in_throttle.SignInThrottle(
        free_tries=settings.SIGN_IN_FREE_TRIES, base_delay=settings.SIGN_IN_BASE_DELAY_SECONDS,
        max_delay=settings.SIGN_IN_MAX_DELAY_SECONDS, client_limit=settings.SIGN_IN_CLIENT_LIMIT,
        client_window=settings.SIGN_IN_CLIENT_WINDOW_SECONDS, clock=clock)
    monkeypatch.setattr(sign_in_throttle, "_instance", gate)
    return clock


def client_at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def post_password(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


def post_code(client: Client, username: str, steps_ahead: int = 0) -> Any:
    secret = User.objects.get(username=username).totp_secret
    return client.post(reverse("second_factor"), {"code": totp.code_at(secret, totp.current_step() + steps_ahead)})


def message(response: Any) -> str:
    """The error the page shows (the role="alert" paragraph)."""
    found = re.search(r'role="alert">([^<]*)<', response.content.decode())
    return found.group(1) if found else ""
