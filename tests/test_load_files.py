"""A file unusable as a whole is refused with one message naming it (exit 3); the rest of the delivery loads.
A delivery directory that cannot be used at all gives exit 2 and a clear message, never a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from deliveries import Delivery, base_rows, csv_text, typed_table
from lakestate import run_cli
from upstander.feeds.loading import load_delivery
from upstander.lake import Lake


def _expect_refused(tmp_path: Path, home: Path, directory: Path, file: str, reason: str) -> dict:
    proc = run_cli(directory, home)
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["rejected_files"] == [{"file": file, "reason": reason}]
    assert f"rejected {file}: " in proc.stderr
    # The rest of the delivery is committed.
    assert summary["load_id"] == 1
    feed = file.split("/")[0].split(".")[0]
    assert feed not in summary["loaded"]
    assert summary["loaded"]["positions"] == len(base_rows()["positions"])
    (count,) = Lake(home).connect().execute(f"SELECT count(*) FROM {feed}").fetchone()
    assert count == 0
    return summary


def test_missing_required_column(tmp_path: Path, home: Path) -> None:
    d = Delivery.all_csv()
    directory = d.write(tmp_path / "d")
    text = csv_text("complaints", [{k: v for k, v in r.items() if k != "outcome"} for r in d.rows["complaints"]])
    (directory / "complaints.csv").write_text(text.replace(",outcome", ""))
    _expect_refused(tmp_path, home, directory, "complaints.csv", "missing required columns: outcome")


def test_unknown_column(tmp_path: Path, home: Path) -> None:
    d = Delivery()
    directory = d.write(tmp_path / "d")
    table = typed_table("watches", d.rows["watches"]).append_column("colour", pa.array(["red", "blue"]))
    pq.write_table(table, directory / "watches.parquet")
    _expect_refused(tmp_path, home, directory, "watches.parquet",
                    "unknown columns: 'colour' (the watches feed has: watch_id, object_type, object_id, reason, "
                    "operation, valid_from, valid_to)")


def test_a_parquet_file_that_is_not_parquet(tmp_path: Path, home: Path) -> None:
    directory = Delivery().write(tmp_path / "d")
    (directory / "watches.parquet").write_text("watch_id,object_type\nW1,person\n")
    summary = _expect_refused(tmp_path, home, directory, "watches.parquet", _reason_of(tmp_path, "watches.parquet"))
    assert summary["rejected_files"][0]["reason"].startswith("not a readable Parquet file (")


def _reason_of(tmp_path: Path, file: str) -> str:
    """The loader's own reason for a refused file, computed in-process (pyarrow's wording may change)."""
    directory = Delivery().write(tmp_path / "probe")
    (directory / file).write_text("watch_id,object_type\nW1,person\n")
    summary = load_delivery(directory, home=tmp_path / "probe-home")
    [note] = summary.rejected_files
    assert note.file == file
    return note.reason


def test_a_parquet_timestamp_without_time_zone(tmp_path: Path, home: Path) -> None:
    d = Delivery()
    directory = d.write(tmp_path / "d")
    table = typed_table("incident_people", d.rows["incident_people"])
    naive = table.set_column(3, "recorded_at", table.column("recorded_at").cast(pa.timestamp("us")))
    pq.write_table(naive, directory / "incident_people.parquet")
    _expect_refused(tmp_path, home, directory, "incident_people.parquet",
                    "column 'recorded_at' is a timestamp without a time zone; the contract needs UTC-adjusted "
                    "timestamps (isAdjustedToUTC) or ISO 8601 text with an offset")


def test_a_parquet_column_of_the_wrong_type(tmp_path: Path, home: Path) -> None:
    d = Delivery()
    directory = d.write(tmp_path / "d")
    table = typed_table("watches", d.rows["watches"])
    table = table.set_column(5, "valid_from", pa.array([True, False]))
    pq.write_table(table, directory / "watches.parquet")
    _expect_refused(tmp_path, home, directory, "watches.parquet",
                    "column 'valid_from' has type bool, which cannot hold a date value")


def test_an_empty_csv_file(tmp_path: Path, home: Path) -> None:
    directory = Delivery.all_csv().write(tmp_path / "d")
    (directory / "complaints.csv").write_text("")
    _expect_refused(tmp_path, home, directory, "complaints.csv",
                    "the file is empty: a CSV file needs at least a header row")


def test_one_damaged_file_among_many_of_a_feed_is_refused_alone(tmp_path: Path, home: Path) -> None:
    d = Delivery()
    directory = d.write(tmp_path / "d")
    good = directory / "positions" / "day=2025-03-01" / "part-0.parquet"
    damaged = directory / "positions" / "day=2025-03-01" / "part-1.parquet"
    rows = [dict(r, device_id=r["device_id"] + "-B") for r in d.rows["positions"]]
    pq.write_table(typed_table("positions", rows), damaged, compression="none")
    data = bytearray(damaged.read_bytes())
    data[8:60] = b"\xff" * 52  # wreck the first data page, keep the footer
    damaged.write_bytes(bytes(data))
    summary = load_delivery(directory)
    assert [n.file for n in summary.rejected_files] == ["positions/day=2025-03-01/part-1.parquet"]
    assert summary.rejected_files[0].reason.startswith("not a readable Parquet file")
    assert summary.loaded["positions"] == len(d.rows["positions"])
    assert good.exists()


def test_header_names_match_ignoring_case_and_spaces(tmp_path: Path, home: Path) -> None:
    d = Delivery.all_csv()
    directory = d.write(tmp_path / "d")
    text = (directory / "radio.csv").read_text()
    header, rest = text.split("\n", 1)
    (directory / "radio.csv").write_text(" Staff_ID ,OCCURRED_AT,Status,incident_id\n" + rest)
    summary = load_delivery(directory)
    assert summary.rejected_files == [] and summary.loaded["radio"] == 6
    assert header == "staff_id,occurred_at,status,incident_id"


def test_a_delivery_missing_optional_columns_loads_them_empty(tmp_path: Path, home: Path) -> None:
    d = Delivery.all_csv()
    directory = d.write(tmp_path / "d")
    (directory / "radio.csv").write_text("staff_id,occurred_at,status\nS0002,2025-03-01T07:02:00Z,on_duty\n")
    summary = load_delivery(directory)
    assert summary.loaded["radio"] == 1
    assert Lake(home).connect().execute("SELECT incident_id FROM radio").fetchall() == [(None,)]


@pytest.mark.parametrize("kind", ["missing", "file", "empty"])
def test_an_unusable_directory_exits_2_with_a_message(tmp_path: Path, home: Path, kind: str) -> None:
    target = tmp_path / "delivery"
    if kind == "file":
        target.write_text("not a folder")
    elif kind == "empty":
        target.mkdir()
        (target / "README.txt").write_text("nothing here")
    proc = run_cli(target, home)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    expected = {"missing": "does not exist", "file": "is not a directory", "empty": "holds no feed files"}[kind]
    assert expected in proc.stderr and "delivery" in proc.stderr
    assert not (home / "lake" / "_manifest.json").exists()


def test_other_files_are_listed_as_ignored(tmp_path: Path, home: Path) -> None:
    directory = Delivery().write(tmp_path / "d")
    (directory / "ground_truth.csv").write_text("a,b\n1,2\n")
    (directory / "audit" / "_SUCCESS").write_text("")
    shutil.copy(directory / "delivery.json", directory / "audit" / "notes.json")
    summary = load_delivery(directory)
    assert summary.ignored_files == ["audit/_SUCCESS", "audit/notes.json", "delivery.json", "ground_truth.csv"]
    assert summary.quarantined == 0


def test_a_header_only_file_loads_nothing_and_is_remembered(tmp_path: Path, home: Path) -> None:
    d = Delivery.all_csv()
    directory = d.write(tmp_path / "d")
    for feed in ("radio", "watches"):  # an event feed and an entity feed
        (directory / f"{feed}.csv").write_text(csv_text(feed, []))
    summary = load_delivery(directory)
    assert summary.loaded["radio"] == 0 and summary.loaded["watches"] == 0
    assert Lake(home).files("radio") == [] and Lake(home).files("watches") == []
    again = load_delivery(directory)
    assert "radio.csv" in {n.file for n in again.skipped_files}
