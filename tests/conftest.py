"""Shared fixtures. Simulated deliveries are made once per session: they are deterministic for a seed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from upstander.simulate.engine import SimulationResult, simulate

# The web application's settings read UPSTANDER_HOME and the signing key when Django starts, before any
# fixture runs: point both somewhere disposable so a test run never writes to the real home.
os.environ.setdefault("UPSTANDER_HOME", tempfile.mkdtemp(prefix="upstander-test-home-"))
os.environ.setdefault("UPSTANDER_SECRET_KEY", "test-only-signing-key-not-for-any-real-deployment")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upstander.web.settings")
import django

django.setup()  # before test modules import the web application's models


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
def world(detected_home: Path, monkeypatch: pytest.MonkeyPatch, db: None) -> object:
    """The web tests' people on the demo force after detection (see webworld.py)."""
    from webworld import build

    monkeypatch.setenv("UPSTANDER_HOME", str(detected_home))
    return build(detected_home)
