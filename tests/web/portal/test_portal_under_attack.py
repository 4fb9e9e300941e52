"""The portal under attack (issue 10): floods refused before the body is read, no attachment work for a form the
server did not hand out, a bounded number of requests cleaning pictures at once, no row joining a member of
staff to the anonymous report they made, and a nameless file told, not dropped."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.http.multipartparser import MultiPartParser
from django.test import Client
from PIL import Image, ImageFile

from portal import REPORT, every_row, form_token, multipart_body, post_raw, receipt_code, submit
from upstander.web.models import User
from upstander.web.portal import guard as portal_guard
from upstander.web.portal.models import PortalVisit, Report, ReportMessage
from upstander.web.portal.reporting import attachments
from upstander.web.portal.views import reporter as portal
from upstander.web.roles import Role
from webworld import PASSWORD, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    portal_guard._limits.clear()


def _png(side: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (side, side), (40, 90, 160)).save(out, "PNG")  # one colour: a small file, many pixels
    return out.getvalue()


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts of the expensive steps: parsing a body, cleaning attachments, decoding a picture."""
    counts = {"parsed": 0, "cleaned": 0, "decoded": 0}
    real_parse, real_clean, real_load = MultiPartParser.parse, portal.clean_attachments, ImageFile.ImageFile.load

    def parse(self: Any) -> Any:
        counts["parsed"] += 1
        return real_parse(self)

    def clean(files: Any) -> Any:
        counts["cleaned"] += 1
        return real_clean(files)

    def load(self: Any) -> Any:
        counts["decoded"] += 1
        return real_load(self)

    monkeypatch.setattr(MultiPartParser, "parse", parse)
    monkeypatch.setattr(portal, "clean_attachments", clean)
    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return counts


# --- Item 4: exhaustion -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("token", ["", "A" * 44], ids=["empty token", "forged token"])
def test_a_form_the_server_did_not_hand_out_gets_no_attachment_work(token: str, work: dict[str, int]) -> None:
    body, kind = multipart_body(REPORT | {"submission": token}, [(f"big{i}.png", _png(3000)) for i in range(5)])
    response = post_raw(Client(), "/report/public/", body, kind)
    assert response.status_code == 400 and "The form was incomplete" in response.content.decode()
    assert "kept texting me late at night" in response.content.decode()  # what was typed is kept
    assert work["cleaned"] == 0 and work["decoded"] == 0 and not Report.objects.exists()


def test_a_body_declared_over_the_cap_is_refused_before_it_is_parsed(work: dict[str, int]) -> None:
    body, kind = multipart_body(REPORT | {"submission": "x"})
    response = post_raw(Client(), "/report/public/", body, kind, CONTENT_LENGTH=str(61 * 2**20))
    html = response.content.decode()
    assert response.status_code == 413 and "too large together" in html and "Nothing has been stored" in html
    assert work["parsed"] == 0 and response["Cache-Control"] == "no-store"


def test_a_body_declared_over_the_cap_for_a_receipt_code_is_refused_too(work: dict[str, int]) -> None:
    body, kind = multipart_body({"code": "x"})
    response = post_raw(Client(), "/report/follow-up/", body, kind, CONTENT_LENGTH=str(portal_guard.SMALL_BODY + 1))
    assert response.status_code == 413 and work["parsed"] == 0


def test_over_the_rate_limit_the_body_is_not_even_parsed(monkeypatch: pytest.MonkeyPatch,
                                                         work: dict[str, int]) -> None:
    monkeypatch.setenv("UPSTANDER_REPORT_LIMIT", "1")
    flooder = Client(REMOTE_ADDR="203.0.113.66")
    token = form_token(flooder, "public")
    body, kind = multipart_body(REPORT | {"submission": token}, [("a.png", _png(2000))])
    assert post_raw(flooder, "/report/public/", body, kind).status_code == 200
    parsed, decoded = work["parsed"], work["decoded"]
    for _ in range(3):
        response = post_raw(flooder, "/report/public/", body, kind)
        assert response.status_code == 429 and "try again" in response.content.decode()
    assert (work["parsed"], work["decoded"]) == (parsed, decoded)  # refused on the address alone
    assert Report.objects.count() == 1


def test_when_every_attachment_slot_is_taken_the_reporter_is_asked_to_resend_and_keeps_the_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attachments, "ATTACHMENT_WAIT_SECONDS", 0.05)
    held = [attachments._slots.acquire(timeout=5) for _ in range(attachments.ATTACHMENT_SLOTS)]
    try:
        assert all(held)  # other requests are cleaning pictures
        client = Client()
        body, kind = multipart_body(REPORT | {"submission": form_token(client, "public")}, [("a.png", _png(64))])
        response = post_raw(client, "/report/public/", body, kind)
    finally:
        for _ in held:
            attachments._slots.release()
    html = response.content.decode()
    assert response.status_code == 503 and "receiving a lot of files just now" in html
    assert "kept texting me late at night" in html and not Report.objects.exists()
    assert response["Retry-After"] == "60"
    # Once a slot is free, the same form goes through.
    assert post_raw(client, "/report/public/", body, kind).status_code == 200 and Report.objects.count() == 1


def test_an_ordinary_report_without_files_never_waits_for_an_attachment_slot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attachments, "ATTACHMENT_WAIT_SECONDS", 0.05)
    held = [attachments._slots.acquire(timeout=5) for _ in range(attachments.ATTACHMENT_SLOTS)]
    try:
        response = submit(Client())
    finally:
        for _ in held:
            attachments._slots.release()
    assert response.status_code == 200 and receipt_code(response)


# --- Item 6: no row joins a member of staff to their anonymous report -------------------------------------------

def _values(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [v for key, item in value.items() for v in (key, *_values(item))]
    if isinstance(value, list):
        return [v for item in value for v in _values(item)]
    return [value]


def _holds(values: list[Any], number: int) -> bool:
    return any(v == number or v == str(number) for v in values if not isinstance(v, bool))


def test_a_signed_in_member_of_staff_s_anonymous_report_is_in_no_row_with_their_account() -> None:
    staff = User(pk=4217, username="pc-reporter", role=Role.STAFF, staff_id="S07731")  # a number nothing else has
    staff.set_password(PASSWORD)
    staff.save()
    client = signed_in(staff)
    code = receipt_code(submit(client, "staff"))
    assert client.post("/report/follow-up/", {"code": code}).status_code == 302
    assert client.get("/report/follow-up/report/").status_code == 200
    reply = client.post("/report/follow-up/report/", {"body": "It happened again on the night shift."})
    assert reply.status_code == 302
    report = Report.objects.get()
    assert ReportMessage.objects.filter(report=report).exists() and PortalVisit.objects.filter(report=report).exists()
    assert client.session.get("_auth_user_id") == str(staff.pk)  # still signed in on the staff side

    rows = every_row()
    for table, row in rows:
        values = _values({k: v for k, v in row.items() if k != "id"})  # a row's own number is not a reference
        assert not (_holds(values, staff.pk) and _holds(values, report.pk)), f"{table} joins {row}"
        if table == "django_session":
            assert not _holds(values, report.pk) and "portal_report" not in values, f"a session holds {row}"
    assert any(table == "django_session" for table, _ in rows)  # the search read the sessions


def test_quick_exit_ends_the_follow_up_and_the_portal_cookie_is_the_portal_s_alone() -> None:
    client = Client()
    code = receipt_code(submit(client))
    response = client.post("/report/follow-up/", {"code": code})
    cookie = response.cookies["upstander_portal"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/report/"
    assert "sessionid" not in response.cookies and PortalVisit.objects.count() == 1
    assert client.get("/report/exit/").status_code == 302
    assert not PortalVisit.objects.exists()
    assert client.get("/report/follow-up/report/")["Location"] == "/report/follow-up/"


def test_a_stolen_or_made_up_portal_cookie_opens_nothing() -> None:
    client = Client()
    client.post("/report/follow-up/", {"code": receipt_code(submit(client))})
    stranger = Client()
    stranger.cookies["upstander_portal"] = PortalVisit.objects.get().key_hash  # what a database copy shows
    assert stranger.get("/report/follow-up/report/")["Location"] == "/report/follow-up/"


# --- Item 23: a file with an empty name --------------------------------------------------------------------------

def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def test_a_file_with_an_empty_name_is_told_not_dropped_and_nothing_is_stored() -> None:
    client = Client()
    body, kind = multipart_body(REPORT | {"submission": form_token(client, "public")}, [("", _photo())])
    response = post_raw(client, "/report/public/", body, kind)
    html = response.content.decode()
    assert response.status_code == 400 and "A file arrived without a name" in html
    assert "please choose your files again" in html and "kept texting me late at night" in html
    assert not Report.objects.exists()


def test_no_file_chosen_is_still_an_ordinary_report() -> None:
    client = Client()  # a browser sends an empty part with an empty name when no file is chosen
    body, kind = multipart_body(REPORT | {"submission": form_token(client, "public")}, [("", b"")])
    response = post_raw(client, "/report/public/", body, kind)
    assert response.status_code == 200 and Report.objects.get().attachments.count() == 0


def test_a_big_file_with_an_empty_name_gets_a_page_that_says_what_to_do() -> None:
    client = Client()  # Django reads it as a text field, and it is over the 2.5 MB a form's text may take
    body, kind = multipart_body(REPORT | {"submission": form_token(client, "public")}, [("", b"x" * 3 * 2**20)])
    response = post_raw(client, "/report/public/", body, kind)
    html = response.content.decode()
    assert response.status_code == 400 and "a file without a name" in html and "Nothing has been stored" in html
    assert not Report.objects.exists()
