"""Playwright driving Debian's Chromium (headless) against Django's live test server.

The browser is the system's (/usr/bin/chromium, installed by .ci/run), never a downloaded one. Screenshots of
the main pages are written to docs/screenshots/ so that the committed images show the real pages.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def chromium_path() -> str:
    for candidate in (os.environ.get("UPSTANDER_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("Debian's chromium is needed for the browser tests: apt-get install chromium")


def shot(page: object, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def sign_in(page: object, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")  # type: ignore[attr-defined]
    page.get_by_label("User name").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    if "/login/second-factor/" in page.url:  # type: ignore[attr-defined]
        from upstander.web import totp
        from upstander.web.models import User

        secret = User.objects.get(username=username).totp_secret  # what the authenticator app holds
        page.get_by_label("Six-digit code").fill(totp.code_at(secret, totp.current_step()))  # type: ignore[attr-defined]
        page.get_by_role("button", name="Continue").click()  # type: ignore[attr-defined]

