"""The same detector SQL on PostgreSQL, against DuckDB on the same lake, in the same session.

    python bench/pg_detect.py --home H --dsn "host=127.0.0.1 port=5433 user=postgres dbname=postgres" \
        [--runs 3] [--budget 1500] [--skip-load]

1. Load: each feed's current view (`Lake(home).connect()`, entity feeds deduplicated as the engine sees them)
   is written to CSV by DuckDB and COPYed into a PostgreSQL table with the contract's columns (lists become
   text[]); `uk_calendar` and `lexicon` are created from the same Python tables the engine uses; the indexes
   an analyst would add are built (see INDEXES) and every table is ANALYZEd. Timed, but not part of the ratio.
2. Each run: every context view, in file order, as an UNLOGGED table (then ANALYZE and the key indexes of
   CONTEXT_INDEXES, as an analyst would before querying it), then every detector, bound exactly as
   `engine.run_one` binds it for `detect --full`, translated by SQLGlot (read duckdb, write postgres) and
   fixed by `translate` below, its rows fetched. A statement that runs past --statement-cap or the remaining
   --budget is cancelled (statement_timeout) and reported as not finished, and so is what depends on it.
3. DuckDB, in this process, the same work: `engine.prepare` then `engine.run_one` per detector (no alert
   store), same runs. Findings per detector are compared.

Output: JSON lines per step and run, then one summary line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import sqlglot
from sqlglot import exp

from upstander.detect.calendar import calendar_table
from upstander.detect.catalogue import bind, load_context, load_detectors
from upstander.detect.engine import data_span, run_one
from upstander.detect.lexicon import lexicon_table
from upstander.detect.sqlfix import call, rewrite
from upstander.feeds.contract import FEEDS
from upstander.lake import Lake

PG_TYPES = {"string": "text", "int": "bigint", "float": "double precision", "date": "date",
            "timestamp": "timestamptz", "phone": "text", "contact": "text", "list": "text[]", "phones": "text[]",
            "emails": "text[]"}
# The keys the detectors join and filter on.
INDEXES = (
    "staff(staff_id)", "staff(home_uprn)", "teams(team_id)", "people(person_id)", "people(home_uprn)",
    "incidents(incident_id)", "incidents(area)", "incident_staff(staff_id)", "incident_staff(incident_id)",
    "incident_people(incident_id)", "incident_people(person_id)", "custody(custody_id)", "custody(person_id)",
    "duties(staff_id, starts_at)", "duties(vehicle_id, starts_at)", "duties(area)",
    "audit(staff_id, occurred_at)", "audit(occurred_at)", "communications(staff_id, occurred_at)",
    "communications(occurred_at)", "communications(counterpart)", "positions(source, device_id, recorded_at)",
    "radio(staff_id, occurred_at)", "complaints(subject_staff_id, received)", "watches(object_id)",
    "uk_calendar(day)",
)
CONTEXT_INDEXES = (
    "person_contacts(contact)", "staff_contacts(contact)", "staff_devices(device_id)",
    "person_risk(person_id)", "person_risk(home_uprn)", "met(staff_id, person_id)",
    "public_comms(staff_id, person_id)", "public_comms(staff_id, occurred_at)", "lookups(staff_id)",
    "stays(source, device_id)", "undeployed_stays(staff_id)", "stays_near_met(staff_id, person_id)",
)
# Set by --materialized-ctes: leave PostgreSQL's default (a CTE read twice is materialised).
INLINE_CTES = True
# Helpers for DuckDB list functions PostgreSQL lacks; `translate` rewrites calls to use them.
HELPERS = """
CREATE OR REPLACE FUNCTION list_sort(a anycompatiblearray) RETURNS anycompatiblearray LANGUAGE sql IMMUTABLE AS
  $$ SELECT coalesce(array_agg(v ORDER BY v), a[0:0]) FROM unnest(a) v $$;
CREATE OR REPLACE FUNCTION list_distinct(a anycompatiblearray) RETURNS anycompatiblearray LANGUAGE sql IMMUTABLE AS
  $$ SELECT coalesce(array_agg(DISTINCT v) FILTER (WHERE v IS NOT NULL), a[0:0]) FROM unnest(a) v $$;
CREATE OR REPLACE AGGREGATE list_concat_agg(anycompatiblearray) (SFUNC = array_cat, STYPE = anycompatiblearray);
"""


# ----- translation ----------------------------------------------------------------------------------------
def translate(sql: str) -> str:
    """DuckDB SQL (already bound) as PostgreSQL, with SQLGlot's output fixed where it fails on PostgreSQL.

    The fixes (see `_fix`):
    - every CTE is NOT MATERIALIZED, so PostgreSQL plans through it as DuckDB does instead of fencing it;
    - list_sort and list_distinct call the HELPERS functions; flatten(list(x)) becomes list_concat_agg(x)
      (array_agg of arrays of different lengths is an error in PostgreSQL);
    - arg_max(a, b) and arg_min(a, b) become (array_agg(a ORDER BY b DESC|ASC))[1];
    - \\b in a regular expression literal becomes \\y (RE2's word boundary is PostgreSQL's backspace);
    - round(x, n) casts x to numeric (PostgreSQL has no round(double, int));
    - INTERVAL (expr) DAY, from a bound parameter, becomes (expr) * INTERVAL '1 DAY' (SQLGlot drops expr);
    - (a_at - b_at) / n is not cast to double (it is an interval);
    - a subscript of a function call is parenthesised, and a subquery in FROM gets the alias PostgreSQL 15
      requires.
    regexp_matches -> ~, epoch -> date_part('epoch', ...), date_diff -> extract(epoch from the truncated
    difference) and list literals -> ARRAY[...] are SQLGlot's own, and right.
    """
    tree = sqlglot.parse_one(sql, read="duckdb")
    tree = rewrite(tree, _fix)  # children first, so that fixes nest
    return tree.sql(dialect="postgres")


def _fix(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.CTE) and INLINE_CTES:
        # PostgreSQL materialises a CTE used twice and cannot push predicates or use indexes through it, so
        # the correlated EXISTS of `lookups` scan whole CTEs per audit row; DuckDB inlines or shares them.
        node.set("materialized", False)
        return node
    if isinstance(node, exp.Flatten) and isinstance(node.this, exp.ArrayAgg):
        return call("list_concat_agg", node.this.this)
    if isinstance(node, exp.ArraySort):
        return call("list_sort", node.this)
    if isinstance(node, exp.ArrayDistinct):
        return call("list_distinct", node.this)
    if isinstance(node, exp.ArgMax | exp.ArgMin):
        value, key = node.this.sql("postgres"), node.expression.sql("postgres")
        order = "DESC" if isinstance(node, exp.ArgMax) else "ASC"
        return sqlglot.parse_one(f"(ARRAY_AGG({value} ORDER BY {key} {order} NULLS LAST))[1]", read="postgres")
    if isinstance(node, exp.RegexpLike) and isinstance(node.expression, exp.Literal):
        # Lexicon patterns are written into the query for RE2, where \b is a word boundary; in PostgreSQL's
        # regular expressions \b is a backspace and \y the word boundary.
        return exp.RegexpLike(this=node.this.copy(),
                              expression=exp.Literal.string(node.expression.this.replace("\\b", "\\y")))
    if isinstance(node, exp.Round) and node.args.get("decimals") is not None:
        return exp.Round(this=exp.Cast(this=node.this.copy(), to=exp.DataType.build("NUMERIC")),
                         decimals=node.args["decimals"].copy())
    if isinstance(node, exp.Interval) and not isinstance(node.this, exp.Literal):
        unit = node.unit.name.upper() if node.unit else "DAY"
        return exp.Paren(this=exp.Mul(this=exp.paren(node.this.unnest().copy()),
                                      expression=exp.Interval(this=exp.Literal.string("1"),
                                                              unit=exp.var(unit))))
    if isinstance(node, exp.Div) and _is_timestamp_difference(node.this):
        # An interval halved: SQLGlot casts the numerator to double (DuckDB's / never truncates), which
        # PostgreSQL refuses for an interval. interval / number is already exact in PostgreSQL.
        node.set("typed", True)
        return node
    if isinstance(node, exp.Subquery) and not node.alias and isinstance(node.parent, exp.From | exp.Join):
        # PostgreSQL 15 requires an alias on a subquery in FROM.
        return exp.alias_(node.copy(), f"_sq{id(node) % 10**6}", table=True)
    if isinstance(node, exp.Bracket) and not isinstance(node.this, exp.Column | exp.Paren):
        return exp.Bracket(this=exp.paren(node.this.copy()), expressions=[e.copy() for e in node.expressions])
    return node


def _is_timestamp_difference(node: exp.Expression) -> bool:
    """`(a.x_at - b.y_at)`: the only interval arithmetic the detectors divide (by the `_at` naming rule)."""
    inner = node.unnest()
    return (isinstance(inner, exp.Sub) and all(isinstance(side, exp.Column) and side.name.endswith("_at")
                                               for side in (inner.this, inner.expression)))


# ----- loading --------------------------------------------------------------------------------------------
def _pg_array_text(column: str) -> str:
    """A DuckDB expression writing a VARCHAR[] as a PostgreSQL text[] literal."""
    item = "CASE WHEN x IS NULL THEN 'NULL' ELSE '\"' || replace(replace(x, '\\', '\\\\'), '\"', '\\\"') || '\"' END"
    return (f"CASE WHEN \"{column}\" IS NULL THEN NULL ELSE "
            f"'{{' || array_to_string(list_transform(\"{column}\", lambda x: {item}), ',') || '}}' END")


def load_lake(home: Path, pg: psycopg.Connection[Any], scratch: Path) -> dict[str, int]:
    duck = Lake(home).connect()
    rows: dict[str, int] = {}
    for feed in FEEDS:
        cols = [(f.name, f.type) for f in feed.fields]
        pg.execute(f"DROP TABLE IF EXISTS {feed.name} CASCADE")
        pg.execute(f"CREATE TABLE {feed.name} ({', '.join(f'{n} {PG_TYPES[t]}' for n, t in cols)})")
        select = ", ".join(_pg_array_text(n) if PG_TYPES[t] == "text[]" else f'"{n}"' for n, t in cols)
        path = scratch / f"{feed.name}.csv"
        duck.execute(f"COPY (SELECT {select} FROM {feed.name}) TO '{path}' (FORMAT csv, HEADER false)")
        with pg.cursor() as cur, cur.copy(f"COPY {feed.name} FROM STDIN (FORMAT csv)") as copy, path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                copy.write(chunk)
        path.unlink()
        (rows[feed.name],) = pg.execute(f"SELECT count(*) FROM {feed.name}").fetchone() or (0,)
    span = data_span(duck)
    assert span is not None, "the lake is empty"
    load_reference(pg, *span)
    for i, target in enumerate(INDEXES):
        pg.execute(f"CREATE INDEX ix_{i} ON {target}")
    pg.execute("ANALYZE")
    return rows


def load_reference(pg: psycopg.Connection[Any], first: date, last: date) -> None:
    """uk_calendar and lexicon as the engine builds them. Lexicon patterns are regular expressions for
    DuckDB's RE2, where \\b is a word boundary; in PostgreSQL's ARE \\b is a backspace and \\y the boundary."""
    cal = calendar_table(first - timedelta(days=400), last + timedelta(days=2)).to_pylist()
    pg.execute("DROP TABLE IF EXISTS uk_calendar; CREATE TABLE uk_calendar (day date, offset_hours integer)")
    with pg.cursor() as cur:
        cur.executemany("INSERT INTO uk_calendar VALUES (%s, %s)", [(r["day"], r["offset_hours"]) for r in cal])
    lex = lexicon_table().to_pylist()
    pg.execute("DROP TABLE IF EXISTS lexicon; "
               "CREATE TABLE lexicon (term_id text, category text, pattern text, weight double precision)")
    with pg.cursor() as cur:
        cur.executemany("INSERT INTO lexicon VALUES (%s, %s, %s, %s)",
                        [(r["term_id"], r["category"], r["pattern"].replace("\\b", "\\y"), r["weight"]) for r in lex])


# ----- one run ----------------------------------------------------------------------------------------------
def detector_sql() -> list[tuple[str, str]]:
    """Each detector as `engine.run_one` runs it for `detect --full`."""
    report_from = date(1900, 1, 1)
    out = []
    for det in load_detectors():
        sql = det.bound_sql(since=report_from - timedelta(days=det.lookback_days))
        out.append((det.id, f"SELECT * FROM ({sql}) AS findings "
                            f"WHERE alerted_at >= '{report_from.isoformat()}'::TIMESTAMPTZ"))
    return out


def pg_run(pg: psycopg.Connection[Any], deadline: float, cap: float) -> dict[str, Any]:
    """Context tables then detectors; cancels a statement after `cap` seconds or at `deadline`."""
    steps: dict[str, Any] = {}
    failed: set[str] = set()

    def timed(name: str, statements: list[str], fetch: bool) -> None:
        left = deadline - time.monotonic()
        if left <= 1:
            steps[name] = {"status": "not started (budget spent)"}
            failed.add(name)
            return
        pg.execute(f"SET statement_timeout = {int(min(left, cap) * 1000)}")
        t0 = time.perf_counter()
        try:
            rows = None
            for statement in statements:
                cur = pg.execute(statement)
                if fetch and cur.description:
                    rows = len(cur.fetchall())
            steps[name] = {"status": "ok", "seconds": round(time.perf_counter() - t0, 2), "rows": rows}
        except psycopg.errors.QueryCanceled:
            spent = round(time.perf_counter() - t0, 2)
            steps[name] = {"status": f"cancelled after {spent:.0f} s (time cap)", "seconds": spent}
            failed.add(name)
        except psycopg.Error as exc:
            steps[name] = {"status": f"error: {str(exc).splitlines()[0]}"}
            failed.add(name)

    for name, _sql in load_context():
        pg.execute(f"DROP TABLE IF EXISTS {name} CASCADE")
    for name, sql in load_context():
        if any(dep in failed for dep in _refs(bind(sql, {}, None, name))):
            steps[f"context:{name}"] = {"status": "skipped: depends on one that did not finish"}
            failed.add(name)
            continue
        indexes = [f"CREATE INDEX ON {t}" for t in CONTEXT_INDEXES if t.startswith(name + "(")]
        timed(f"context:{name}", [f"CREATE UNLOGGED TABLE {name} AS {translate(bind(sql, {}, None, name))}",
                                  *indexes, f"ANALYZE {name}"], fetch=False)
        if f"context:{name}" in failed or name in failed:
            failed.add(name)
    for det_id, sql in detector_sql():
        if any(dep in failed for dep in _refs(sql)):
            steps[f"detector:{det_id}"] = {"status": "skipped: depends on a context table that did not finish"}
            continue
        timed(f"detector:{det_id}", [translate(sql)], fetch=True)
    pg.execute("SET statement_timeout = 0")
    return steps


def _refs(sql: str) -> set[str]:
    return {t.name for t in sqlglot.parse_one(sql, read="duckdb").find_all(exp.Table)}


def duck_run(home: Path) -> dict[str, Any]:
    """The engine's own work for `detect --full`, without the alert store: `engine.prepare` (the reference
    tables, then each context view as a temp table, timed one by one) and `engine.run_one` per detector."""
    steps: dict[str, Any] = {}
    con = Lake(home).connect()
    span = data_span(con)
    assert span is not None
    t0 = time.perf_counter()
    first, last = span
    # engine.prepare, split so that each context view is timed: the reference tables, then the views.
    con.execute("SET TimeZone = 'UTC'")
    con.register("_calendar", calendar_table(first - timedelta(days=400), last + timedelta(days=2)))
    con.execute("CREATE OR REPLACE TABLE uk_calendar AS SELECT * FROM _calendar")
    con.register("_lexicon", lexicon_table())
    con.execute("CREATE OR REPLACE TABLE lexicon AS SELECT * FROM _lexicon")
    steps["context:reference_tables"] = {"status": "ok", "seconds": round(time.perf_counter() - t0, 2)}
    for name, sql in load_context():
        t0 = time.perf_counter()
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {bind(sql, {}, None, name)}")
        steps[f"context:{name}"] = {"status": "ok", "seconds": round(time.perf_counter() - t0, 2)}
    for det in load_detectors():
        t1 = time.perf_counter()
        rows = run_one(con, det, None).num_rows
        steps[f"detector:{det.id}"] = {"status": "ok", "seconds": round(time.perf_counter() - t1, 2), "rows": rows}
    con.close()
    return steps


def total(steps: dict[str, Any]) -> float:
    return sum(s.get("seconds", 0.0) for s in steps.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--dsn", default="host=127.0.0.1 port=5433 user=postgres dbname=postgres")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--budget", type=float, default=1500.0, help="Seconds for all PostgreSQL runs together.")
    parser.add_argument("--statement-cap", type=float, default=600.0, help="Seconds one statement may take.")
    parser.add_argument("--skip-load", action="store_true", help="The feeds are already in PostgreSQL.")
    parser.add_argument("--materialized-ctes", action="store_true",
                        help="Leave CTEs to PostgreSQL's default instead of NOT MATERIALIZED.")
    parser.add_argument("--print-sql", action="store_true", help="Print the translated SQL and stop.")
    opts = parser.parse_args()
    global INLINE_CTES
    INLINE_CTES = not opts.materialized_ctes
    if opts.print_sql:
        for name, sql in load_context():
            print(f"-- context {name}\n{translate(bind(sql, {}, None, name))};\n")
        for det_id, sql in detector_sql():
            print(f"-- detector {det_id}\n{translate(sql)};\n")
        return
    pg = psycopg.connect(opts.dsn, autocommit=True)
    pg.execute("SET TimeZone = 'UTC'")
    pg.execute(HELPERS)
    print(json.dumps({"postgres": pg.execute("SELECT version()").fetchone()[0],  # type: ignore[index]
                      "settings": dict(pg.execute("SELECT name, setting FROM pg_settings WHERE name IN "
                                                  "('shared_buffers','work_mem','max_parallel_workers_per_gather',"
                                                  "'effective_cache_size','jit')").fetchall())}), flush=True)
    if not opts.skip_load:
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="upstander-pg-") as scratch:
            rows = load_lake(opts.home, pg, Path(scratch))
        print(json.dumps({"what": "pg_load", "seconds": round(time.perf_counter() - t0, 1), "rows": rows}), flush=True)
    deadline = time.monotonic() + opts.budget
    pg_runs, duck_runs = [], []
    for run in range(1, opts.runs + 1):
        if time.monotonic() >= deadline:
            break
        steps = pg_run(pg, deadline, opts.statement_cap)
        pg_runs.append(steps)
        print(json.dumps({"what": "postgres", "run": run, "seconds": round(total(steps), 2), "steps": steps}),
              flush=True)
        steps = duck_run(opts.home)
        duck_runs.append(steps)
        print(json.dumps({"what": "duckdb", "run": run, "seconds": round(total(steps), 2), "steps": steps}),
              flush=True)
        if any(s["status"] != "ok" for s in pg_runs[-1].values()):
            break  # a run that did not finish would not finish the next time either
    complete = [r for r in pg_runs if all(s["status"] == "ok" for s in r.values())]
    duck_s = statistics.median(total(r) for r in duck_runs)
    mismatches = {}
    for key, step in duck_runs[-1].items():
        if key.startswith("detector:"):
            theirs = pg_runs[-1].get(key, {})
            if theirs.get("rows") != step["rows"]:
                mismatches[key] = {"duckdb": step["rows"], "postgres": theirs.get("rows", theirs.get("status"))}
    summary: dict[str, Any] = {
        "home": str(opts.home), "pg_runs": len(pg_runs), "pg_complete_runs": len(complete),
        "duckdb_seconds_median": round(duck_s, 2), "duckdb_seconds_all": [round(total(r), 2) for r in duck_runs],
        "findings_mismatches": mismatches,
    }
    if complete:
        pg_s = statistics.median(total(r) for r in complete)
        summary.update(pg_seconds_median=round(pg_s, 2), pg_seconds_all=[round(total(r), 2) for r in complete],
                       ratio_pg_to_duckdb=round(pg_s / duck_s, 1))
    else:
        # Time spent on a cancelled statement counts, so the total is a lower bound.
        done = sum(1 for s in pg_runs[-1].values() if s["status"] == "ok") if pg_runs else 0
        at_least = total(pg_runs[-1]) if pg_runs else 0.0
        summary.update(pg_seconds_at_least=round(at_least, 1), pg_steps_finished=done,
                       pg_steps_not_finished=[k for k, s in pg_runs[-1].items() if s["status"] != "ok"],
                       ratio_pg_to_duckdb_at_least=round(at_least / duck_s, 1))
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
