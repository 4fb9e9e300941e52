"""Open delivered files as DuckDB relations of raw values, each row tagged with `_file` and `_row`.

`_row` is the data row number a person would count: 1 is the first record after the header (a record with
a quoted line break counts once); for Parquet it is the 1-based row in the file.

CSV is streamed with pyarrow (DuckDB's CSV reader mishandles quoted newlines when it records rejects) in
batches into a DuckDB table, so memory stays bounded. Lines with too few or too many values are kept aside
as bad lines with their number. pyarrow is the fast path and is trusted only when the file cannot fool it:
a file holding a NUL (found while fingerprinting), one pyarrow refuses (bytes that are not UTF-8, a row
longer than a block), or one whose rows do not add up to its physical lines (a value spanning lines, which
is how one stray quote swallows the rest of a file) is read again by the careful reader (careful.py).
Parquet files are not copied: they become a view over read_parquet, files with the same schema sharing one
view so DuckDB can read them in parallel.

A file that cannot be used at all is refused whole with one message naming the problem (FileRejected).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from upstander.feeds.careful import MAX_RECORD_BYTES, BadRow, Lines, Quotes, read_carefully, scan_quotes
from upstander.feeds.contract import Feed
from upstander.feeds.delivery import DeliveryFile, open_feed_file, with_sha256
from upstander.feeds.normalise import SourceKind, arrow_kind, incompatibility
from upstander.lake.duck import quote_ident, quote_literal

CSV_BLOCK = 64 << 20


class FileRejected(Exception):
    """The whole file is unusable; the message says why, for the sender."""


@dataclass
class Source:
    """One relation of raw rows: a CSV file's table, or a view over Parquet files sharing a schema."""

    feed: str
    relation: str
    columns: dict[str, tuple[str, SourceKind]]  # field -> (column in the relation, kind); absent fields missing
    files: list[DeliveryFile]
    rows: int
    # For a Parquet view: each file with its column mapping, so a group can be split to find a damaged file.
    parquet: list[tuple[DeliveryFile, dict[str, str]]] = field(default_factory=list)
    nul_free: bool = False  # the reader refused every row holding a NUL already (CSV)


@dataclass
class BadLine:
    file: str
    row: int
    field: str | None  # for a short line, the first column it lacks
    reason: str
    text: str


@dataclass
class ReadResult:
    sources: list[Source] = field(default_factory=list)
    rejected: list[tuple[DeliveryFile, str]] = field(default_factory=list)
    bad_lines: list[BadLine] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # delivered file -> data rows (good and bad)


def match_columns(feed: Feed, names: list[str]) -> dict[str, str]:
    """Delivered column name -> field, matched case-insensitively after trimming; refuses a bad header."""
    seen: dict[str, str] = {}
    unknown: list[str] = []
    for name in names:
        key = name.strip().lower()
        if key in seen.values():
            raise FileRejected(f"column {key!r} appears more than once in the header")
        if key in feed.field_names:
            seen[name] = key
        else:
            unknown.append(name)
    missing = [f for f in feed.field_names if (f in feed.required or f in feed.key) and f not in seen.values()]
    problems = []
    if missing:
        problems.append("missing required columns: " + ", ".join(missing))
    if unknown:
        shown = ", ".join(_column_name(u) for u in unknown[:5]) + (f" and {len(unknown) - 5} more"
                                                                   if len(unknown) > 5 else "")
        problems.append(f"unknown columns: {shown} (the {feed.name} feed has: {', '.join(feed.field_names)})")
    if problems:
        raise FileRejected("; ".join(problems))
    return seen


_NAME = re.compile(r"[\w .()/-]{1,40}")


def _column_name(name: str) -> str:
    """An unknown column as shown in a message: only what looks like a column name is echoed, so a file that is
    not a feed (a key, a password list) never has its first line printed."""
    if not name.strip():
        return "an unnamed column"
    return repr(name) if _NAME.fullmatch(name) else f"a column name that is not shown ({len(name)} characters)"


def read_feed(con: duckdb.DuckDBPyConnection, feed: Feed, files: list[DeliveryFile], root_prefix: str, slot: int,
              on_file: Callable[[DeliveryFile, int], None] | None = None) -> ReadResult:
    """Open every file of one feed. `slot` makes relation names unique within the load's work database."""
    result = ReadResult()
    groups: dict[tuple[tuple[str, str], ...], list[tuple[DeliveryFile, dict[str, str]]]] = {}
    for n, file in enumerate(files):
        try:
            if file.format == "csv":
                relation = f"raw_{slot}_{n}"
                source, bad = _read_csv(con, feed, file, relation)
                result.sources.append(source)
                result.bad_lines.extend(bad)
                result.rows[file.rel] = source.rows + len(bad)
                if on_file:
                    on_file(file, source.rows + len(bad))
            else:
                mapping, types, rows = _parquet_schema(feed, file)
                signature = tuple(sorted((orig, types[orig]) for orig in mapping))
                groups.setdefault(signature, []).append((file, mapping))
                result.rows[file.rel] = rows
                if on_file:
                    on_file(file, rows)
        except FileRejected as exc:
            result.rejected.append((file, str(exc)))
    for g, members in enumerate(groups.values()):
        result.sources.append(parquet_view(con, feed, members, root_prefix, f"pq_{slot}_{g}", result.rows))
    return result


def _csv_header(file: DeliveryFile) -> tuple[list[str], tuple[int, int]]:
    """The header's column names and where it ends (physical line, byte offset). Its content is never shown:
    the first line of a file that is not a feed may be anything."""
    with open_feed_file(file.path) as fh:
        line = Lines(fh, 0, 0).next()
    if line is None:
        raise FileRejected("the file is empty: a CSV file needs at least a header row")
    if line.too_long:
        raise FileRejected(f"the header row is more than {MAX_RECORD_BYTES:,} bytes long")
    body = line.body.removeprefix(b"\xef\xbb\xbf")
    if b"\x00" in body:
        raise FileRejected("the header row holds a NUL byte: not a CSV text file")
    if scan_quotes(body, Quotes(), 1).open:
        raise FileRejected("the header row has a quote that does not close on its line")
    try:
        return next(csv.reader([body.decode("utf-8")], strict=True)), (1, line.size)
    except UnicodeDecodeError:
        raise FileRejected("the header row is not UTF-8 text: save the file as UTF-8") from None
    except (csv.Error, StopIteration) as exc:
        raise FileRejected(f"the header row cannot be read as CSV ({exc})") from None


def _read_csv(con: duckdb.DuckDBPyConnection, feed: Feed, file: DeliveryFile,
              relation: str) -> tuple[Source, list[BadLine]]:
    header, end = _csv_header(file)
    mapping = match_columns(feed, header)
    fields = [mapping[h] for h in header]
    cols = ", ".join(f"{quote_ident(f)} VARCHAR" for f in fields)
    # A temporary table: no compression or checkpoint for data that lives only for this load (it spills
    # to the staging directory if it outgrows memory_limit).
    con.execute(f"CREATE TEMP TABLE {relation} ({cols}, _file VARCHAR, _row BIGINT)")
    insert = (f"INSERT INTO {relation} SELECT {', '.join(quote_ident(f) for f in fields)}, "
              f"{quote_literal(file.rel)}, _row FROM _batch")  # nosec B608  # relation and column names quoted from the contract; delivered paths are quote_literal

    def write(batch: pa.RecordBatch) -> None:
        con.register("_batch", batch)
        con.execute(insert)
        con.unregister("_batch")

    if file.lines < 0:
        file = with_sha256(file)
    fast = None if file.nul_at >= 0 else _read_fast(file, header, fields, write)
    if fast is not None and fast[0] + len(fast[1]) + end[0] == file.lines:
        valid, bad = fast
    else:  # pyarrow could not be trusted with this file: start again, line by line
        con.execute(f"DELETE FROM {relation}")  # nosec B608  # relation and column names quoted from the contract; delivered paths are quote_literal
        bad = []

        def on_bad(row: int, b: BadRow) -> None:
            bad.append(BadLine(file.rel, row, b.field, b.reason, b.text))

        multiline = {f.name for f in feed.fields if f.multiline}
        valid, _, _ = read_carefully(file, fields, multiline, end, write, on_bad)
    columns = {f: (quote_ident(f), "text") for f in fields}
    return Source(feed.name, relation, columns, [file], valid, nul_free=True), bad


def _read_fast(file: DeliveryFile, header: list[str], fields: list[str],
               write: Callable[[pa.RecordBatch], None]) -> tuple[int, list[BadLine]] | None:
    """pyarrow's reading of the file: (good rows, bad lines), or None where pyarrow refuses it."""
    invalid: list[int] = []  # data row numbers of bad lines, increasing
    bad: list[BadLine] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        number = row.number - 1  # pyarrow counts the header as line 1
        short = row.actual_columns < row.expected_columns
        invalid.append(number)
        bad.append(BadLine(file.rel, number, fields[row.actual_columns] if short else None,
                           f"{'too few' if short else 'too many'} values: the line has {row.actual_columns} "
                           f"but the header has {row.expected_columns} columns", row.text))
        return "skip"

    valid = 0
    try:
        reader = pacsv.open_csv(
            file.path,
            read_options=pacsv.ReadOptions(use_threads=False, block_size=CSV_BLOCK),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in header},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
        for batch in reader:
            if batch.num_rows == 0:
                continue
            if any(n < 0 for n in invalid):
                return None  # bad lines pyarrow cannot number
            numbers = _valid_row_numbers(valid, batch.num_rows, invalid)
            valid += batch.num_rows
            write(pa.RecordBatch.from_arrays([*batch.columns, pa.array(numbers)], names=[*fields, "_row"]))
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    return valid, bad


def plain(exc: Exception, file: DeliveryFile) -> str:
    """An error's first line, naming the file as the sender does and with control characters escaped."""
    text = str(exc).split("\n")[0].replace(str(file.path), file.rel)
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def _valid_row_numbers(done: int, count: int, invalid: list[int]) -> np.ndarray:
    """Row numbers of the next `count` good rows: the integers after `done` good ones not taken by bad lines.

    The t-th integer missing from the sorted set S is t + #{j : S[j] - j <= t} (j 0-based, S[j] - j - 1 < t),
    computed for the whole batch at once.
    """
    targets = np.arange(done + 1, done + count + 1, dtype=np.int64)
    if not invalid:
        return targets
    s = np.asarray(invalid, dtype=np.int64)
    shifted = s - np.arange(1, len(s) + 1, dtype=np.int64)  # good rows before each bad line
    return targets + np.searchsorted(shifted, targets, side="left")


def _parquet_schema(feed: Feed, file: DeliveryFile) -> tuple[dict[str, str], dict[str, str], int]:
    try:
        meta = pq.ParquetFile(file.path)
        schema, rows = meta.schema_arrow, meta.metadata.num_rows
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        raise FileRejected(f"not a readable Parquet file ({plain(exc, file)})") from None
    mapping = match_columns(feed, schema.names)
    types: dict[str, str] = {}
    problems = []
    for orig, name in mapping.items():
        t = schema.field(orig).type
        types[orig] = str(t)
        why = incompatibility(feed.field(name), arrow_kind(t), str(t))
        if why:
            problems.append(why)
    if problems:
        raise FileRejected("; ".join(problems))
    return mapping, types, rows


def parquet_view(con: duckdb.DuckDBPyConnection, feed: Feed, members: list[tuple[DeliveryFile, dict[str, str]]],
                 root_prefix: str, relation: str, rows: dict[str, int]) -> Source:
    """A view over Parquet files that share one schema (`members`: file and its column mapping)."""
    files = [m[0] for m in members]
    mapping = members[0][1]
    columns: dict[str, tuple[str, SourceKind]] = {}
    selects = []
    schema = pq.read_schema(files[0].path)
    for orig, name in mapping.items():
        selects.append(f"{quote_ident(orig)} AS {quote_ident(name)}")
        columns[name] = (quote_ident(name), arrow_kind(schema.field(orig).type))
    listing = ", ".join(quote_literal(str(f.path)) for f in files)
    # Paths relative to the delivery: what the sender calls the file.
    con.execute(
        f"CREATE VIEW {relation} AS SELECT {', '.join(selects)}, "
        f"substr(filename, {len(root_prefix) + 1}) AS _file, file_row_number + 1 AS _row "
        f"FROM read_parquet([{listing}], filename = true, file_row_number = true, hive_partitioning = false)"  # nosec B608  # relation and column names quoted from the contract; delivered paths are quote_literal
    )
    return Source(feed.name, relation, columns, files, sum(rows[f.rel] for f in files), list(members))
