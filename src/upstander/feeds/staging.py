"""Write a load's accepted rows and quarantine to Parquet under its staging directory.

Event feeds are split by the UTC day of their partition field, entity feeds go to one file per load. Each
staged file is paired with its final path in the lake; the commit moves it there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from upstander.feeds.contract import Feed
from upstander.feeds.reading import BadLine, Source
from upstander.feeds.resolution import problems, unchanged
from upstander.feeds.validation import checked
from upstander.lake.duck import QUARANTINE_COLUMNS, quote_ident, quote_literal
from upstander.lake.store import entity_file, event_file, quarantine_file

QUARANTINE = "quarantine"
PARQUET = "FORMAT parquet, COMPRESSION zstd"
FLUSH_ROWS = 20_000
RAW_CHARS = 10_000  # of one refused value, kept in the quarantine
OPEN_PARTITIONS = 400  # more than a year of days, well under the usual limit of 1024 open files


@dataclass
class Staged:
    loaded: int
    unchanged: int
    quarantined: int
    moves: list[tuple[Path, str]]  # staged file -> final path relative to the lake root


def create_quarantine(con: duckdb.DuckDBPyConnection) -> None:
    cols = ", ".join(f"{quote_ident(n)} {t}" for n, t in QUARANTINE_COLUMNS)
    con.execute(f"CREATE TABLE {QUARANTINE} ({cols})")


def stage_feed(con: duckdb.DuckDBPyConnection, feed: Feed, load_id: int, out: Path, sources: list[Source],
               bad_lines: list[BadLine], at: datetime) -> Staged:
    fields = ", ".join(f"c.{quote_ident(f.name)}" for f in feed.fields)
    good = (f"SELECT {fields}, CAST({load_id} AS INTEGER) AS _load, c._file, c._row FROM {checked(feed)} c "
            f"ANTI JOIN {problems(feed)} x ON c._file = x._file AND c._row = x._row "
            f"ANTI JOIN {unchanged(feed)} u ON c._file = u._file AND c._row = u._row WHERE c._err IS NULL")  # nosec B608  # table and column names from the data contract; paths are quote_literal
    target = out / feed.name
    moves: list[tuple[Path, str]] = []
    if feed.kind == "event" and feed.partition_by:
        # DuckDB buffers rows per open day partition: small flushes keep a year of positions (45 million rows,
        # 365 partitions) under a gigabyte, and enough open files keep it to one file per day. Rows within a
        # day keep their delivered order: the partitioned writer does not honour an ORDER BY, and a day's file
        # is about one row group, so sorting it would not help a reader prune.
        con.execute(f"SET partitioned_write_flush_threshold = {FLUSH_ROWS}")
        con.execute(f"SET partitioned_write_max_open_files = {OPEN_PARTITIONS}")
        col = quote_ident(feed.partition_by)
        day = f"DATE '1970-01-01' + CAST(floor(epoch_us({col}) / 86400000000.0) AS INTEGER)"
        (loaded,) = con.execute(
            f"COPY (SELECT *, {day} AS day FROM ({good})) TO {quote_literal(str(target))} "
            f"({PARQUET}, PARTITION_BY (day), FILENAME_PATTERN 'load-{load_id:06d}_{{i}}')").fetchone() or (0,)  # nosec B608  # table and column names from the data contract; paths are quote_literal
        for path in sorted(target.glob("day=*/*.parquet")):
            index = int(path.stem.rsplit("_", 1)[1])
            moves.append((path, event_file(feed.name, path.parent.name[4:], load_id, index)))
    else:
        target.mkdir(parents=True)
        path = target / "part-0.parquet"
        order = ", ".join(quote_ident(k) for k in feed.key)
        (loaded,) = con.execute(f"COPY ({good} ORDER BY {order}) TO {quote_literal(str(path))} ({PARQUET})"
                                ).fetchone() or (0,)
        if loaded:
            moves.append((path, entity_file(feed.name, load_id)))
    (same,) = con.execute(f"SELECT count(DISTINCT (_file, _row)) FROM {unchanged(feed)}").fetchone() or (0,)  # nosec B608  # table and column names from the data contract; paths are quote_literal
    quarantined = _quarantine_feed(con, feed, load_id, sources, bad_lines, at)
    return Staged(int(loaded), int(same), quarantined, moves)


def _quarantine_feed(con: duckdb.DuckDBPyConnection, feed: Feed, load_id: int, sources: list[Source],
                     bad_lines: list[BadLine], at: datetime) -> int:
    """One quarantine row per refused row: the first field at fault, every reason, the values as delivered."""
    con.execute(f"""
        CREATE TEMP TABLE refused AS
        SELECT _file, _row, arg_min(field, ord) AS field, string_agg(reason, '; ' ORDER BY ord) AS reason
        FROM (SELECT _file, _row, _field AS field, _err AS reason, 0 AS ord FROM {checked(feed)} WHERE _err IS NOT NULL
              UNION ALL SELECT _file, _row, field, reason, ord FROM {problems(feed)})
        GROUP BY _file, _row""")  # nosec B608  # table and column names from the data contract; paths are quote_literal
    stamp = f"TIMESTAMPTZ {quote_literal(at.isoformat())}"
    head = f"SELECT CAST({load_id} AS INTEGER), {quote_literal(feed.name)}"
    files = {f for (f,) in con.execute("SELECT DISTINCT _file FROM refused").fetchall()}
    for source in sources:
        if not files.intersection(f.rel for f in source.files):
            continue
        raw = ", ".join(f"{quote_ident(name)} := {_as_delivered(f's.{col}', kind)}"
                        for name, (col, kind) in source.columns.items())
        # Join first, then render JSON: only refused rows pay for it.
        con.execute(f"INSERT INTO {QUARANTINE} {head}, q._file, q._row, q.field, q.reason, "
                    f"to_json(struct_pack({raw})), {stamp} FROM refused q "
                    f"JOIN {source.relation} s ON q._file = s._file AND q._row = s._row")
    (count,) = con.execute("SELECT count(*) FROM refused").fetchone() or (0,)
    con.execute("DROP TABLE refused")
    if bad_lines:
        table = pa.table({
            "file": [b.file for b in bad_lines],
            "row": pa.array([b.row for b in bad_lines], pa.int64()),
            "field": pa.array([b.field for b in bad_lines], pa.string()),
            "reason": [b.reason for b in bad_lines],
            "raw": [json.dumps({"line": b.text}, ensure_ascii=False) for b in bad_lines],
        })
        con.register("_bad_lines", table)
        con.execute(f"INSERT INTO {QUARANTINE} {head}, file, row, field, reason, raw, {stamp} FROM _bad_lines")
        con.unregister("_bad_lines")
    return int(count) + len(bad_lines)


def _as_delivered(col: str, kind: str) -> str:
    """A refused value for the quarantine: as delivered, but a NUL written as \\x00 (a NUL is never stored) and
    cut at RAW_CHARS, so a 10 MB value does not travel on into the quarantine whole."""
    def tidy(x: str) -> str:
        return f"left(replace({x}, chr(0), '\\x00'), {RAW_CHARS})"

    if kind == "text":
        return tidy(col)
    if kind == "text_list":
        return f"list_transform({col}, lambda e: {tidy('e')})"
    return col


def stage_quarantine(con: duckdb.DuckDBPyConnection, load_id: int, out: Path) -> list[tuple[Path, str]]:
    (count,) = con.execute(f"SELECT count(*) FROM {QUARANTINE}").fetchone() or (0,)  # nosec B608  # table and column names from the data contract; paths are quote_literal
    if not count:
        return []
    path = out / "_quarantine" / "part.parquet"
    path.parent.mkdir(parents=True)
    con.execute(f"COPY (SELECT * FROM {QUARANTINE} ORDER BY feed, file, row) TO {quote_literal(str(path))} "
                f"({PARQUET})")  # nosec B608  # table and column names from the data contract; paths are quote_literal
    return [(path, quarantine_file(load_id))]
