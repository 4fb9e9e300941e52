"""Pruning the access log: the oldest entries go behind a signed retention anchor, the chain still verifies from
there, and tampering after pruning (an edit, a deletion from the middle, the anchor removed or forged) still shows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from typer.testing import CliRunner

from upstander.cli import register
from upstander.retention import access_log as pruning
from upstander.retention.policy import ACCESS_LOG, Policy
from upstander.retention.run import Actor
from upstander.web.models import AccessLog, RetentionAnchor
from upstander.web.models import access_log as log_module
from upstander.web.models.access_log import record, verify_chain
from upstander.web.sealing import init_keys

pytestmark = pytest.mark.django_db

FIRST = datetime(2019, 3, 4, 9, 0, tzinfo=UTC)
ANALYST = SimpleNamespace(pk=None, username="analyst.kaur", staff_id="S000412")
RETENTION = Actor("retention (test)")


@pytest.fixture
def keyed_home(home: Path) -> Path:
    init_keys()  # the chain's key, in this home's own key directory
    return home


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[datetime]]:
    """The access log's clock, set by the test: record() stamps entries with its last value."""
    now = [FIRST]
    monkeypatch.setattr(log_module, "timezone", SimpleNamespace(now=lambda: now[-1]))
    yield now


def entries_a_day_apart(clock: list[datetime], committed: Any, n: int) -> list[AccessLog]:
    """n entries by an analyst, one a day from FIRST, each committed (so the checkpoint follows)."""
    out = []
    for i in range(n):
        clock.append(FIRST + timedelta(days=i))
        with committed():
            out.append(record(ANALYST, "view", "person", f"S{1000 + i:06d}", "contact review"))
    return out


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    return lambda: django_capture_on_commit_callbacks(execute=True)


def prune(clock: list[datetime], committed: Any, now: datetime, days: int = 30) -> Any:
    clock.append(now)  # the retention run's own entry is written at its `now`
    with committed():
        return pruning.run(Path("."), Policy({ACCESS_LOG: days}, now), apply=True, actor=RETENTION)


def cli(*args: str) -> Any:
    return CliRunner().invoke(register(), list(args))


def test_entries_just_outside_the_period_go_and_the_log_still_verifies(keyed_home: Path, clock: list[datetime],
                                                                      committed: Any) -> None:
    entries = entries_a_day_apart(clock, committed, 10)
    # 30 days back from 35 days after the first entry: entries 1 to 5 (days 0-4) are older, day 5 is exactly
    # at the cutoff and kept.
    result = prune(clock, committed, FIRST + timedelta(days=35))
    assert (result.due, result.deleted, result.deleted_what) == (5, 5, "entries 1 to 5")
    assert result.oldest == entries[0].at
    kept = list(AccessLog.objects.order_by("seq").values_list("seq", flat=True))
    assert kept == [6, 7, 8, 9, 10, 11]  # 11: the entry saying what retention deleted
    assert "deleted 5 access-log entries" in AccessLog.objects.get(seq=11).detail
    assert verify_chain() is None
    verdict = cli("access-log", "verify")
    assert verdict.exit_code == 0, verdict.output
    assert "entries 6 to 11 (the 5 before were deleted under the retention policy" in verdict.output


def test_a_dry_run_deletes_nothing(keyed_home: Path, clock: list[datetime], committed: Any) -> None:
    entries_a_day_apart(clock, committed, 6)
    result = pruning.run(Path("."), Policy({ACCESS_LOG: 30}, FIRST + timedelta(days=60)), apply=False,
                         actor=RETENTION)
    assert result.due == 5 and result.deleted == 0  # all but the last, which the checkpoint names
    assert AccessLog.objects.count() == 6 and not RetentionAnchor.objects.exists()


def test_the_last_entry_is_never_deleted_however_old(keyed_home: Path, clock: list[datetime],
                                                     committed: Any) -> None:
    entries_a_day_apart(clock, committed, 3)
    prune(clock, committed, FIRST + timedelta(days=4000))
    assert list(AccessLog.objects.values_list("seq", flat=True)) == [3, 4]
    assert cli("access-log", "verify").exit_code == 0


def test_pruning_twice_moves_the_anchor_on(keyed_home: Path, clock: list[datetime], committed: Any) -> None:
    entries_a_day_apart(clock, committed, 10)
    prune(clock, committed, FIRST + timedelta(days=33))
    prune(clock, committed, FIRST + timedelta(days=37))
    assert list(RetentionAnchor.objects.values_list("seq", flat=True)) == [3, 7]
    assert AccessLog.objects.order_by("seq").first().seq == 8
    assert cli("access-log", "verify").exit_code == 0


@pytest.fixture
def pruned(keyed_home: Path, clock: list[datetime], committed: Any) -> list[AccessLog]:
    """Ten entries, the first five pruned: what is left, in order."""
    entries_a_day_apart(clock, committed, 10)
    prune(clock, committed, FIRST + timedelta(days=35))
    return list(AccessLog.objects.order_by("seq"))


def test_an_entry_edited_after_pruning_is_caught(pruned: list[AccessLog]) -> None:
    with connection.cursor() as cur:
        cur.execute("UPDATE web_accesslog SET object_id = %s WHERE id = %s", ["S009999", pruned[2].pk])
    result = cli("access-log", "verify")
    assert result.exit_code == 3 and f"breaks at entry {pruned[2].pk}" in result.output


def test_an_entry_deleted_from_the_middle_after_pruning_is_caught(pruned: list[AccessLog]) -> None:
    with connection.cursor() as cur:
        cur.execute("DELETE FROM web_accesslog WHERE id = %s", [pruned[2].pk])
    result = cli("access-log", "verify")
    assert result.exit_code == 3 and f"breaks at entry {pruned[3].pk}" in result.output


def test_deleting_the_oldest_kept_entries_as_if_by_retention_is_caught(pruned: list[AccessLog]) -> None:
    with connection.cursor() as cur:
        cur.execute("DELETE FROM web_accesslog WHERE seq <= %s", [pruned[1].seq])
    result = cli("access-log", "verify")
    assert result.exit_code == 3 and f"breaks at entry {pruned[2].pk}" in result.output


def test_removing_the_anchor_is_caught(pruned: list[AccessLog]) -> None:
    with connection.cursor() as cur:
        cur.execute("DELETE FROM web_retentionanchor")
    result = cli("access-log", "verify")
    assert result.exit_code == 3 and f"breaks at entry {pruned[0].pk}" in result.output


def test_a_forged_anchor_to_hide_more_deletions_is_caught(pruned: list[AccessLog]) -> None:
    """Someone deletes two more entries and moves the anchor on to cover them, without the key."""
    with connection.cursor() as cur:
        cur.execute("DELETE FROM web_accesslog WHERE seq <= %s", [pruned[1].seq])
        cur.execute("UPDATE web_retentionanchor SET seq = %s, hash = %s", [pruned[1].seq, pruned[1].hash])
    result = cli("access-log", "verify")
    assert result.exit_code == 3 and "not signed under the chain's key" in result.output


def test_a_log_that_does_not_verify_is_not_pruned(keyed_home: Path, clock: list[datetime], committed: Any) -> None:
    entries = entries_a_day_apart(clock, committed, 10)
    with connection.cursor() as cur:  # tampering among the entries that are due: pruning would hide it
        cur.execute("UPDATE web_accesslog SET username = %s WHERE id = %s", ["someone-else", entries[1].pk])
    with pytest.raises(pruning.LogNotWhole, match="does not verify"):
        prune(clock, committed, FIRST + timedelta(days=35))
    assert AccessLog.objects.count() == 10 and not RetentionAnchor.objects.exists()
    assert verify_chain() == entries[1].pk
