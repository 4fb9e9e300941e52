"""Retention of confidential reports after closing: just outside the period a report goes with its messages,
attachments and reveal decisions; just inside it stays; a report a case that is not closed depends on, or one
with a reveal request still open, is held until that ends."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from portal import REPORT, form_token
from upstander import settings
from upstander.detect.alerts import AlertStore
from upstander.retention import reports as report_retention
from upstander.retention.policy import Policy
from upstander.retention.run import Actor
from upstander.retention.summary import KindResult
from upstander.web.cases.models import Case
from upstander.web.models import AccessLog
from upstander.web.portal import guard as portal_guard
from upstander.web.portal.models import IdentityReveal, Report, ReportAttachment, ReportMessage, ReportSubject
from webworld import World

pytestmark = pytest.mark.django_db
NOW = datetime.fromisoformat("2037-06-01T10:00:00+00:00")
CUTOFF = NOW - timedelta(days=3650)  # the default period: ten years after closing
RETENTION = Actor("retention (test)")


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 90, 60)).save(out, "JPEG")
    return out.getvalue()


def new_report(**fields: str) -> Report:
    portal_guard._limits.clear()
    before = set(Report.objects.values_list("pk", flat=True))
    client = Client()
    data = {**REPORT, **fields, "submission": form_token(client, "public")}
    if "with_photo" in fields:
        data.pop("with_photo")
        data["attachments"] = [SimpleUploadedFile("IMG_0042.jpg", photo(), content_type="image/jpeg")]
    assert client.post("/report/public/", data).status_code == 200
    return Report.objects.exclude(pk__in=before).get()


def closed_at(report: Report, when: datetime, subject_staff_id: str = "") -> Report:
    Report.objects.filter(pk=report.pk).update(status=Report.Status.CLOSED, closed_at=when,
                                               subject_staff_id=subject_staff_id)
    report.refresh_from_db()
    return report


def run(apply: bool) -> KindResult:
    return report_retention.run(settings.home(), Policy.read(NOW), apply=apply, actor=RETENTION)


def test_closing_a_report_in_the_unit_starts_its_period_and_reopening_clears_it(world: World) -> None:
    report = new_report()
    client = world.client(world.lead)
    before = timezone.now()
    assert client.post(reverse("report_update", args=[report.pk]), {"status": "closed"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "closed" and before <= report.closed_at <= timezone.now()
    assert client.post(reverse("report_update", args=[report.pk]), {"status": "assessing"}).status_code == 302
    report.refresh_from_db()
    assert report.closed_at is None


@pytest.fixture
def reports(world: World) -> dict[str, Report]:
    outside = closed_at(new_report(with_photo="yes"), CUTOFF - timedelta(minutes=1))
    ReportMessage.objects.create(report=outside, sender=ReportMessage.Sender.UNIT, by=world.analyst,
                                 body="Thank you: we have looked into what you told us and the matter is closed.")
    IdentityReveal.objects.create(report=outside, by=world.analyst, reason="Needed for the witness statement.",
                                  status=IdentityReveal.Status.REFUSED, decided_by=world.lead, decided_at=CUTOFF)
    inside = closed_at(new_report(), CUTOFF + timedelta(minutes=1))
    subject = world.alert.subject_staff_id
    with_case = closed_at(new_report(), CUTOFF - timedelta(days=400), subject_staff_id=subject)
    case = Case.objects.create(reference="UPS-2036-00031", title="Sexual misconduct: contact after purpose",
                               subject_staff_id=subject, opened_by=world.lead, stage=Case.Stage.INVESTIGATION)
    with_reveal = closed_at(new_report(), CUTOFF - timedelta(days=400))
    IdentityReveal.objects.create(report=with_reveal, by=world.investigator, reason="To take a statement.")
    still_open = new_report()
    Report.objects.filter(pk=still_open.pk).update(received_at=CUTOFF - timedelta(days=4000))
    return {"outside": outside, "inside": inside, "with_case": with_case, "case": case,  # type: ignore[dict-item]
            "with_reveal": with_reveal, "open": still_open}


def test_a_dry_run_lists_what_is_due_and_deletes_nothing(reports: dict) -> None:
    result = run(apply=False)
    assert (result.due, result.held, result.deleted) == (1, 2, 0)
    assert result.oldest == reports["outside"].closed_at
    assert "a case that is not closed" in result.held_because and "reveal" in result.held_because
    assert Report.objects.count() == 5 and ReportAttachment.objects.filter(report=reports["outside"]).exists()


def test_just_outside_goes_with_everything_hanging_off_it(world: World, reports: dict) -> None:
    gone = reports["outside"]
    assert ReportAttachment.objects.filter(report=gone).count() == 1
    result = run(apply=True)
    assert result.deleted == 1 and result.deleted_what == f"reports {gone.reference}"
    assert not Report.objects.filter(pk=gone.pk).exists()
    for model in (ReportMessage, ReportAttachment, IdentityReveal, ReportSubject):
        assert not model.objects.filter(report_id=gone.pk).exists(), model.__name__
    kept = {reports[k].pk for k in ("inside", "with_case", "with_reveal", "open")}
    assert set(Report.objects.values_list("pk", flat=True)) == kept
    entry = AccessLog.objects.get(object_type="retention", object_id="reports")
    assert gone.reference in entry.detail and "1 messages and 1 attachments" in entry.detail


def test_a_held_report_falls_due_once_its_case_closes_and_its_reveal_is_decided(world: World, reports: dict) -> None:
    run(apply=True)
    Case.objects.filter(pk=reports["case"].pk).update(stage=Case.Stage.CLOSED)
    IdentityReveal.objects.filter(report=reports["with_reveal"]).update(
        status=IdentityReveal.Status.APPROVED, decided_by=world.lead, decided_at=NOW)
    still = run(apply=True)  # approved but not yet shown to the requester: still waiting on the report
    assert still.deleted == 1 and Report.objects.filter(pk=reports["with_reveal"].pk).exists()
    IdentityReveal.objects.filter(report=reports["with_reveal"]).update(shown_at=NOW)
    assert run(apply=True).deleted == 1
    assert set(Report.objects.values_list("pk", flat=True)) == {reports["inside"].pk, reports["open"].pk}


def test_a_deleted_linked_report_no_longer_counts_on_the_risk_matrix(world: World, reports: dict) -> None:
    subject = world.alert.subject_staff_id
    Report.objects.filter(pk=reports["outside"].pk).update(subject_staff_id=subject)
    Case.objects.filter(pk=reports["case"].pk).update(stage=Case.Stage.CLOSED)

    def reports_about_subject() -> int:
        with AlertStore(world.home).connect() as con:
            return con.execute("SELECT count(*) FROM intelligence WHERE staff_id = ? AND category = "
                               "'confidential report'", [subject]).fetchone()[0]

    from upstander.web.sync import publish_intelligence

    publish_intelligence(world.home)
    assert reports_about_subject() == 2
    run(apply=True)
    assert reports_about_subject() == 0
