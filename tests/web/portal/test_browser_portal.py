"""In a real browser: the confidential reporting portal end to end.

Each route from the start page to a receipt code; the anonymous follow-up with that code and the unit's reply;
validation that keeps what was typed; the quick exit (a click, Esc twice, and with JavaScript off); a phone's
screen; the need-to-know refusals of a report about a member of staff; and axe-core on every reporting page.

Nothing leaves the machine: the quick exit goes to a tiny "ordinary site" served on 127.0.0.1 by the test, and
every browser context aborts (and records) any request to another host.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

import csp
from axe import assert_accessible, violations
from browser import shot, sign_in, until
from upstander.web.models import StaffMember, User
from upstander.web.portal import guard as portal_guard
from upstander.web.portal.models import PortalVisit, Report, ReportAttachment, ReportMessage
from upstander.web.portal.reporting import receipt
from upstander.web.sealing import unseal_bytes
from webworld import PASSWORD, World

pytestmark = pytest.mark.django_db(transaction=True)

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


# --- The ordinary site the quick exit goes to, and the guard that keeps the browser on this machine. ---------


@dataclass
class Landing:
    url: str
    requests: list[dict[str, str | None]] = field(default_factory=list)


@pytest.fixture(scope="module")
def landing() -> Iterator[Landing]:
    """A tiny weather page on 127.0.0.1, standing in for the innocuous site UPSTANDER_QUICK_EXIT_URL names."""
    seen: list[dict[str, str | None]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(
                {"path": self.path, "referer": self.headers.get("Referer"), "cookie": self.headers.get("Cookie")}
            )
            body = (
                b"<!doctype html><html lang='en'><head><title>Weather forecast</title></head>"
                b"<body><h1>Weather forecast</h1><p>Sunny spells, light winds.</p></body></html>"
            )
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site = Landing(url=f"http://127.0.0.1:{server.server_address[1]}/weather", requests=seen)
    yield site
    server.shutdown()
    server.server_close()


BLOCKED: list[str] = []
POLICY_BLOCKED: list[str] = []  # what the pages' Content-Security-Policy blocked: must stay empty


def guard(context: Any) -> Any:
    """Abort, and record, any request this browser context makes to a host other than this machine."""

    def route(r: Any) -> None:
        if urlparse(r.request.url).hostname in LOCAL_HOSTS or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            BLOCKED.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    csp.watch(context, POLICY_BLOCKED)
    return context


@pytest.fixture(autouse=True)
def portal_env(monkeypatch: pytest.MonkeyPatch, landing: Landing) -> Iterator[None]:
    """The quick exit goes to the local landing page; fresh rate limiters (their counts are in memory, shared by
    every test in this process); and, afterwards, nothing may have tried to leave the machine."""
    monkeypatch.setenv("UPSTANDER_QUICK_EXIT_URL", landing.url)
    monkeypatch.setattr(portal_guard, "_limits", {})
    landing.requests.clear()
    BLOCKED.clear()
    POLICY_BLOCKED.clear()
    yield
    assert not BLOCKED, f"the browser tried to leave the machine: {BLOCKED}"
    assert not POLICY_BLOCKED, f"the page's policy blocked something: {POLICY_BLOCKED}"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh, guarded browser context (no cookies) at a laptop's screen size."""
    context = guard(browser.new_context(viewport={"width": 1366, "height": 800}))
    yield context.new_page()
    context.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Another guarded browser context: another person, another device, or JavaScript off."""
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        options.setdefault("viewport", {"width": 1366, "height": 800})
        contexts.append(guard(browser.new_context(**options)))
        return contexts[-1].new_page()

    yield make
    for c in contexts:
        c.close()


# --- Reports as people would write them (synthetic: no real people or cases). -------------------------------

STORIES: dict[str, dict[str, str]] = {
    "public": {
        "Their name, if you know it": "I only know his first name, he never gave a surname",
        "Collar or shoulder number": "PCSO 90417",
        "Their role or rank": "PCSO",
        "Station or area they work in": "Northgate neighbourhood team",
        "What happened": (
            "A PCSO came to take my statement after our flat was burgled in March. Afterwards he kept "
            "messaging me on WhatsApp late at night, asking to meet for a drink and saying it would help my "
            "case. He told me to keep it secret because he could get in trouble."
        ),
        "When it happened": "March, starting the week after the burglary",
        "Where it happened": "At my flat, and then by messages on my phone",
    },
    "partner": {
        "Your organisation": "Riverside Domestic Abuse Service",
        "Your name, role and how to reach you": "Outreach worker, Riverside DAS, office line 0161 496 0734",
        "Their role or rank": "Detective constable",
        "Station or area they work in": "Public protection unit, Eastfield",
        "What happened": (
            "The woman I support reported her ex-partner for coercive control. The detective handling her case "
            "has started calling at her home without an appointment, commenting on her appearance, and "
            "offering to sort out her housing if she is nice to him."
        ),
        "When it happened": "Over the last six weeks",
    },
    "staff": {
        "Their role or rank": "Sergeant",
        "Station or area they work in": "Response team B, Central station",
        "Vehicle registration or call sign": "Central 21",
        "What happened": (
            "A sergeant on my team keeps looking up a woman who was the victim in one of our domestic incidents "
            "on the records system, with no policing reason. He showed me her new address and said he would "
            "pop round off duty to check on her."
        ),
        "Where it happened": "Central station report-writing room",
    },
}
PHRASES = {"public": "WhatsApp late at night", "partner": "sort out her housing", "staff": "pop round off duty"}


def fill_report(page: Any, route: str, **overrides: str) -> None:
    for label, text in {**STORIES[route], **overrides}.items():
        page.get_by_label(label).fill(text)


def send(page: Any) -> None:
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_load_state()  # the answer whole, its stylesheet and script run (a click waits only for it to start)


def submit_report(page: Any, base: str, route: str = "public", **overrides: str) -> str:
    """A report made in the browser from the start page; the receipt code it shows."""
    page.goto(f"{base}/report/")
    page.get_by_role("link", name=ROUTE_LINKS[route]).click()
    fill_report(page, route, **overrides)
    if route == "partner":
        page.get_by_role("radio", name="Yes, they know and agree").check()
    send(page)
    page.get_by_role("heading", name="Your report has been received").wait_for()
    return page.locator("#receipt-code").inner_text().strip()


ROUTE_LINKS = {
    "public": "I am reporting for myself or as a member of the public",
    "partner": "I work for a support service and am referring someone I support",
    "staff": "I work for the police and am reporting a colleague",
}


def a_jpeg() -> bytes:
    """A small photo, as a phone would send it: with EXIF naming the camera and the software."""
    image = Image.new("RGB", (64, 48), (40, 90, 160))
    exif = Image.Exif()
    exif[0x010F] = "SyntheticCam"  # Make
    exif[0x0131] = "PhoneOS Camera 9.1"  # Software
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    assert b"SyntheticCam" in out.getvalue()
    return out.getvalue()


def database_text() -> str:
    """Every value in every table of the database, as text (bytes read as Latin-1), to search."""
    from django.db import connection

    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    parts.append(
                        bytes(value).decode("latin-1") if isinstance(value, bytes | memoryview) else str(value)
                    )
    return "\n".join(parts)


def assert_code_not_stored(code: str) -> None:
    words = code.split("-")
    assert len(words) == 6
    everything = database_text().lower()
    for form in (code, " ".join(words), "".join(words), ",".join(words)):
        assert form not in everything, "the receipt code is in the database"


def follow_up(page: Any, base: str, typed: str) -> None:
    page.goto(f"{base}/report/follow-up/")
    page.get_by_label("Your receipt code").fill(typed)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def status_shown(page: Any) -> str:
    return page.locator("dt", has_text="Status").locator("xpath=following-sibling::dd[1]").inner_text().strip()


def unit_page(open_page: Callable[..., Any], base: str, username: str) -> Any:
    unit = open_page()
    sign_in(unit, base, username, PASSWORD)
    assert "/login" not in unit.url, f"{username} could not sign in"
    return unit


# --- 1. Each route, end to end. -----------------------------------------------------------------------------


@pytest.mark.screenshots
@pytest.mark.parametrize("route", ["public", "partner", "staff"])
def test_each_route_from_the_start_page_to_a_receipt_code(live_server: Any, page: Any, route: str) -> None:
    base = str(live_server)
    page.goto(f"{base}/report/")
    assert page.title().startswith("Report a police officer")
    if route == "public":
        shot(page, "21-portal-start")
    page.get_by_role("link", name=ROUTE_LINKS[route]).click()
    page.wait_for_url(f"{base}/report/{route}/")
    fill_report(page, route)
    if route == "public":  # a screenshot of the messages, as a photo
        page.get_by_label("Photos, screenshots or documents (optional)").set_input_files(
            files=[{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": a_jpeg()}]
        )
        page.get_by_role("radio", name="I don't know").check()
    if route == "partner":
        page.get_by_role("radio", name="No, they do not know").check()
    if route == "staff":  # a colleague who gives their details, to be contacted by email only
        page.get_by_role("radio", name="Give my details so the unit can contact me").check()
        page.get_by_label("Your name").fill("Sam Okafor-Reid")
        page.get_by_label("Email address").fill("s.reporter@example.org")
        page.get_by_label("I agree to be contacted about this report").check()
        page.get_by_role("checkbox", name="An email").check()
        page.get_by_label("When is it safe to contact you?").fill("Weekdays after 6pm")
    send(page)

    page.get_by_role("heading", name="Your report has been received").wait_for()
    code = page.locator("#receipt-code").inner_text().strip()
    assert receipt.is_well_formed(code) and receipt.normalise(code) == code
    assert "shown only once" in page.content()
    if route == "public":
        shot(page, "23-portal-receipt")

    report = Report.objects.get()
    assert report.route == route
    assert report.reference in page.content()
    assert report.receipt_hash == receipt.code_hash(code)  # only the Argon2id hash of the code is kept
    assert report.what_happened == STORIES[route]["What happened"]
    assert report.subject_staff_id == ""  # no collar number in the directory matches
    assert_code_not_stored(code)
    assert PHRASES[route] not in database_text()  # the account is sealed, not stored in the clear
    if route == "public":
        assert report.anonymous and report.reporter_name == ""
        assert report.others_affected == "I don't know"
        attachment = ReportAttachment.objects.get(report=report)
        assert attachment.content_type == "image/jpeg"
        photo = unseal_bytes(bytes(attachment.sealed), purpose="report_attachment.data")
        assert Image.open(io.BytesIO(photo)).size == (64, 48)
        assert b"SyntheticCam" not in photo and b"PhoneOS" not in photo  # the camera's details were stripped
    if route == "partner":
        assert report.partner_agency == "Riverside Domestic Abuse Service"
        assert report.survivor_consent == "no"
        assert report.anonymous
    if route == "staff":
        assert not report.anonymous and report.contact_consent
        assert report.reporter_name == "Sam Okafor-Reid" and report.safe_channels == "email"
        assert report.reporter_email == "s.reporter@example.org"
        assert "s.reporter@example.org" not in database_text()

    assert Report.objects.count() == 1


# --- 2. The anonymous follow-up with the receipt code. ------------------------------------------------------


@pytest.mark.screenshots
def test_anonymous_follow_up_with_the_code_and_a_conversation_with_the_unit(
    world: World, live_server: Any, page: Any, open_page: Callable[..., Any]
) -> None:
    base = str(live_server)
    code = submit_report(page, base, "public")
    report = Report.objects.get()

    # Another day, another browser: the code typed in capitals with spaces.
    reporter = open_page()
    follow_up(reporter, base, code.upper().replace("-", " "))
    reporter.wait_for_url(f"{base}/report/follow-up/report/")
    assert reporter.get_by_role("heading", name=f"Your report {report.reference}").is_visible()
    assert status_shown(reporter) == "Received"
    assert "No messages yet." in reporter.content()
    assert code not in reporter.content()  # the code was shown once, on the confirmation, and never again

    # The unit replies through its own page, once the ACU lead's triage has opened the report to analysts.
    Report.objects.filter(pk=report.pk).update(triaged_at=timezone.now(), triaged_by=world.lead)
    unit = unit_page(open_page, base, "analyst")
    unit.goto(f"{base}/reports/{report.pk}/")
    question = "Thank you for telling us. Do you still have the messages he sent, and can you tell us the dates?"
    unit.get_by_label("Message to the reporter").fill(question)
    unit.get_by_role("button", name="Send", exact=True).click()
    unit.get_by_text(question).wait_for()

    reporter.reload()
    assert status_shown(reporter) == "Acknowledged"
    unit_message = reporter.locator(".message.unit")
    assert "The anti-corruption unit" in unit_message.inner_text() and question in unit_message.inner_text()
    answer = "Yes, I kept screenshots. The first message was on 14 March and the last on 2 April."
    reporter.get_by_label("Your message").fill(answer)
    reporter.get_by_role("button", name="Send message").click()
    reporter.locator(".message.reporter").get_by_text(answer).wait_for()
    shot(reporter, "24-portal-follow-up")
    assert [(m.sender, m.body) for m in ReportMessage.objects.filter(report=report)] == [
        ("unit", question),
        ("reporter", answer),
    ]
    assert ReportMessage.objects.get(sender="reporter").by is None  # nothing ties the reply to a person
    unit.reload()
    assert answer in unit.content()

    # An empty reply is refused with a message, and nothing is stored.
    reporter.get_by_role("button", name="Send message").click()
    reporter.wait_for_load_state()
    assert "Please tell us your message" in reporter.locator("#error-summary").inner_text()
    assert reporter.title().startswith("Error:")
    assert ReportMessage.objects.count() == 2

    # A well-formed code that is not this report's: refused, and the page says a lost code is lost.
    stranger = open_page()
    wrong = receipt.new_code()
    assert wrong != code
    follow_up(stranger, base, wrong)
    assert stranger.url == f"{base}/report/follow-up/"
    summary = stranger.locator("#error-summary")
    assert "No report has that code" in summary.inner_text()
    assert "A lost code cannot be recovered" in stranger.content()
    assert stranger.title().startswith("Error:")
    stranger.goto(f"{base}/report/follow-up/report/")
    assert stranger.url == f"{base}/report/follow-up/"  # no way in without the right code
    assert report.reference not in stranger.content()

    # A mistyped word is told apart from a wrong code.
    follow_up(stranger, base, code.replace(code.split("-")[2], "zzqx"))
    assert "is not one of the words receipt codes are made of" in stranger.content()


# --- 3. Validation in the browser. --------------------------------------------------------------------------


@pytest.mark.screenshots
def test_a_report_with_mistakes_is_refused_and_keeps_everything_typed(live_server: Any, page: Any) -> None:
    base = str(live_server)
    page.goto(f"{base}/report/public/")
    page.get_by_label("Their role or rank").fill("PCSO")
    page.get_by_label("Station or area they work in").fill("Northgate neighbourhood team")
    page.get_by_label("What happened").fill("He kept texting.")  # too short
    page.get_by_label("Where it happened").fill("By text message")
    page.get_by_role("radio", name="Yes", exact=True).check()
    page.get_by_label("Tell us about them, if you can").fill("My neighbour had the same messages from him.")
    page.get_by_role("radio", name="Give my details so the unit can contact me").check()  # but no name
    page.get_by_label("Phone number").fill("07700 900461")
    page.get_by_role("checkbox", name="A text message").check()
    send(page)

    summary = page.locator("#error-summary")
    summary.wait_for()
    assert page.title().startswith("Error:")
    assert summary.get_attribute("role") == "alert"
    links = summary.get_by_role("link")
    targets = {links.nth(i).get_attribute("href"): links.nth(i).inner_text() for i in range(links.count())}
    assert "at least 20 characters" in targets["#id_what_happened"]
    assert "Please give your name" in targets["#id_reporter_name"]
    assert len(targets) == 2
    for target in targets:  # each link leads to its field, which says what is wrong
        assert page.locator(target).get_attribute("aria-invalid") == "true"
    expect(summary).to_be_focused()  # focus moves to the summary (portal.js, once the page has loaded)
    shot(page, "22-portal-form-errors")
    summary.get_by_role("link", name="Please give your name").click()
    expect(page.locator("#id_reporter_name")).to_be_focused()
    label = page.get_by_text("Your name", exact=True).bounding_box()
    bar = page.locator(".exit-bar").bounding_box()
    assert label is not None and bar is not None and label["y"] >= bar["y"] + bar["height"]  # not under the bar

    # Everything typed is still there.
    assert page.get_by_label("Their role or rank").input_value() == "PCSO"
    assert page.get_by_label("Station or area they work in").input_value() == "Northgate neighbourhood team"
    assert page.get_by_label("What happened").input_value() == "He kept texting."
    assert page.get_by_label("Where it happened").input_value() == "By text message"
    assert page.get_by_role("radio", name="Yes", exact=True).is_checked()
    assert page.get_by_label("Tell us about them, if you can").input_value().startswith("My neighbour")
    assert page.get_by_role("radio", name="Give my details so the unit can contact me").is_checked()
    assert page.get_by_label("Phone number").input_value() == "07700 900461"
    assert page.get_by_role("checkbox", name="A text message").is_checked()
    assert Report.objects.count() == 0

    # Put right, it goes through once.
    page.get_by_label("What happened").fill(STORIES["public"]["What happened"])
    page.get_by_label("Your name").fill("Jo Marsh-Tennant")
    send(page)
    page.locator("#receipt-code").wait_for()
    report = Report.objects.get()
    assert report.reporter_phone == "07700 900461" and report.reporter_name == "Jo Marsh-Tennant"
    assert report.others_affected.startswith("Yes. My neighbour had the same messages from him")


# --- 4. The quick exit. -------------------------------------------------------------------------------------


def test_quick_exit_leaves_for_the_ordinary_site_and_back_does_not_return(
    live_server: Any, page: Any, landing: Landing
) -> None:
    base = str(live_server)
    page.goto(f"{base}/report/public/")
    page.get_by_label("What happened").fill("Something I do not want anyone at home to see.")
    page.get_by_role("link", name="Leave this site quickly").click()
    page.wait_for_url(landing.url)
    assert page.get_by_role("heading", name="Weather forecast").is_visible()
    assert landing.requests[-1]["referer"] is None  # the ordinary site is not told where the visitor came from
    page.go_back()
    assert "/report/" not in page.url  # the form was replaced in the history, not left behind it
    assert "Something I do not want" not in page.content()


def test_esc_twice_leaves_and_ends_the_follow_up_session(live_server: Any, page: Any, landing: Landing) -> None:
    base = str(live_server)
    page.clock.install()  # the page's clock, moved by the test: "twice" means within a second of the page's time
    code = submit_report(page, base, "public")
    follow_up(page, base, code)
    page.wait_for_url(f"{base}/report/follow-up/report/")
    page.clock.pause_at(page.evaluate("Date.now()") + 60_000)
    page.keyboard.press("Escape")
    page.clock.fast_forward(1300)
    page.keyboard.press("Escape")  # two presses 1.3 s apart are not the shortcut
    assert page.evaluate("document.body.style.display") != "none"  # leave() hides the page before it goes
    assert page.url == f"{base}/report/follow-up/report/"
    assert not any(c["name"] == "sessionid" for c in page.context.cookies())  # the portal keeps no session
    assert PortalVisit.objects.exists()
    page.clock.fast_forward(5000)
    page.keyboard.press("Escape")
    page.clock.fast_forward(400)
    page.keyboard.press("Escape")  # 0.4 s apart: the shortcut
    page.wait_for_url(landing.url)
    # The page asked the server to end the follow-up as it left (a keepalive request): wait for that to land.
    until(lambda: not PortalVisit.objects.exists(), "the follow-up session to be ended")
    page.goto(f"{base}/report/follow-up/report/")
    assert page.url == f"{base}/report/follow-up/"  # the follow-up session has gone


def test_without_javascript_the_quick_exit_and_a_whole_report_work(
    live_server: Any, open_page: Callable[..., Any], landing: Landing
) -> None:
    base = str(live_server)
    page = open_page(java_script_enabled=False)
    code = submit_report(page, base, "partner")
    assert receipt.is_well_formed(code)
    assert Report.objects.get().route == "partner"
    follow_up(page, base, code)
    page.wait_for_url(f"{base}/report/follow-up/report/")
    page.get_by_role("link", name="Leave this site quickly").click()
    page.wait_for_url(landing.url)  # through /report/exit/, which ends the session on the way
    assert landing.requests[-1]["referer"] is None
    page.goto(f"{base}/report/follow-up/report/")
    assert page.url == f"{base}/report/follow-up/"
    # Esc means nothing without JavaScript, but the link is there on every page.
    for path in ("/report/", "/report/staff/", "/report/follow-up/"):
        page.goto(base + path)
        assert page.get_by_role("link", name="Leave this site quickly").get_attribute("href") == "/report/exit/"


# --- 5. A phone's screen. -----------------------------------------------------------------------------------


def assert_fits_the_phone(page: Any, what: str) -> None:
    # Measured only once the page has loaded with the portal's stylesheet applied: a layout read before it
    # applies is the browser's default one (an exit link 19px high), whatever the page will look like.
    page.wait_for_load_state()
    page.wait_for_function("[...document.styleSheets].some(s => (s.href || '').includes('portal.css')"
                           " && s.cssRules.length > 0)")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{what}: scrolls sideways ({width[0]}px wide in {width[1]}px)"
    exit_box = page.get_by_role("link", name="Leave this site quickly").bounding_box()
    assert exit_box is not None and exit_box["y"] < 80, f"{what}: quick exit not at the top"
    assert exit_box["x"] + exit_box["width"] <= width[1] and exit_box["height"] >= 44


PAGES = ("/report/", "/report/public/", "/report/partner/", "/report/staff/", "/report/follow-up/")


@pytest.mark.screenshots
def test_on_a_phone_screen(live_server: Any, open_page: Callable[..., Any]) -> None:
    base = str(live_server)
    narrow = open_page(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
    for path in PAGES:  # WCAG 1.4.10 reflow: 320 CSS pixels wide without scrolling sideways
        narrow.goto(base + path)
        assert_fits_the_phone(narrow, f"{path} at 320px")
    phone = open_page(**PHONE)
    for path in PAGES:
        phone.goto(base + path)
        assert_fits_the_phone(phone, path)
    phone.goto(f"{base}/report/staff/")
    shot(phone, "20-portal-phone", full_page=False)
    # Scrolled to the end of a long form, the quick exit is still on screen.
    phone.get_by_role("button", name="Send the report").scroll_into_view_if_needed()
    assert phone.evaluate("window.scrollY") > 1000
    bar = phone.locator(".exit-bar").bounding_box()
    assert (
        bar is not None and 0 <= bar["y"] < 1 and phone.get_by_role("link", name="Leave this site quickly").is_visible()
    )
    # Moving back by keyboard to a field half under the bar brings it out from under it (WCAG 2.2 2.4.11).
    phone.evaluate("window.scrollBy(0, document.getElementById('id_reporter_email').getBoundingClientRect().top - 20)")
    phone.locator("#id_contact_consent").focus()
    phone.keyboard.press("Shift+Tab")
    expect(phone.locator("#id_reporter_email")).to_be_focused()
    email = phone.locator("#id_reporter_email").bounding_box()
    assert email is not None and email["y"] >= bar["height"], "the focused field is hidden under the exit bar"
    # Errors, then a report, by touch.
    phone.get_by_role("button", name="Send the report").tap()
    phone.locator("#error-summary").wait_for()
    assert_fits_the_phone(phone, "the form with errors")
    fill_report(phone, "staff")
    phone.get_by_role("button", name="Send the report").tap()
    phone.locator("#receipt-code").wait_for()
    assert_fits_the_phone(phone, "the receipt")
    code = phone.locator("#receipt-code")
    code_box = code.bounding_box()
    assert code_box is not None and code_box["x"] + code_box["width"] <= 390  # the code wraps, whole on screen
    assert Report.objects.get().route == "staff"


# --- 6. Conflict of interest: who never sees a report about a member of staff. ------------------------------


def test_a_report_about_a_member_of_staff_is_kept_from_them_their_managers_and_housemates(
    world: World, live_server: Any, page: Any, open_page: Callable[..., Any]
) -> None:
    base = str(live_server)
    subject = StaffMember.objects.get(staff_id=world.subject.staff_id)
    if not subject.collar_number or StaffMember.objects.filter(collar_number=subject.collar_number).count() > 1:
        subject.collar_number = "47731"
        subject.save(update_fields=["collar_number"])
    assert StaffMember.objects.filter(collar_number=subject.collar_number).count() == 1
    # The conflicted people are ACU analysts: only need to know keeps the report from them.
    for user in (world.analyst, world.subject, world.manager, world.housemate):
        assert User.objects.get(pk=user.pk).can_triage

    submit_report(page, base, "staff", **{"Collar or shoulder number": f"PC {subject.collar_number}"})
    report = Report.objects.get()
    assert report.subject_staff_id == subject.staff_id  # linked from the collar number as it arrived
    # And one that names them without a number: not linked, still kept from the person it names.
    submit_report(
        page, base, "public", **{"Their name, if you know it": f"PC {subject.name}", "Collar or shoulder number": ""}
    )
    by_name = Report.objects.exclude(pk=report.pk).get()
    assert by_name.subject_staff_id == ""
    Report.objects.update(triaged_at=timezone.now(), triaged_by=world.lead)  # the lead opens both to analysts

    analyst = unit_page(open_page, base, "analyst")
    assert analyst.goto(f"{base}/reports/{report.pk}/").status == 200
    assert analyst.get_by_role("heading", name=f"Report {report.reference}").is_visible()
    analyst.goto(f"{base}/reports/")
    assert report.reference in analyst.content() and by_name.reference in analyst.content()

    for who in ("subject", "manager", "housemate"):
        them = unit_page(open_page, base, who)
        response = them.goto(f"{base}/reports/{report.pk}/")
        assert response.status == 404, who
        assert report.reference not in them.content() and PHRASES["staff"] not in them.content()
        listing = them.goto(f"{base}/reports/")
        assert listing.status == 200, who
        assert them.get_by_role("heading", name="Confidential reports").is_visible()
        assert report.reference not in them.content(), who
        if who == "subject":
            assert them.goto(f"{base}/reports/{by_name.pk}/").status == 404
            them.goto(f"{base}/reports/")
            assert by_name.reference not in them.content()


# --- 7. axe-core on every reporting page. -------------------------------------------------------------------


def test_axe_finds_a_violation_when_there_is_one(page: Any) -> None:
    """The check itself works: a page with an unlabelled field and an image without text fails it."""
    page.set_content(
        "<!doctype html><html lang='en'><title>t</title><main><img src='data:,'><input type='text'></main></html>"
    )
    found, report = violations(page)
    assert {"image-alt", "label"} <= {v["id"] for v in found}, report


def test_every_reporting_page_has_no_axe_violations(
    world: World, live_server: Any, page: Any, open_page: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    base = str(live_server)

    def check(p: Any, what: str, portal: bool = True) -> None:
        if portal:
            assert p.get_by_role("link", name="Leave this site quickly").is_visible(), f"{what}: no quick exit"
        # Every link in an error summary leads to a control on the page.
        for href in p.locator("#error-summary a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
            assert href.startswith("#") and p.locator(href).count() == 1, f"{what}: {href} leads nowhere"
        assert_accessible(p, what)

    page.goto(f"{base}/report/")
    check(page, "start")
    for route in ("public", "partner", "staff"):
        page.goto(f"{base}/report/{route}/")
        check(page, f"{route} form")
        page.get_by_role("radio", name="Give my details so the unit can contact me").check()
        page.get_by_label("I agree to be contacted about this report").check()
        send(page)
        page.locator("#error-summary").wait_for()
        check(page, f"{route} form with errors")
    code = submit_report(page, base, "public")
    check(page, "confirmation with the receipt code")
    report = Report.objects.get()
    Report.objects.update(triaged_at=timezone.now(), triaged_by=world.lead)

    page.goto(f"{base}/report/follow-up/")
    check(page, "follow-up form")
    follow_up(page, base, receipt.new_code())
    page.locator("#error-summary").wait_for()
    check(page, "follow-up form with an error")
    ReportMessage.objects.create(
        report=report,
        sender=ReportMessage.Sender.UNIT,
        body="Thank you. Could you tell us roughly when the messages started?",
    )
    follow_up(page, base, code)
    page.wait_for_url(f"{base}/report/follow-up/report/")
    check(page, "follow-up report page with a message")
    page.get_by_role("button", name="Send message").click()
    page.locator("#error-summary").wait_for()
    check(page, "follow-up report page with an error")

    unit = unit_page(open_page, base, "analyst")
    unit.goto(f"{base}/reports/")
    check(unit, "the unit's report list", portal=False)
    unit.goto(f"{base}/reports/{report.pk}/")
    check(unit, "the unit's report", portal=False)
    submit_report(page, base, "partner")  # a referral: its worker's details can be revealed, with a reason
    referral = Report.objects.get(route="partner")
    Report.objects.filter(pk=referral.pk).update(triaged_at=timezone.now(), triaged_by=world.lead)
    unit.goto(f"{base}/reports/{referral.pk}/")
    check(unit, "the unit's report of a referral", portal=False)
    unit.get_by_label("Why you need to know who made the report").fill(
        "To arrange a safe call with the outreach worker about the survivor's safety plan."
    )
    unit.get_by_role("button", name="Ask to reveal identity").click()
    unit.get_by_text("Waiting for a decision").wait_for()
    custodian = unit_page(open_page, base, world.lead.username)  # the second person
    custodian.goto(f"{base}/reports/reveals/")
    check(custodian, "the requests to reveal a reporter", portal=False)
    custodian.get_by_role("radio", name="approve", exact=False).check()
    custodian.get_by_role("button", name="Record the decision").click()
    custodian.get_by_text("No requests wait for you.").wait_for()
    unit.goto(f"{base}/reports/{referral.pk}/")
    unit.get_by_role("button", name="Show identity").click()
    unit.get_by_text("Outreach worker, Riverside DAS").wait_for()
    check(unit, "the unit's report with the referrer revealed", portal=False)

    # The page shown when too many attempts come from one connection.
    monkeypatch.setenv("UPSTANDER_REPORT_LIMIT", "1")
    monkeypatch.setattr(portal_guard, "_limits", {})
    follow_up(page, base, receipt.new_code())
    follow_up(page, base, receipt.new_code())
    page.get_by_role("heading", name="Please wait a while and try again").wait_for()
    check(page, "too many attempts")
