"""Item 4 of issue 10 over loopback: the real `upstander serve`, hostile reporters sending five huge pictures at
once, and the server's memory stays bounded while an ordinary reporter is still served.

The outside test sent three concurrent forms with an empty token and five 7000 x 7000 PNGs each: every picture
was decoded (147 MB apiece, several copies) and the server went from 158 MB to 2.4 GB. Here four clients send,
together: that attack, the same with a real token (refused on the picture's header, 49 MP being over the limit),
and real forms with five 24 MP pictures just under the limit, which are decoded, as many at once as there are
attachment slots. Every loop is bounded; the test waits for states (the server answering, the hostile forms
sent), never for a fixed time.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from PIL import Image

from portal_http import Browser
from upstander.web.portal.reporting.attachments import ATTACHMENT_SLOTS, MAX_PIXELS

ROOT = Path(__file__).parents[3]  # tests/web/portal/ -> the repository
CLIENTS = 4
_REFERENCE = re.compile(r"Reference: <strong>(R-[A-Z0-9]+)</strong>")


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 60, 200)).save(out, "PNG", compress_level=1)
    return out.getvalue()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, psutil.Process, Path]]:
    """`upstander serve --no-sync` in a child process over a fresh home; (port, process, its database)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(UPSTANDER_HOME=str(tmp_path / "home"), UPSTANDER_KEY_DIR=str(tmp_path / "keys"),
               UPSTANDER_SECRET_KEY=secrets.token_urlsafe(40), UPSTANDER_DATABASE_URL="",
               UPSTANDER_REPORT_LIMIT="100", PYTHONPATH=str(ROOT / "src"))
    cli = [sys.executable, "-c", "from upstander.cli import main; main()"]
    subprocess.run([*cli, "keys", "init"], env=env, check=True, capture_output=True)  # a new installation's keys
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen([*cli, "serve", "--port",
                             str(port), "--no-sync"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while True:  # until the portal answers (migrations on a fresh database come first)
            assert proc.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the server did not start within 180 s"
            try:
                if Browser(port).request("GET", "/report/")[0] == 200:
                    break
            except OSError:
                threading.Event().wait(0.2)  # not yet listening: look again shortly
        yield port, psutil.Process(proc.pid), tmp_path / "home" / "web.sqlite3"
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(30)
        log.close()


def test_memory_stays_bounded_under_huge_pictures_and_an_ordinary_report_is_stored(server: Any) -> None:
    port, process, database = server
    bomb = _png(7000, 7000)  # 49 MP of one colour: a small file
    near = _png(5600, 4400)  # 24.6 MP, just under the limit: decoded and cleaned
    assert len(bomb) < 2**20 and MAX_PIXELS >= 5600 * 4400
    baseline = process.memory_info().rss
    # What cleaning may hold: per slot, two copies of a picture at the limit at 4 bytes a pixel (see
    # attachments.py), plus the five small bodies in flight and Python's own churn. The 2.4 GB was
    # several copies of 15 pictures of 49 MP decoded at once.
    bound = baseline + ATTACHMENT_SLOTS * 2 * 4 * MAX_PIXELS + 200 * 2**20
    peak = [baseline]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            done.wait(0.05)

    sent = threading.Barrier(CLIENTS + 1, timeout=300)
    answers: list[tuple[str, int]] = []
    lock = threading.Lock()

    def hostile(index: int) -> None:
        browser = Browser(port)
        kinds = [("empty token", bomb), ("real token", bomb), ("real token", near)]
        first = True
        for kind, picture in kinds[index % 3:] + kinds[:index % 3]:
            files = [(f"IMG_{i}.png", picture) for i in range(5)]
            status, _ = browser.report(files, submission="") if kind == "empty token" else browser.report(files)
            with lock:
                answers.append((kind, status))
            if first:
                sent.wait()  # each hostile client has had one form answered: the attack is under way
                first = False
        browser.close()

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    threads = [threading.Thread(target=hostile, args=(i,), daemon=True) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    # An ordinary reporter, with nothing attached, while the rest of the attack is still being cleaned.
    sent.wait()
    status, page = Browser(port).report()
    for t in threads:
        t.join(300)
    done.set()
    sampler.join(10)

    assert status == 200 and 'id="receipt-code"' in page, page[-1500:]
    reference = _REFERENCE.search(page)
    assert reference
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM web_report WHERE reference = ?", (reference.group(1),)).fetchone()[0]
    assert not any(t.is_alive() for t in threads) and len(answers) == 3 * CLIENTS
    # The forms without a real token, and the 49 MP pictures, were refused; the 24 MP ones were taken or, when
    # every slot stayed busy, politely deferred (503), never a server error.
    assert all(s == 400 for k, s in answers if k == "empty token"), answers
    assert all(s in (200, 400, 503) for _, s in answers), answers
    assert peak[0] < bound, (f"the server grew from {baseline / 2**20:.0f} MB to {peak[0] / 2**20:.0f} MB "
                             f"(bound {bound / 2**20:.0f} MB)")
