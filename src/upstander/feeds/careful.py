"""The careful CSV reader: line by line in Python, for the files the fast pyarrow path cannot be trusted with.

reading.py sends a file here when it holds a NUL, bytes that are not UTF-8, a value spanning lines, a line
pyarrow cannot parse, or when pyarrow's rows do not add up to the file's lines. This reader accounts for every
physical line: each becomes part of a row that loads, part of a row that is quarantined with a reason, or a
blank line. It produces the same relation as the fast path (one VARCHAR column per field, `_file`, `_row`)
and the bad lines, in batches, so memory stays bounded by one batch and one row of at most MAX_RECORD_BYTES.

A quoted value may span lines only in a field the contract marks multiline (free text), and then only for
MAX_RECORD_LINES lines. A quote that does not close by then is unclosed: the line it opened on is
quarantined with the line, column and field of the quote, and reading goes on from the next line, so one
stray quote costs one row, not the rest of the file.
"""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import pyarrow as pa

from upstander.feeds.delivery import DeliveryFile, open_feed_file

MAX_RECORD_LINES = 1000
MAX_RECORD_BYTES = 16 << 20
BATCH_ROWS = 50_000
SHOWN_BYTES = 64 << 10  # of a bad line, kept in the quarantine


@dataclass(slots=True)
class Line:
    number: int  # physical line, 1 = the header's first
    offset: int  # byte offset in the file
    data: bytes  # with its line ending; the first SHOWN_BYTES only when too_long
    size: int
    too_long: bool = False

    @property
    def body(self) -> bytes:
        return self.data.rstrip(b"\n").removesuffix(b"\r")


class Lines:
    """Physical lines of a binary file, with push-back so a broken row's later lines are read again."""

    def __init__(self, fh: BinaryIO, number: int, offset: int) -> None:
        self.fh, self.number, self.offset = fh, number, offset
        self.back: deque[Line] = deque()

    def next(self) -> Line | None:
        if self.back:
            return self.back.popleft()
        data = self.fh.readline(MAX_RECORD_BYTES + 1)
        if not data:
            return None
        self.number += 1
        line = Line(self.number, self.offset, data, len(data))
        self.offset += len(data)
        if len(data) > MAX_RECORD_BYTES and not data.endswith(b"\n"):
            # Too long for any row: skip to its end without keeping it.
            while chunk := self.fh.readline(1 << 20):
                line.size += len(chunk)
                self.offset += len(chunk)
                if chunk.endswith(b"\n"):
                    break
            line.data, line.too_long = data[:SHOWN_BYTES], True
        return line

    def push_back(self, lines: list[Line]) -> None:
        self.back.extendleft(reversed(lines))


@dataclass
class Quotes:
    """Where a row's quoting stands at the end of a line: inside a quoted value or not, and in which field."""

    open: bool = False
    field: int = 0
    line: int = 0  # where the open quote is
    column: int = 0  # 1-based, in bytes
    field_start: int = 0


_QUOTE_OR_COMMA = re.compile(rb'[",]')


def scan_quotes(body: bytes, state: Quotes, line: int) -> Quotes:
    """Follow RFC 4180 quoting through one line: a quote opens a value only at its start, "" inside is a quote."""
    state.field_start = 0 if not state.open else -1
    skip = -1
    for m in _QUOTE_OR_COMMA.finditer(body):
        pos = m.start()
        if pos == skip:
            continue
        if state.open:
            if m.group() == b'"':
                if body[pos + 1:pos + 2] == b'"':
                    skip = pos + 1
                else:
                    state.open = False
        elif m.group() == b",":
            state.field += 1
            state.field_start = pos + 1
        elif pos == state.field_start:
            state.open, state.line, state.column = True, line, pos + 1
    return state


def parse_values(text: str) -> list[str]:
    """The values of one row's text (raises csv.Error for quoting that cannot be read)."""
    if '"' not in text:
        return text.split(",")
    return next(csv.reader([text], strict=True))


@dataclass
class BadRow:
    line: int
    field: str | None
    reason: str
    text: str


def shown_text(raw: bytes) -> str:
    """A bad row's bytes as text for the quarantine: undecodable bytes and NULs written as \\xNN, cut short."""
    text = raw[:SHOWN_BYTES].decode("utf-8", "backslashreplace").replace("\x00", "\\x00")
    return text + (f" ... ({len(raw) - SHOWN_BYTES:,} more bytes)" if len(raw) > SHOWN_BYTES else "")


class CarefulReader:
    def __init__(self, file: DeliveryFile, fields: list[str], multiline: set[str], start_line: int,
                 start_offset: int) -> None:
        self.file, self.fields, self.multiline = file, fields, multiline
        self.start_line, self.start_offset = start_line, start_offset
        self.blank = 0

    def rows(self) -> Iterator[list[str] | BadRow]:
        """Yield, per row, either its list of values or a BadRow (blank lines are counted, not yielded)."""
        with open_feed_file(self.file.path) as fh:
            fh.seek(self.start_offset)
            lines = Lines(fh, self.start_line, self.start_offset)
            while (first := lines.next()) is not None:
                if first.too_long:
                    yield BadRow(first.number, None, f"the line is {first.size:,} bytes, more than the "
                                 f"{MAX_RECORD_BYTES:,} a row may have", shown_text(first.data))
                    continue
                if not first.body.strip():
                    self.blank += 1
                    continue
                yield self._row(lines, first)

    def _row(self, lines: Lines, first: Line) -> list[str] | BadRow:
        parts = [first]
        body = first.body
        state = Quotes()
        if b'"' in body:
            try:  # the usual case, a line that is a whole row: csv (in C) says so faster than following its quotes
                return self._values(first, body, parse_values(body.decode("utf-8", "surrogateescape")))
            except csv.Error:
                state = scan_quotes(body, state, first.number)
        size = first.size
        while state.open:
            name = self.fields[state.field] if state.field < len(self.fields) else None
            why = None
            if name not in self.multiline:
                why = f"before the line ends ({name or 'a value past the last column'} cannot hold a line break)"
            elif len(parts) >= MAX_RECORD_LINES or size > MAX_RECORD_BYTES:
                why = f"within {MAX_RECORD_LINES:,} lines and {MAX_RECORD_BYTES:,} bytes"
            else:
                nxt = lines.next()
                if nxt is None or nxt.too_long:
                    why = "before the end of the file" if nxt is None else "before a line too long for any row"
                    if nxt is not None:
                        lines.push_back([nxt])
                else:
                    parts.append(nxt)
                    size += nxt.size
                    state = scan_quotes(nxt.body, state, nxt.number)
                    continue
            lines.push_back(parts[1:])
            where = f"line {state.line}, column {state.column}"
            return BadRow(first.number, name, f"unclosed quote: the quote opening {name or 'a value'} at {where} "
                          f"does not close {why}; reading goes on from line {first.number + 1}",
                          shown_text(first.body))
        raw = body if len(parts) == 1 else b"".join(p.data for p in parts[:-1]) + parts[-1].body
        return self._values(first, raw)

    def _values(self, first: Line, raw: bytes, values: list[str] | None = None) -> list[str] | BadRow:
        if values is None:
            try:  # undecodable bytes kept apart (surrogateescape), to find their field
                values = parse_values(raw.decode("utf-8", "surrogateescape"))
            except csv.Error as exc:
                return BadRow(first.number, None, f"the quoting of line {first.number} cannot be read ({exc})",
                              shown_text(raw))
        nul, bad_byte = raw.find(b"\x00"), _first_invalid_utf8(raw)
        if nul >= 0 or bad_byte >= 0:  # (a clean ASCII row, the usual case, costs a find and an isascii)
            field = self._field_holding(values, "\x00" if nul >= 0 else None)
            at = first.offset + (nul if nul >= 0 else bad_byte)
            where = f"at byte {at:,} of the file (line {first.number}{f', in {field}' if field else ''})"
            reason = (f"holds a NUL byte {where}: a NUL is never stored" if nul >= 0
                      else f"not UTF-8 text {where}: save the file as UTF-8")
            return BadRow(first.number, field, reason, shown_text(raw))
        if len(values) != len(self.fields):
            short = len(values) < len(self.fields)
            return BadRow(first.number, self.fields[len(values)] if short else None,
                          f"{'too few' if short else 'too many'} values: the line has {len(values)} "
                          f"but the header has {len(self.fields)} columns", shown_text(raw))
        return values

    def _field_holding(self, values: list[str], char: str | None) -> str | None:
        for name, value in zip(self.fields, values, strict=False):
            if (char in value) if char else any("\udc80" <= c <= "\udcff" for c in value):
                return name
        return None


def _first_invalid_utf8(raw: bytes) -> int:
    if raw.isascii():
        return -1
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return -1


def read_carefully(file: DeliveryFile, fields: list[str], multiline: set[str], start: tuple[int, int],
                   write: Callable[[pa.RecordBatch], None],
                   on_bad: Callable[[int, BadRow], None]) -> tuple[int, int, int]:
    """Read the rows after the header (which ends at physical line, byte offset `start`), writing good ones in
    batches; returns (good rows, bad rows, blank lines)."""
    reader = CarefulReader(file, fields, multiline, *start)
    columns: list[list[str]] = [[] for _ in fields]
    numbers: list[int] = []
    row = good = bad = 0

    def flush() -> None:
        if numbers:
            write(pa.RecordBatch.from_arrays([*(pa.array(c, pa.string()) for c in columns),
                                              pa.array(numbers, pa.int64())], names=[*fields, "_row"]))
            for c in columns:
                c.clear()
            numbers.clear()

    for item in reader.rows():
        row += 1
        if isinstance(item, BadRow):
            bad += 1
            on_bad(row, item)
            continue
        good += 1
        numbers.append(row)
        for c, v in zip(columns, item, strict=True):
            c.append(v)
        if len(numbers) >= BATCH_ROWS:
            flush()
    flush()
    return good, bad, reader.blank
