"""Bring the staff directory and the detection alerts into the web application's database.

Alerts are matched on the alert store's own key, so running detect again and syncing again updates alerts in
place: never a duplicate, and an analyst's assignment and disposition are kept. An alert the store no longer
holds (a full detection run found its findings gone: late data explained them) is removed if nobody has touched
it, and kept as it stands if an analyst has assigned, decided or opened a case on it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from django.db import connections, transaction

from upstander.detect.alerts import AlertStore
from upstander.detect.store_files import StoreBusy
from upstander.lake import Lake
from upstander.web.cases.models import Case
from upstander.web.intelligence.models import IntelligenceSubject
from upstander.web.models import StaffMember, Team
from upstander.web.portal.models import Report
from upstander.web.portal.reporting.subjects import refresh_report_subjects
from upstander.web.prevention.models import Declaration
from upstander.web.triage.models import Alert, Disposition

_log = logging.getLogger("upstander.web")
_BATCH = 2000
_ALERT_UPDATES = ["detector_id", "red_flags", "category", "subject_staff_id", "subject_team_id", "person_ids",
                  "window_start", "window_end", "alerted_at", "score", "evidence", "summary"]


@dataclass
class SyncResult:
    staff: int
    alerts_seen: int
    alerts_new: int


def _utc(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def sync_directory(home: Path) -> int:
    """The staff and teams feeds into the web directory, then the staff each report could be about again (a
    new starter, a changed surname or supervisor changes who must be kept from a report)."""
    con = Lake(home).connect()
    rows = con.execute("""SELECT staff_id, trim(coalesce(forename, '') || ' ' || coalesce(surname, '')), role,
                                 coalesce(rank, ''), coalesce(team_id, ''), coalesce(line_manager_id, ''),
                                 coalesce(station, ''), coalesce(home_uprn, ''), coalesce(collar_number, ''),
                                 coalesce(forename, ''), coalesce(surname, '')
                          FROM staff""").fetchall()
    members = [StaffMember(staff_id=r[0], name=r[1] or r[0], role=r[2], rank=r[3], team_id=r[4],
                           line_manager_id=r[5], station=r[6], home_uprn=r[7], collar_number=r[8], forename=r[9],
                           surname=r[10]) for r in rows]
    teams = [Team(team_id=t, supervisor_id=s) for t, s in _team_supervisors(con)]
    with transaction.atomic():
        StaffMember.objects.bulk_create(members, batch_size=_BATCH, update_conflicts=True, unique_fields=["staff_id"],
                                        update_fields=["name", "role", "rank", "team_id", "line_manager_id",
                                                       "station", "home_uprn", "collar_number", "forename",
                                                       "surname"])
        if teams:  # a lake with no teams delivered keeps what the directory had
            Team.objects.exclude(team_id__in=[t.team_id for t in teams]).delete()
            Team.objects.bulk_create(teams, batch_size=_BATCH, update_conflicts=True, unique_fields=["team_id"],
                                     update_fields=["supervisor_id"])
    refresh_report_subjects(home)
    return len(members)


def _team_supervisors(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    try:
        return [(t, s) for t, s in con.execute(
            "SELECT team_id, coalesce(supervisor_id, '') FROM teams").fetchall()]
    except duckdb.CatalogException:  # a lake built before teams were part of the contract
        return []


def sync_alerts(home: Path) -> tuple[int, int]:
    """(alerts seen, alerts new). Amplifiers (red flag 13) stay in the risk matrix, not the triage queue. Alerts
    gone from the store are removed when untouched (see the module docstring)."""
    teams = dict(StaffMember.objects.values_list("staff_id", "team_id"))
    with AlertStore(home).reading() as con:
        rows = con.execute("""SELECT alert_id, detector_id, red_flags, category, subject_staff_id, person_ids,
                                     epoch(window_start), epoch(window_end), epoch(alerted_at), score, evidence,
                                     summary
                              FROM alerts WHERE kind = 'alert' ORDER BY alert_id""").fetchall()
    known = set(Alert.objects.values_list("alert_id", flat=True))
    alerts = [Alert(alert_id=r[0], detector_id=r[1], red_flags=list(r[2]), category=r[3], subject_staff_id=r[4],
                    subject_team_id=teams.get(r[4], ""), person_ids=list(r[5] or []), window_start=_utc(r[6]),
                    window_end=_utc(r[7]), alerted_at=_utc(r[8]), score=r[9], evidence=list(r[10]),
                    summary=r[11] or "") for r in rows]
    current = {a.alert_id for a in alerts}
    gone = sorted(known - current)
    with transaction.atomic():
        Alert.objects.bulk_create(alerts, batch_size=_BATCH, update_conflicts=True, unique_fields=["alert_id"],
                                  update_fields=_ALERT_UPDATES)
        for start in range(0, len(gone), _BATCH):
            Alert.objects.filter(alert_id__in=gone[start:start + _BATCH], status=Alert.Status.NEW,
                                 assigned_to__isnull=True, disposition__isnull=True, case__isnull=True).delete()
    return len(alerts), len(current - known)


def publish_intelligence(home: Path, *, wait: bool = False) -> None:
    """Intelligence records, one row per member of staff they are about, into the alert store's `intelligence`
    table, where the risk matrix reads them (graded as the 3x5x2 code), and confidential reports linked to a
    member of staff (ungraded: nobody has assessed them yet). Replaced whole, in one transaction."""
    def rows() -> list[tuple[object, ...]]:
        out: list[tuple[object, ...]] = [
            (s.staff_id, s.record.grading, s.record.category, s.record.received_at.replace(tzinfo=None))
            for s in IntelligenceSubject.objects.select_related("record").order_by("record_id", "staff_id")]
        out += [(staff_id, "", "confidential report", received.replace(tzinfo=None))
                for staff_id, received in Report.objects.exclude(subject_staff_id="").order_by("received_at")
                .values_list("subject_staff_id", "received_at")]
        return out

    _replace_table(home, "intelligence", "staff_id VARCHAR, graded VARCHAR, category VARCHAR, recorded_at TIMESTAMP",
                   rows, wait=wait)


def publish_declarations(home: Path, *, wait: bool = False) -> None:
    """Decided declarations into the alert store's `declarations` table, where the risk matrix counts the declined
    ones (a declined interest that carries on is a red flag). Replaced whole, in one transaction."""
    def rows() -> list[tuple[object, ...]]:
        return [(d.staff_id, d.reference, d.kind, d.decision, d.decided_at.replace(tzinfo=None))
                for d in Declaration.objects.exclude(decided_at=None).order_by("reference")]

    _replace_table(home, "declarations", "staff_id VARCHAR, reference VARCHAR, kind VARCHAR, decision VARCHAR, "
                                         "decided_at TIMESTAMP", rows, wait=wait)


def publish_dispositions(home: Path, *, wait: bool = False) -> None:
    """Analysts' dispositions of alerts into the alert store's `dispositions` table, where the learned ranking reads
    them as outcomes (UPSTANDER_RANK_LABEL=case_opened: an alert an analyst opened a case on). Replaced whole."""
    def rows() -> list[tuple[object, ...]]:
        return [(d.alert.alert_id, d.outcome, d.decided_at.replace(tzinfo=None))
                for d in Disposition.objects.select_related("alert").order_by("decided_at", "pk")]

    _replace_table(home, "dispositions", "alert_id VARCHAR, outcome VARCHAR, decided_at TIMESTAMP", rows, wait=wait)


def publish_case_outcomes(home: Path, *, wait: bool = False) -> None:
    """Cases with a recorded outcome into the alert store's `case_outcomes` table, where the learned ranking reads
    proven cases as outcomes (UPSTANDER_RANK_LABEL=proven_case) and as a feature once recorded. Replaced whole."""
    def rows() -> list[tuple[object, ...]]:
        return [(c.subject_staff_id, c.opened_at.replace(tzinfo=None), c.outcome,
                 (c.outcome_recorded_at or c.updated_at).replace(tzinfo=None))
                for c in Case.objects.exclude(outcome="").order_by("reference")]

    _replace_table(home, "case_outcomes", "staff_id VARCHAR, opened_at TIMESTAMP, outcome VARCHAR, "
                                          "recorded_at TIMESTAMP", rows, wait=wait)


def _replace_table(home: Path, table: str, columns: str, rows: Callable[[], list[tuple[object, ...]]], *,
                   wait: bool) -> None:
    """A table the web application publishes to the alert store for the risk matrix, replaced whole in a new copy
    of the store (AlertStore.writing), so the matrix never reads half of it. The rows are read from the web
    database once the store's lock is held, so what is published is the latest.

    While a detection run holds the store (minutes on a large force), a request does not wait for it: the table is
    published from a background thread as soon as the run has finished, and the risk matrix counts the change
    from then on."""
    try:
        with AlertStore(home).writing(wait=wait, on_wait=None) as con:
            _unschedule(home, table)
            values = rows()
            con.execute(f"CREATE OR REPLACE TABLE {table} ({columns})")
            if values:
                con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(values[0]))})", values)  # nosec B608  # table and columns are this module's constants; the rows are bound parameters
    except StoreBusy:
        _schedule(home, table, lambda: _replace_table(home, table, columns, rows, wait=True))


_later_lock = threading.Lock()
_later: dict[tuple[Path, str], threading.Thread] = {}  # one waiting publication per table: it reads the latest rows


def _schedule(home: Path, table: str, publish: Callable[[], None]) -> None:
    def run() -> None:
        try:
            publish()
        except Exception:  # a background thread has nobody to raise to: the server log says what failed
            _log.exception("publishing %s to the alert store failed; it is published again on the next change "
                           "or when `upstander serve` starts", table)
            _unschedule(home, table)
        finally:
            connections.close_all()  # this thread's web database connections

    with _later_lock:
        if (home, table) in _later:
            return
        thread = threading.Thread(target=run, name=f"publish-{table}", daemon=True)
        _later[(home, table)] = thread
    thread.start()


def _unschedule(home: Path, table: str) -> None:
    with _later_lock:
        _later.pop((home, table), None)


def publications_pending() -> list[threading.Thread]:
    """The background publications still waiting for a detection run to finish (for `serve` to report and for
    tests to wait on)."""
    with _later_lock:
        return list(_later.values())


def sync_all(home: Path) -> SyncResult:
    staff = sync_directory(home)
    seen, new = sync_alerts(home)
    publish_intelligence(home, wait=True)
    publish_declarations(home, wait=True)
    publish_dispositions(home, wait=True)
    publish_case_outcomes(home, wait=True)
    return SyncResult(staff, seen, new)
