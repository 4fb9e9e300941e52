"""The ACU lead's sign-in locks page: who is being slowed down or locked, when and why, and clearing it; refused
to every other role."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from signin import FakeClock, client_at, fresh_throttle, post_password
from upstander.web import sign_in_throttle
from upstander.web.models import AccessLog, User
from upstander.web.roles import Role
from webworld import PASSWORD, make_user, signed_in

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    return fresh_throttle(monkeypatch)


def _guess(username: str, times: int, address: str = ATTACKER) -> None:
    client = client_at(address)
    for _ in range(times):
        post_password(client, username, "wrong-password-guess")


def test_the_lead_sees_an_account_being_slowed_and_clears_it(clock: FakeClock) -> None:
    lead = make_user("lead", Role.ACU_LEAD, "S00001")
    make_user("sergeant", Role.SUPERVISOR, "S00002")
    _guess("sergeant", 6)  # the fifth and sixth come too soon: refused unchecked, so not counted
    page = signed_in(lead).get(reverse("sign_in_locks"))
    text = page.content.decode()
    assert page.status_code == 200 and "sergeant (Supervisor)" in text
    assert "Slowed down for 1 client after 4 failed sign-ins" in text and ATTACKER not in text
    assert AccessLog.objects.filter(username="lead", action="view", object_type="sign-in locks").exists()

    response = signed_in(lead).post(reverse("clear_sign_in_lock"), {"username": "sergeant"})
    assert response.status_code == 302
    assert sign_in_throttle.throttle().wait("sergeant", ATTACKER) == 0
    assert post_password(client_at(ATTACKER), "sergeant", PASSWORD).status_code == 302
    entry = AccessLog.objects.get(action="change", object_type="sign-in lock")
    assert entry.username == "lead" and entry.object_id == "sergeant" and "1 slowed client" in entry.detail


@override_settings(SIGN_IN_CEILING=5)
def test_the_lead_sees_an_account_locked_at_its_ceiling_and_clears_it(clock: FakeClock) -> None:
    lead = make_user("lead", Role.ACU_LEAD, "S00001")
    make_user("analyst", Role.ACU_ANALYST, "S00003")
    for n in range(5):
        _guess("analyst", 1, f"203.0.113.{n + 10}")
    text = signed_in(lead).get(reverse("sign_in_locks")).content.decode()
    assert "analyst (ACU analyst)" in text and "Locked for every client: 5 failed sign-ins" in text
    signed_in(lead).post(reverse("clear_sign_in_lock"), {"username": "analyst"})
    account = User.objects.get(username="analyst")
    assert not account.is_locked(sign_in_throttle.now_at(sign_in_throttle.throttle())) and account.lock_reason == ""
    response = post_password(client_at("198.51.100.7"), "analyst", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("second_factor")
    assert "No account is slowed down or locked." in signed_in(lead).get(reverse("sign_in_locks")).content.decode()


def test_names_that_are_no_account_are_shown_as_such(clock: FakeClock) -> None:
    lead = make_user("lead", Role.ACU_LEAD, "S00001")
    _guess("<b>admin</b>", 5)
    text = signed_in(lead).get(reverse("sign_in_locks")).content.decode()
    assert "&lt;b&gt;admin&lt;/b&gt; (no such account)" in text and "<b>admin</b>" not in text


@pytest.mark.parametrize("role", [Role.ACU_ANALYST, Role.PSD_INVESTIGATOR, Role.APPROPRIATE_AUTHORITY,
                                  Role.VETTING_OFFICER, Role.SUPERVISOR, Role.STAFF])
def test_every_other_role_gets_404_for_the_page_and_the_clear_action(clock: FakeClock, role: Role) -> None:
    lead = make_user("lead", Role.ACU_LEAD, "S00001")
    other = make_user("other", role, "S00009")
    make_user("sergeant", Role.SUPERVISOR, "S00002")
    _guess("sergeant", 6)
    assert signed_in(lead).get(reverse("sign_in_locks")).status_code == 200
    assert signed_in(other).get(reverse("sign_in_locks")).status_code == 404
    assert signed_in(other).post(reverse("clear_sign_in_lock"), {"username": "sergeant"}).status_code == 404
    assert sign_in_throttle.throttle().wait("sergeant", ATTACKER) > 0  # not cleared
    assert AccessLog.objects.filter(username="other", action="refuse", object_type="sign-in locks").count() == 2
    nav = signed_in(other).get(reverse("intelligence_list")).content.decode()
    assert reverse("sign_in_locks") not in nav


def test_signed_out_visitors_are_sent_to_sign_in(clock: FakeClock) -> None:
    from django.test import Client

    assert Client().get(reverse("sign_in_locks")).status_code == 302
    assert Client().post(reverse("clear_sign_in_lock"), {"username": "x"}).status_code in (302, 403)
