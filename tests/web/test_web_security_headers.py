"""Headers on every page: a strict Content-Security-Policy with no inline script or style anywhere, a
Permissions-Policy, nothing cached, and Secure cookies with HSTS when UPSTANDER_SECURE_COOKIES is on."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from signin import FakeClock, client_at, fresh_throttle
from upstander.web.roles import Role
from webworld import PASSWORD, make_user, signed_in

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src"
WEB = SRC / "upstander" / "web"  # the core app's templates and each domain app's own
REQUIRED_CSP = ("default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'",
                "frame-ancestors 'none'", "form-action 'self'", "style-src 'self'")


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    return fresh_throttle(monkeypatch)


def _directives(header: str) -> set[str]:
    return {d.strip() for d in header.split(";")}


def _pages() -> dict[str, object]:
    lead = make_user("lead", Role.ACU_LEAD, "S00001")
    return {
        "sign in": Client().get(reverse("login")),
        "failed sign in": Client().post(reverse("login"), {"username": "nobody", "password": "nope"}),
        "reporting portal": Client().get(reverse("portal")),
        "intelligence (signed in)": signed_in(lead).get(reverse("intelligence_list")),
        "sign-in locks (signed in)": signed_in(lead).get(reverse("sign_in_locks")),
        "not found (signed in)": signed_in(lead).get("/cases/999999/"),
    }


def test_every_page_sends_a_strict_csp_and_permissions_policy_and_is_not_cached() -> None:
    for name, response in _pages().items():
        csp = _directives(response["Content-Security-Policy"])  # type: ignore[index]
        assert set(REQUIRED_CSP) <= csp, name
        assert not any("unsafe" in d or "*" in d for d in csp), name
        policy = response["Permissions-Policy"]  # type: ignore[index]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in policy, (name, feature)
        assert "no-store" in response["Cache-Control"], name  # type: ignore[index]


def test_no_page_has_inline_script_style_or_event_handlers() -> None:
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style", re.I)
    templates = [p for p in WEB.rglob("*.html") if "templates" in p.parts]
    assert len(templates) >= 30, f"only {len(templates)} templates found under {WEB}: the scan lost its way"
    for path in templates:
        assert not inline.search(path.read_text()), f"{path.relative_to(WEB)} has inline script or style"
    for name, response in _pages().items():
        assert not inline.search(response.content.decode()), name  # type: ignore[attr-defined]


def test_htmx_is_told_not_to_add_its_inline_indicator_style() -> None:
    html = signed_in(make_user("lead", Role.ACU_LEAD, "S00001")).get(reverse("intelligence_list")).content.decode()
    assert '"includeIndicatorStyles": false' in html and '<meta name="htmx-config"' in html


def _settings_with(value: str | None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "UPSTANDER_SECURE_COOKIES"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
    if value is not None:
        env["UPSTANDER_SECURE_COOKIES"] = value
    code = ("from upstander.web import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).split()


def test_the_secure_cookies_setting_turns_on_secure_cookies_and_hsts() -> None:
    assert _settings_with(None) == ["False", "False", "0"]  # plain-HTTP localhost works by default
    assert _settings_with("1") == ["True", "True", str(365 * 24 * 3600)]
    bad = subprocess.run([sys.executable, "-c", "import upstander.web.settings"], capture_output=True, text=True,
                         env={**os.environ, "UPSTANDER_SECURE_COOKIES": "maybe", "PYTHONPATH": str(SRC)}, check=False)
    assert bad.returncode != 0 and "UPSTANDER_SECURE_COOKIES='maybe' is not valid" in bad.stderr


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True, SECURE_HSTS_SECONDS=31_536_000)
def test_with_secure_cookies_the_session_and_csrf_cookies_are_secure_and_hsts_is_sent() -> None:
    make_user("sergeant", Role.SUPERVISOR, "S00002")
    client = client_at("198.51.100.7")
    page = client.get(reverse("login"), secure=True)
    assert page.cookies["csrftoken"]["secure"] and page["Strict-Transport-Security"].startswith("max-age=31536000")
    response = client.post(reverse("login"), {"username": "sergeant", "password": PASSWORD}, secure=True)
    assert response.status_code == 302 and response.cookies["sessionid"]["secure"]


def test_by_default_cookies_work_over_plain_http() -> None:
    make_user("sergeant", Role.SUPERVISOR, "S00002")
    response = client_at("198.51.100.7").post(reverse("login"), {"username": "sergeant", "password": PASSWORD})
    assert response.status_code == 302 and not response.cookies["sessionid"]["secure"]
    assert "Strict-Transport-Security" not in response
