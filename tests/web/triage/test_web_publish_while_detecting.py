"""The web application publishes intelligence to the alert store; while a detection run holds the store, a request
must not wait for it (minutes on a large force): the publication follows from a background thread once the run
has finished, with the records as they are then."""

from __future__ import annotations

from pathlib import Path

import pytest

from storeworld import copy_home
from upstander.detect.alerts import AlertStore
from upstander.web.intelligence.models import IntelligenceRecord, link_subjects
from upstander.web.models import User
from upstander.web.roles import Role
from upstander.web.sync import publications_pending, publish_intelligence

pytestmark = pytest.mark.django_db(transaction=True)


def _record(by: User, reference: str, staff_id: str) -> None:
    link_subjects([IntelligenceRecord.objects.create(
        reference=reference, created_by=by, category="sexual_misconduct", theme="sexual_misconduct",
        source_grade="2", assessment="B", handling="P", text="Seen giving a victim a lift home off duty.",
        staff_ids=[staff_id])])


def _published(home: Path) -> list[tuple[str, str]]:
    with AlertStore(home).reading() as con:
        if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'intelligence'"
                           ).fetchone()[0]:  # type: ignore[index]
            return []
        return sorted(con.execute("SELECT staff_id, graded FROM intelligence").fetchall())


def test_intelligence_added_during_a_run_is_published_when_the_run_ends(small_detected_home: Path,
                                                                        tmp_path: Path) -> None:
    home = copy_home(small_detected_home, tmp_path / "home")
    analyst = User.objects.create(username="acu-analyst", role=Role.ACU_ANALYST, staff_id="S09001")
    with AlertStore(home).writing():  # a detection run in progress
        _record(analyst, "INT-0001", "S00007")
        publish_intelligence(home)  # returns at once: the request is not held up
        pending = publications_pending()
        assert len(pending) == 1 and _published(home) == []
        _record(analyst, "INT-0002", "S00011")  # a second change while it waits: no second thread
        publish_intelligence(home)
        assert publications_pending() == pending
    for thread in pending:
        thread.join(timeout=60)
    assert not publications_pending()
    assert _published(home) == [("S00007", "2BP"), ("S00011", "2BP")]  # both, read once the store was free


def test_with_the_store_free_intelligence_is_published_at_once(small_detected_home: Path, tmp_path: Path) -> None:
    home = copy_home(small_detected_home, tmp_path / "home")
    analyst = User.objects.create(username="acu-analyst", role=Role.ACU_ANALYST, staff_id="S09001")
    _record(analyst, "INT-0003", "S00019")
    publish_intelligence(home)
    assert not publications_pending() and _published(home) == [("S00019", "2BP")]
