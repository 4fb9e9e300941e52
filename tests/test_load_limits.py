"""Links out of a delivery are never followed and no message carries content from a file that is not a feed;
every date has a plausible range and every text a length limit, and a huge field is quarantined, not a crash."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from deliveries import Delivery, csv_text, typed_table
from lakestate import run_cli
from upstander.feeds.loading import load_delivery
from upstander.lake import Lake

SECRET = "kq3V9x_Zt8Lm2Pw7Rb4Nc6Hd1Jf5Gs0Yu-Ea8Wo2Ti9Qe3Rr7Ty1Ui4Op6As5Df0GhJkLz"  # like token_urlsafe(50)


def _refusal(tmp_path: Path, home: Path, directory: Path) -> tuple[dict, str]:
    proc = run_cli(directory, home)
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout), proc.stdout + proc.stderr


def test_a_link_to_the_signing_key_is_refused_and_never_echoed(tmp_path: Path, home: Path) -> None:
    # As found: staff.csv a link to $UPSTANDER_HOME/secret_key printed the key in the header error.
    home.mkdir()
    (home / "secret_key").write_text(SECRET + "\n")
    directory = Delivery.all_csv().write(tmp_path / "d")
    (directory / "staff.csv").unlink()
    (directory / "staff.csv").symlink_to(home / "secret_key")
    summary, output = _refusal(tmp_path, home, directory)
    assert SECRET not in output and SECRET[:12] not in output
    assert {"file": "staff.csv", "reason": "a symbolic link to a file outside the delivery: links are not "
            "followed, deliver the file itself"} in summary["rejected_files"]
    assert "staff" not in summary["loaded"]


def test_a_link_to_a_folder_outside_is_refused(tmp_path: Path, home: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "part-0.csv").write_text(csv_text("audit", Delivery().rows["audit"]))
    directory = Delivery.all_csv().write(tmp_path / "d")
    (directory / "audit.csv").unlink()
    (directory / "audit").symlink_to(outside, target_is_directory=True)
    summary, _ = _refusal(tmp_path, home, directory)
    assert summary["rejected_files"] == [{"file": "audit", "reason": "a symbolic link to a folder outside the "
                                          "delivery: links are not followed, deliver the file itself"}]
    assert "audit" not in summary["loaded"] and summary["loaded"]["radio"] == 6


def test_a_link_inside_the_delivery_is_refused_too(tmp_path: Path, home: Path) -> None:
    directory = Delivery.all_csv().write(tmp_path / "d")
    (directory / "radio.csv").rename(directory / "radio.txt")
    (directory / "radio.csv").symlink_to(directory / "radio.txt")
    summary = load_delivery(directory)
    assert [(n.file, n.reason) for n in summary.rejected_files] == [(
        "radio.csv", "a symbolic link to a file inside the delivery: links are not followed, deliver the file "
        "itself")]
    assert "radio.txt" in summary.ignored_files


def test_a_feed_file_holding_a_key_does_not_have_its_first_line_printed(tmp_path: Path, home: Path) -> None:
    directory = Delivery.all_csv().write(tmp_path / "d")
    (directory / "watches.csv").write_text(SECRET + "\n")  # a copy, not a link
    summary, output = _refusal(tmp_path, home, directory)
    assert SECRET not in output and SECRET[:12] not in output
    [note] = summary["rejected_files"]
    assert note["file"] == "watches.csv"
    assert note["reason"].startswith(f"missing required columns: watch_id, object_type, object_id, reason, "
                                     f"valid_from; unknown columns: a column name that is not shown "
                                     f"({len(SECRET)} characters)")


def _quarantine(home: Path) -> list[tuple[str, int, str | None, str]]:
    return [tuple(r) for r in Lake(home).connect().execute(  # type: ignore[misc]
        "SELECT feed, row, field, reason FROM quarantine ORDER BY feed, row").fetchall()]


def _today_bounds() -> tuple[date, date]:
    return datetime.now(UTC).date(), datetime.now(UTC).date()


DATE_CASES = [
    pytest.param("staff", 2, "start_date", "9999-12-31", 366, id="start-date-9999"),
    pytest.param("staff", 2, "vetting_expiry", "1899-12-31", 3650, id="vetting-before-1900"),
    pytest.param("staff", 4, "leaving_date", "2999-01-01", 3650, id="leaving-far-future"),
    pytest.param("watches", 0, "valid_to", "9999-12-31", 3650, id="watch-valid-to-9999"),
]


@pytest.mark.parametrize(("feed", "index", "field", "value", "days"), DATE_CASES)
def test_an_implausible_date_is_quarantined_naming_the_limit(tmp_path: Path, home: Path, feed: str, index: int,
                                                             field: str, value: str, days: int) -> None:
    delivery = Delivery.all_csv()
    delivery.rows[feed][index][field] = value
    before, _ = _today_bounds()
    summary = load_delivery(delivery.write(tmp_path / "d"))
    after, _ = _today_bounds()
    [(got_feed, row, got_field, reason)] = [q for q in _quarantine(home) if q[0] == feed]
    assert (got_feed, row, got_field) == (feed, index + 1, field)
    m = re.fullmatch(rf"{field}: implausible date {value} \(before 1900-01-01 or after (\S+), (.+) after the load\)",
                     reason)
    assert m, reason
    assert before + timedelta(days=days) <= date.fromisoformat(m.group(1)) <= after + timedelta(days=days)
    assert m.group(2) == ("10 years" if days == 3650 else f"{days} days")
    assert summary.quarantined_by_feed[feed] == 1


def test_training_cannot_have_happened_in_the_future(tmp_path: Path, home: Path) -> None:
    delivery = Delivery.all_csv()
    delivery.rows["staff"][1]["apsp_training_date"] = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    load_delivery(delivery.write(tmp_path / "d"))
    [(_, row, field, reason)] = [q for q in _quarantine(home) if q[0] == "staff"]
    assert (row, field) == (2, "apsp_training_date") and "2 days after the load" in reason


TEXT_CASES = [
    pytest.param("staff", 1, "surname", 201, 200, id="name-over-200"),
    pytest.param("audit", 1, "search_terms", 1_001, 1_000, id="search-terms-over-1000"),
    pytest.param("communications", 1, "text", 20_001, 20_000, id="message-over-20000"),
    pytest.param("staff", 1, "device_ids", 2_001, 2_000, id="list-over-2000"),
]


@pytest.mark.parametrize("layout", ["csv", "parquet"])
@pytest.mark.parametrize(("feed", "index", "field", "length", "limit"), TEXT_CASES)
def test_a_text_over_its_length_limit_is_quarantined(tmp_path: Path, home: Path, feed: str, index: int, field: str,
                                                     length: int, limit: int, layout: str) -> None:
    delivery = Delivery.all_csv()
    delivery.layout[feed] = layout
    value = ("MDT-1;" * length)[:length] if field == "device_ids" else ("é" + "x" * length)[:length]
    delivery.rows[feed][index][field] = value
    load_delivery(delivery.write(tmp_path / "d"))
    [(_, row, got_field, reason)] = [q for q in _quarantine(home) if q[0] == feed]
    assert (row, got_field) == (index + 1, field)
    assert reason == f"{field}: {length:,} characters, more than the {limit:,} allowed"


def test_a_text_at_its_limit_loads(tmp_path: Path, home: Path) -> None:
    delivery = Delivery.all_csv()
    delivery.rows["audit"][1]["search_terms"] = "é" * 1_000  # 2,000 bytes, 1,000 characters
    summary = load_delivery(delivery.write(tmp_path / "d"))
    assert summary.quarantined == 0


@pytest.mark.parametrize(("megabytes", "careful"), [(10, False), (70, False), (20, True)])
def test_an_enormous_csv_field_is_quarantined_and_the_file_still_loads(tmp_path: Path, home: Path,
                                                                       megabytes: int, careful: bool) -> None:
    # 10 MB fits in one of pyarrow's 64 MB blocks, 70 MB does not; with a NUL elsewhere in the file the careful
    # reader reads it, and refuses a line over 16 MiB without holding it whole.
    delivery = Delivery.all_csv()
    directory = delivery.write(tmp_path / "d")
    size = megabytes * 1_000_000
    rows = [dict(r) for r in delivery.rows["communications"]]
    rows[1]["text"] = "{BIG}"
    if careful:
        rows[3]["text"] = "Your crime\x00 reference"
    text = csv_text("communications", rows).replace("{BIG}", "y" * size)
    (directory / "communications.csv").write_text(text)
    summary = load_delivery(directory)
    assert summary.rejected_files == []
    got = [(row, field, reason) for _, row, field, reason in _quarantine(home)]
    line = text.split("\n")[2]
    expected = (2, None, f"the line is {len(line) + 1:,} bytes, more than the 16,777,216 a row may have") \
        if careful else (2, "text", f"text: {size:,} characters, more than the 20,000 allowed")
    assert got[0] == expected and len(got) == 1 + careful
    assert summary.loaded["communications"] == 3 - careful
    for (raw,) in Lake(home).connect().execute("SELECT raw FROM quarantine").fetchall():
        assert len(raw) < 100_000  # the quarantine keeps the start of the value, not all of it


def test_a_parquet_date_far_in_the_future_is_quarantined(tmp_path: Path, home: Path) -> None:
    delivery = Delivery()  # watches as Parquet, dates typed
    directory = delivery.write(tmp_path / "d")
    rows = [dict(r) for r in delivery.rows["watches"]]
    rows[0]["valid_to"] = "9999-12-31"
    pq.write_table(typed_table("watches", rows), directory / "watches.parquet")
    load_delivery(directory)
    [(feed, row, field, reason)] = _quarantine(home)
    assert (feed, row, field) == ("watches", 1, "valid_to") and reason.startswith(
        "valid_to: implausible date 9999-12-31 (before 1900-01-01 or after ")
