"""Shared fixtures. Simulated deliveries are made once per session: they are deterministic for a seed."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from upstander.simulate.engine import SimulationResult, simulate

ROOT = Path(__file__).resolve().parent.parent
# Written by scripts/test-machine (git-ignored): the PostgreSQL the web tests run against on this machine.
TEST_MACHINE_DATABASE_URL = ROOT / "build" / "test-machine" / "database-url"


def _database_url_for_this_run() -> str | None:
    """UPSTANDER_DATABASE_URL when it is set (empty meaning SQLite); else the URL scripts/test-machine wrote,
    with a database name of this run's own, so that runs from several checkouts at once (or one stopped half
    way) never share or trip over a test database; else None (SQLite)."""
    if "UPSTANDER_DATABASE_URL" in os.environ:
        return None
    if not TEST_MACHINE_DATABASE_URL.exists():
        return None
    url = urlsplit(TEST_MACHINE_DATABASE_URL.read_text().strip())
    return urlunsplit(url._replace(path=f"/upstander_test_{os.getpid()}"))


# The web application's settings read the database, UPSTANDER_HOME and the signing key when Django starts,
# before any fixture runs: point the home somewhere disposable so a test run never writes to the real one.
if (database_url := _database_url_for_this_run()) is not None:
    os.environ["UPSTANDER_DATABASE_URL"] = database_url
os.environ.setdefault("UPSTANDER_HOME", tempfile.mkdtemp(prefix="upstander-test-home-"))
os.environ.setdefault("UPSTANDER_SECRET_KEY", "test-only-signing-key-not-for-any-real-deployment")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upstander.web.settings")
import django  # noqa: E402 (after the environment it reads is set)

django.setup()  # before test modules import the web application's models

from upstander.web.sealing import init_keys  # noqa: E402 (needs the settings above)

if Path(os.environ["UPSTANDER_HOME"]).name.startswith("upstander-test-home-"):
    init_keys()  # keys are never made on first use: the disposable home gets them as `upstander keys init` would


def pytest_report_header() -> str:
    from django.db import connection

    where = connection.settings_dict["HOST"] or "local file"
    if database_url is not None:
        where += f", from {TEST_MACHINE_DATABASE_URL.relative_to(ROOT)}"
    return f"web application database: {connection.vendor} ({where})"


def pytest_runtest_setup(item: pytest.Item) -> None:
    import browser

    browser.current_test = item


@pytest.fixture(scope="session")
def every_flag_delivery(tmp_path_factory: pytest.TempPathFactory) -> SimulationResult:
    """The issue's demo delivery: 300 staff, 30 days, seed 1, every red flag."""
    out = tmp_path_factory.mktemp("sim") / "every-flag"
    return simulate(300, 30, 1, out, every_flag=True)


@pytest.fixture(scope="session")
def corrupt_delivery(tmp_path_factory: pytest.TempPathFactory) -> SimulationResult:
    out = tmp_path_factory.mktemp("sim") / "corrupt"
    return simulate(300, 30, 1, out, every_flag=True, corrupt=True)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh UPSTANDER_HOME for one test."""
    path = tmp_path / "home"
    monkeypatch.setenv("UPSTANDER_HOME", str(path))
    return path


@pytest.fixture(scope="session")
def detected_home(every_flag_delivery: SimulationResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo delivery loaded and run through every detector, in a home of its own (read-only for tests)."""
    from upstander.detect.engine import run_detection
    from upstander.feeds.loading import load_delivery

    path = tmp_path_factory.mktemp("detected") / "home"
    previous = os.environ.get("UPSTANDER_HOME")
    os.environ["UPSTANDER_HOME"] = str(path)
    try:
        load_delivery(every_flag_delivery.out, home=path)
        run_detection(path, full=True)
    finally:
        if previous is not None:
            os.environ["UPSTANDER_HOME"] = previous
    return path


@pytest.fixture
def world(detected_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: None) -> object:
    """The web tests' people on the demo force after detection (see webworld.py), in a home of the test's own:
    the shared lake linked read-only, the alert store copied (the web application writes intelligence to it)."""
    import shutil

    from webworld import build

    home = tmp_path / "web-home"
    home.mkdir()
    (home / "lake").symlink_to(detected_home / "lake", target_is_directory=True)
    shutil.copy(detected_home / "alerts.duckdb", home / "alerts.duckdb")
    monkeypatch.setenv("UPSTANDER_HOME", str(home))
    init_keys()  # the access log is chained, and reports sealed, under keys of this home's own
    return build(home)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls made by fixtures around it
    # are synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect, sync_playwright

    from browser import chromium_path

    # expect() waits for a state; on a loaded machine the default 5 s is short, and waiting longer costs a
    # passing test nothing.
    expect.set_options(timeout=30_000)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), headless=True,
                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A fresh browser context (no cookies) at a laptop's screen size."""
    context = browser.new_context(viewport={"width": 1366, "height": 800})  # type: ignore[attr-defined]
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def small_detected_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small force (60 staff, 14 days, every red flag) loaded and detected once: `upstander detect --full` takes
    about two seconds on it, for tests that run detection many times. Tests copy it (storeworld.copy_home)."""
    from upstander.detect.engine import run_detection
    from upstander.feeds.loading import load_delivery

    base = tmp_path_factory.mktemp("small")
    delivery = simulate(60, 14, 3, base / "delivery", every_flag=True)
    path = base / "home"
    load_delivery(delivery.out, home=path)
    run_detection(path, full=True)
    return path


@pytest.fixture
def nothing_blocked(page: object) -> Iterator[list[str]]:
    """For a browser flow under the strict Content-Security-Policy: nothing on its pages may be blocked by it
    (modules ask for it with `pytest.mark.usefixtures("nothing_blocked")`; a test may take the list to look)."""
    import csp

    seen = csp.watch(page.context)  # type: ignore[attr-defined]
    yield seen
    assert not seen, f"the page's policy blocked something: {seen}"
