"""`upstander serve`'s waitress configuration, over real HTTP in this process: report bodies and decrypted
attachments never go to a temporary file in clear, bodies over the cap are refused before they are buffered,
and behind a trusted proxy each reporter has a rate-limit bucket of their own (a forged header, none)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from waitress.buffers import TempfileBasedBuffer

from portal_http import Browser, waitress_in_thread
from upstander import settings
from upstander.web.models import User
from upstander.web.portal import guard as portal_guard
from upstander.web.portal.models import Report
from upstander.web.portal.reporting.attachments import MAX_CLEANED_BYTES
from upstander.web.roles import Role
from upstander.web.runtime import waitress_options
from webworld import PASSWORD, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

# Plain text, 2 MB: taken as it is, so what is downloaded is byte for byte what was sent.
LETTER = ("He texted me again at 2am from the work phone and said he knew where I parked. " * 26_000).encode()
LETTER = LETTER[:2 * 2**20]


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    portal_guard._limits.clear()


@pytest.fixture
def temp_files(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every temporary file waitress's buffers make (each would hold a body or a response in clear)."""
    made: list[int] = []
    real = TempfileBasedBuffer.newfile

    def newfile(self: Any) -> Any:
        made.append(len(made))
        return real(self)

    monkeypatch.setattr(TempfileBasedBuffer, "newfile", newfile)
    return made


def test_a_2_mb_attachment_goes_in_and_comes_out_without_a_temporary_file(temp_files: list[int]) -> None:
    analyst = User(username="acu-analyst", role=Role.ACU_ANALYST, staff_id="S08812")
    analyst.set_password(PASSWORD)
    analyst.save()
    session = signed_in(analyst).cookies["sessionid"].value  # password and second factor passed
    with waitress_in_thread() as port:
        reporter = Browser(port)
        status, page = reporter.report([("his messages.txt", LETTER)])
        assert status == 200 and 'id="receipt-code"' in page, page[-2000:]
        attachment = Report.objects.get().attachments.get()
        assert attachment.size == len(LETTER)
        # The ACU lead's triage opens it to the unit's analysts (before it, only the lead and assignees).
        Report.objects.update(triaged_at=timezone.now())
        unit = Browser(port)
        unit.cookies["sessionid"] = session
        status, data = unit.request("GET", f"/reports/{attachment.report_id}/attachments/{attachment.pk}/")
        reporter.close()
        unit.close()
    assert status == 200 and data == LETTER
    assert temp_files == [], "waitress spilled a body or a decrypted attachment to a temporary file"


def test_the_buffers_are_above_the_largest_body_and_attachment_and_bigger_bodies_are_refused() -> None:
    from django.conf import settings as django_settings

    options = waitress_options(8000)
    cap = django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    assert options["inbuf_overflow"] > cap and options["max_request_body_size"] == cap + 1
    assert options["outbuf_overflow"] > MAX_CLEANED_BYTES and options["host"] == "127.0.0.1"
    assert "trusted_proxy" not in options  # off by default


def test_a_body_over_the_cap_is_refused_by_the_server_on_its_length(temp_files: list[int]) -> None:
    import socket

    from django.conf import settings as django_settings

    with waitress_in_thread() as port, socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        length = django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1
        sock.sendall(f"POST /report/public/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; "
                     f"boundary=x\r\nContent-Length: {length}\r\n\r\n".encode() + b"x" * 65536)
        answer = sock.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413") and temp_files == []


WRONG_CODE = "otter-river-lemon-cloud-stone-maple"  # a mistyped code: the attempt counts


def _hits_until_paused(browser: Browser, tries: int) -> list[int]:
    return [browser.follow_up(WRONG_CODE) for _ in range(tries)]


def test_behind_the_trusted_proxy_two_reporters_have_two_buckets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPSTANDER_REPORT_LIMIT", "2")
    monkeypatch.setenv("UPSTANDER_TRUSTED_PROXY", "127.0.0.1")  # the proxy runs on this machine
    with waitress_in_thread() as port:
        first = Browser(port, {"X-Forwarded-For": "198.51.100.20"})
        second = Browser(port, {"X-Forwarded-For": "203.0.113.41"})
        assert _hits_until_paused(first, 3)[-1] == 429  # the first reporter used up their attempts...
        assert 429 not in _hits_until_paused(second, 2)  # ...and the second still has theirs
        first.close()
        second.close()


def test_without_the_setting_a_forged_forwarded_for_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPSTANDER_REPORT_LIMIT", "2")
    monkeypatch.delenv("UPSTANDER_TRUSTED_PROXY", raising=False)
    with waitress_in_thread() as port:
        # A new forged address each time, straight to the server.
        statuses = [Browser(port, {"X-Forwarded-For": f"192.0.2.{i}"}).follow_up(WRONG_CODE) for i in range(1, 4)]
    assert statuses[-1] == 429


def test_with_the_setting_a_client_not_the_proxy_cannot_forge_its_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPSTANDER_REPORT_LIMIT", "2")
    monkeypatch.setenv("UPSTANDER_TRUSTED_PROXY", "192.0.2.1")  # a proxy elsewhere; this client is not it
    with waitress_in_thread() as port:
        statuses = [Browser(port, {"X-Forwarded-For": f"192.0.2.{i}"}).follow_up(WRONG_CODE) for i in range(10, 13)]
    assert statuses[-1] == 429


@pytest.mark.parametrize(("name", "value"), [("UPSTANDER_TRUSTED_PROXY", "proxy.internal"),
                                             ("UPSTANDER_TRUSTED_PROXY", "10.0.0.0/8"),
                                             ("UPSTANDER_TRUSTED_PROXY_HEADER", "x-real-ip")])
def test_a_bad_proxy_setting_is_refused_with_its_name(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        settings.get(name)


def test_the_forwarded_header_can_be_trusted_instead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPSTANDER_TRUSTED_PROXY", "127.0.0.1")
    monkeypatch.setenv("UPSTANDER_TRUSTED_PROXY_HEADER", "Forwarded")
    options = waitress_options(8000)
    assert options["trusted_proxy_headers"] == {"forwarded"} and options["clear_untrusted_proxy_headers"]
