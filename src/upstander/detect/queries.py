"""The SQL a detection run asks of the engine besides the context views: written once in DuckDB's dialect,
run as it is on DuckDB and translated for Spark, so both engines answer the same question."""

from __future__ import annotations

from datetime import date

from upstander.detect.catalogue import Detector

# The share of look-ups in the prepared window that the data explains (the run's summary line).
EXPLAINED_SHARE_SQL = "SELECT avg(CASE WHEN explanation IS NULL THEN 0.0 ELSE 1.0 END) AS share FROM lookups"


def findings_sql(det: Detector, data_from: date, report_from: date, span: tuple[date, date] | None) -> str:
    """A detector reading events from `data_from` and reporting the findings alerted on or after `report_from`;
    `span` is the lake's first and last day of data, bound as :first_day and :last_day."""
    return (f"SELECT * FROM ({det.bound_sql(since=data_from, span=span)}) AS findings "
            f"WHERE alerted_at >= '{report_from.isoformat()}'::TIMESTAMPTZ")  # nosec B608  # detector SQL from the packaged catalogue and a date Upstander computed, never a request


def lookup_stats_sql(since: date | None) -> str:
    """Look-ups and how many the data explains, per day and member of staff, from `since` (every day when None):
    only the run's own days, as the look-back before `since` was counted by earlier runs."""
    window = "" if since is None else f"WHERE occurred_at >= '{since.isoformat()}'::TIMESTAMPTZ"
    return (f"SELECT CAST(occurred_at AS DATE) AS day, staff_id, count(*) AS lookups, count(explanation) AS explained "
            f"FROM lookups {window} GROUP BY CAST(occurred_at AS DATE), staff_id")  # nosec B608  # a date Upstander computed, never a request
