"""Issue 11: twelve `upstander detect --full` runs (real processes) while sixteen signed-in people browse person
views and the alert queue of a served application (`upstander serve` in a child process, on loopback).

Every run must exit 0, no answer may be a 500, and every person view must show the same risk total it showed
before any run (each run is a full run over the same data, so a reader that saw a half-written or missing store
would show another total, or none). Bounded by counts, not by time: each client sends PAGES_PER_CLIENT requests,
spread over the runs (its k-th request waits until the run it belongs to has been started)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from portal_http import Browser
from served_world import free_port, prepare, start_server, stop_server
from storeworld import copy_home, start_detect, store_state

RUNS, TOGETHER, CLIENTS, PAGES_PER_CLIENT = 12, 2, 16, 24
TOTAL = re.compile(r"Total (-?[\d.]+) points")


def test_twelve_detection_runs_while_sixteen_people_browse(small_detected_home: Path, tmp_path: Path) -> None:
    home = copy_home(small_detected_home, tmp_path / "home")
    world = prepare(home)
    expected: dict[str, str] = world["person_totals"]
    assert len(expected) >= 4, "the small force should put several people on the risk matrix"
    paths = [*sorted(expected)[:8], world["queue"]]
    before = store_state(home)

    exits: list[int] = []
    errors: list[str] = []
    started = threading.Condition()
    runs_started = [0]

    def detect_runs() -> None:
        try:
            for n in range(0, RUNS, TOGETHER):  # two at a time: the second of each pair waits for the first
                logs = [tmp_path / f"detect{n + i}.log" for i in range(TOGETHER)]
                pair = [start_detect(home, log) for log in logs]
                with started:
                    runs_started[0] += TOGETHER
                    started.notify_all()
                for proc, log in zip(pair, logs, strict=True):
                    exits.append(proc.wait(timeout=300))
                    if proc.returncode != 0 or "Traceback" in log.read_text():
                        errors.append(log.read_text()[-2000:])
        finally:
            with started:
                runs_started[0] = RUNS
                started.notify_all()

    answers: list[tuple[str, int, str | None]] = []  # path, status, total shown
    bad: list[str] = []  # the end of every answer other than 200, to say what went wrong
    broken: list[BaseException] = []
    lock = threading.Lock()

    def browse(port: int, client: int) -> None:
        browser = Browser(port)
        browser.cookies["sessionid"] = world["session"]
        try:
            for k in range(PAGES_PER_CLIENT):
                with started:  # the k-th request of every client belongs to run 1 + k * RUNS // PAGES_PER_CLIENT
                    started.wait_for(lambda k=k: runs_started[0] >= 1 + k * RUNS // PAGES_PER_CLIENT)
                path = paths[(client + k) % len(paths)]
                status, body = browser.request("GET", path)
                text = body.decode("utf-8", "replace")
                shown = TOTAL.search(text)
                with lock:
                    answers.append((path, status, shown.group(1) if shown else None))
                    if status != 200:
                        bad.append(f"{status} {path}: {text[-500:]}")
        except BaseException as exc:  # any failure in a thread must reach the assertions
            broken.append(exc)
        finally:
            browser.close()

    port = free_port()
    server = start_server(home, port, tmp_path / "server.log")
    try:
        runner = threading.Thread(target=detect_runs)
        clients = [threading.Thread(target=browse, args=(port, c)) for c in range(CLIENTS)]
        for c in clients:
            c.start()
        runner.start()
        for c in clients:
            c.join()
        runner.join()
    finally:
        stop_server(server)

    assert not broken, broken[:2]
    assert exits == [0] * RUNS and not errors, errors[:2]
    assert len(answers) == CLIENTS * PAGES_PER_CLIENT
    statuses = [status for _, status, _ in answers]
    assert statuses.count(500) == 0 and set(statuses) == {200}, (sorted(set(statuses)), bad[:3])
    for path, _, shown in answers:
        if path != world["queue"]:
            assert shown == expected[path], (path, shown, expected[path])
    assert "Traceback" not in (tmp_path / "server.log").read_text()
    assert store_state(home) == before  # the runs were full runs over the same data
