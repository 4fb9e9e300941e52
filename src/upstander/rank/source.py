"""What the learned ranking reads: staff and complaints in the contract's shape, normalised into two temporary
tables, and the alert store's alerts and what the web application publishes there (dispositions, intelligence,
declarations, case outcomes) where there are any.

Optional contract fields (a complaint's `closed`, `origin`, `category`) are read when the feed has them and taken
as unknown when it does not. Staff fields that describe a person rather than their job (sex, ethnicity, birth year)
are never read here: they are for the fairness audit alone (audit.py), which reads them itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

# Outcomes that are a sustained finding against the member of staff (the contract's word for it is "upheld").
SUSTAINED_OUTCOMES = ("upheld",)
# Outcomes that say the complaint is not decided yet.
UNDECIDED_OUTCOMES = ("pending",)
# Staff columns the ranking may read: what the person does and when they served, nothing about who they are.
STAFF_COLUMNS = ("staff_id", "role", "team_id", "start_date", "leaving_date")
PROTECTED = ("sex", "gender", "ethnicity", "race", "birth_year", "age", "age_band", "religion", "disability",
             "sexual_orientation", "nationality")


@dataclass(frozen=True)
class Span:
    """The complaints' dates: the first received, and the as-of date (the day after the latest date in them)."""

    first: date
    as_of: date
    has_origin: bool
    has_closed: bool


def columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    try:
        return {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}  # nosec B608  # a table name of this module
    except duckdb.CatalogException:
        return set()


def prepare(con: duckdb.DuckDBPyConnection, delay_months: int) -> Span:
    """Make `_rank_staff` and `_rank_complaints` on `con` and return the complaints' span.

    A finding counts from when it became known: the complaint's `closed` time; when a force does not deliver
    `closed`, `delay_months` after it was received (the outcome delay the ranking assumes everywhere)."""
    have = columns(con, "complaints")
    if not {"complaint_id", "received", "subject_staff_id"} <= have:
        raise ValueError("the lake has no complaints feed with complaint_id, received and subject_staff_id: load "
                         "staff and complaints before fitting a ranking")
    staff_have = columns(con, "staff")
    picked = [c if c in staff_have else f"NULL AS {c}" for c in STAFF_COLUMNS]
    assert not set(STAFF_COLUMNS) & set(PROTECTED)  # nosec B101  # a guard on this module's own constant
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _rank_staff AS
                    SELECT DISTINCT ON (staff_id) {', '.join(picked)} FROM staff ORDER BY staff_id""")  # nosec B608  # column names from this module's constants
    closed = "closed::TIMESTAMP" if "closed" in have else "NULL::TIMESTAMP"
    origin = "lower(coalesce(origin, 'unknown'))" if "origin" in have else "'unknown'"
    allegation = "coalesce(allegation, 'other')" if "allegation" in have else "'other'"
    category = "nullif(trim(category), '')" if "category" in have else "NULL::VARCHAR"
    complainant = "complainant_person_id" if "complainant_person_id" in have else "NULL::VARCHAR"
    outcome = "coalesce(outcome, 'pending')" if "outcome" in have else "'pending'"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _rank_complaints AS
        SELECT complaint_id, subject_staff_id AS staff_id, received::TIMESTAMP AS received, {allegation} AS allegation,
               {origin} AS origin, {category} AS category, {complainant} AS complainant, {outcome} AS outcome,
               {outcome} IN (SELECT unnest(?::VARCHAR[])) AS sustained,
               CASE WHEN {outcome} IN (SELECT unnest(?::VARCHAR[])) THEN NULL
                    ELSE coalesce({closed}, received::TIMESTAMP + INTERVAL (?) MONTH) END AS known_at
        FROM complaints WHERE received IS NOT NULL AND subject_staff_id IS NOT NULL""",  # nosec B608  # expressions from this module; values bound
                [list(SUSTAINED_OUTCOMES), list(UNDECIDED_OUTCOMES), int(delay_months)])
    row = con.execute("""SELECT min(received)::DATE, greatest(max(received), max(known_at))::DATE,
                                count(*) FILTER (WHERE origin <> 'unknown') > 0 FROM _rank_complaints""").fetchone()
    if row is None or row[0] is None:
        raise ValueError("the complaints feed is empty: a ranking needs the force's complaints history")
    # known_at may be an assumed date beyond the data (received + delay); the as-of date is the latest real one.
    latest = con.execute(f"""SELECT greatest(max(received), max({closed})) ::DATE FROM complaints""").fetchone()  # nosec B608  # expression from this module
    as_of = (latest[0] if latest and latest[0] else row[1]) + timedelta(days=1)
    return Span(row[0], as_of, bool(row[2]), "closed" in have)


# The intelligence categories of the web application (web/intelligence/models.py), by the key it publishes, and
# the word a confidential report linked to a member of staff is published under (web/sync.py).
INTELLIGENCE_CATEGORIES = ("infiltration", "disclosure", "perverting_justice", "sexual_misconduct", "drugs",
                           "theft_fraud", "misusing_systems", "abuse_of_authority", "inappropriate_association",
                           "vulnerability", "assisting_offender", "other")
CONFIDENTIAL_REPORT = "confidential report"
# Case outcomes that are a proven breach of the Standards of Professional Behaviour (misconduct or gross
# misconduct found): anything above "no further action" and reflective practice (web/cases/models.py).
PROVEN_OUTCOMES = ("written_warning", "final_written_warning", "reduction_in_rank", "dismissal_without_notice",
                   "would_have_been_dismissed")

# What the web application publishes to the alert store, as the ranking copies it: table -> (its columns as
# selected, the temporary table's columns). A table the store does not have yet is left empty.
_PUBLISHED = {
    "dispositions": ("alert_id, outcome, decided_at::TIMESTAMP",
                     "alert_id VARCHAR, outcome VARCHAR, decided_at TIMESTAMP"),
    "intelligence": ("staff_id, graded, category, recorded_at::TIMESTAMP",
                     "staff_id VARCHAR, graded VARCHAR, category VARCHAR, recorded_at TIMESTAMP"),
    "declarations": ("staff_id, kind, decision, decided_at::TIMESTAMP",
                     "staff_id VARCHAR, kind VARCHAR, decision VARCHAR, decided_at TIMESTAMP"),
    "case_outcomes": ("staff_id, opened_at::TIMESTAMP, outcome, recorded_at::TIMESTAMP",
                      "staff_id VARCHAR, opened_at TIMESTAMP, outcome VARCHAR, recorded_at TIMESTAMP"),
}


def attach_alerts(con: duckdb.DuckDBPyConnection, home: Path | None) -> bool:
    """Copy the alert store's alerts, and what the web application publishes there (analysts' dispositions,
    intelligence records, decided declarations, case outcomes), into `_rank_alerts`, `_rank_dispositions`,
    `_rank_intelligence`, `_rank_declarations` and `_rank_case_outcomes`; False, with empty tables, when there
    is no alert store."""
    con.execute("""CREATE OR REPLACE TEMP TABLE _rank_alerts (alert_id VARCHAR, staff_id VARCHAR, kind VARCHAR,
                   red_flags INTEGER[], detector_id VARCHAR, alerted_at TIMESTAMP, score DOUBLE, weight DOUBLE)""")
    for table, (_, schema) in _PUBLISHED.items():
        con.execute(f"CREATE OR REPLACE TEMP TABLE _rank_{table} ({schema})")  # nosec B608  # this module's constants
    path = Path(home) / "alerts.duckdb" if home else None
    if path is None or not path.exists():
        return False
    from upstander.detect.alerts import AlertStore

    with AlertStore(path.parent).reading() as store:
        alerts = store.sql("""SELECT alert_id, subject_staff_id, kind, red_flags, detector_id,
                                         alerted_at::TIMESTAMP, score, weight FROM alerts""").to_arrow_table()
        tables = {r[0] for r in store.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        published = {t: store.sql(f"SELECT {cols} FROM {t}").to_arrow_table()  # nosec B608  # this module's constants
                     for t, (cols, _) in _PUBLISHED.items() if t in tables}
    con.register("_alerts_in", alerts)
    con.execute("INSERT INTO _rank_alerts SELECT * FROM _alerts_in")
    con.unregister("_alerts_in")
    for table, rows in published.items():
        con.register("_published_in", rows)
        con.execute(f"INSERT INTO _rank_{table} SELECT * FROM _published_in")  # nosec B608  # this module's constants
        con.unregister("_published_in")
    return True
