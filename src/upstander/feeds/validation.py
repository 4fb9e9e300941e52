"""Row-local validation: every delivered row of a feed, typed, with its problems, in one checked table.

For each source relation one INSERT ... SELECT runs the contract's field rules (normalise.py) and the rules
across fields (times in order, span, coordinates). The checked table holds, per row: the typed fields, the
lineage (`_file`, `_row`), `_err` (every problem, '; '-joined; NULL if none), `_field` (the first field at
fault) and `_h`, a hash of the key used to find duplicates and earlier loads cheaply.
"""

from __future__ import annotations

import duckdb

from upstander.feeds.contract import Feed
from upstander.feeds.normalise import Rules, c_col, feed_checks, field_sql, t_col
from upstander.feeds.reading import ReadResult, Source, parquet_view, plain
from upstander.lake.duck import DUCK_TYPES, quote_ident


def checked(feed: Feed) -> str:
    return quote_ident(f"chk_{feed.name}")


def create_checked(con: duckdb.DuckDBPyConnection, feed: Feed) -> None:
    cols = ", ".join(f"{quote_ident(f.name)} {DUCK_TYPES[f.type]}" for f in feed.fields)
    con.execute(f"CREATE TABLE {checked(feed)} ({cols}, _file VARCHAR, _row BIGINT, _err VARCHAR, "
                "_field VARCHAR, _h UBIGINT)")


def row_check_sql(feed: Feed, source: Source, rules: Rules) -> str:
    """SELECT producing the checked table's columns from one source relation.

    Built in layers so each expression is computed once: clean values, then typed values, then one column
    per check (NULL or a message), then the row's verdict.
    """
    parts = {}
    for f in feed.fields:
        column = source.columns.get(f.name)
        src, kind = column if column else (None, "text")
        parts[f.name] = field_sql(f, src, kind, rules, required=f.required or f.name in feed.key,
                                  nul_free=source.nul_free)
    checks = [(name, sql) for name, part in parts.items() for sql in part.checks] + feed_checks(feed, rules)
    clean = ", ".join(f"{p.clean} AS {c_col(n)}" for n, p in parts.items())
    typed = ", ".join(f"{p.typed} AS {t_col(n)}" for n, p in parts.items())
    problems = ", ".join(f"{sql} AS e__{i}" for i, (_, sql) in enumerate(checks))
    err = f"nullif(concat_ws('; ', {', '.join(f'e__{i}' for i in range(len(checks)))}), '')"
    first = "coalesce(" + ", ".join(
        f"CASE WHEN e__{i} IS NOT NULL THEN '{name}' END" for i, (name, _) in enumerate(checks)) + ")"
    key_hash = f"hash({', '.join(t_col(k) for k in feed.key)})"
    out = ", ".join(f"{t_col(f.name)} AS {quote_ident(f.name)}" for f in feed.fields)
    return (
        f"SELECT {out}, _file, _row, {err} AS _err, {first} AS _field, {key_hash} AS _h FROM ("
        f"SELECT *, {problems} FROM ("
        f"SELECT *, {typed} FROM ("
        f"SELECT {clean}, _file, _row FROM {source.relation})))"  # nosec B608  # SQL built from the contract's field rules; delivered values stay in the table
    )


def check_feed(con: duckdb.DuckDBPyConnection, feed: Feed, read: ReadResult, rules: Rules, root_prefix: str) -> None:
    """Fill the feed's checked table from every source; a damaged Parquet file is refused on its own."""
    create_checked(con, feed)
    sources: list[Source] = []
    for source in read.sources:
        try:
            con.execute(f"INSERT INTO {checked(feed)} {row_check_sql(feed, source, rules)}")
            sources.append(source)
            continue
        except duckdb.Error as exc:
            if not source.parquet:
                raise
            if len(source.parquet) == 1:
                _refuse(read, source, exc)
                continue
        # One file of a group is damaged: read them one by one to refuse only the damaged ones.
        for i, member in enumerate(source.parquet):
            single = parquet_view(con, feed, [member], root_prefix, f"{source.relation}_{i}", read.rows)
            try:
                con.execute(f"INSERT INTO {checked(feed)} {row_check_sql(feed, single, rules)}")
                sources.append(single)
            except duckdb.Error as exc:
                _refuse(read, single, exc)
    read.sources = sources


def _refuse(read: ReadResult, source: Source, exc: duckdb.Error) -> None:
    file = source.files[0]
    read.rejected.append((file, f"not a readable Parquet file ({plain(exc, file)})"))
    read.rows.pop(file.rel, None)
