"""Nothing Upstander keeps is readable by group or others (issue 10, item 13)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path


def _env(home: Path) -> dict[str, str]:
    """The home's own everything: its SQLite database and keys, never the test run's PostgreSQL or key folder."""
    env = {**os.environ, "UPSTANDER_HOME": str(home), "COLUMNS": "200"}
    for name in ("UPSTANDER_KEY_DIR", "UPSTANDER_SECRET_KEY", "UPSTANDER_DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    return env


def cli(home: Path, *args: str, umask: int = 0o022) -> subprocess.CompletedProcess[str]:
    """`upstander ARGS` as a person would run it from a shell with the usual umask (022: files 0644)."""
    env = _env(home)
    return subprocess.run([sys.executable, "-m", "upstander.cli", *args], capture_output=True, text=True, env=env,
                          timeout=600, check=False, preexec_fn=lambda: os.umask(umask))


def readable_by_others(root: Path) -> list[str]:
    found = []
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if not path.is_symlink() and mode & 0o077:
            found.append(f"{path.relative_to(root)} {mode:o}")
    return found


def test_the_whole_flow_in_a_fresh_home_leaves_nothing_readable_by_others(tmp_path: Path) -> None:
    home = tmp_path / "home"
    demo = cli(home, "demo", "--no-serve", "--staff", "60", "--days", "7")
    assert demo.returncode == 0, demo.stderr[-3000:]
    viewed = subprocess.run(  # a view logged by the web application, however it is started
        [sys.executable, "-c", "from upstander.web import runtime; runtime.setup(); "
         "from types import SimpleNamespace as U; from upstander.web.models.access_log import record; "
         "record(U(pk=None, username='analyst', staff_id='S00002'), 'view', 'person', 'S00001')"],
        env=_env(home), capture_output=True, text=True, timeout=120, check=False,
        preexec_fn=lambda: os.umask(0o022))
    assert viewed.returncode == 0, viewed.stderr[-2000:]
    exported = cli(home, "access-log", "export", "--out", str(home / "exports" / "access"))
    assert exported.returncode == 0, exported.stderr[-2000:]
    for made in ("web.sqlite3", "alerts.duckdb", "secret_key", "keys/receipt-pepper.key", "lake", "deliveries",
                 "access-log-checkpoint.json", "exports/access/audit"):
        assert (home / made).exists(), f"the flow should have made {made}"
    assert readable_by_others(home) == []


def test_a_home_made_readable_before_is_tightened_when_upstander_starts(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "lake" / "staff").mkdir(parents=True)
    (home / "web.sqlite3").write_bytes(b"password hashes and second-factor secrets")
    (home / "lake" / "staff" / "part-0.parquet").write_bytes(b"the force's staff")
    outside = tmp_path / "shared.txt"
    outside.write_text("not in the home")
    (home / "link").symlink_to(outside)
    for path in (home, home / "lake", home / "lake" / "staff"):
        path.chmod(0o755)
    for path in (home / "web.sqlite3", home / "lake" / "staff" / "part-0.parquet", outside):
        path.chmod(0o644)
    assert readable_by_others(home) != []
    assert cli(home, "keys", "init").returncode == 0
    assert readable_by_others(home) == []
    assert stat.S_IMODE((home / "web.sqlite3").stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "lake").stat().st_mode) == 0o700
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644  # a link is not followed out of the home
