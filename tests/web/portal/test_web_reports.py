"""The unit's side of reports: triage sees them (once the ACU lead has triaged them) with their obligations;
replies acknowledge and give feedback; the person reported, their chain and housemates never see it.
Need to know before linking: test_web_reports_need_to_know.py; the two-person reveal: test_web_reports_reveal.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal import NAMED, submit
from upstander.web.intelligence.models import IntelligenceRecord
from upstander.web.models import AccessLog, StaffMember
from upstander.web.portal import guard as portal_guard
from upstander.web.portal.models import IdentityReveal, Report
from webworld import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(world: World) -> Report:
    """A named report whose collar number names the subject of the top alert."""
    portal_guard._limits.clear()
    StaffMember.objects.filter(staff_id=world.alert.subject_staff_id).update(collar_number="7342")
    StaffMember.objects.exclude(staff_id=world.alert.subject_staff_id).filter(collar_number="7342").update(
        collar_number="")
    assert submit(Client(), **(NAMED | {"subject_collar": "PC 7342"})).status_code == 200
    made = Report.objects.get()
    assert made.subject_staff_id == world.alert.subject_staff_id
    assert world.client(world.lead).post(reverse("report_triage", args=[made.pk])).status_code == 302
    made.refresh_from_db()
    return made


def test_the_analyst_sees_the_report_but_not_who_made_it(world: World, report: Report) -> None:
    client = world.client(world.analyst)
    assert report.reference in client.get(reverse("reports")).content.decode()
    html = client.get(reverse("report", args=[report.pk])).content.decode()
    assert "kept texting me late at night" in html and "PC 7342" in html
    assert "Jordan Example" not in html and "07700 900123" not in html and "Ask to reveal identity" in html
    assert AccessLog.objects.filter(user=world.analyst, action="view", object_type="report",
                                    object_id=report.reference).exists()


def test_a_reveal_request_needs_a_reason_and_shows_nothing_by_itself(world: World, report: Report) -> None:
    client = world.client(world.analyst)
    refused = client.post(reverse("report_reveal", args=[report.pk]), {"reason": "need it"})
    assert refused.status_code == 400 and "Jordan Example" not in refused.content.decode()
    assert not IdentityReveal.objects.exists()
    reason = "To arrange a safe visit to take a first account, as the reporter asked to be contacted."
    asked = client.post(reverse("report_reveal", args=[report.pk]), {"reason": reason})
    assert asked.status_code == 302
    html = client.get(reverse("report", args=[report.pk])).content.decode()
    assert "Jordan Example" not in html and "Waiting for a decision" in html
    assert IdentityReveal.objects.get().reason == reason
    assert AccessLog.objects.filter(action="reveal request", object_id=report.reference).exists()


def test_the_first_reply_acknowledges_and_feedback_is_recorded(world: World, report: Report) -> None:
    client = world.client(world.analyst)
    client.post(reverse("report_reply", args=[report.pk]), {"body": "Thank you, we have your report.",
                                                            "kind": "update"})
    report.refresh_from_db()
    assert report.acknowledged_at is not None and report.status == "acknowledged" and report.feedback_at is None
    assert report.messages.get().counts_as == "acknowledgement"
    client.post(reverse("report_reply", args=[report.pk]), {"body": "The officer has been suspended while we "
                                                                    "investigate.", "kind": "feedback"})
    report.refresh_from_db()
    assert report.feedback_at is not None


@pytest.mark.parametrize(("form", "message"), [({"body": "ok", "kind": "update"}, "Write the message"),
                                               ({"body": "A proper sentence here.", "kind": "gossip"}, "Choose")])
def test_a_bad_reply_is_refused(world: World, report: Report, form: dict, message: str) -> None:
    response = world.client(world.analyst).post(reverse("report_reply", args=[report.pk]), form)
    assert response.status_code == 400 and message in response.content.decode()
    assert not report.messages.exists()


def test_overdue_acknowledgement_and_feedback_show_on_the_unit_s_list(world: World, report: Report) -> None:
    Report.objects.filter(pk=report.pk).update(received_at=timezone.now() - timedelta(days=100))
    html = world.client(world.analyst).get(reverse("reports")).content.decode()
    assert "1 not acknowledged within 7 days" in html and "1 without feedback after 3 months" in html


def test_links_to_intelligence_are_checked(world: World, report: Report) -> None:
    client = world.client(world.analyst)
    bad = client.post(reverse("report_update", args=[report.pk]), {"status": "assessing", "intelligence": "INT-NOPE"})
    assert bad.status_code == 400 and "INT-NOPE" in bad.content.decode()
    record = IntelligenceRecord.objects.create(
        reference="INT-R-1", created_by=world.analyst, category="sexual_misconduct", theme="sexual_misconduct",
        source_grade="2", assessment="B", handling="P", text="Earlier third-party referral.",
        staff_ids=[world.alert.subject_staff_id])
    record.assigned.add(world.analyst)
    ok = client.post(reverse("report_update", args=[report.pk]), {"status": "assessing", "intelligence": "INT-R-1",
                                                                  "subject_staff_id": report.subject_staff_id})
    assert ok.status_code == 302
    report.refresh_from_db()
    assert report.status == "assessing" and list(report.linked_intelligence.all()) == [record]
    bad_staff = client.post(reverse("report_update", args=[report.pk]), {"subject_staff_id": "S99999"})
    assert bad_staff.status_code == 400 and "no member of staff" in bad_staff.content.decode()


@pytest.mark.parametrize("who", ["subject", "manager", "housemate"])
def test_the_person_reported_their_chain_and_housemates_never_see_it(world: World, report: Report,
                                                                      who: str) -> None:
    client = world.client(getattr(world, who))  # each works alerts in the unit, to make this hard
    assert report.reference not in client.get(reverse("reports")).content.decode()
    for name in ("report", "report_reveal", "report_reply", "report_update"):
        method = client.get if name == "report" else client.post
        assert method(reverse(name, args=[report.pk])).status_code == 404
    attachment_url = reverse("report_attachment", args=[report.pk, 1])
    assert client.get(attachment_url).status_code == 404
    assert AccessLog.objects.filter(user=getattr(world, who), action="refuse", object_type="report").count() == 5


@pytest.mark.parametrize("who", ["investigator", "outsider"])
def test_those_who_do_not_triage_and_are_not_assigned_get_not_found(world: World, report: Report,
                                                                    who: str) -> None:
    client = world.client(getattr(world, who))
    assert client.get(reverse("reports")).status_code == 404
    assert client.get(reverse("report", args=[report.pk])).status_code == 404


def test_an_assigned_investigator_may_open_it(world: World, report: Report) -> None:
    report.assigned.add(world.investigator)
    assert world.client(world.investigator).get(reverse("report", args=[report.pk])).status_code == 200


def test_an_unlinked_report_naming_an_analyst_is_kept_from_them(world: World) -> None:
    portal_guard._limits.clear()
    me = StaffMember.objects.get(staff_id=world.analyst.staff_id)
    submit(Client(), subject_collar="", subject_name=f"an analyst called {me.name}")
    report = Report.objects.get()
    assert report.subject_staff_id == ""
    client = world.client(world.analyst)
    assert client.get(reverse("report", args=[report.pk])).status_code == 404
    assert report.reference not in client.get(reverse("reports")).content.decode()
    assert world.client(world.lead).get(reverse("report", args=[report.pk])).status_code == 200


def test_a_linked_report_shows_on_the_person_view(world: World, report: Report) -> None:
    html = world.client(world.analyst).get(reverse("person", args=[report.subject_staff_id])).content.decode()
    assert report.reference in html and "Confidential reports" in html


def test_an_attachment_opens_only_through_its_own_report(world: World, report: Report) -> None:
    from upstander.web.portal.models import ReportAttachment
    from upstander.web.sealing import seal_bytes

    attachment = ReportAttachment.objects.create(report=report, filename="note.txt", content_type="text/plain",
                                                 size=12, sealed=seal_bytes(b"he said this", purpose=
                                                                            "report_attachment.data"))
    client = world.client(world.analyst)
    response = client.get(reverse("report_attachment", args=[report.pk, attachment.pk]))
    assert response.status_code == 200 and response.content == b"he said this"
    assert "attachment;" in response["Content-Disposition"]
    assert AccessLog.objects.filter(object_type="report attachment", object_id=report.reference).exists()
    portal_guard._limits.clear()
    submit(Client(), subject_collar="", subject_name="someone else entirely")
    other = Report.objects.exclude(pk=report.pk).get()
    # The attachment's id under another report's address (one the analyst may open) is not found.
    assert client.get(reverse("report_attachment", args=[other.pk, attachment.pk])).status_code == 404


def test_a_linked_report_counts_on_the_risk_matrix(world: World, report: Report) -> None:
    from upstander.risk.matrix import risk_matrix

    def report_points() -> list:
        row = next(iter(risk_matrix(world.home, only=[report.subject_staff_id])))
        return [p for p in row.points if "confidential report" in p.why]

    assert report_points() == []  # linked at the portal, but not published until the unit saves it
    world.client(world.analyst).post(reverse("report_update", args=[report.pk]), {
        "status": "assessing", "subject_staff_id": report.subject_staff_id})
    assert [p.points for p in report_points()] == [2.0]


def test_the_access_log_records_an_attachment_by_id_never_by_its_sealed_name(world: World, report: Report) -> None:
    from upstander.web.portal.models import ReportAttachment
    from upstander.web.sealing import seal_bytes

    name = "photo-of-his-car-outside-my-flat.jpg"
    attachment = ReportAttachment.objects.create(report=report, filename=name, content_type="text/plain", size=4,
                                                 sealed=seal_bytes(b"note", purpose="report_attachment.data"))
    response = world.client(world.analyst).get(reverse("report_attachment", args=[report.pk, attachment.pk]))
    assert response.status_code == 200
    entries = list(AccessLog.objects.values_list("object_type", "object_id", "detail"))
    assert ("report attachment", report.reference, f"attachment {attachment.pk}") in entries
    assert not [e for e in entries if any("photo-of-his-car" in str(v) for v in e)]
