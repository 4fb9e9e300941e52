"""Second-factor enrolment shows a QR code of the otpauth:// address beside the key, drawn as inline SVG that the
page's Content-Security-Policy allows (no script, no style attribute). The SVG on the page is read back module by
module and compared with the QR code segno makes of the address the account should get."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import segno
from django.test import Client
from django.urls import reverse

from signin import fresh_throttle
from upstander.web.models import User
from upstander.web.roles import Role
from webworld import PASSWORD, make_user

pytestmark = pytest.mark.django_db
_MOVE = re.compile(r"([Mmh])\s*(-?[\d.]+)(?:[\s,]+(-?[\d.]+))?")


def modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules (row, column) an SVG path of one-unit horizontal strokes draws, as segno writes them."""
    path = re.search(r'<path[^>]* d="([^"]+)"', svg)
    assert path, "no path in the QR code's SVG"
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for command, first, second in _MOVE.findall(path.group(1)):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:  # h: a run of dark modules along the row the stroke's centre line is on
            run = int(float(first))
            dark.update((int(y), int(x) + i) for i in range(run))
            x += run
    return dark


def expected_modules(uri: str, border: int) -> set[tuple[int, int]]:
    matrix = segno.make(uri, error="m").matrix
    return {(r + border, c + border) for r, row in enumerate(matrix) for c, cell in enumerate(row) if cell}


def _enrolment_page(monkeypatch: pytest.MonkeyPatch, username: str) -> tuple[str, User]:
    fresh_throttle(monkeypatch)
    make_user(username, Role.ACU_ANALYST, "S00001")
    client = Client()
    client.post(reverse("login"), {"username": username, "password": PASSWORD})
    response = client.get(reverse("second_factor"))
    assert response.status_code == 200
    return response.content.decode(), User.objects.get(username=username)


def test_the_qr_code_on_the_page_encodes_the_account_s_otpauth_address(monkeypatch: pytest.MonkeyPatch) -> None:
    page, user = _enrolment_page(monkeypatch, "j.o'neill")
    expected_uri = f"otpauth://totp/Upstander:{quote(user.username)}?secret={user.totp_secret}&issuer=Upstander"
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S)
    assert svg, "the enrolment page has no inline SVG"
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg.group(0)).group(1))  # type: ignore[union-attr]
    border = (size - len(segno.make(expected_uri, error="m").matrix)) // 2
    assert modules(svg.group(0)) == expected_modules(expected_uri, border)
    assert user.totp_secret in page  # the key as text beside it
    # Another secret draws another code: the comparison above is not true of any QR code.
    other = expected_uri.replace(user.totp_secret, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert modules(svg.group(0)) != expected_modules(other, border)


def test_the_svg_carries_no_script_style_or_link_the_policy_would_block(monkeypatch: pytest.MonkeyPatch) -> None:
    page, _ = _enrolment_page(monkeypatch, "pmorgan")
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S)
    assert svg
    markup = svg.group(0).lower()
    assert not any(bad in markup for bad in ("<script", "style=", "<style", "href", "on"+"load", "javascript:"))
    assert "<title>qr code that adds this upstander account to an authenticator app</title>" in markup


def test_a_confirmed_account_is_not_shown_its_key_or_code_again(monkeypatch: pytest.MonkeyPatch) -> None:
    fresh_throttle(monkeypatch)
    user = make_user("pmorgan", Role.ACU_ANALYST, "S00001")
    User.objects.filter(pk=user.pk).update(totp_secret="JBSWY3DPEHPK3PXP", totp_confirmed=True)
    client = Client()
    client.post(reverse("login"), {"username": "pmorgan", "password": PASSWORD})
    page = client.get(reverse("second_factor")).content.decode()
    assert "<svg" not in page and "JBSWY3DPEHPK3PXP" not in page and "otpauth://" not in page
