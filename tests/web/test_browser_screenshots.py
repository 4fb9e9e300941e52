"""Running the browser tests changes no tracked file: their screenshots go to a git-ignored folder, and only
scripts/refresh-screenshots (UPSTANDER_SCREENSHOTS=docs/screenshots) writes the documentation's images."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

import browser
from browser import ROOT, screenshot_dir, shot


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False)


def tracked_changes() -> str:
    """`git status` of the tracked files only: what a test run must leave as it found it."""
    status = git("status", "--porcelain", "--untracked-files=no")
    assert status.returncode == 0, status.stderr
    return status.stdout


def test_the_tests_screenshot_folder_is_ignored_and_tracks_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UPSTANDER_SCREENSHOTS", raising=False)
    folder = screenshot_dir()
    assert folder == ROOT / "build" / "screenshots"
    relative = str((folder / "01-alert-queue.png").relative_to(ROOT))
    assert git("check-ignore", "-q", relative).returncode == 0, f"{relative} is not git-ignored"
    assert git("ls-files", str(folder.relative_to(ROOT))).stdout == "", "files under the folder are tracked"


def test_refreshing_is_asked_for_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPSTANDER_SCREENSHOTS", "docs/screenshots")
    docs = screenshot_dir()
    assert docs == ROOT / "docs" / "screenshots"
    assert git("ls-files", "--error-unmatch", str((docs / "01-alert-queue.png").relative_to(ROOT))).returncode == 0


@pytest.mark.screenshots
def test_a_screenshot_taken_in_a_test_run_leaves_the_tracked_files_as_they_were(
    page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UPSTANDER_SCREENSHOTS", raising=False)
    before = tracked_changes()
    page.set_content("<!doctype html><html lang='en'><title>Alerts</title><h1>Alerts</h1></html>")
    path = shot(page, "probe-tracked-files")
    assert path == ROOT / "build" / "screenshots" / "probe-tracked-files.png"
    assert path.read_bytes().startswith(b"\x89PNG")
    assert tracked_changes() == before


def test_a_test_that_is_not_marked_cannot_take_a_screenshot(page: Any, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPSTANDER_SCREENSHOTS", str(tmp_path))
    page.set_content("<!doctype html><html lang='en'><title>t</title><p>unmarked</p></html>")
    with pytest.raises(AssertionError, match="must be marked"):
        shot(page, "unmarked")
    assert not list(tmp_path.iterdir())
    assert browser.current_test is not None
