"""Checks across rows, run per feed in contract order once every feed's checked table exists.

* Duplicate keys within the delivery: the first occurrence (by file, then row) is kept, later ones refused.
* References: a value must name a key already in the lake or accepted from this delivery. Targets later in
  contract order (teams.supervisor_id -> staff) and self references (staff.line_manager_id) use the target's
  row-locally valid keys, which breaks the staff <-> teams cycle. A reference into a feed the force does not
  deliver (no file of it in this delivery or in any committed load, and not staff, which every force delivers)
  is not checked: a force without a teams export may still name each person's team.
* Earlier loads: an event row whose key is already stored is skipped as unchanged when identical and refused
  when different; an entity row identical to the current version is unchanged, a different one is a new version.

Problems go to `xp_<feed>` (file, row, order, field, reason); unchanged rows to `un_<feed>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb

from upstander.feeds.contract import FEEDS, REQUIRED_FEEDS, Feed
from upstander.feeds.contract import feed as feed_named
from upstander.feeds.normalise import shown, shown_time
from upstander.feeds.validation import checked
from upstander.lake.duck import quote_ident
from upstander.lake.manifest import Manifest
from upstander.lake.store import Lake, feed_select

REFERENCED = {f.references.split(".")[0] for feed in FEEDS for f in feed.fields if f.references}
ORDER_DUPLICATE, ORDER_REFERENCE, ORDER_EARLIER = 100, 200, 300
_DAY = re.compile(r"/day=(\d{4}-\d{2}-\d{2})/")


def problems(feed: Feed) -> str:
    return quote_ident(f"xp_{feed.name}")


def unchanged(feed: Feed) -> str:
    return quote_ident(f"un_{feed.name}")


@dataclass
class Resolver:
    con: duckdb.DuckDBPyConnection
    lake: Lake
    manifest: Manifest  # the committed state the delivery is compared with; its views are in schema `lake`
    present: set[str]  # feeds with a checked table in this load
    delivered: set[str]  # feeds with a file in this delivery or a committed load (Manifest.delivered_feeds)
    done: set[str] = field(default_factory=set)
    _keys: dict[tuple[str, str], str] = field(default_factory=dict)

    def resolve(self, feed: Feed) -> None:
        con = self.con
        con.execute(f"CREATE TABLE {problems(feed)} (_file VARCHAR, _row BIGINT, ord INTEGER, field VARCHAR, "
                    "reason VARCHAR)")
        con.execute(f"CREATE TABLE {unchanged(feed)} (_file VARCHAR, _row BIGINT)")
        self._duplicates(feed)
        self._references(feed)
        if self.manifest.data.get(feed.name):
            self._earlier_loads(feed)
        if feed.name in REFERENCED:
            key = quote_ident(feed.key[0])
            con.execute(f"CREATE TABLE {quote_ident('acc_' + feed.name)} AS SELECT DISTINCT c.{key} AS k "
                        f"FROM {checked(feed)} c ANTI JOIN {problems(feed)} x ON c._file = x._file AND c._row = x._row "
                        "WHERE c._err IS NULL")  # nosec B608  # table and column names from the data contract; no delivered value enters the SQL
        self.done.add(feed.name)

    def _duplicates(self, feed: Feed) -> None:
        keys = ", ".join(f"c.{quote_ident(k)}" for k in feed.key)
        shown_key = " || ', ' || ".join(f"'{k} ' || {_show(feed, k, 'c.' + quote_ident(k))}" for k in feed.key)
        # Find repeated key hashes by sorting the hashes (for tens of millions of rows this is several times
        # faster and leaner than grouping them), then compare real keys only for the few rows whose hash
        # repeats, so a hash collision cannot make a false duplicate.
        self.con.execute(f"""
            INSERT INTO {problems(feed)}
            SELECT _file, _row, {ORDER_DUPLICATE}, '{feed.key[0]}',
                   'duplicate key (' || shown_key || '), first at ' || first_file || ' row ' || first_row
            FROM (
                SELECT c._file, c._row, {shown_key} AS shown_key,
                       first_value(c._file) OVER w AS first_file, first_value(c._row) OVER w AS first_row,
                       row_number() OVER w AS n
                FROM {checked(feed)} c
                SEMI JOIN (SELECT DISTINCT _h FROM (SELECT _h, lag(_h) OVER (ORDER BY _h) AS previous
                                                    FROM {checked(feed)} WHERE _err IS NULL) WHERE _h = previous) d
                    ON c._h = d._h
                WHERE c._err IS NULL
                WINDOW w AS (PARTITION BY {keys} ORDER BY c._file, c._row)
            ) WHERE n > 1""")  # nosec B608  # table and column names from the data contract; no delivered value enters the SQL

    def _references(self, feed: Feed) -> None:
        for position, f in enumerate(feed.fields):
            if not f.references:
                continue
            target_name, target_key = f.references.split(".")
            if target_name not in self.delivered and target_name not in REQUIRED_FEEDS:
                continue
            keys = self._key_set(feed_named(target_name), "valid" if target_name not in self.done else "accepted")
            col = f"c.{quote_ident(f.name)}"
            self.con.execute(f"""
                INSERT INTO {problems(feed)}
                SELECT c._file, c._row, {ORDER_REFERENCE + position}, '{f.name}',
                       '{f.name}: unknown {target_key} ' || {shown(col)} ||
                       ' (no such {target_name} row in this delivery or an earlier load)'
                FROM {checked(feed)} c ANTI JOIN {keys} k ON {col} = k.k
                WHERE {col} IS NOT NULL""")  # nosec B608  # table and column names from the data contract; no delivered value enters the SQL

    def _key_set(self, target: Feed, mode: str) -> str:
        """Distinct keys of a referenced feed: the lake's plus this delivery's (accepted or row-valid)."""
        if (target.name, mode) in self._keys:
            return self._keys[(target.name, mode)]
        table = quote_ident(f"keys_{target.name}_{mode}")
        key = quote_ident(target.key[0])
        view = target.name + "_history" if target.kind == "entity" else target.name
        parts = [f"SELECT {key} AS k FROM lake.{quote_ident(view)}"]  # nosec B608  # table and column names from the data contract; no delivered value enters the SQL
        if target.name in self.present:
            if mode == "accepted":
                parts.append(f"SELECT k FROM {quote_ident('acc_' + target.name)}")  # nosec B608  # table and column names from the data contract; no delivered value enters the SQL
            else:
                parts.append(f"SELECT {key} AS k FROM {checked(target)} WHERE _err IS NULL")  # nosec B608  # table and column names from the data contract; no delivered value enters the SQL
        self.con.execute(f"CREATE TABLE {table} AS SELECT DISTINCT k FROM ({' UNION ALL '.join(parts)})")  # nosec B608  # table and column names from the data contract; no delivered value enters the SQL
        self._keys[(target.name, mode)] = table
        return table

    def _earlier_loads(self, feed: Feed) -> None:
        con = self.con
        if feed.kind == "entity":
            stored = f"lake.{quote_ident(feed.name)}"  # the current version of each key
        else:
            stored = f"({feed_select(feed, self._event_files(feed))})"
        join = " AND ".join(f"c.{quote_ident(k)} = l.{quote_ident(k)}" for k in feed.key)
        diffs = ", ".join(f"CASE WHEN c.{quote_ident(f.name)} IS DISTINCT FROM l.{quote_ident(f.name)} "
                          f"THEN '{f.name}' END" for f in feed.fields)
        con.execute(f"""
            CREATE TEMP TABLE cmp AS
            SELECT c._file, c._row, l._load AS lake_load,
                   list_filter([{diffs}], lambda x: x IS NOT NULL) AS diffs
            FROM (SELECT * FROM {checked(feed)} c ANTI JOIN {problems(feed)} x
                  ON c._file = x._file AND c._row = x._row WHERE c._err IS NULL) c
            JOIN {stored} l ON {join}""")  # nosec B608  # table and column names from the data contract; no delivered value enters the SQL
        con.execute(f"INSERT INTO {unchanged(feed)} SELECT _file, _row FROM cmp WHERE len(diffs) = 0")  # nosec B608  # table and column names from the data contract; no delivered value enters the SQL
        if feed.kind == "event":
            con.execute(f"""
                INSERT INTO {problems(feed)}
                SELECT _file, _row, {ORDER_EARLIER}, diffs[1],
                       'key already loaded (load ' || lake_load || ') with different values in: '
                       || array_to_string(diffs, ', ')
                FROM cmp WHERE len(diffs) > 0""")  # nosec B608  # table and column names from the data contract; no delivered value enters the SQL
        con.execute("DROP TABLE cmp")

    def _event_files(self, feed: Feed) -> list[str]:
        """Stored files that can hold this delivery's keys: when the partition field is part of the key,
        only the days the delivery touches (a new day's delivery then never reads the past)."""
        paths = self.manifest.data.get(feed.name, [])
        if feed.partition_by not in feed.key:
            return [str(self.lake.root / p) for p in paths]
        col = quote_ident(feed.partition_by or "")
        days = {str(d) for (d,) in self.con.execute(
            f"SELECT DISTINCT strftime({col}, '%Y-%m-%d') FROM {checked(feed)} WHERE _err IS NULL").fetchall()}  # nosec B608  # table and column names from the data contract; no delivered value enters the SQL
        out = []
        for p in paths:
            m = _DAY.search("/" + p)
            if m is None or m.group(1) in days:
                out.append(str(self.lake.root / p))
        return out


def _show(feed: Feed, name: str, expr: str) -> str:
    return shown_time(expr) if feed.field(name).type == "timestamp" else shown(expr)
