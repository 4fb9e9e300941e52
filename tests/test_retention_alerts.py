"""Retention of alerts closed with no further action: just outside the period they go from the triage queue and
the alert store, and neither a sync nor a full detection run brings them back; what is inside, not closed that
way, or behind a case stays; new activity after a deleted alert is raised again."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyarrow as pa
import pytest

from upstander import settings
from upstander.detect import findings, tombstones
from upstander.detect.alerts import AlertStore
from upstander.detect.catalogue import Detector, load_detectors
from upstander.detect.engine import run_detection
from upstander.retention import alerts as alert_retention
from upstander.retention.policy import NFA_ALERTS, Policy
from upstander.retention.run import Actor
from upstander.retention.summary import KindResult, ranges
from upstander.web.cases.models import Case
from upstander.web.models import AccessLog
from upstander.web.sync import sync_alerts
from upstander.web.triage.models import Alert, Disposition
from webworld import World

pytestmark = pytest.mark.django_db
Outcome = Disposition.Outcome
RETENTION = Actor("retention (test)")


def store_ids(world: World) -> set[str]:
    with AlertStore(world.home).connect() as con:
        return {a for (a,) in con.execute("SELECT alert_id FROM alerts").fetchall()}


def dispose(world: World, alert: Alert, outcome: str, decided_at: datetime) -> None:
    Disposition.objects.create(alert=alert, outcome=outcome, reason="Explained: officer in charge of the case.",
                               decided_by=world.analyst)
    Disposition.objects.filter(alert=alert).update(decided_at=decided_at)  # auto_now_add: set after
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.DISPOSED)


@pytest.fixture
def closed(world: World) -> dict[str, Alert]:
    """Five alerts of the demo force disposed at chosen times around the cutoff of a run at `now`."""
    picked = list(Alert.objects.exclude(window_end=None).order_by("detector_id", "pk"))
    by_detector = {}
    for a in picked:
        by_detector.setdefault(a.detector_id, a)
    a, b, c, d, e = (list(by_detector.values()) + picked)[:5]
    latest = max(x.window_end for x in (a, b, c, d, e))
    now = latest + timedelta(days=730 + 10)
    cutoff = now - timedelta(days=730)
    dispose(world, a, Outcome.NO_FURTHER_ACTION, cutoff - timedelta(minutes=1))  # just outside: due
    dispose(world, b, Outcome.NO_FURTHER_ACTION, cutoff + timedelta(minutes=1))  # just inside: kept
    dispose(world, c, Outcome.FALSE_POSITIVE, cutoff - timedelta(days=100))  # closed as a false positive: due
    dispose(world, d, Outcome.DEVELOP_INTELLIGENCE, cutoff - timedelta(days=100))  # acted on: kept
    dispose(world, e, Outcome.NO_FURTHER_ACTION, cutoff - timedelta(days=100))  # a case came from it: held
    Case.objects.create(reference="UPS-2025-00007", title="Contact after purpose", subject_staff_id=e.subject_staff_id,
                        opened_by=world.lead, source_alert=e)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "now": now}  # type: ignore[dict-item]


def run(closed: dict, apply: bool) -> KindResult:
    return alert_retention.run(settings.home(), Policy.read(closed["now"]), apply=apply, actor=RETENTION)


def test_a_dry_run_lists_what_is_due_and_deletes_nothing(world: World, closed: dict) -> None:
    before = Alert.objects.count()
    result = run(closed, apply=False)
    assert (result.due, result.held, result.deleted) == (2, 1, 0)
    assert result.held_because == "a case was opened from them"
    assert result.oldest == Disposition.objects.get(alert=closed["c"]).decided_at
    assert Alert.objects.count() == before and {closed["a"].alert_id, closed["c"].alert_id} <= store_ids(world)


def test_just_outside_goes_everywhere_and_stays_gone_after_sync_and_full_detection(world: World,
                                                                                  closed: dict) -> None:
    a, c = closed["a"], closed["c"]
    result = run(closed, apply=True)
    assert result.deleted == 2 and result.deleted_what == "alerts " + ranges([a.pk, c.pk])
    assert not Alert.objects.filter(pk__in=[a.pk, c.pk]).exists()
    assert not Disposition.objects.filter(alert_id__in=[a.pk, c.pk]).exists()
    assert {a.alert_id, c.alert_id}.isdisjoint(store_ids(world))
    for kept in ("b", "d", "e"):
        assert Alert.objects.filter(pk=closed[kept].pk).exists(), kept
    entry = AccessLog.objects.filter(object_type="retention", object_id="alerts").get()
    assert entry.username == "retention (test)" and "deleted 2 alerts" in entry.detail

    sync_alerts(world.home)
    assert not Alert.objects.filter(alert_id__in=[a.alert_id, c.alert_id]).exists()
    detectors = [d for d in load_detectors() if d.id in {a.detector_id, c.detector_id}]
    run_detection(world.home, full=True, detectors=detectors)
    assert {a.alert_id, c.alert_id}.isdisjoint(store_ids(world)), "a full run found them again and stored them"
    sync_alerts(world.home)
    assert not Alert.objects.filter(alert_id__in=[a.alert_id, c.alert_id]).exists()


def test_new_activity_after_a_deleted_alert_is_raised_again(world: World, closed: dict) -> None:
    a = closed["a"]
    det = next(d for d in load_detectors() if d.id == a.detector_id)
    with AlertStore(world.home).connect() as con:
        row = con.sql("SELECT * FROM alerts WHERE alert_id = $1", params=[a.alert_id]).to_arrow_table()
    run(closed, apply=True)
    same = row.select([c for c in row.column_names if c in {*det.key, "subject_staff_id", "person_ids",
                                                             "window_start", "window_end", "alerted_at", "score",
                                                             "evidence", "summary"}])
    assert store_finding(world, det, same) == 0  # the same activity again: nothing new
    later = same
    for column in ("window_end", "alerted_at"):
        later = later.set_column(later.column_names.index(column), column,
                                 pa.array([row[column][0].as_py() + timedelta(days=3)], row.schema.field(column).type))
    assert store_finding(world, det, later) == 1 and a.alert_id in store_ids(world)


def store_finding(world: World, det: Detector, table: pa.Table) -> int:
    """A detection run's finding stored and the detector's alerts rebuilt, as commit_run does; new alerts."""
    with AlertStore(world.home).writing() as con:
        findings.insert_findings(con, det, table)
        return findings.aggregate(con, det)


def test_a_busy_store_deletes_nothing_anywhere(world: World, closed: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    def busy(*_args: object, **_kwargs: object) -> None:
        raise duckdb.IOException('Could not set lock on file "alerts.duckdb": Conflicting lock is held')

    monkeypatch.setattr(alert_retention.tombstones, "bury", busy)
    with pytest.raises(alert_retention.StoreBusy, match="no alert was deleted"):
        run(closed, apply=True)
    assert Alert.objects.filter(pk__in=[closed["a"].pk, closed["c"].pk]).count() == 2
    assert {closed["a"].alert_id, closed["c"].alert_id} <= store_ids(world)


def test_tombstones_are_forgotten_once_the_lake_holds_nothing_that_old(world: World) -> None:
    with AlertStore(world.home).writing() as con:
        tombstones.bury(con, [("x1", datetime.fromisoformat("2014-05-01T00:00:00+00:00")),
                              ("x2", datetime.fromisoformat("2024-05-01T00:00:00+00:00"))],
                        datetime.fromisoformat("2025-01-01T00:00:00+00:00"))
        assert tombstones.prune(con, datetime.fromisoformat("2015-01-01T00:00:00+00:00")) == 1
        assert [a for (a,) in con.execute(f"SELECT alert_id FROM {tombstones.TABLE}").fetchall()] == ["x2"]  # nosec B608  # test constant


def test_the_period_counts_from_the_end_of_activity_when_it_went_on_after_the_decision(world: World,
                                                                                       closed: dict) -> None:
    a = closed["a"]
    Alert.objects.filter(pk=a.pk).update(window_end=closed["now"] - timedelta(days=5))  # synced later activity
    result = run(closed, apply=False)
    assert result.due == 1 and result.setting == NFA_ALERTS
