"""The access log, exported as an audit feed, loads into the lake like any force system's audit log."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import reverse

from upstander.feeds.loading import load_delivery
from upstander.lake import Lake
from upstander.web.access_export import export_access_log
from upstander.web.models import AccessLog
from upstander.web.models.access_log import record
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


def _load_and_detect(world: World, delivery: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Load an export into a copy of the world's lake, run detection; the staff refused_in_upstander names."""
    from upstander.detect.alerts import AlertStore
    from upstander.detect.engine import run_detection

    shutil.copytree(world.home / "lake", home / "lake")
    monkeypatch.setenv("UPSTANDER_HOME", str(home))
    summary = load_delivery(delivery, home=home)
    assert summary.quarantined == 0, "an access-log row was quarantined"
    run_detection(home, full=True)
    with AlertStore(home).connect() as con:
        return [s for (s,) in con.execute(
            "SELECT subject_staff_id FROM alerts WHERE detector_id = 'refused_in_upstander'").fetchall()]


# Control characters as an outside tester sent them, percent-encoded in the address.
CONTROLS = {"%00": "\\x00", "%0d%0a": "\\x0d\\x0a", "%1b%5b2J": "\\x1b[2J", "%7f": "\\x7f", "%09": "\\x09"}


def test_control_characters_in_an_address_cannot_blind_the_self_monitoring(world: World, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A NUL (or CR, LF, ESC) typed into an address is logged visibly, exported, loaded, and still detected."""
    client = world.client(world.analyst)
    own = world.analyst.staff_id
    for suffix in ("%00", "%00", *CONTROLS):
        assert client.get(f"/staff/{own}{suffix}/").status_code == 404
    path, _ = export_access_log(tmp_path / "delivery")
    assert path is not None
    assert own in _load_and_detect(world, tmp_path / "delivery", tmp_path / "home", monkeypatch)
    raw = path.read_bytes()
    assert not any(b < 0x20 and b not in b"\r\n" for b in raw), "a control character reached the export"
    # Refused for every view at once, before any database sees the value (PostgreSQL cannot store a NUL): the
    # address is logged, the fact visible as an escape.
    logged = set(AccessLog.objects.filter(action="refuse", object_type="address").values_list("object_id", flat=True))
    assert {f"/staff/{own}{shown}/" for shown in CONTROLS.values()} <= logged
    loaded = {r for (r,) in Lake(tmp_path / "home").connect().execute(
        "SELECT object_id FROM audit WHERE audit_id LIKE 'UPS-ACCESS-%' AND staff_id = ?", [own]).fetchall()}
    assert f"/staff/{own}\\x00/" in loaded and f"/staff/{own}\\x0d\\x0a/" in loaded


FORMULAS = ['=HYPERLINK("http:evil")', "-", "+1+1", "@SUM(A1)"]


def test_formulas_in_an_object_id_are_defused_in_the_export_and_still_load_and_detect(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client = world.client(world.analyst)
    for formula in FORMULAS:
        assert client.get(f"/staff/{quote(formula)}/").status_code == 404
    record(world.analyst, "refuse", "person", '=HYPERLINK("http://x")')  # a slash no address can carry
    path, _ = export_access_log(tmp_path / "delivery")
    assert path is not None
    with path.open(newline="", encoding="utf-8") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row]
    assert [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
    assert "'" + FORMULAS[0] in cells and "'-" in cells
    assert world.analyst.staff_id in _load_and_detect(world, tmp_path / "delivery", tmp_path / "home", monkeypatch)
    loaded = {r for (r,) in Lake(tmp_path / "home").connect().execute(
        "SELECT object_id FROM audit WHERE audit_id LIKE 'UPS-ACCESS-%'").fetchall()}
    assert {"'" + f for f in FORMULAS} <= loaded and "'=HYPERLINK(\"http://x\")" in loaded


def test_an_overlong_object_id_is_cut_visibly_instead_of_losing_the_entry(world: World) -> None:
    entry = record(world.analyst, "refuse", "person", "S" + "\x00" * 100)
    stored = AccessLog.objects.get(pk=entry.pk).object_id
    assert len(stored) == 64 and stored.startswith("S\\x00\\x00") and stored.endswith("…")
