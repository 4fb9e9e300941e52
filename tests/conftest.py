"""Shared fixtures. Simulated deliveries are made once per session: they are deterministic for a seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from upstander.simulate.engine import SimulationResult, simulate


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
