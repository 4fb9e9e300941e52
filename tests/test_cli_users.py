"""`upstander users ...`: real accounts from the command line, each change in the access log, bad input refused
with exit status 1 and nothing written."""

from __future__ import annotations

import getpass
import json
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner, Result

from upstander.cli import register, users_cmd
from upstander.web.models import AccessLog, StaffMember, User
from upstander.web.models.access_log import verify_chain
from upstander.web.roles import Role
from webworld import PASSWORD, make_user, signed_in

pytestmark = pytest.mark.django_db
STRONG = "quarry-lantern-meadow-41"


def users(*args: str, stdin: str = "") -> Result:
    return CliRunner().invoke(register(), ["users", *args], input=stdin)


def account_json(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def last_entry() -> AccessLog:
    """The latest change to an account (pages opened in between log their own views)."""
    entry = AccessLog.objects.filter(object_type="account").order_by("-seq").first()
    assert entry is not None
    return entry


def test_add_with_a_password_from_stdin_signs_in_and_is_logged_as_the_command_line() -> None:
    result = users("add", "pmorgan", "--full-name", "Priya Morgan", "--role", "ACU analyst", "--staff-id", "S04417",
                   "--password-stdin", "--json", stdin=STRONG + "\n")
    shown = account_json(result)
    assert shown | {"joined": ""} == {
        "username": "pmorgan", "full_name": "Priya Morgan", "role": "ACU analyst", "role_code": "acu_analyst",
        "staff_id": "S04417", "active": True, "sign_in": "password", "second_factor": "not yet enrolled",
        "last_login": "", "joined": ""}
    assert shown["joined"].endswith(("+00:00", "+01:00"))  # local time (Europe/London) with its zone
    user = User.objects.get(username="pmorgan")
    assert user.role == Role.ACU_ANALYST and user.check_password(STRONG)
    entry = last_entry()
    assert entry.username == f"command line ({getpass.getuser()})" and entry.user_id is None
    assert (entry.action, entry.object_type, entry.object_id) == ("change", "account", "pmorgan")
    assert "ACU analyst" in entry.detail and "S04417" in entry.detail
    assert verify_chain() is None
    response = Client().post(reverse("login"), {"username": "pmorgan", "password": STRONG})
    assert response.status_code == 302 and response["Location"] == reverse("second_factor")


def test_add_asks_for_everything_with_the_role_by_its_number_and_the_password_twice(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users_cmd, "_stdin_is_terminal", lambda: True)
    vetting = list(Role).index(Role.VETTING_OFFICER) + 1
    answers = ["dokafor", "Daniel Okafor", str(vetting), "", STRONG, STRONG]
    result = users("add", stdin="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Vetting officer" in result.output and STRONG not in result.output  # the password is never echoed
    user = User.objects.get(username="dokafor")
    assert (user.get_full_name(), user.role, user.staff_id) == ("Daniel Okafor", Role.VETTING_OFFICER, "")
    assert user.check_password(STRONG)


def test_two_different_passwords_are_refused_and_nothing_is_added(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users_cmd, "_stdin_is_terminal", lambda: True)
    result = users("add", "dokafor", "--full-name", "Daniel Okafor", "--role", "Supervisor", "--staff-id", "",
                   stdin=f"{STRONG}\n{STRONG}x\n")
    assert result.exit_code == 1 and "not the same" in result.output
    assert not User.objects.filter(username="dokafor").exists() and not AccessLog.objects.exists()


def test_without_a_terminal_a_password_is_not_asked_for() -> None:
    result = users("add", "dokafor", "--full-name", "Daniel Okafor", "--role", "Supervisor", "--staff-id", "")
    assert result.exit_code == 1 and "--password-stdin" in result.output
    assert not User.objects.filter(username="dokafor").exists()


def test_an_sso_only_account_has_no_password_to_guess() -> None:
    shown = account_json(users("add", "lchen", "--full-name", "Li Chen", "--role", "psd investigator",
                               "--staff-id", "", "--sso-only", "--json"))
    assert shown["sign_in"] == "single sign-on (not yet linked)" and shown["role"] == "PSD investigator"
    user = User.objects.get(username="lchen")
    assert not user.has_usable_password()
    response = Client().post(reverse("login"), {"username": "lchen", "password": ""})
    assert response.status_code == 400


@pytest.mark.parametrize(("args", "stdin", "words"), [
    (["--role", "Chief constable"], STRONG, "'Chief constable' is not a role; the roles are: ACU lead"),
    (["--role", "Staff"], "password1234", "This password is too common"),
    (["--role", "Staff"], "short", "too short"),
    (["--role", "Staff"], "pmorgan12345", "too similar to the username"),
    (["--role", "Staff", "--full-name", "  "], STRONG, "the full name is empty"),
    (["--role", "Staff", "--staff-id", "S99999"], STRONG, "'S99999' is not in the staff directory"),
], ids=["unknown role", "common password", "short password", "password like the name", "empty name",
        "unknown staff id"])
def test_bad_input_is_refused_in_words_with_exit_1_and_nothing_written(args: list[str], stdin: str,
                                                                        words: str) -> None:
    StaffMember.objects.create(staff_id="S04417", name="Priya Morgan", role="constable")
    options = {"--full-name": "Priya Morgan", "--staff-id": "S04417"}
    options |= dict(zip(args[::2], args[1::2], strict=True))
    result = users("add", "pmorgan", *[x for pair in options.items() for x in pair], "--password-stdin",
                   stdin=stdin + "\n")
    assert result.exit_code == 1, result.output
    assert words in " ".join(result.output.split()), result.output
    assert not User.objects.filter(username="pmorgan").exists() and not AccessLog.objects.exists()


@pytest.mark.parametrize("name", ["pmorgan", "PMorgan"])
def test_a_user_name_already_taken_is_refused_whatever_its_case(name: str) -> None:
    make_user("pmorgan", Role.STAFF, "S04417")
    result = users("add", name, "--full-name", "Someone Else", "--role", "ACU lead", "--staff-id", "",
                   "--password-stdin", stdin=STRONG + "\n")
    assert result.exit_code == 1 and "already an account called" in result.output
    assert User.objects.get(username="pmorgan").role == Role.STAFF and not AccessLog.objects.exists()


def test_a_user_name_with_a_space_or_slash_is_refused() -> None:
    for bad in ("p morgan", "p/morgan"):
        result = users("add", bad, "--full-name", "Priya Morgan", "--role", "Staff", "--staff-id", "",
                       "--password-stdin", stdin=STRONG + "\n")
        assert result.exit_code == 1 and "user name" in result.output
    assert not User.objects.exists()


@pytest.mark.parametrize("command", [["set-role", "nobody", "ACU lead"], ["disable", "nobody"],
                                     ["enable", "nobody"], ["reset-second-factor", "nobody"]])
def test_an_unknown_account_is_refused(command: list[str]) -> None:
    result = users(*command)
    assert result.exit_code == 1 and "there is no account called 'nobody'" in result.output
    assert not AccessLog.objects.exists()


def test_set_role_by_its_words_changes_what_the_account_may_open() -> None:
    user = make_user("pmorgan", Role.STAFF, "S04417")
    client = signed_in(user)
    assert client.get(reverse("vetting")).status_code == 404
    shown = account_json(users("set-role", "pmorgan", "vetting officer", "--json"))
    assert shown["role"] == "Vetting officer"
    assert client.get(reverse("vetting")).status_code == 200
    assert last_entry().detail == "role: Member of staff to Vetting officer"
    refused = users("set-role", "pmorgan", "Superintendent")
    assert refused.exit_code == 1 and "not a role" in refused.output
    assert User.objects.get(username="pmorgan").role == Role.VETTING_OFFICER


def test_raising_a_role_to_one_that_needs_a_second_factor_ends_a_session_without_one() -> None:
    user = make_user("pmorgan", Role.STAFF, "S04417")
    client = Client()
    assert client.login(username="pmorgan", password=PASSWORD)  # a password-only session, fine for staff
    assert client.get(reverse("my_declarations")).status_code == 200
    account_json(users("set-role", "pmorgan", "ACU analyst", "--json"))
    assert client.get(reverse("my_declarations")).status_code == 302  # sent to sign in again
    assert user.pk  # still there, only signed out


def _sessions_of(user: User) -> int:
    return sum(str(s.get_decoded().get(SESSION_KEY)) == str(user.pk) for s in Session.objects.all())


def test_disable_ends_every_session_and_refuses_the_password_until_enabled() -> None:
    user = make_user("pmorgan", Role.ACU_ANALYST, "S04417")
    other = make_user("dokafor", Role.ACU_ANALYST, "S04418")
    laptop, phone, colleague = signed_in(user), signed_in(user), signed_in(other)
    assert laptop.get(reverse("queue")).status_code == 200 and _sessions_of(user) == 2
    shown = account_json(users("disable", "pmorgan", "--json"))
    assert shown["active"] is False
    assert last_entry().detail == "disabled; 2 sessions ended"
    assert _sessions_of(user) == 0 and _sessions_of(other) == 1
    for client in (laptop, phone):
        assert client.get(reverse("queue")).status_code == 302
    assert colleague.get(reverse("queue")).status_code == 200
    fresh = Client()
    assert fresh.post(reverse("login"), {"username": "pmorgan", "password": PASSWORD}).status_code == 400
    account_json(users("enable", "pmorgan", "--json"))
    assert last_entry().detail == "enabled"
    response = fresh.post(reverse("login"), {"username": "pmorgan", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("second_factor")


def test_reset_second_factor_makes_the_next_sign_in_enrol_again_and_ends_sessions() -> None:
    user = make_user("pmorgan", Role.ACU_ANALYST, "S04417")
    User.objects.filter(pk=user.pk).update(totp_secret="JBSWY3DPEHPK3PXP", totp_confirmed=True, totp_last_step=99)
    laptop = signed_in(user)
    result = users("reset-second-factor", "pmorgan")
    assert result.exit_code == 0 and "enrols a new authenticator app; 1 session ended" in " ".join(
        result.output.split())
    user.refresh_from_db()
    assert (user.totp_secret, user.totp_confirmed, user.totp_last_step) == ("", False, 0)
    assert laptop.get(reverse("queue")).status_code == 302
    client = Client()
    client.post(reverse("login"), {"username": "pmorgan", "password": PASSWORD})
    page = client.get(reverse("second_factor")).content.decode()
    user.refresh_from_db()
    assert user.totp_secret and user.totp_secret != "JBSWY3DPEHPK3PXP" and user.totp_secret in page


def test_list_shows_every_account_in_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users_cmd.err_console, "width", 200)  # the table whole, as on a wide terminal
    make_user("pmorgan", Role.ACU_ANALYST, "S04417")
    account_json(users("add", "lchen", "--full-name", "Li Chen", "--role", "Staff", "--staff-id", "", "--sso-only",
                       "--json"))
    account_json(users("disable", "lchen", "--json"))
    rows = json.loads(users("list", "--json").stdout)
    assert [(r["username"], r["role"], r["active"], r["sign_in"], r["second_factor"]) for r in rows] == [
        ("lchen", "Member of staff", False, "single sign-on (not yet linked)", "not needed"),
        ("pmorgan", "ACU analyst", True, "password", "not yet enrolled")]
    table = users("list")
    assert table.exit_code == 0 and "disabled" in table.output and "ACU analyst" in table.output
