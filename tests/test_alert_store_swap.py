"""The alert store's file layer: readers never block a writer nor are blocked by one, every write is a copy swapped
in whole, a failed or killed write leaves the previous store as it was, and a second `detect` waits for the first."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from storeworld import copy_home, run_detect, start_detect, store_state
from upstander.detect import findings
from upstander.detect.alerts import AlertStore
from upstander.detect.catalogue import Detector, load_detectors
from upstander.detect.engine import run_detection
from upstander.detect.store_files import StoreBusy

READER = """
import sys
from pathlib import Path
from upstander.detect.alerts import AlertStore
store = AlertStore(Path(sys.argv[1]))
with store.reading() as con:
    print(con.execute("SELECT count(*) FROM alerts").fetchone()[0], flush=True)
    sys.stdin.readline()  # the test changes the store meanwhile
    print(con.execute("SELECT count(*) FROM alerts").fetchone()[0], flush=True)
with store.reading() as con:
    print(con.execute("SELECT count(*) FROM alerts").fetchone()[0], flush=True)
"""


@pytest.fixture
def home(small_detected_home: Path, tmp_path: Path) -> Path:
    return copy_home(small_detected_home, tmp_path / "home")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _drop_half(home: Path) -> int:
    """A change a reader can see: half the alerts deleted, in one writing() block; how many remain."""
    with AlertStore(home).writing() as con:
        con.execute("DELETE FROM alerts WHERE alert_id IN (SELECT alert_id FROM alerts ORDER BY alert_id "
                    "LIMIT (SELECT count(*) // 2 FROM alerts))")
        return con.execute("SELECT count(*) FROM alerts").fetchone()[0]  # type: ignore[index]


def test_a_reader_in_another_process_does_not_stop_a_write_and_finishes_on_the_store_it_opened(home: Path) -> None:
    before = store_state(home)[0]
    reader = subprocess.Popen([sys.executable, "-c", READER, str(home)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert reader.stdout and reader.stdin
    assert int(reader.stdout.readline()) == before  # its connection is open now
    after = _drop_half(home)  # this used to fail: "Could not set lock on file alerts.duckdb"
    reader.stdin.write("go\n")
    reader.stdin.flush()
    same, fresh = int(reader.stdout.readline()), int(reader.stdout.readline())
    assert reader.wait(timeout=60) == 0
    assert 0 < after < before
    assert same == before and fresh == after  # the open connection kept the old store; a new one sees the new


def test_a_reader_in_this_process_sees_the_new_store_while_an_older_connection_is_still_open(home: Path) -> None:
    """DuckDB's per-path instance cache would hand a new connection the swapped-out file while any connection to
    it is open, as the web server's overlapping person views always have."""
    store = AlertStore(home)
    with store.reading() as old:
        before = old.execute("SELECT count(*) FROM alerts").fetchone()[0]  # type: ignore[index]
        after = _drop_half(home)
        with store.reading() as new:
            assert new.execute("SELECT count(*) FROM alerts").fetchone()[0] == after  # type: ignore[index]
        assert old.execute("SELECT count(*) FROM alerts").fetchone()[0] == before  # type: ignore[index]
    assert after < before


def test_a_write_leaves_one_private_file_and_no_log_or_copy_beside_it(home: Path) -> None:
    _drop_half(home)
    assert sorted(p.name for p in home.iterdir() if p.name.startswith("alerts")) == ["alerts.duckdb", "alerts.lock"]
    assert (home / "alerts.duckdb").stat().st_mode & 0o077 == 0


def test_a_failed_run_leaves_the_previous_store_intact_and_readable(home: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    before, file_before = store_state(home), _digest(home / "alerts.duckdb")
    middle = load_detectors()[len(load_detectors()) // 2].id
    real_aggregate = findings.aggregate
    upserted: list[str] = []

    def fail_midway(con: duckdb.DuckDBPyConnection, det: Detector) -> int:
        if det.id == middle:
            raise RuntimeError("disk went away")
        upserted.append(det.id)
        con.execute("DELETE FROM alerts")  # the half-written copy: this run's work really was written before it failed
        return real_aggregate(con, det)

    monkeypatch.setattr(findings, "aggregate", fail_midway)
    with pytest.raises(RuntimeError, match="disk went away"):
        run_detection(home, full=True)
    assert upserted  # it failed mid-run, after writing
    assert _digest(home / "alerts.duckdb") == file_before
    assert store_state(home) == before  # readable, every alert and statistic as before
    assert not (home / "alerts.duckdb.next").exists()
    with AlertStore(home).writing(wait=False):  # and the lock was released
        pass


def test_a_run_killed_before_the_swap_changes_nothing_and_the_next_run_clears_its_copy(home: Path) -> None:
    _drop_half(home)  # so that a completed run is visible
    file_before = _digest(home / "alerts.duckdb")
    dropped = store_state(home)
    killed = run_detect(home, UPSTANDER_CRASH_AT="store_before_swap")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert (home / "alerts.duckdb.next").exists()  # it died with its copy complete
    assert _digest(home / "alerts.duckdb") == file_before and store_state(home) == dropped
    again = run_detect(home)
    assert again.returncode == 0, again.stderr
    assert store_state(home)[0] > dropped[0]
    assert not (home / "alerts.duckdb.next").exists() and not (home / "alerts.duckdb.wal").exists()


def test_two_detect_runs_started_together_both_succeed(home: Path, small_detected_home: Path, tmp_path: Path) -> None:
    expected = store_state(small_detected_home)
    _drop_half(home)
    runs = [start_detect(home, tmp_path / f"detect{i}.log") for i in range(2)]
    assert [r.wait(timeout=300) for r in runs] == [0, 0]
    logs = [(tmp_path / f"detect{i}.log").read_text() for i in range(2)]
    assert not any("Traceback" in log for log in logs), logs
    assert store_state(home) == expected


def test_a_second_detect_waits_for_the_first_and_says_so(home: Path, small_detected_home: Path,
                                                         tmp_path: Path) -> None:
    expected = store_state(small_detected_home)
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    with AlertStore(home).writing() as con:  # a run in progress: it holds the lock and has emptied its copy
        con.execute("DELETE FROM alerts")
        runs = [start_detect(home, log) for log in logs]
        deadline = time.monotonic() + 120
        while not all("already running" in log.read_text() for log in logs) and time.monotonic() < deadline:
            time.sleep(0.05)  # waiting for a state (both runs blocked on the lock), not for a time
        assert all("detection or another change to the alert store is already running" in log.read_text()
                   for log in logs), [log.read_text() for log in logs]
        assert [r.poll() for r in runs] == [None, None]
        assert store_state(home) == expected  # readers are not held up, and see the store before the change
    assert [r.wait(timeout=300) for r in runs] == [0, 0]
    assert store_state(home) == expected  # the held change was swapped in, then both runs ran over it


def test_a_writer_that_will_not_wait_is_told_the_store_is_busy(home: Path) -> None:
    busy = pytest.raises(StoreBusy, match=r"already running \(pid \d+\)")
    with AlertStore(home).writing(), busy, AlertStore(home).writing(wait=False):
        pass


def test_a_damaged_store_stops_detect_with_one_line_and_exit_1_and_is_left_as_it_was(home: Path) -> None:
    (home / "alerts.duckdb").write_bytes(b"not a database, half a file copied by hand\n" * 200)
    file_before = _digest(home / "alerts.duckdb")
    proc = run_detect(home)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    [line] = [x for x in proc.stderr.splitlines() if "detection failed" in x]
    assert "alerts unchanged" in line and str(home / "alerts.duckdb") in line
    assert _digest(home / "alerts.duckdb") == file_before and not (home / "alerts.duckdb.next").exists()


def test_reading_a_home_with_no_store_yet_reads_empty_tables_and_writes_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "new-home"
    with AlertStore(empty).reading() as con:
        assert con.execute("SELECT count(*) FROM alerts").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM lookup_stats").fetchone() == (0,)
    assert not empty.exists()


def test_concurrent_readers_and_writers_in_one_process_never_fail(home: Path) -> None:
    """The demo process writes and reads; the web server reads from many threads while it publishes."""
    failures: list[BaseException] = []
    seen: list[int] = []

    def read() -> None:
        try:
            for _ in range(20):
                with AlertStore(home).reading() as con:
                    seen.append(con.execute("SELECT count(*) FROM alerts").fetchone()[0])  # type: ignore[index]
        except BaseException as exc:  # any failure in a thread must reach the assertion
            failures.append(exc)

    def write() -> None:
        try:
            for i in range(5):
                with AlertStore(home).writing() as con:
                    con.execute("CREATE OR REPLACE TABLE declarations AS SELECT ? AS n", [i])
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=read) for _ in range(8)] + [threading.Thread(target=write) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures[:2]
    assert len(seen) == 160 and set(seen) == {store_state(home)[0]}
