"""Homes for the ranking tests: a synthetic force's complaints history (simulate/history.py) loaded into a real
lake through the loader, as a force would deliver it, and the same history as an in-memory lake."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from upstander.feeds.contract import feed
from upstander.simulate.history import History, complaint_history


def conform(name: str, table: pa.Table) -> pa.Table:
    """The table in the contract's schema for the feed: its columns cast, the rest empty; columns the contract
    does not have (yet) are left out, as a force's extra columns would be."""
    schema = feed(name).arrow_schema()
    cols = [table[f.name].cast(f.type) if f.name in table.column_names else pa.nulls(table.num_rows, f.type)
            for f in schema]
    return pa.Table.from_arrays(cols, schema=schema)


def write_delivery(history: History, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    teams = sorted(set(history.staff["team_id"].to_pylist()))
    pq.write_table(conform("teams", pa.table({"team_id": teams, "name": [f"Team {t}" for t in teams],
                                              "unit_type": ["response"] * len(teams), "area": ["N1"] * len(teams)})),
                   out / "teams.parquet")
    people = sorted(set(history.complaints["complainant_person_id"].to_pylist()))
    pq.write_table(conform("people", pa.table({"person_id": people, "age_band": ["25-34"] * len(people),
                                               "sex": ["unknown"] * len(people)})), out / "people.parquet")
    pq.write_table(conform("staff", history.staff), out / "staff.parquet")
    pq.write_table(conform("complaints", history.complaints), out / "complaints.parquet")
    return out


def loaded_home(tmp: Path, n_staff: int = 800, years: int = 10, seed: int = 3) -> tuple[Path, History]:
    """A home whose lake holds the history, loaded by the loader."""
    from upstander.feeds.loading import load_delivery

    history = complaint_history(n_staff, years, seed)
    home = tmp / "home"
    load_delivery(write_delivery(history, tmp / "delivery"), home=home)
    return home, history


def memory_lake(history: History, *, protected: bool = True) -> duckdb.DuckDBPyConnection:
    """The history as an in-memory lake with every column the generator makes (closed, origin, category and,
    with `protected`, sex, ethnicity and birth year)."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    staff = history.staff if protected else history.staff.drop_columns(["sex", "ethnicity", "birth_year"])
    con.register("staff", staff)
    con.register("complaints", history.complaints)
    return con
