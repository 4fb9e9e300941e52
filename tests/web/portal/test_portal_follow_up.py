"""Coming back with a receipt code: status and two-way messages; a wrong or mistyped code gets a plain answer; a
lost code cannot be recovered; quick exit ends the follow-up session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from portal import receipt_code, submit
from upstander.web.portal import guard as portal_guard
from upstander.web.portal.models import PortalVisit, Report, ReportMessage
from upstander.web.portal.reporting.follow_up import FOLLOW_UP_SECONDS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    portal_guard._limits.clear()


def _reported() -> tuple[Client, str]:
    client = Client()
    return client, receipt_code(submit(client))


def test_the_code_opens_the_report_however_it_is_typed_and_messages_go_both_ways() -> None:
    _, code = _reported()
    reporter = Client()  # later, maybe on another device
    typed = code.replace("-", "  ").upper()
    response = reporter.post("/report/follow-up/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == "/report/follow-up/report/"
    report = Report.objects.get()
    ReportMessage.objects.create(report=report, sender="unit", body="Thank you. We have your report and are looking "
                                                                     "at it. You can reply here.")
    page = reporter.get("/report/follow-up/report/").content.decode()
    assert report.reference in page and "Received" in page and "We have your report" in page
    assert reporter.post("/report/follow-up/report/", {"body": "He messaged again last night."}).status_code == 302
    assert report.messages.filter(sender="reporter").get().body == "He messaged again last night."
    visit = PortalVisit.objects.get()  # the follow-up lapses 15 minutes after its last use
    assert visit.expires_at <= timezone.now() + timedelta(seconds=FOLLOW_UP_SECONDS)


def test_an_empty_reply_is_refused_and_nothing_is_stored() -> None:
    _, code = _reported()
    reporter = Client()
    reporter.post("/report/follow-up/", {"code": code})
    response = reporter.post("/report/follow-up/report/", {"body": "   "})
    assert response.status_code == 400 and "Please tell us your message" in response.content.decode()
    assert not ReportMessage.objects.exists()


@pytest.mark.parametrize(("typed", "message"), [
    ("", "Please enter your receipt code"),
    ("TWO-WORDS", "A receipt code has 6 words; this has 2"),
    ("zzzzqq-river-otter-cloud-lemon-stone", "is not one of the words"),
])
def test_a_mistyped_code_gets_a_plain_message(typed: str, message: str) -> None:
    _, code = _reported()
    if typed == "TWO-WORDS":
        typed = " ".join(code.split("-")[:2])
    response = Client().post("/report/follow-up/", {"code": typed})
    assert response.status_code == 400 and message in response.content.decode()


def test_a_wrong_code_opens_nothing_and_the_page_says_a_lost_code_cannot_be_recovered() -> None:
    _, code = _reported()
    words = code.split("-")
    wrong = "-".join([words[1], words[0], *words[2:]]) if words[0] != words[1] else "-".join(reversed(words))
    response = Client().post("/report/follow-up/", {"code": wrong})
    html = response.content.decode()
    assert response.status_code == 400 and "No report has that code" in html and "cannot be recovered" in html
    assert Client().get("/report/follow-up/report/")["Location"] == "/report/follow-up/"


def test_guessing_codes_is_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPSTANDER_REPORT_LIMIT", "3")
    _, code = _reported()
    guesser = Client(REMOTE_ADDR="203.0.113.50")
    for _ in range(3):
        guesser.post("/report/follow-up/", {"code": "-".join(reversed(code.split("-")))})
    assert guesser.post("/report/follow-up/", {"code": code}).status_code == 429  # even the right code, for now


def test_quick_exit_ends_the_follow_up_session_and_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPSTANDER_QUICK_EXIT_URL", "https://www.example.org/weather")
    _, code = _reported()
    reporter = Client()
    reporter.post("/report/follow-up/", {"code": code})
    assert reporter.get("/report/follow-up/report/").status_code == 200
    response = reporter.get("/report/exit/")
    assert response.status_code == 302 and response["Location"] == "https://www.example.org/weather"
    assert "cookies" in response["Clear-Site-Data"] and response["Referrer-Policy"] == "no-referrer"
    assert reporter.get("/report/follow-up/report/")["Location"] == "/report/follow-up/"


@pytest.mark.parametrize("path", ["/report/", "/report/public/", "/report/partner/", "/report/staff/",
                                  "/report/follow-up/"])
def test_every_portal_page_has_the_quick_exit_control(path: str) -> None:
    html = Client().get(path).content.decode()
    assert 'id="quick-exit"' in html and 'href="/report/exit/"' in html
