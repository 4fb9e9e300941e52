"""Alerts closed with no further action (or as a false positive), deleted once past their period.

The period runs from the later of the decision and the end of the activity the alert covers: an alert whose
pattern went on after it was closed is not deleted while that later activity is within the period. An alert a
case was opened from is kept with the case.

An alert lives in two places: the web application's triage tables (the alert and its disposition) and the alert
store ($UPSTANDER_HOME/alerts.duckdb), from which every sync copies alerts in. The store goes first, in one
transaction: a tombstone per alert (`upstander.detect.tombstones`, so detection does not raise it again for the
same activity) and the alert's rows deleted from every table with an alert_id column. Then, in one transaction
of the web database, the disposition and the alert, with the access-log entry saying which. A run stopped in
between leaves alerts the store no longer has; the next run finishes them, and no sync can bring them back.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
from django.db import transaction
from django.db.models import Q

from upstander.detect import store_files, tombstones
from upstander.detect.alerts import AlertStore
from upstander.retention.policy import INCIDENT_LINKS, MONITORING, NFA_ALERTS, Policy
from upstander.retention.summary import KindResult, ranges
from upstander.web.cases.models import Case
from upstander.web.models.access_log import record
from upstander.web.triage.models import Alert, Disposition

KIND = "alerts closed with no further action"
CLOSED_WITHOUT_ACTION = (Disposition.Outcome.NO_FURTHER_ACTION, Disposition.Outcome.FALSE_POSITIVE)


class StoreBusy(Exception):
    """The alert store is held by another writer (a detect run): nothing was deleted."""


def _past(cutoff: datetime) -> Any:
    closed = Alert.objects.filter(disposition__outcome__in=CLOSED_WITHOUT_ACTION, disposition__decided_at__lt=cutoff)
    ended = closed.filter(Q(window_end__lt=cutoff) | Q(window_end=None, alerted_at__lt=cutoff))
    return ended.order_by("pk")


def run(home: Path, policy: Policy, apply: bool, actor: Any) -> KindResult:
    cutoff = policy.cutoff(NFA_ALERTS)
    result = KindResult(KIND, NFA_ALERTS, policy.days[NFA_ALERTS], cutoff, "alerts")
    past = _past(cutoff)
    with_case = past.filter(pk__in=Case.objects.exclude(source_alert=None).values("source_alert"))
    result.held = with_case.count()
    if result.held:
        result.held_because = "a case was opened from them"
    due = list(past.exclude(pk__in=with_case.values("pk")).values_list("pk", "alert_id", "window_end", "alerted_at",
                                                                         "disposition__decided_at"))
    result.due = len(due)
    result.oldest = min((row[4] for row in due), default=None)
    result.deleted_what = f"alerts {ranges([row[0] for row in due])}" if due else ""
    if not apply or not due:
        return result
    # Tombstones go once no event they could be raised from is left in the lake.
    forgotten = min(policy.cutoff(MONITORING), policy.cutoff(INCIDENT_LINKS))
    _forget_in_store(home, [(row[1], row[2] or row[3]) for row in due], policy.now, forgotten)
    with transaction.atomic():
        ids = [row[0] for row in due]
        Disposition.objects.filter(alert_id__in=ids).delete()
        Alert.objects.filter(pk__in=ids).delete()
        record(actor, "change", "retention", "alerts",
               f"deleted {len(ids):,} alerts closed with no further action before {cutoff.isoformat()}: "
               f"{result.deleted_what}")
    result.deleted = len(due)
    return result


def _forget_in_store(home: Path, alerts: list[tuple[str, datetime]], now: datetime, forgotten: datetime) -> None:
    """Tombstones for `alerts` (alert_id, end of activity in the web copy) and their rows deleted from every table
    of the store that has an alert_id column, in one transaction; tombstones older than `forgotten` dropped."""
    ids = [alert_id for alert_id, _ in alerts]
    try:
        # Through the store's writer (a copy swapped in whole), never waiting: a detect run holding it means
        # retention tries again on its next run.
        with AlertStore(home).writing(wait=False) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                ends = dict(con.execute("""SELECT alert_id, coalesce(window_end, alerted_at) FROM alerts
                                           WHERE alert_id IN (SELECT unnest(?::VARCHAR[]))""", [ids]).fetchall())
                # The later end of the two copies: the store's may have grown since the last sync.
                tombstones.bury(con, [(a, max(end, ends.get(a, end))) for a, end in alerts], now)
                for table in _tables_with_alert_id(con):
                    con.execute(f"DELETE FROM {table} WHERE alert_id IN (SELECT unnest(?::VARCHAR[]))", [ids])  # nosec B608  # table names come from the store's own catalogue, quoted
                tombstones.prune(con, forgotten)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
    except (duckdb.IOException, store_files.StoreBusy) as exc:  # a detect run holds the store
        raise StoreBusy(f"the alert store {home / 'alerts.duckdb'} is in use by another process (a detect run?); "
                        f"no alert was deleted: run retention again when it has finished ({exc})") from None


def _tables_with_alert_id(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table holding alerts by id (alerts, and findings or evidence tables later versions add), quoted."""
    rows = con.execute("""SELECT DISTINCT c.table_name FROM information_schema.columns c
                          JOIN information_schema.tables t USING (table_schema, table_name)
                          WHERE c.column_name = 'alert_id' AND t.table_type = 'BASE TABLE' AND c.table_name <> ?
                          ORDER BY 1""",
                       [tombstones.TABLE]).fetchall()
    return ['"' + name.replace('"', '""') + '"' for (name,) in rows]
