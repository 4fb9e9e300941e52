"""Single sign-on end to end: a real OpenID Connect provider (pyop, tests/oidc_provider.py) and the web application
(waitress, as `upstander serve` runs it) both on loopback, and a real HTTP client going through the authorisation
code flow: the sign-in page, the provider's own sign-in form, the callback, the token exchange between the two
servers, and Upstander's second factor where it applies."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from sso_world import Sso, sso_servers
from upstander.web import account_admin, totp
from upstander.web.models import AccessLog, User
from upstander.web.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def sso(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sso]:
    with sso_servers(tmp_path, monkeypatch) as servers:
        yield servers


def _signed_in_as(browser: requests.Session, app: str) -> str:
    """The name the page header shows for the session, or "" when the session is not signed in."""
    page = browser.get(f"{app}/cases/", allow_redirects=False)
    if page.status_code != 200:
        return ""
    found = re.search(r'<span>([^<]+) · ', page.text)
    return html.unescape(found.group(1)) if found else ""


def _pass_second_factor(sso: Sso, browser: requests.Session, page: requests.Response, username: str) -> None:
    assert page.url == f"{sso.app}/login/second-factor/" and "Six-digit code" in page.text
    user = User.objects.get(username=username)
    token = _CSRF.search(page.text)
    assert token
    code = totp.code_at(user.totp_secret, totp.current_step())
    done = browser.post(page.url, data={"code": code, "csrfmiddlewaretoken": token.group(1)},
                        headers={"Referer": page.url})
    assert done.status_code == 200, done.text[:500]


def _refusals() -> list[str]:
    return list(AccessLog.objects.filter(action="refuse", object_type="login").values_list("detail", flat=True))


def test_a_mapped_group_signs_in_with_its_role_and_still_passes_upstander_s_second_factor(sso: Sso) -> None:
    browser = requests.Session()
    page = sso.sign_in("amira.hassan", "provider-pass-amira", browser)
    assert page.status_code == 200
    assert _signed_in_as(browser, sso.app) == ""  # the provider alone does not sign an ACU analyst in
    user = User.objects.get(username="ahassan")
    assert (user.role, user.staff_id, user.get_full_name(), user.sso_issuer, user.sso_subject) == (
        Role.ACU_ANALYST, "S00412", "Amira Hassan", sso.idp.base, "f0a8c1e2-0001")
    assert not user.has_usable_password()  # nothing here to guess
    _pass_second_factor(sso, browser, page, "ahassan")
    assert _signed_in_as(browser, sso.app) == "Amira Hassan"
    assert browser.get(f"{sso.app}/alerts/").status_code == 200  # the analyst's queue
    made = AccessLog.objects.get(object_type="account", object_id="ahassan")
    assert "made at single sign-on with Force Identity" in made.detail and "role ACU analyst" in made.detail
    # Signing in again finds the same account by the provider's subject, and changes nothing.
    again = requests.Session()
    sso.sign_in("amira.hassan", "provider-pass-amira", again)
    assert User.objects.filter(sso_subject="f0a8c1e2-0001").count() == 1 == User.objects.count()
    assert AccessLog.objects.filter(object_type="account").count() == 1


def test_a_member_of_staff_needs_no_second_factor_and_their_role_follows_the_provider_s_groups(sso: Sso) -> None:
    browser = requests.Session()
    home = sso.sign_in("tom.fletcher", "provider-pass-tom", browser)
    assert home.status_code == 200 and home.url == f"{sso.app}/"
    assert _signed_in_as(browser, sso.app) == "Tom Fletcher"
    assert User.objects.get(username="tfletcher").role == Role.STAFF
    # Moved into PSD at the provider: the next sign-in gives the new role (and with it the second factor).
    sso.idp.people["tom.fletcher"].claims["groups"] = ["All-Staff", "PSD-Investigators"]
    later = requests.Session()
    page = sso.sign_in("tom.fletcher", "provider-pass-tom", later)
    assert User.objects.get(username="tfletcher").role == Role.PSD_INVESTIGATOR
    assert page.url == f"{sso.app}/login/second-factor/" and _signed_in_as(later, sso.app) == ""


def test_someone_in_no_mapped_group_is_refused_with_a_page_and_a_log_entry(sso: Sso) -> None:
    browser = requests.Session()
    page = sso.sign_in("sam.reid", "provider-pass-sam", browser)
    assert page.status_code == 403
    assert "none of the groups that have a role in Upstander" in html.unescape(page.text)
    assert _signed_in_as(browser, sso.app) == "" and not User.objects.exists()
    [detail] = _refusals()
    assert "in no group with a role (groups: Custody-Suite, Volunteers)" in detail
    assert AccessLog.objects.get(action="refuse").username == "sreid"


def test_an_account_disabled_here_is_refused_whatever_the_provider_says(sso: Sso) -> None:
    first = requests.Session()
    sso.sign_in("tom.fletcher", "provider-pass-tom", first)
    assert _signed_in_as(first, sso.app) == "Tom Fletcher"
    _, ended = account_admin.disable(account_admin.CommandLineActor("command line (test)"), "tfletcher")
    assert ended == 1 and _signed_in_as(first, sso.app) == ""
    browser = requests.Session()
    page = sso.sign_in("tom.fletcher", "provider-pass-tom", browser)
    assert page.status_code == 403 and "This Upstander account is disabled" in html.unescape(page.text)
    assert _signed_in_as(browser, sso.app) == ""
    assert any("account disabled in Upstander" in d for d in _refusals())
    account_admin.enable(account_admin.CommandLineActor("command line (test)"), "tfletcher")
    sso.sign_in("tom.fletcher", "provider-pass-tom", browser)
    assert _signed_in_as(browser, sso.app) == "Tom Fletcher"


def test_an_account_given_for_single_sign_on_is_linked_but_a_password_account_is_never_taken_by_name(
        sso: Sso) -> None:
    actor = account_admin.CommandLineActor("command line (test)")
    given = account_admin.add_account(actor, "gobi", "Grace Obi", Role.PSD_INVESTIGATOR, "S01288", None)
    account_admin.add_account(actor, "tfletcher", "Tom Fletcher", Role.ACU_LEAD, "S00977", "quarry-lantern-meadow-41")
    sso.sign_in("grace.obi", "provider-pass-grace")
    linked = User.objects.get(username="gobi")
    assert linked.pk == given.pk and linked.sso_subject == "f0a8c1e2-0003"
    browser = requests.Session()
    page = sso.sign_in("tom.fletcher", "provider-pass-tom", browser)
    assert page.status_code == 403 and "already exists and is not linked" in html.unescape(page.text)
    local = User.objects.get(username="tfletcher")
    assert local.sso_subject == "" and local.role == Role.ACU_LEAD and _signed_in_as(browser, sso.app) == ""


def test_a_tampered_state_is_refused_before_any_token_is_asked_for(sso: Sso) -> None:
    browser = requests.Session()
    location = sso.callback_address(browser, "tom.fletcher", "provider-pass-tom")
    parts = urlsplit(location)
    query = parse_qs(parts.query)
    query["state"] = ["A" * len(query["state"][0])]
    page = browser.get(f"{sso.app}{parts.path}?{urlencode(query, doseq=True)}")
    assert page.status_code == 403 and "did not match this sign-in" in html.unescape(page.text)
    assert sso.idp.token_requests == 0 and _signed_in_as(browser, sso.app) == ""
    assert not User.objects.exists()
    assert any("provider's answer refused" in d for d in _refusals())


def test_a_callback_from_another_browser_or_used_twice_is_refused(sso: Sso) -> None:
    victim, attacker = requests.Session(), requests.Session()
    victim.get(f"{sso.app}/login/")
    sso.at_provider(victim)  # the victim has a sign-in of their own in progress
    lured = victim.get(sso.callback_address(attacker, "tom.fletcher", "provider-pass-tom"))
    assert lured.status_code == 403 and _signed_in_as(victim, sso.app) == ""
    assert sso.idp.token_requests == 0
    mine = requests.Session()
    location = sso.callback_address(mine, "tom.fletcher", "provider-pass-tom")
    assert mine.get(location).status_code == 200 and _signed_in_as(mine, sso.app) == "Tom Fletcher"
    replay = mine.get(location)
    assert replay.status_code == 403 and sso.idp.token_requests == 1


def test_an_id_token_with_another_sign_in_s_nonce_is_refused(sso: Sso) -> None:
    sso.idp.wrong_nonce = True
    browser = requests.Session()
    page = sso.sign_in("tom.fletcher", "provider-pass-tom", browser)
    assert page.status_code == 403 and "did not match this sign-in" in html.unescape(page.text)
    assert sso.idp.token_requests == 1 and _signed_in_as(browser, sso.app) == ""
    assert not User.objects.exists()
    assert any("Nonce" in d for d in _refusals())


def test_an_id_token_from_another_issuer_is_refused(sso: Sso) -> None:
    base = sso.idp.base
    sso.monkeypatch.setenv("UPSTANDER_OIDC_ISSUER", "https://login.other-force.example")
    sso.monkeypatch.setenv("UPSTANDER_OIDC_ENDPOINTS", f"authorization={base}/authorize token={base}/token "
                                                       f"userinfo={base}/userinfo jwks={base}/jwks")
    browser = requests.Session()
    page = sso.sign_in("tom.fletcher", "provider-pass-tom", browser)
    assert page.status_code == 403 and _signed_in_as(browser, sso.app) == ""
    assert any("Invalid issuer" in d for d in _refusals()) and not User.objects.exists()


def test_the_provider_s_second_factor_is_honoured_only_when_trusted_and_asserted(sso: Sso) -> None:
    untrusted = requests.Session()
    page = sso.sign_in("grace.obi", "provider-pass-grace", untrusted)  # amr: pwd, mfa, otp
    assert page.url == f"{sso.app}/login/second-factor/" and _signed_in_as(untrusted, sso.app) == ""
    sso.trust_second_factor(True)
    trusted = requests.Session()
    home = sso.sign_in("grace.obi", "provider-pass-grace", trusted)
    assert home.url == f"{sso.app}/" and _signed_in_as(trusted, sso.app) == "Grace Obi"
    assert AccessLog.objects.filter(object_type="login", action="change",
                                    detail="second factor at the provider (amr mfa, otp) accepted").exists()
    # Trusted, but this sign-in at the provider used a password alone: Upstander's own code is still asked for.
    password_only = requests.Session()
    page = sso.sign_in("amira.hassan", "provider-pass-amira", password_only)
    assert page.url == f"{sso.app}/login/second-factor/" and _signed_in_as(password_only, sso.app) == ""


def test_a_configured_acr_counts_as_the_provider_s_second_factor(sso: Sso) -> None:
    sso.trust_second_factor(True)
    sso.monkeypatch.setenv("UPSTANDER_OIDC_SECOND_FACTOR_ACR", "urn:force:loa:high")
    browser = requests.Session()
    page = sso.sign_in("amira.hassan", "provider-pass-amira", browser)  # amr pwd, no acr
    assert page.url == f"{sso.app}/login/second-factor/"
    sso.idp.people["amira.hassan"].acr = "urn:force:loa:medium"  # an acr, but not one configured as a second factor
    page = sso.sign_in("amira.hassan", "provider-pass-amira", browser)
    assert page.url == f"{sso.app}/login/second-factor/"
    sso.idp.people["amira.hassan"].acr = "urn:force:loa:high"
    queue = sso.sign_in("amira.hassan", "provider-pass-amira", browser)
    assert queue.url == f"{sso.app}/alerts/" and _signed_in_as(browser, sso.app) == "Amira Hassan"


def test_coming_back_without_the_strict_session_cookie_continues_from_this_site(sso: Sso) -> None:
    browser = requests.Session()
    location = sso.callback_address(browser, "tom.fletcher", "provider-pass-tom")
    cross_site = requests.get(location)  # what a browser sends back from another site: no SameSite=Strict cookie
    assert cross_site.status_code == 200 and 'http-equiv="refresh"' in cross_site.text
    onward = re.search(r'<a href="([^"]+)">Continue</a>', cross_site.text)
    assert onward and sso.idp.token_requests == 0
    page = browser.get(sso.app + html.unescape(onward.group(1)))  # the same browser, now from this site
    assert page.status_code == 200 and _signed_in_as(browser, sso.app) == "Tom Fletcher"


def test_with_single_sign_on_off_there_is_no_button_and_no_address(sso: Sso) -> None:
    sso.monkeypatch.delenv("UPSTANDER_OIDC_ISSUER")
    browser = requests.Session()
    assert "Sign in with" not in browser.get(f"{sso.app}/login/").text
    assert browser.get(f"{sso.app}/login/sso/").status_code == 404
    assert browser.get(f"{sso.app}/login/sso/callback/?code=x&state=y").status_code == 404
