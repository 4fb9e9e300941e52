"""`upstander run DIR`, the daily job: every step in order, idempotent, a clear exit status, one run at a time."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from upstander.daily.job_lock import daily_lock

STEPS = ["keys", "load", "detect", "web", "watchlist", "retention", "obligations"]


def _env(home: Path) -> dict[str, str]:
    """The home's own SQLite database and keys, never the test run's PostgreSQL or key folder."""
    env = {**os.environ, "UPSTANDER_HOME": str(home), "COLUMNS": "200"}
    for name in ("UPSTANDER_KEY_DIR", "UPSTANDER_SECRET_KEY", "UPSTANDER_DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    return env


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "upstander.cli", *args], capture_output=True, text=True,
                          env=_env(home), timeout=600, check=False)


def daily(home: Path, delivery: Path, *flags: str) -> tuple[int, dict]:
    done = cli(home, "run", str(delivery), "--json", *flags)
    assert done.stdout.strip(), done.stderr[-3000:]
    return done.returncode, json.loads(done.stdout)


def python_in(home: Path, code: str) -> str:
    done = subprocess.run([sys.executable, "-c", "from upstander.web import runtime; runtime.setup()\n" + code],
                          env=_env(home), capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def delivery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("delivery") / "day"
    made = cli(out.parent, "simulate", "--staff", "60", "--days", "14", "--every-flag", "--seed", "4",
               "--out", str(out))
    assert made.returncode == 0, made.stderr[-2000:]
    return out


def new_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    made = cli(home, "keys", "init")
    assert made.returncode == 0, made.stderr[-2000:]
    return home


def test_the_daily_run_does_every_step_and_running_it_again_changes_nothing(tmp_path: Path, delivery: Path) -> None:
    home = new_home(tmp_path)
    code, first = daily(home, delivery)
    assert code == 0, first
    assert [s["name"] for s in first["steps"]] == STEPS and all(s["ok"] for s in first["steps"])
    steps = {s["name"]: s for s in first["steps"]}
    assert sum(steps["load"]["detail"]["loaded"].values()) > 10_000
    assert steps["web"]["detail"]["alerts_seen"] > 0
    assert steps["web"]["detail"]["alerts_seen"] == steps["web"]["detail"]["alerts_new"]

    code, again = daily(home, delivery)
    assert code == 0, again
    steps_again = {s["name"]: s for s in again["steps"]}
    assert steps_again["load"]["said"] == "nothing new in the delivery"
    assert sum(r["new"] for r in steps_again["detect"]["detail"]["detectors"].values()) == 0
    assert steps_again["detect"]["detail"]["alerts_total"] == steps["detect"]["detail"]["alerts_total"]
    assert steps_again["web"]["detail"]["alerts_new"] == 0
    assert steps_again["web"]["detail"]["alerts_seen"] == steps["web"]["detail"]["alerts_seen"]

    logged = python_in(home, "from upstander.web.models import AccessLog\n"
                             "print(AccessLog.objects.filter(action='daily run').count())")
    assert logged.strip() == "2"
    verified = cli(home, "access-log", "verify")
    assert verified.returncode == 0, verified.stderr[-2000:]


def test_a_directory_that_cannot_be_used_stops_the_run_before_anything_is_stored(tmp_path: Path) -> None:
    home = new_home(tmp_path)
    code, summary = daily(home, tmp_path / "no-such-delivery")
    assert code == 2
    assert [s["name"] for s in summary["steps"]] == ["keys", "load"] and not summary["steps"][-1]["ok"]
    assert "does not exist" in summary["steps"][-1]["said"]
    assert not (home / "alerts.duckdb").exists() and not (home / "web.sqlite3").exists()


def test_without_the_keys_nothing_is_loaded(tmp_path: Path, delivery: Path) -> None:
    home = tmp_path / "home-without-keys"
    code, summary = daily(home, delivery)
    assert code == 2
    assert [s["name"] for s in summary["steps"]] == ["keys"]
    assert "upstander keys init" in summary["steps"][0]["said"]
    assert not (home / "lake").exists()


def test_a_refused_file_is_named_and_every_later_step_still_runs(tmp_path: Path, delivery: Path) -> None:
    home = new_home(tmp_path)
    partial = tmp_path / "partial"
    shutil.copytree(delivery, partial)
    (partial / "complaints.parquet").unlink(missing_ok=True)
    (partial / "complaints.parquet").write_bytes(b"this is not a Parquet file")
    code, summary = daily(home, partial)
    assert code == 3, summary
    assert all(s["ok"] for s in summary["steps"]) and [s["name"] for s in summary["steps"]] == STEPS
    load = next(s for s in summary["steps"] if s["name"] == "load")
    assert "complaints.parquet" in load["said"]


def test_an_overdue_obligation_is_said_and_fails_the_run_only_when_asked(tmp_path: Path, delivery: Path) -> None:
    home = new_home(tmp_path)
    assert daily(home, delivery)[0] == 0
    python_in(home, "from upstander.web.demo_accounts import ensure_demo_accounts, ensure_demo_declarations\n"
                    "ensure_demo_declarations(ensure_demo_accounts())")  # one of them is past its decision date
    code, summary = daily(home, delivery)
    assert code == 0 and summary["breaches"]["declarations_overdue"] >= 1
    said = next(s for s in summary["steps"] if s["name"] == "obligations")["said"]
    assert "declarations overdue a vetting decision" in said
    code, summary = daily(home, delivery, "--fail-on-breach")
    assert code == 4


def test_a_second_daily_run_waits_for_the_first_and_then_runs(tmp_path: Path, delivery: Path) -> None:
    home = new_home(tmp_path)
    with daily_lock(home):  # the first run, as far as the second can tell
        second = subprocess.Popen([sys.executable, "-m", "upstander.cli", "run", str(delivery), "--json"],
                                  env=_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert second.stderr is not None
        for line in second.stderr:  # wait for the state: the second run says it is waiting
            if "another daily run is in progress" in line:
                break
        else:
            pytest.fail("the second run never said it was waiting")
        assert second.poll() is None and not (home / "lake").exists()  # it waits, having touched nothing
    out, _ = second.communicate(timeout=600)
    assert second.returncode == 0 and json.loads(out)["exit_code"] == 0


UNITS = Path(__file__).resolve().parent.parent / "deploy" / "systemd"


def test_the_systemd_units_are_valid() -> None:
    checked = subprocess.run(["systemd-analyze", "verify", "--man=no", *(str(p) for p in sorted(UNITS.iterdir()))],
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0 and not checked.stderr.strip(), checked.stderr


def test_the_service_command_runs_the_daily_job_on_todays_folder(tmp_path: Path, delivery: Path) -> None:
    """ExecStart as systemd would run it (%% is a literal %), with the force's paths swapped for the test's."""
    service = (UNITS / "upstander-daily.service").read_text()
    [exec_start] = [line.split("=", 1)[1] for line in service.splitlines() if line.startswith("ExecStart=")]
    [home_line] = [line for line in service.splitlines() if line.startswith("Environment=UPSTANDER_HOME=")]
    assert home_line.endswith("/var/lib/upstander")
    home = new_home(tmp_path)
    deliveries = tmp_path / "deliveries"
    deliveries.mkdir()
    today = subprocess.run(["date", "+%Y-%m-%d"], capture_output=True, text=True, check=True).stdout.strip()
    (deliveries / today).symlink_to(delivery)
    command = (exec_start.replace("%%", "%")
               .replace("/opt/upstander/.venv/bin/upstander", f"{sys.executable} -m upstander.cli")
               .replace("/srv/upstander/deliveries", str(deliveries)))
    assert command.startswith("/bin/sh -c ")
    done = subprocess.run(["/bin/sh", "-c", command[len("/bin/sh -c "):].strip("'")], env=_env(home),
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"Daily run on {deliveries / today}: 7 of 7 steps done" in done.stderr
