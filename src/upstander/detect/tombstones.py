"""Tombstones of alerts deleted under the retention policy, kept in the alert store beside the alerts.

Detection is repeatable: a full run over the lake would find the pattern behind a deleted alert again and store
it as new, and the next sync would put it back in the triage queue. So retention writes a tombstone for each
alert it deletes (its alert_id and the end of the activity it covered, `covered_until`), and storing findings
skips any finding whose alert has a tombstone and whose activity ends no later than that: nothing new. Activity
after it is new and comes back as a new alert, since an analyst should see it.

A tombstone holds no more than the alert_id (a hash) and two times. It is dropped once the lake no longer holds
events that old (`prune`), since nothing can then raise the alert again from them.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

TABLE = "retired_alerts"
SCHEMA = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    alert_id VARCHAR PRIMARY KEY, covered_until TIMESTAMPTZ NOT NULL, retired_at TIMESTAMPTZ NOT NULL
);"""


def not_retired(alert_id_sql: str, activity_end_sql: str) -> str:
    """A SQL condition true for a finding that no tombstone suppresses: its alert was never deleted, or its
    activity runs past what the deleted alert covered. The arguments are SQL expressions of the finding."""
    return (f"NOT EXISTS (SELECT 1 FROM {TABLE} t WHERE t.alert_id = {alert_id_sql} "  # nosec B608  # expressions from the alert store's own code, never a value
            f"AND {activity_end_sql} <= t.covered_until)")


def bury(con: duckdb.DuckDBPyConnection, tombstones: list[tuple[str, datetime]], at: datetime) -> None:
    """Record (alert_id, covered_until) tombstones; a later deletion of the same alert moves its mark on."""
    con.execute(SCHEMA)
    con.executemany(f"""INSERT INTO {TABLE} VALUES (?, ?, ?) ON CONFLICT (alert_id) DO UPDATE SET
                         covered_until = greatest({TABLE}.covered_until, excluded.covered_until),
                         retired_at = excluded.retired_at""",  # nosec B608  # the table name is this module's constant
                    [(alert_id, until, at) for alert_id, until in tombstones])


def prune(con: duckdb.DuckDBPyConnection, older_than: datetime) -> int:
    """Drop tombstones whose activity ended before `older_than` (the oldest events the lake still keeps)."""
    con.execute(SCHEMA)
    (n,) = con.execute(f"SELECT count(*) FROM {TABLE} WHERE covered_until < ?", [older_than]).fetchone() or (0,)  # nosec B608  # the table name is this module's constant
    con.execute(f"DELETE FROM {TABLE} WHERE covered_until < ?", [older_than])  # nosec B608  # the table name is this module's constant
    return int(n)
