"""The access log, exported as an audit feed, loads into the lake like any force system's audit log."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from upstander.feeds.loading import load_delivery
from upstander.lake import Lake
from upstander.web.access_export import export_access_log
from webworld import World


def test_views_and_refusals_reach_the_lake_as_audit_rows(world: World, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    world.client(world.analyst).get(reverse("person", args=[world.alert.subject_staff_id]))
    world.client(world.subject).get(reverse("alert", args=[world.alert.pk]))
    path, n = export_access_log(tmp_path / "delivery")
    assert path is not None and n >= 2
    home = tmp_path / "home"
    shutil.copytree(world.home / "lake", home / "lake")  # a copy: the shared detected home stays untouched
    monkeypatch.setenv("UPSTANDER_HOME", str(home))
    summary = load_delivery(tmp_path / "delivery", home=home)
    assert summary.quarantined == 0 and summary.loaded["audit"] == n
    rows = Lake(home).connect().execute(
        "SELECT staff_id, object_type, object_id, action, search_terms FROM audit WHERE audit_id LIKE 'UPS-ACCESS-%'"
    ).fetchall()
    assert (world.analyst.staff_id, "staff", world.alert.subject_staff_id, "view", None) in rows
    assert (world.subject.staff_id, "other", str(world.alert.pk), "view", "refused") in rows
    again, _ = export_access_log(tmp_path / "later", after_id=10**9)
    assert again is None


def test_a_subject_looking_for_their_own_record_is_caught_by_detection(world: World, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from upstander.detect.engine import run_detection

    subject_client = world.client(world.subject)
    assert subject_client.get(reverse("person", args=[world.subject.staff_id])).status_code == 404
    world.client(world.analyst).get(reverse("alert", args=[world.alert.pk]))  # an ordinary, allowed view
    export_access_log(tmp_path / "delivery")
    home = tmp_path / "home"
    shutil.copytree(world.home / "lake", home / "lake")
    monkeypatch.setenv("UPSTANDER_HOME", str(home))
    load_delivery(tmp_path / "delivery", home=home)
    run_detection(home, full=True)
    from upstander.detect.alerts import AlertStore

    with AlertStore(home).connect() as con:
        flagged = [s for (s,) in con.execute(
            "SELECT subject_staff_id FROM alerts WHERE detector_id = 'refused_in_upstander'").fetchall()]
    assert flagged == [world.subject.staff_id]
