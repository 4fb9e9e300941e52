"""Single sign-on in a real browser (Debian's Chromium), with the provider on another site (https://localhost) than
the application (http://127.0.0.1), as a force's provider is: the browser comes back without the SameSite=Strict
session cookie, and the sign-in still completes; then Upstander's second-factor enrolment, its QR code drawn
inline under the Content-Security-Policy with nothing blocked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from axe import assert_accessible
from csp import watch
from sso_world import PROVIDER_NAME, Sso, sso_servers
from upstander.web import totp
from upstander.web.models import User
from upstander.web.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sso(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sso]:
    with sso_servers(tmp_path, monkeypatch, provider_host="localhost") as servers:
        yield servers


@pytest.fixture
def tab(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    # The test provider's certificate is its own: this browser trusts it as a force's machines trust their CA.
    context = browser.new_context(viewport={"width": 1366, "height": 800}, ignore_https_errors=True)
    blocked = watch(context)
    yield context.new_page(), blocked
    context.close()


def test_an_analyst_signs_in_at_the_provider_on_another_site_and_enrols_with_the_qr_code(
        sso: Sso, tab: tuple[Any, list[str]], tmp_path: Path) -> None:
    page, blocked = tab
    page.goto(f"{sso.app}/login/")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    page.wait_for_url(f"{sso.idp.base}/authorize?**")
    page.fill("input[name=login]", "amira.hassan")
    page.fill("input[name=password]", "provider-pass-amira")
    page.get_by_role("button", name="Sign in at the force").click()
    page.wait_for_url(f"{sso.app}/login/second-factor/")
    user = User.objects.get(username="ahassan")
    assert user.role == Role.ACU_ANALYST
    qr = page.locator("figure.qr svg")
    box = qr.bounding_box()
    assert box is not None and box["width"] > 150 and abs(box["width"] - box["height"]) < 1  # drawn, and square
    assert page.get_by_text(user.totp_secret).is_visible()
    assert_accessible(page, "second-factor enrolment after single sign-on")
    page.screenshot(path=str(tmp_path / "enrolment.png"), full_page=True)  # for a person to look at when it fails
    page.get_by_label("Six-digit code").fill(totp.code_at(user.totp_secret, totp.current_step()))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{sso.app}/alerts/")
    assert page.get_by_text("Amira Hassan · ACU analyst").is_visible()
    assert blocked == [], blocked
