"""DuckDB connections configured from settings: bounded memory, spilling under UPSTANDER_HOME, times in UTC."""

from __future__ import annotations

from pathlib import Path

import duckdb

from upstander import settings


def connect(database: str | Path = ":memory:", *, temp_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A connection with memory_limit, threads and temp_directory from settings and TimeZone UTC.

    temp_dir defaults to $UPSTANDER_HOME/tmp; the loader passes its staging directory so that spill files
    of a killed load are cleaned up with the rest of its staging.
    """
    temp = temp_dir or settings.home() / "tmp"
    temp.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(database))
    memory = settings.get("UPSTANDER_MEMORY_LIMIT")
    try:
        con.execute(f"SET memory_limit = {quote_literal(memory)}")
    except duckdb.Error as exc:
        con.close()
        reason = str(exc).splitlines()[0]
        raise ValueError(f"setting UPSTANDER_MEMORY_LIMIT={memory!r} is not valid: {reason}") from None
    con.execute(f"SET threads = {int(settings.get('UPSTANDER_THREADS'))}")
    con.execute(f"SET temp_directory = {quote_literal(str(temp))}")
    con.execute(f"SET max_temp_directory_size = {quote_literal(settings.get('UPSTANDER_SPILL_LIMIT'))}")
    # Timestamps are stored in UTC; rendering them in UTC keeps messages and day partitions unambiguous.
    con.execute("SET TimeZone = 'UTC'")
    # DuckDB's own progress bar writes to standard output, which must hold only --json output.
    con.execute("SET enable_progress_bar = false")
    return con


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# How each contract field type is held in DuckDB (and so in the lake's Parquet files).
DUCK_TYPES: dict[str, str] = {
    "string": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "date": "DATE",
    "timestamp": "TIMESTAMPTZ",
    "phone": "VARCHAR",
    "contact": "VARCHAR",
    "list": "VARCHAR[]",
    "phones": "VARCHAR[]",
    "emails": "VARCHAR[]",
}
# Lineage carried by every stored row: which load, which delivered file, which data row of it.
LINEAGE: tuple[tuple[str, str], ...] = (("_load", "INTEGER"), ("_file", "VARCHAR"), ("_row", "BIGINT"))
QUARANTINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("load_id", "INTEGER"),
    ("feed", "VARCHAR"),
    ("file", "VARCHAR"),
    ("row", "BIGINT"),
    ("field", "VARCHAR"),
    ("reason", "VARCHAR"),
    ("raw", "VARCHAR"),
    ("quarantined_at", "TIMESTAMPTZ"),
)
