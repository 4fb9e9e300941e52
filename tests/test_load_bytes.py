"""Whatever the bytes of a CSV file, every physical line is accounted for: a stray quote, a byte that is not
UTF-8 or a NUL costs the row it is on (quarantined with its line, byte offset and field), never the rest of
the file, and no NUL is ever stored, from CSV or Parquet."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from deliveries import Delivery, many_positions, replace_line, typed_table
from upstander.feeds.loading import LoadSummary, load_delivery
from upstander.lake import Lake


def _quarantine(home: Path, feed: str) -> list[tuple[str, int, str | None, str]]:
    con = Lake(home).connect()
    return [tuple(r) for r in con.execute(  # type: ignore[misc]
        "SELECT file, row, field, reason FROM quarantine WHERE feed = ? ORDER BY row", [feed]).fetchall()]


def _lines(path: Path) -> int:
    data = path.read_bytes()
    return data.count(b"\n") + (not data.endswith(b"\n"))


def _accounted(summary: LoadSummary, feed: str) -> int:
    """Header plus every row the summary names: what the file's physical lines must add up to."""
    return 1 + summary.loaded[feed] + summary.unchanged[feed] + summary.quarantined_by_feed[feed]


def _positions_delivery(tmp_path: Path, count: int = 10_914) -> tuple[Path, Path]:
    delivery = Delivery.all_csv()
    delivery.rows["positions"] = many_positions(count)
    directory = delivery.write(tmp_path / "d")
    return directory, directory / "positions.csv"


def test_a_stray_quote_on_row_10_costs_that_row_only(tmp_path: Path, home: Path) -> None:
    # As the outside tester found it: a `"` at the start of a field on row 10 of a 10,914-row positions file.
    directory, path = _positions_delivery(tmp_path)
    lines = path.read_text().split("\n")
    source, device, rest = lines[10].split(",", 2)
    replace_line(path, 10, f'{source},"{device},{rest}')
    summary = load_delivery(directory)
    assert _quarantine(home, "positions") == [(
        "positions.csv", 10, "device_id",
        "unclosed quote: the quote opening device_id at line 11, column 5 does not close before the line ends "
        "(device_id cannot hold a line break); reading goes on from line 12")]
    assert summary.loaded["positions"] == 10_913 and summary.quarantined == 1
    assert _accounted(summary, "positions") == _lines(path) == 10_915
    rows = Lake(home).connect().execute("SELECT min(_row), max(_row), count(*) FROM positions").fetchone()
    assert rows == (1, 10_914, 10_913)


def test_two_stray_quotes_that_pair_up_cost_two_rows_not_the_lines_between(tmp_path: Path, home: Path) -> None:
    # pyarrow pairs the two quotes and reads rows 10 to 14 as one value: the careful reader does not.
    directory, path = _positions_delivery(tmp_path, 2_000)
    text = path.read_text().split("\n")
    text[10] = text[10].replace(",", ',"', 1)
    text[14] = text[14].replace(",", ',"', 1)
    path.write_text("\n".join(text))
    summary = load_delivery(directory)
    assert [(row, field) for _, row, field, _ in _quarantine(home, "positions")] == [
        (10, "device_id"), (14, "device_id")]
    assert summary.loaded["positions"] == 1_998
    assert _accounted(summary, "positions") == _lines(path)


def test_a_quoted_value_over_several_lines_that_closes_loads_as_one_row(tmp_path: Path, home: Path) -> None:
    delivery = Delivery.all_csv()
    delivery.rows["communications"][1]["text"] = 'Just checking you got home ok\r\nSee you "tomorrow"\nx'
    directory = delivery.write(tmp_path / "d")
    summary = load_delivery(directory)
    assert summary.quarantined == 0 and summary.loaded["communications"] == 4
    path = directory / "communications.csv"
    assert _lines(path) == _accounted(summary, "communications") + 2  # the value's two line breaks
    con = Lake(home).connect()
    assert con.execute("SELECT _row, text FROM communications WHERE _row IN (2, 3) ORDER BY _row").fetchall() == [
        (2, 'Just checking you got home ok\r\nSee you "tomorrow"\nx'), (3, None)]


def test_an_unclosed_quote_in_free_text_is_one_row_and_the_rest_still_loads(tmp_path: Path, home: Path) -> None:
    # The last column may hold line breaks, so the quote runs on to the end of the file: still one row.
    delivery = Delivery.all_csv()
    directory = delivery.write(tmp_path / "d")
    path = directory / "communications.csv"
    lines = path.read_text().split("\n")
    replace_line(path, 2, lines[2].rsplit(",", 1)[0] + ',"Just checking')
    summary = load_delivery(directory)
    [(file, row, field, reason)] = _quarantine(home, "communications")
    assert (file, row, field) == ("communications.csv", 2, "text")
    assert reason.startswith("unclosed quote: the quote opening text at line 3, column ")
    assert reason.endswith("does not close before the end of the file; reading goes on from line 4")
    assert summary.loaded["communications"] == 3
    assert _accounted(summary, "communications") == _lines(path)


def test_a_byte_that_is_not_utf8_costs_its_row_named_with_its_offset(tmp_path: Path, home: Path) -> None:
    delivery = Delivery.all_csv()
    directory = delivery.write(tmp_path / "d")
    path = directory / "complaints.csv"
    data = path.read_bytes() + "CO9,2025-03-01T12:00:00Z,S0002,other,,caf\xe9\n".encode("latin-1")
    path.write_bytes(data)
    at = data.index(b"\xe9")
    summary = load_delivery(directory)
    assert summary.rejected_files == []
    assert _quarantine(home, "complaints") == [(
        "complaints.csv", 3, "outcome",
        f"not UTF-8 text at byte {at:,} of the file (line 4, in outcome): save the file as UTF-8")]
    assert summary.loaded["complaints"] == 2
    (raw,) = Lake(home).connect().execute("SELECT raw FROM quarantine").fetchone()
    assert "caf\\\\xe9" in raw  # shown, escaped, as delivered


def test_an_early_nul_costs_its_row_only(tmp_path: Path, home: Path) -> None:
    directory = Delivery.all_csv().write(tmp_path / "d")
    path = directory / "radio.csv"
    data = path.read_bytes().replace(b"on_duty", b"on_\x00duty", 1)
    path.write_bytes(data)
    at = data.index(b"\x00")
    summary = load_delivery(directory)
    assert summary.rejected_files == []
    assert _quarantine(home, "radio") == [(
        "radio.csv", 1, "status",
        f"holds a NUL byte at byte {at:,} of the file (line 2, in status): a NUL is never stored")]
    assert summary.loaded["radio"] == 5


def test_a_nul_late_in_a_large_file_is_quarantined_not_stored(tmp_path: Path, home: Path) -> None:
    directory, path = _positions_delivery(tmp_path, 5_000)
    data = bytearray(path.read_bytes())
    at = data.index(b"VH-", len(data) - 2_000)  # well past the first 64 KiB the old check looked at
    data[at + 1] = 0
    path.write_bytes(bytes(data))
    summary = load_delivery(directory)
    line = data[:at].count(b"\n") + 1
    assert _quarantine(home, "positions") == [(
        "positions.csv", line - 1, "device_id",
        f"holds a NUL byte at byte {at + 1:,} of the file (line {line}, in device_id): a NUL is never stored")]
    assert summary.loaded["positions"] == 4_999 and _accounted(summary, "positions") == _lines(path)
    _assert_no_nul_stored(home)


def test_a_nul_in_a_parquet_string_is_quarantined_not_stored(tmp_path: Path, home: Path) -> None:
    delivery = Delivery()  # watches and incidents as single Parquet files
    directory = delivery.write(tmp_path / "d")
    rows = [dict(r) for r in delivery.rows["watches"]]
    rows[1]["operation"] = "Op\x00Kestrel"
    pq.write_table(typed_table("watches", rows), directory / "watches.parquet")
    summary = load_delivery(directory)
    assert _quarantine(home, "watches") == [
        ("watches.parquet", 2, "operation", "operation: holds a NUL character (byte 0), which is never stored")]
    assert summary.loaded["watches"] == 1
    _assert_no_nul_stored(home)


def test_a_nul_in_a_parquet_list_element_is_quarantined(tmp_path: Path, home: Path) -> None:
    delivery = Delivery()
    delivery.layout["people"] = "parquet"
    directory = delivery.write(tmp_path / "d")
    rows = [dict(r) for r in delivery.rows["people"]]
    rows[3]["emails"] = "r.foster@example.org;x\x00@example.org"
    pq.write_table(typed_table("people", rows), directory / "people.parquet")
    load_delivery(directory)
    got = [(row, field) for _, row, field, reason in _quarantine(home, "people") if "NUL" in reason]
    assert got == [(4, "emails")]
    _assert_no_nul_stored(home)


def _assert_no_nul_stored(home: Path) -> None:
    """No value in any lake view, and no quarantined raw value, holds a NUL."""
    con = Lake(home).connect()
    for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall():
        (hits,) = con.execute(f"SELECT count(*) FROM {name} t WHERE contains(CAST(to_json(t) AS VARCHAR), "
                              "'\\u0000') OR contains(CAST(t AS VARCHAR), chr(0))").fetchone()
        assert hits == 0, name


def test_the_careful_reader_stores_what_the_fast_path_stores(tmp_path: Path, home: Path) -> None:
    # Quoted commas, escaped quotes and empty values, read once by pyarrow and once line by line (a NUL in the
    # last row sends the file to the careful reader): the rows before it are stored alike.
    delivery = Delivery.all_csv()
    delivery.rows["communications"][1]["text"] = 'Got home, "safe", thanks'
    fast = delivery.write(tmp_path / "fast")
    careful = delivery.write(tmp_path / "careful")
    path = careful / "communications.csv"
    path.write_bytes(path.read_bytes().replace(b"Your crime reference", b"Your crime\x00reference"))
    query = "SELECT * EXCLUDE (_load) FROM communications WHERE _row < 4 ORDER BY _row"
    load_delivery(fast, home=tmp_path / "h1")
    load_delivery(careful, home=tmp_path / "h2")
    got = [Lake(tmp_path / h).connect().execute(query).fetchall() for h in ("h1", "h2")]
    assert got[0] == got[1] and len(got[0]) == 3
    assert [row for _, row, _, _ in _quarantine(tmp_path / "h2", "communications")] == [4]
