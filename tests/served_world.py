"""A served application of its own for the detect-while-browsing test and benchmark: `upstander serve` in a child
process over a home with its own SQLite web database (every server thread with its own connection, as in
production), the web tests' people in it, and a signed-in session for the analyst.

    python tests/served_world.py HOME      (UPSTANDER_HOME=HOME in the environment)

prints one JSON line: the analyst's session cookie and the risk total each person view should show."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def served_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("UPSTANDER_DATABASE_URL", "UPSTANDER_CRASH_AT")}
    env.update(UPSTANDER_HOME=str(home), UPSTANDER_SECRET_KEY="test-only-signing-key-not-for-any-real-deployment",
               DJANGO_SETTINGS_MODULE="upstander.web.settings")
    return env


def prepare(home: Path) -> dict[str, Any]:
    """The web database migrated, the directory and alerts synced, the people made: in a child process, so that
    the caller's own Django configuration (a test database) is not touched."""
    proc = subprocess.run([sys.executable, str(HERE / "served_world.py"), str(home)], capture_output=True, text=True,
                          env=served_env(home), timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"preparing the served home failed: {proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(home: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`upstander serve --no-sync` on 127.0.0.1:port; returns once it answers the sign-in page."""
    with open(log, "wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "upstander.cli", "serve", "--port", str(port), "--no-sync"],
                                  env=served_env(home), stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}: {log.read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/login/")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.2)  # not up yet: try again
    server.kill()
    raise RuntimeError("the server did not answer within 120 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _main(home: Path) -> None:
    sys.path.insert(0, str(HERE))
    from upstander.web import runtime
    from upstander.web.sealing import init_keys

    init_keys()
    runtime.setup()
    runtime.migrate()
    from django.template.defaultfilters import floatformat
    from django.urls import reverse

    from upstander.risk.matrix import risk_matrix
    from webworld import build, signed_in

    world = build(home)
    conflicted = {world.subject.staff_id, world.alert.subject_staff_id}
    # As the page rounds it (half up: 16.45 shows as 16.5, where Python's format gives 16.4).
    expected = {reverse("person", args=[r.staff_id]): floatformat(r.total, 1) for r in risk_matrix(home)
                if r.staff_id not in conflicted}
    session = signed_in(world.analyst).cookies["sessionid"].value
    print(json.dumps({"session": session, "person_totals": expected, "queue": reverse("queue")}))


if __name__ == "__main__":
    _main(Path(sys.argv[1]))
