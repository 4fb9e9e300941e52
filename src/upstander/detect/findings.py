"""Findings, and alerts as their aggregation: why incremental detection gives the answer a full run gives.

A detector returns findings, each dated on the UTC day of its `alerted_at` and depending only on data of its
look-back before that day (and its declared look-ahead after). So the findings of a day never change unless
data of a nearby day does, and an incremental run only has to recompute the days from the first one touched
by data delivered since the last run (see dirty.py). The store keeps every finding in `findings`; alerts are
rebuilt from them:

* all findings of a detector's key make one alert, or, when the detector declares `episode_gap_days`, each run
  of findings no more than that many days apart does (sessions over every stored finding of the key, so the
  answer does not depend on which days a run recomputed);
* window_start is the earliest, window_end the latest, alerted_at the earliest (when the pattern first showed);
  person_ids and evidence are the sorted distinct unions; score is the highest any finding reached; the summary
  is the latest finding's (latest alerted_at, then window_end, then the summary text itself, so ties resolve
  the same way every time);
* alert_id is md5(detector | key values | first day of the episode, when episodic), so an alert keeps its id
  while it grows, and `first_seen` (and whatever the web application attached to that id) is kept; alerts whose
  findings have all gone are deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pyarrow as pa

from upstander.detect import tombstones
from upstander.detect.alerts import AlertStore
from upstander.detect.catalogue import Detector


def key_sql(det: Detector, table: str = "f") -> str:
    """The detector's key as one text value (person_ids sorted first, so the order they came in never matters)."""
    return " || '|' || ".join(
        f"coalesce(array_to_string(list_sort({table}.{k}), ';'), '')" if k == "person_ids"
        else f"coalesce(CAST({table}.{k} AS VARCHAR), '')"
        for k in det.key
    )


@dataclass
class DetectorResult:
    det: Detector
    findings: pa.Table
    report_from: date | None  # the first day whose stored findings the run replaces; None for all


def commit_run(store: AlertStore, results: list[DetectorResult], stats: pa.Table, stats_from: date | None,
               last_day: date, last_load: int, forget_others: bool) -> dict[str, int]:
    """In one transaction: replace each detector's stored findings of the days from its `report_from` by the
    new ones, rebuild its alerts from all of them, forget detectors no longer in the catalogue (when
    `forget_others`, after a full run with all of it), and record the run's look-up statistics (replacing the
    days from `stats_from`, all when None) and state. An
    interrupted run leaves the store as it was, and the next run starts from the same dirty day. Returns how
    many alerts are new, per detector."""
    for r in results:
        missing = [k for k in r.det.key if k not in r.findings.column_names]
        if missing:
            raise ValueError(f"{r.det.path}: the key names {', '.join(missing)}, which the query does not return")
    new: dict[str, int] = {}
    with store.writing() as con:  # the run's own copy when called inside one, as the engine does
        con.execute("BEGIN TRANSACTION")
        try:
            for r in results:
                _replace(con, r)
                new[r.det.id] = aggregate(con, r.det)
            if forget_others:
                con.register("_keep", pa.table({"id": pa.array(sorted(r.det.id for r in results), pa.string())}))
                con.execute("DELETE FROM alerts WHERE detector_id NOT IN (SELECT id FROM _keep)")
                con.execute("DELETE FROM findings WHERE detector_id NOT IN (SELECT id FROM _keep)")
            store.record_run(con, stats, stats_from, last_day, last_load)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return new


def _replace(con: duckdb.DuckDBPyConnection, r: DetectorResult) -> None:
    if r.report_from is None:
        con.execute("DELETE FROM findings WHERE detector_id = ?", [r.det.id])
    else:
        con.execute("DELETE FROM findings WHERE detector_id = ? AND day >= ?", [r.det.id, r.report_from])
    insert_findings(con, r.det, r.findings)


def insert_findings(con: duckdb.DuckDBPyConnection, det: Detector, table: pa.Table) -> None:
    con.register("_new", table)
    con.execute(
        f"""INSERT INTO findings
            SELECT ?, CAST(f.alerted_at AS DATE), {key_sql(det)}, f.subject_staff_id, list_sort(f.person_ids),
                   f.window_start, f.window_end, f.alerted_at, f.score, list_sort(f.evidence), f.summary
            FROM _new f WHERE f.alerted_at IS NOT NULL""",  # nosec B608  # key columns from the packaged detector header; values are a registered table
        [det.id])
    con.unregister("_new")


def aggregate(con: duckdb.DuckDBPyConnection, det: Detector) -> int:
    """Rebuild the detector's alerts from its stored findings (see the module docstring); returns how many
    alert ids are new."""
    gap = det.episode_gap_days
    # Episodes: a finding more than `gap` days after the previous one of its key starts a new alert.
    if gap is None:
        new_episode, episode = "0", "NULL"
    else:
        new_episode = (f"CASE WHEN day - lag(day) OVER (PARTITION BY group_key ORDER BY day) > {int(gap)} "
                       "THEN 1 ELSE 0 END")
        episode = "min(day) OVER (PARTITION BY group_key, episode_no)"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _aggregated AS
        WITH marked AS (
            SELECT *, {new_episode} AS new_episode FROM findings WHERE detector_id = ?
        ),
        numbered AS (
            SELECT *, sum(new_episode) OVER (PARTITION BY group_key ORDER BY day
                                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS episode_no
            FROM marked
        ),
        keyed AS (
            SELECT *, md5(? || '|' || group_key || coalesce('|' || CAST({episode} AS VARCHAR), '')) AS alert_id,
                   row_number() OVER (PARTITION BY group_key, episode_no
                                      ORDER BY alerted_at DESC, window_end DESC NULLS LAST, summary DESC NULLS LAST)
                       AS recency
            FROM numbered
        )
        SELECT alert_id,
               min(subject_staff_id) AS subject_staff_id,
               list_sort(list_distinct(flatten(list(person_ids)))) AS person_ids,
               min(window_start) AS window_start,
               max(window_end) AS window_end,
               min(alerted_at) AS alerted_at,
               max(score) AS score,
               list_sort(list_distinct(flatten(list(evidence)))) AS evidence,
               max(CASE WHEN recency = 1 THEN summary END) AS summary
        FROM keyed GROUP BY alert_id""",  # nosec B608  # the episode expressions are this module's, with a whole number of days from the header
        [det.id, det.id])
    # An alert retention deleted stays deleted while its activity is what the deletion covered (tombstones.py).
    con.execute(tombstones.SCHEMA)
    retired = tombstones.not_retired("_aggregated.alert_id", "coalesce(_aggregated.window_end, _aggregated.alerted_at)")
    con.execute(f"DELETE FROM _aggregated WHERE NOT ({retired})")  # nosec B608  # column expressions from this module
    con.execute("DELETE FROM alerts WHERE detector_id = ? AND alert_id NOT IN (SELECT alert_id FROM _aggregated)",
                [det.id])
    [(kept,)] = con.execute("SELECT count(*) FROM alerts WHERE detector_id = ?", [det.id]).fetchall()
    con.execute(
        """INSERT INTO alerts (alert_id, detector_id, red_flags, category, kind, subject_staff_id, person_ids,
                               window_start, window_end, alerted_at, score, weight, evidence, summary)
           SELECT alert_id, ?, ?::INTEGER[], ?, ?, subject_staff_id, person_ids, window_start, window_end,
                  alerted_at, score, ?, evidence, summary
           FROM _aggregated
           ON CONFLICT (alert_id) DO UPDATE SET
               red_flags = excluded.red_flags, category = excluded.category, kind = excluded.kind,
               subject_staff_id = excluded.subject_staff_id, person_ids = excluded.person_ids,
               window_start = excluded.window_start, window_end = excluded.window_end,
               alerted_at = excluded.alerted_at, score = excluded.score, weight = excluded.weight,
               evidence = excluded.evidence, summary = excluded.summary, updated = now()""",
        [det.id, list(det.red_flags), det.category, det.kind, det.weight])
    [(after,)] = con.execute("SELECT count(*) FROM alerts WHERE detector_id = ?", [det.id]).fetchall()
    return after - kept


def aggregate_in_memory(det: Detector, table: pa.Table) -> list[dict[str, object]]:
    """The alerts a detector's findings make, computed as the store computes them, without a store (tests and
    tools that look at one detector on a small world)."""
    from upstander.detect.alerts import SCHEMA

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(SCHEMA)
    insert_findings(con, det, table)
    aggregate(con, det)
    cur = con.execute("""SELECT alert_id, subject_staff_id, person_ids, window_start, window_end, alerted_at, score,
                                evidence, summary FROM alerts ORDER BY subject_staff_id, alert_id""")
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    con.close()
    return rows
