"""The web application was split by domain (portal, triage, cases, intelligence, prevention) after forces had
data in it. Rows written by the single `web` app must be the domain apps' rows after migrating, with their links,
and every table a domain model reads must be one that the old migrations made."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.apps import apps as live_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

DOMAINS = ("portal", "triage", "cases", "intelligence", "prevention")
BEFORE_SPLIT = [("web", "0013_retention")] + [(app, None) for app in DOMAINS]


def _migrate(targets: list[tuple[str, str | None]]):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _latest() -> list[tuple[str, str | None]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_rows_made_before_the_split_are_the_domain_apps_rows_after_it() -> None:
    try:
        old = _migrate(BEFORE_SPLIT)
        user = old.get_model("web", "User").objects.create(username="analyst.before", role="analyst")
        alert = old.get_model("web", "Alert").objects.create(
            alert_id="A-before-split", detector_id="contact_after_purpose", category="sexual_misconduct",
            subject_staff_id="S000042", alerted_at=datetime(2026, 3, 1, 9, tzinfo=UTC), score=7.5)
        case = old.get_model("web", "Case").objects.create(reference="UPS-2026-00001", title="Contact after a call",
                                                          subject_staff_id="S000042", opened_by=user,
                                                          source_alert=alert)
        case.assigned.add(user)
        record = old.get_model("web", "IntelligenceRecord").objects.create(
            reference="INT-2026-0001", created_by=user, category="disclosure", theme="sexual_misconduct",
            source_grade="2", assessment="B", handling="P", text="Seen with a vulnerable witness off duty",
            staff_ids=["S000042"])
        record.assigned.add(user)

        new = _migrate(_latest())
        assert not any(m for m in new.get_app_config("web").get_models()
                       if m.__name__ in {"Alert", "Case", "IntelligenceRecord", "Report", "Declaration"})
        Case = live_apps.get_model("cases", "Case")
        moved = Case.objects.get(reference="UPS-2026-00001")
        assert moved.source_alert.alert_id == "A-before-split"
        assert moved.source_alert.detector_id == "contact_after_purpose"
        assert [u.username for u in moved.assigned.all()] == ["analyst.before"]
        Record = live_apps.get_model("intelligence", "IntelligenceRecord")
        assert [u.username for u in Record.objects.get(reference="INT-2026-0001").assigned.all()] == ["analyst.before"]
    finally:
        _migrate(_latest())


@pytest.mark.django_db
def test_every_domain_table_and_link_table_is_one_the_old_migrations_made() -> None:
    tables = set(connection.introspection.table_names())
    checked = 0
    for label in DOMAINS:
        for model in live_apps.get_app_config(label).get_models():
            assert model._meta.db_table.startswith("web_"), model
            assert model._meta.db_table in tables, model
            for field in model._meta.many_to_many:
                assert field.remote_field.through._meta.db_table in tables, (model, field.name)
            checked += 1
    assert checked >= 13  # the five apps hold every table that moved
