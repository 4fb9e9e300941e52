"""Making a report: each route stores it whole, once, sealed; every rule refuses bad input with a clear message
and keeps what was typed; nothing about the reporter's device or address is kept."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from PIL import Image

from portal import ACCOUNT, NAMED, PARTNER, database_text, form_token, receipt_code, submit
from upstander.web.models import StaffMember
from upstander.web.portal import guard as portal_guard
from upstander.web.portal.models import Report
from upstander.web.portal.reporting import receipt

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    portal_guard._limits.clear()  # each test starts with no counts (the limiter lives in process memory)


@pytest.mark.parametrize("route", ["public", "partner", "staff"])
def test_each_route_stores_the_report_and_shows_a_receipt_code_once(route: str) -> None:
    response = submit(Client(), route)
    assert response.status_code == 200 and "Your report has been received" in response.content.decode()
    code = receipt_code(response)
    report = Report.objects.get()
    assert report.route == route and report.what_happened == ACCOUNT and report.anonymous
    assert receipt.is_well_formed(code) and report.receipt_hash == receipt.code_hash(code)
    assert report.reference in response.content.decode()
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "same-origin"
    if route == "partner":
        assert report.partner_agency == PARTNER["partner_agency"] and report.survivor_consent == "yes"


def test_the_same_form_sent_twice_is_stored_once_and_the_code_is_not_shown_again() -> None:
    client = Client()
    token = form_token(client, "public")
    first = submit(client, token=token)
    second = submit(client, token=token)
    assert Report.objects.count() == 1
    assert receipt_code(first) and 'id="receipt-code"' not in second.content.decode()
    assert "already been sent" in second.content.decode()


def test_an_anonymous_reporter_s_half_typed_details_are_dropped() -> None:
    submit(Client(), **(NAMED | {"anonymity": "anonymous"}))
    report = Report.objects.get()
    assert report.anonymous and report.reporter_name == "" and report.reporter_phone == ""
    assert report.reporter_email == "" and report.safe_times == "" and not report.contact_consent


def test_a_named_reporter_s_details_are_kept_sealed_with_consent_and_safe_ways() -> None:
    submit(Client(), **NAMED)
    report = Report.objects.get()
    assert not report.anonymous and report.contact_consent
    assert (report.reporter_name, report.reporter_phone, report.safe_channels) == (
        "Jordan Example", "07700 900123", "text_message")


def test_a_collar_number_naming_one_member_of_staff_links_the_report_at_once() -> None:
    StaffMember.objects.create(staff_id="S04211", name="Dale Example", role="constable", collar_number="4211")
    submit(Client(), subject_collar="PC 4211")
    assert Report.objects.get().subject_staff_id == "S04211"


def test_a_collar_number_shared_by_two_records_links_nobody() -> None:
    for sid in ("S1", "S2"):
        StaffMember.objects.create(staff_id=sid, name=sid, role="constable", collar_number="4211")
    submit(Client(), subject_collar="4211")
    assert Report.objects.get().subject_staff_id == ""


BAD = [
    ({"what_happened": ""}, "Please tell us what happened"),
    ({"what_happened": "He was rude."}, "at least 20 characters"),
    ({"what_happened": "x" * 20_001}, "under 20,000 characters"),
    ({"subject_name": "", "subject_collar": "", "subject_role": "", "subject_station": "",
      "subject_description": ""}, "at least one thing that helps identify"),
    ({"others_affected": "perhaps"}, "Please choose one of the answers given"),
    ({"anonymity": ""}, "Please choose whether to stay anonymous"),
    ({"anonymity": "named"}, "Please give your name"),
    (NAMED | {"reporter_phone": "call me"}, "Please check the phone number"),
    (NAMED | {"reporter_email": "jordan@"}, "Please check the email address"),
    (NAMED | {"safe_channels": []}, "at least one way that is safe"),
    (NAMED | {"safe_channels": ["carrier_pigeon"]}, "Please choose from the ways listed"),
    (NAMED | {"safe_channels": ["email"], "reporter_email": ""}, "You chose email"),
    (NAMED | {"reporter_phone": ""}, "You chose a call or a text"),
    (NAMED | {"reporter_phone": "", "reporter_email": "", "safe_channels": ["phone_call"]},
     "Please give a phone number or an email address"),
    ({"subject_collar": "1" * 21}, "under 20 characters"),
]


@pytest.mark.parametrize(("fields", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_typed_is_lost(fields: dict, message: str) -> None:
    response = submit(Client(), **fields)
    html = response.content.decode()
    assert response.status_code == 400 and message in html and "There is a problem" in html
    assert Report.objects.count() == 0
    assert "my flat on the estate" in html  # a field the reporter filled in is still filled in
    if fields.get("what_happened", ACCOUNT) == ACCOUNT:
        assert "kept texting me late at night" in html
    assert 'aria-invalid="true"' in html  # the field in error is marked for screen readers


@pytest.mark.parametrize("field", ["partner_agency", "partner_worker", "survivor_consent"])
def test_a_partner_referral_needs_the_agency_the_worker_and_whether_the_person_knows(field: str) -> None:
    response = submit(Client(), "partner", **{field: ""})
    assert response.status_code == 400 and Report.objects.count() == 0
    assert "Please tell us" in response.content.decode() or "Please say whether" in response.content.decode()


def test_a_form_without_its_one_time_token_is_refused_and_kept() -> None:
    response = submit(Client(), token="not a token!")
    assert response.status_code == 400 and "The form was incomplete" in response.content.decode()
    assert Report.objects.count() == 0 and "kept texting me" in response.content.decode()


def test_an_unknown_route_goes_back_to_the_start() -> None:
    response = Client().get("/report/police-federation/")
    assert response.status_code == 302 and response["Location"] == "/report/"


def _jpeg_with_location() -> bytes:
    image = Image.new("RGB", (64, 48), (120, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS: where the photo was taken
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_an_attached_photo_is_stored_sealed_without_its_location() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from upstander.web.sealing import unseal_bytes

    photo = _jpeg_with_location()
    assert b"PhoneMaker" in photo
    client = Client()
    response = client.post("/report/public/", {
        **{k: v for k, v in submit.__globals__["REPORT"].items()}, "submission": form_token(client, "public"),
        "attachments": [SimpleUploadedFile("IMG_0042.jpg", photo, content_type="image/jpeg")]})
    assert response.status_code == 200
    attachment = Report.objects.get().attachments.get()
    stored = unseal_bytes(bytes(attachment.sealed), purpose="report_attachment.data")
    assert attachment.content_type == "image/jpeg" and b"PhoneMaker" not in stored
    assert Image.open(io.BytesIO(stored)).getexif() == {} and Image.open(io.BytesIO(stored)).size == (64, 48)
    assert b"PhoneMaker" not in bytes(attachment.sealed)


def test_a_web_page_renamed_as_a_photo_is_refused_and_the_report_not_stored() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    response = client.post("/report/public/", {
        **submit.__globals__["REPORT"], "submission": form_token(client, "public"),
        "attachments": [SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>")]})
    html = response.content.decode()
    assert response.status_code == 400 and Report.objects.count() == 0
    assert "photo.jpg" in html and "please choose your files again" in html and "kept texting me" in html


def test_no_address_or_device_detail_is_stored_with_a_report() -> None:
    client = Client(REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="UniquePhoneBrowser/9.9 (Model-XJ3)",
                    HTTP_X_FORWARDED_FOR="198.51.100.23")
    submit(client, **NAMED)
    text = database_text()
    for device_detail in ("203.0.113.77", "198.51.100.23", "UniquePhoneBrowser", "Model-XJ3"):
        assert device_detail not in text
    assert "203.0.113.77" not in repr(portal_guard.limiter("report").__dict__)


def test_too_many_reports_from_one_address_are_paused_without_storing_the_address(monkeypatch) -> None:
    monkeypatch.setenv("UPSTANDER_REPORT_LIMIT", "2")
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert submit(client).status_code == 200 and submit(client).status_code == 200
    third = submit(client)
    assert third.status_code == 429 and "try again" in third.content.decode()
    assert Report.objects.count() == 2
    assert submit(Client(REMOTE_ADDR="203.0.113.10")).status_code == 200  # another client is not affected
    assert "203.0.113.9" not in repr(portal_guard.limiter("report").__dict__)


def test_a_report_waiting_too_long_for_the_database_lock_is_tried_again_not_lost(monkeypatch) -> None:
    from django.db import OperationalError

    from upstander.web.portal.reporting import intake

    real_create = Report.objects.create
    calls = []

    def locked_once(**kwargs):  # what SQLite raises when another writer holds the lock past the timeout
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real_create(**kwargs)

    monkeypatch.setattr(Report.objects, "create", locked_once)
    monkeypatch.setattr(intake.time, "sleep", lambda s: None)
    response = submit(Client())
    assert response.status_code == 200 and receipt_code(response)
    assert len(calls) == 2 and Report.objects.count() == 1
