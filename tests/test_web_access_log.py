"""The access log: every sensitive view and change appended, hash-chained, and impossible to edit quietly."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from upstander.web.models import AccessLog
from upstander.web.models.access_log import AppendOnlyError, record, verify_chain
from webworld import World

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
