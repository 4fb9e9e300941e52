"""The access log: every sensitive view and change appended, hash-chained, and impossible to edit quietly."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from typer.testing import CliRunner

from upstander.cli import register
from upstander.web.models import AccessLog
from upstander.web.models.access_log import GENESIS, AppendOnlyError, chain_hash, chain_key, record, verify_chain
from webworld import World

MIGRATION = importlib.import_module("upstander.web.migrations.0010_access_log_hmac")

pytestmark = pytest.mark.django_db



def test_views_changes_and_refusals_are_logged_in_an_intact_chain(world: World) -> None:
    world.client(world.analyst).get(reverse("alert", args=[world.alert.pk]))
    world.client(world.analyst).post(reverse("assign", args=[world.alert.pk]))
    world.client(world.subject).get(reverse("alert", args=[world.alert.pk]))
    actions = list(AccessLog.objects.values_list("username", "action"))
    assert ("analyst", "view") in actions and ("analyst", "change") in actions and ("subject", "refuse") in actions
    assert verify_chain() is None


def test_editing_an_entry_in_the_database_breaks_the_chain_at_that_entry(world: World) -> None:
    for i in range(5):
        record(world.analyst, "view", "alert", f"A{i}")
    target = AccessLog.objects.order_by("id")[2]
    with connection.cursor() as cur:
        cur.execute("UPDATE web_accesslog SET username = %s WHERE id = %s", ["someone-else", target.pk])
    assert verify_chain() == target.pk


def test_deleting_an_entry_breaks_the_chain_after_it(world: World) -> None:
    for i in range(4):
        record(world.analyst, "view", "alert", f"A{i}")
    doomed, after = AccessLog.objects.order_by("id")[1:3]
    with connection.cursor() as cur:
        cur.execute("DELETE FROM web_accesslog WHERE id = %s", [doomed.pk])
    assert verify_chain() == after.pk


def test_the_model_refuses_updates_and_deletes(world: World) -> None:
    entry = record(world.analyst, "view", "alert", "A1")
    entry.detail = "tidied"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


# The chain under its key, anchored outside the database (issue 10, item 9). Tampering goes through raw SQL,
# as it would have to: the model refuses updates and deletes.


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Run what follows as committed transactions are run: the checkpoint moves on after each append."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def log_entries(world: World, committed: Any, n: int) -> list[AccessLog]:
    with committed():
        world.client(world.analyst).get(reverse("alert", args=[world.alert.pk]))
        world.client(world.subject).get(reverse("person", args=[world.subject.staff_id]))
        for i in range(n - 2):
            record(world.analyst, "view", "person", f"S{i:05d}")
    return list(AccessLog.objects.order_by("id"))


def cli(*args: str) -> Any:
    return CliRunner().invoke(register(), list(args))


def rewrite(entries: list[AccessLog], next_hash: Callable[[AccessLog, str], str]) -> None:
    """Edit one entry's username and re-chain every entry from the first with `next_hash(entry, prev)`."""
    prev = GENESIS
    with connection.cursor() as cur:
        for entry in entries:
            if entry.pk == entries[3].pk:
                entry.username = "someone-else"
            entry.prev_hash = prev
            entry.hash = next_hash(entry, prev)
            cur.execute("UPDATE web_accesslog SET username = %s, prev_hash = %s, hash = %s WHERE id = %s",
                        [entry.username, entry.prev_hash, entry.hash, entry.pk])
            prev = entry.hash


def plain_sha256(entry: AccessLog, prev: str) -> str:
    """The chain as it was before the key: anyone could recompute it."""
    payload = json.dumps([entry.at.isoformat(), entry.username, entry.staff_id, entry.action, entry.object_type,
                          entry.object_id, entry.detail, prev], separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def test_an_intact_log_verifies_and_exports_with_its_checkpoint(world: World, committed: Any,
                                                                tmp_path: Path) -> None:
    entries = log_entries(world, committed, 30)
    result = cli("access-log", "verify")
    assert result.exit_code == 0, result.output
    assert "intact: 30 entries" in result.output and len(result.output.strip().splitlines()) == 1
    exported = cli("access-log", "export", "--out", str(tmp_path / "delivery"))
    assert exported.exit_code == 0, exported.output
    (checkpoint,) = (tmp_path / "delivery" / "audit").glob("*.checkpoint.json")
    beside = json.loads(checkpoint.read_text())
    assert (beside["entries"], beside["last_entry_id"], beside["head_hash"]) == (30, entries[-1].pk, entries[-1].hash)
    home = json.loads((world.home / "access-log-checkpoint.json").read_text())
    assert home["head_hash"] == entries[-1].hash


def test_cutting_the_last_20_entries_is_caught_and_export_refused(world: World, committed: Any,
                                                                  tmp_path: Path) -> None:
    entries = log_entries(world, committed, 30)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM web_accesslog WHERE id >= %s", [entries[10].pk])
    assert verify_chain() is None  # what is left is a valid chain: only the checkpoint shows the cut
    result = cli("access-log", "verify")
    assert result.exit_code == 3 and "20 entries were cut from the end" in result.output
    assert str(entries[-1].pk) in result.output
    exported = cli("access-log", "export", "--out", str(tmp_path / "delivery"))
    assert exported.exit_code == 3 and not (tmp_path / "delivery").exists()


def test_emptying_the_log_is_caught(world: World, committed: Any) -> None:
    log_entries(world, committed, 5)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM web_accesslog")
    result = cli("access-log", "verify")
    assert result.exit_code == 3 and "emptied" in result.output


def test_rewriting_with_a_recomputed_plain_chain_is_caught_at_the_first_entry(world: World, committed: Any) -> None:
    entries = log_entries(world, committed, 8)
    rewrite(entries, plain_sha256)
    result = cli("access-log", "verify")
    assert result.exit_code == 3 and f"breaks at entry {entries[0].pk}" in result.output


def test_rewriting_with_a_chain_keyed_under_another_key_is_caught(world: World, committed: Any) -> None:
    entries = log_entries(world, committed, 8)
    wrong = os.urandom(32)
    rewrite(entries, lambda e, prev: chain_hash(wrong, e.seq, e.at, e.username, e.staff_id, e.action,
                                                e.object_type, e.object_id, e.detail, prev))
    result = cli("access-log", "verify")
    assert result.exit_code == 3 and f"breaks at entry {entries[0].pk}" in result.output


def test_even_with_the_key_a_rewrite_or_a_cut_and_rechain_shows_against_the_checkpoint(world: World,
                                                                                      committed: Any) -> None:
    entries = log_entries(world, committed, 8)
    key = chain_key()
    rewrite(entries, lambda e, prev: chain_hash(key, e.seq, e.at, e.username, e.staff_id, e.action,
                                                e.object_type, e.object_id, e.detail, prev))
    assert verify_chain() is None
    result = cli("access-log", "verify")
    assert result.exit_code == 3 and "rewritten and re-chained" in result.output


def test_a_missing_checkpoint_fails_until_anchored_and_an_anchor_never_replaces_one(world: World) -> None:
    for i in range(3):
        record(world.analyst, "view", "alert", f"A{i}")  # never committed: no checkpoint was written
    missing = cli("access-log", "verify")
    assert missing.exit_code == 3 and "checkpoint" in missing.output and "missing" in missing.output
    anchored = cli("access-log", "verify", "--anchor")
    assert anchored.exit_code == 0 and "intact: 3 entries" in anchored.output
    again = cli("access-log", "verify", "--anchor")
    assert again.exit_code == 3 and "never replaced" in again.output


def test_a_damaged_checkpoint_is_reported_not_trusted(world: World, committed: Any) -> None:
    log_entries(world, committed, 3)
    (world.home / "access-log-checkpoint.json").write_text("{not json")
    result = cli("access-log", "verify")
    assert result.exit_code == 3 and "cannot be read" in result.output


class _Editor:
    connection = connection


def _insert_legacy(n: int, world: World) -> None:
    """Entries as the version before the key wrote them: a plain SHA-256 chain (seq not yet meaningful)."""
    prev = GENESIS
    with connection.cursor() as cur:
        for i in range(n):
            entry = AccessLog(at=timezone.now(), username="analyst", staff_id=world.analyst.staff_id, action="view",
                              object_type="person", object_id=f"S{i:05d}", detail="", prev_hash=prev)
            entry.hash = plain_sha256(entry, prev)
            cur.execute("INSERT INTO web_accesslog (seq, at, username, staff_id, action, object_type, object_id, "
                        "detail, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                        [-1 - i, entry.at, entry.username, entry.staff_id, entry.action, entry.object_type,
                         entry.object_id, entry.detail, prev, entry.hash])
            prev = entry.hash


def test_the_upgrade_rechains_an_intact_legacy_log_under_the_key(world: World, committed: Any) -> None:
    from django.apps import apps

    _insert_legacy(6, world)
    assert verify_chain() is not None
    with committed():
        MIGRATION.rechain_under_the_key(apps, _Editor())
    assert list(AccessLog.objects.order_by("id").values_list("seq", flat=True)) == [1, 2, 3, 4, 5, 6]
    result = cli("access-log", "verify")
    assert result.exit_code == 0 and "intact: 6 entries" in result.output


def test_the_upgrade_refuses_a_legacy_log_that_was_already_cut(world: World) -> None:
    from django.apps import apps

    _insert_legacy(6, world)
    doomed = AccessLog.objects.order_by("id")[2]
    with connection.cursor() as cur:
        cur.execute("DELETE FROM web_accesslog WHERE id = %s", [doomed.pk])
    with pytest.raises(RuntimeError, match=f"breaks at entry {doomed.pk + 1}"):
        MIGRATION.rechain_under_the_key(apps, _Editor())
