"""Playwright driving Debian's Chromium (headless) against Django's live test server.

The browser is the system's (/usr/bin/chromium, installed by scripts/test-machine), never a downloaded one.
Screenshots of the main pages go to build/screenshots/ (git-ignored), so a test run never changes a tracked
file; `scripts/refresh-screenshots` runs the tests marked `screenshots` with UPSTANDER_SCREENSHOTS pointing at
docs/screenshots/ to refresh the committed images on purpose.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCREENSHOTS = ROOT / "build" / "screenshots"


# The test running now (set by conftest.py): shot() refuses a test not marked `screenshots`, which
# scripts/refresh-screenshots would otherwise never run, leaving its image in docs/screenshots/ to go stale.
current_test: object = None


def screenshot_dir() -> Path:
    """Where screenshots go: UPSTANDER_SCREENSHOTS (relative to the checkout) if set, else build/screenshots."""
    chosen = os.environ.get("UPSTANDER_SCREENSHOTS")
    return (ROOT / chosen).resolve() if chosen else DEFAULT_SCREENSHOTS


def chromium_path() -> str:
    for candidate in (os.environ.get("UPSTANDER_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("Debian's chromium is needed for the browser tests: run scripts/test-machine "
                       "(or apt-get install chromium)")


def shot(page: object, name: str, full_page: bool = True) -> Path:
    if current_test is not None and current_test.get_closest_marker("screenshots") is None:  # type: ignore[attr-defined]
        raise AssertionError("a test that takes a screenshot must be marked @pytest.mark.screenshots")
    folder = screenshot_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.wait_for_load_state()  # type: ignore[attr-defined]  # the page whole, not as it was half-way through arriving
    page.screenshot(path=str(path), full_page=full_page)  # type: ignore[attr-defined]
    return path


def sign_in(page: object, base: str, username: str, password: str) -> None:
    """Sign in, with the second factor when the role asks for one; returns once the signed-in page has loaded
    (each form post is awaited as a navigation: reading page.url straight after a click can see the old page)."""
    page.goto(f"{base}/login/")  # type: ignore[attr-defined]
    page.get_by_label("User name").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(password)  # type: ignore[attr-defined]
    with page.expect_navigation():  # type: ignore[attr-defined]
        page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    if "/login/second-factor/" in page.url:  # type: ignore[attr-defined]
        from upstander.web import totp
        from upstander.web.models import User

        secret = User.objects.get(username=username).totp_secret  # what the authenticator app holds
        page.get_by_label("Six-digit code").fill(totp.code_at(secret, totp.current_step()))  # type: ignore[attr-defined]
        with page.expect_navigation():  # type: ignore[attr-defined]
            page.get_by_role("button", name="Continue").click()  # type: ignore[attr-defined]
    if "/login/" in page.url:  # type: ignore[attr-defined]
        raise AssertionError(f"{username} could not sign in: still on {page.url}")  # type: ignore[attr-defined]


def until(condition: Callable[[], bool], what: str, within_s: float = 60) -> None:
    """Wait for a state outside the page (a row written or gone) that the browser's work leads to. The limit
    is only how long to wait before failing; nothing is asserted on a clock."""
    deadline = time.monotonic() + within_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {within_s:.0f} s for {what}")
        time.sleep(0.05)
