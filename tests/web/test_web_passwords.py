"""Password rules (AUTH_PASSWORD_VALIDATORS) on every password set, whichever path sets it, and strong demo
passwords."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from upstander.web.demo_accounts import ensure_demo_accounts
from upstander.web.models import User
from upstander.web.portal.reporting.wordlist import WORDS
from upstander.web.roles import Role
from webworld import PASSWORD, make_user

pytestmark = pytest.mark.django_db

WEAK = {"too short": "short1", "common": "password123456", "numeric": "12345678901234",
        "like the user name": "analyst-analyst"}


@pytest.mark.parametrize("why", WEAK)
def test_a_weak_password_is_refused_by_set_password_and_save(why: str) -> None:
    user = User(username="analyst-analyst", role=Role.ACU_ANALYST)
    user.set_password(WEAK[why])
    with pytest.raises(ValidationError):
        user.save()
    assert not User.objects.filter(username="analyst-analyst").exists()


@pytest.mark.parametrize("why", WEAK)
def test_a_weak_password_is_refused_by_create_user(why: str) -> None:
    with pytest.raises(ValidationError):
        User.objects.create_user("analyst-analyst", password=WEAK[why])
    assert not User.objects.filter(username="analyst-analyst").exists()


def test_changing_an_existing_password_to_a_weak_one_is_refused() -> None:
    user = make_user("analyst", Role.ACU_ANALYST, "S00001")
    user.set_password("analyst1")
    with pytest.raises(ValidationError):
        user.save()
    assert User.objects.get(username="analyst").check_password(PASSWORD)


def test_a_strong_password_is_accepted_and_signing_in_does_not_re_check_it() -> None:
    user = User.objects.create_user("analyst", password=PASSWORD, role=Role.ACU_ANALYST)
    assert user.check_password(PASSWORD) and user.password.startswith("argon2$argon2id$")
    user.first_name = "Alex"
    user.save()  # saving other fields never re-checks the password (none is being set)


def test_demo_passwords_are_long_random_phrases_that_pass_the_rules() -> None:
    logins = ensure_demo_accounts()
    assert logins and len({g.password for g in logins}) == len(logins)
    for g in logins:
        words = g.password.split("-")
        assert len(words) >= 6 and all(w in WORDS for w in words), g.password
        validate_password(g.password, User.objects.get(username=g.username))
        assert User.objects.get(username=g.username).check_password(g.password)


def test_the_test_password_passes_the_rules() -> None:
    validate_password(PASSWORD, User(username="analyst"))
