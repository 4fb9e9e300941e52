"""A missing key directory is refused in words, never silently replaced by new keys (issue 10, item 14)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from typer.testing import CliRunner

from portal import receipt_code, submit
from upstander.cli import register
from upstander.web import sealing
from upstander.web.portal import guard as portal_guard
from upstander.web.portal.models import Report
from upstander.web.portal.reporting.intake import find_by_code
from upstander.web.sealing import KeyDirectoryMissing, KeyUnavailable

pytestmark = pytest.mark.django_db
WHAT_TO_RUN = "upstander keys init"


@pytest.fixture
def key_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home of the test's own, its keys made by `upstander keys init`."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("UPSTANDER_HOME", str(home))
    monkeypatch.delenv("UPSTANDER_KEY_DIR", raising=False)
    sealing.reset_cache()
    result = CliRunner().invoke(register(), ["keys", "init"])
    assert result.exit_code == 0, result.output
    yield home
    sealing.reset_cache()


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UPSTANDER_HOME": str(home), "COLUMNS": "300"}
    env.pop("UPSTANDER_KEY_DIR", None)
    return subprocess.run([sys.executable, "-m", "upstander.cli", *args], capture_output=True, text=True, env=env,
                          timeout=60, check=False)


def test_keys_init_makes_every_key_once(key_home: Path) -> None:
    keys = key_home / "keys"
    assert sorted(p.name for p in keys.iterdir() if not p.name.startswith("seal-")) == [
        "access-log-chain.key", "current", "receipt-pepper.key"]
    before = {p.name: p.read_bytes() for p in keys.iterdir()}
    result = CliRunner().invoke(register(), ["keys", "init"])
    assert result.exit_code == 0 and "nothing made" in result.output
    assert {p.name: p.read_bytes() for p in keys.iterdir()} == before


def test_a_removed_key_directory_stops_sealing_and_serving_and_is_not_remade(key_home: Path) -> None:
    portal_guard._limits.clear()
    code = receipt_code(submit(Client(), "public"))
    assert find_by_code(code) is not None
    shutil.rmtree(key_home / "keys")  # the volume was not mounted, or the directory was lost
    sealing.reset_cache()

    with pytest.raises(KeyDirectoryMissing, match=WHAT_TO_RUN) as caught:
        sealing.seal("a new report", purpose="report.text")
    assert str(key_home / "keys") in str(caught.value) and "does not exist" in str(caught.value)
    with pytest.raises(KeyDirectoryMissing):
        find_by_code(code)  # no new pepper: the old codes are not quietly orphaned
    with pytest.raises(KeyDirectoryMissing):
        Report.objects.get()  # nor is anything unsealed
    assert not (key_home / "keys").exists()

    served = cli(key_home, "serve", "--no-sync", "--port", "8765")
    assert served.returncode == 2
    assert "will not start" in served.stderr and "does not exist" in served.stderr and WHAT_TO_RUN in served.stderr
    wsgi = subprocess.run([sys.executable, "-c", "import upstander.web.wsgi"], capture_output=True, text=True,
                          env={**os.environ, "UPSTANDER_HOME": str(key_home)}, timeout=60, check=False)
    assert wsgi.returncode != 0 and WHAT_TO_RUN in wsgi.stderr
    assert not (key_home / "keys").exists(), "a key directory was made by something other than keys init"


def test_keys_init_refuses_to_replace_keys_the_database_still_needs(key_home: Path) -> None:
    portal_guard._limits.clear()
    code = receipt_code(submit(Client(), "public"))
    shutil.rmtree(key_home / "keys")
    sealing.reset_cache()
    (key_home / "web.sqlite3").touch()  # this home's web database exists (the test database stands in for it)
    refused = CliRunner().invoke(register(), ["keys", "init"])
    assert refused.exit_code == 2 and "1 report" in refused.output and "restore the key" in refused.output
    assert not (key_home / "keys").exists()
    made = CliRunner().invoke(register(), ["keys", "init", "--existing-data"])
    assert made.exit_code == 0 and "receipt-pepper.key" in made.output
    assert find_by_code(code) is None  # why it asked: the old receipt codes no longer open anything


@pytest.mark.parametrize("lost", ["receipt-pepper.key", "access-log-chain.key", "current"])
def test_a_key_missing_from_the_directory_is_refused_in_words(key_home: Path, lost: str) -> None:
    (key_home / "keys" / lost).unlink()
    sealing.reset_cache()
    with pytest.raises(KeyUnavailable, match="restore") as caught:
        sealing.require_keys()
    assert lost.removesuffix(".key") in str(caught.value)
    assert not (key_home / "keys" / lost).exists()
    served = cli(key_home, "serve", "--no-sync", "--port", "8765")
    assert served.returncode == 2 and lost.removesuffix(".key") in served.stderr
