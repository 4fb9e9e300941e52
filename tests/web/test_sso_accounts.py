"""From a verified ID token and userinfo to an account, without the HTTP around it: the refusals the end-to-end
tests cannot provoke through a well-behaved provider."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from upstander.web.models import AccessLog, User
from upstander.web.roles import Role
from upstander.web.sso import config as sso_config
from upstander.web.sso.accounts import Refused, sign_in
from webworld import make_user

pytestmark = pytest.mark.django_db
ISSUER = "https://login.force.example/tenant"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> sso_config.SsoConfig:
    secret = tmp_path / "client-secret"
    secret.write_text("s3cret")
    for name, value in {"UPSTANDER_OIDC_ISSUER": ISSUER, "UPSTANDER_OIDC_CLIENT_ID": "upstander",
                        "UPSTANDER_OIDC_CLIENT_SECRET_FILE": str(secret),
                        "UPSTANDER_OIDC_ROLE_MAP": json.dumps({"PSD-ACU-Analysts": "ACU analyst"})}.items():
        monkeypatch.setenv(name, value)
    found = sso_config.current()
    assert found is not None
    return found


def claims(**extra: Any) -> dict[str, Any]:
    return {"sub": "f0a8c1e2-0042", "preferred_username": "nbaker", "given_name": "Nia", "family_name": "Baker",
            "groups": ["PSD-ACU-Analysts"], "staff_id": "S02210"} | extra


def _refused(config: sso_config.SsoConfig, id_token: dict[str, Any], userinfo: dict[str, Any]) -> Refused:
    with pytest.raises(Refused) as refused:
        sign_in(config, id_token, userinfo)
    entry = AccessLog.objects.filter(action="refuse").order_by("-seq").first()
    assert entry is not None and entry.detail == f"single sign-on: {refused.value.detail}"
    return refused.value


def test_a_first_sign_in_makes_the_account_from_the_claims(config: sso_config.SsoConfig) -> None:
    made = sign_in(config, {"sub": "f0a8c1e2-0042", "amr": ["pwd"]}, claims()).user
    assert (made.username, made.role, made.staff_id, made.get_full_name(), made.sso_issuer) == (
        "nbaker", Role.ACU_ANALYST, "S02210", "Nia Baker", ISSUER)
    assert not made.has_usable_password()


def test_userinfo_about_someone_else_is_refused(config: sso_config.SsoConfig) -> None:
    refusal = _refused(config, {"sub": "f0a8c1e2-0042"}, claims(sub="f0a8c1e2-9999"))
    assert "did not hang together" in refusal.words and not User.objects.exists()


@pytest.mark.parametrize("name", ["", "n baker", "n/baker", "x" * 151])
def test_an_unusable_user_name_is_refused(config: sso_config.SsoConfig, name: str) -> None:
    _refused(config, {"sub": "f0a8c1e2-0042"}, claims(preferred_username=name))
    assert not User.objects.exists()


def test_a_staff_id_too_long_for_the_directory_is_refused(config: sso_config.SsoConfig) -> None:
    _refused(config, {"sub": "f0a8c1e2-0042"}, claims(staff_id="S" * 40))
    assert not User.objects.exists()


def test_a_name_linked_to_another_subject_is_not_taken(config: sso_config.SsoConfig) -> None:
    other = User(username="nbaker", role=Role.STAFF, sso_issuer=ISSUER, sso_subject="f0a8c1e2-0001")
    other.set_unusable_password()
    other.save()
    refusal = _refused(config, {"sub": "f0a8c1e2-0042"}, claims())
    assert "already exists and is not linked" in refusal.words
    other.refresh_from_db()
    assert (other.sso_subject, other.role) == ("f0a8c1e2-0001", Role.STAFF)


def test_a_disabled_account_waiting_for_its_first_sign_in_is_refused_and_not_linked(
        config: sso_config.SsoConfig) -> None:
    waiting = User(username="nbaker", role=Role.STAFF, is_active=False)
    waiting.set_unusable_password()
    waiting.save()
    _refused(config, {"sub": "f0a8c1e2-0042"}, claims())
    waiting.refresh_from_db()
    assert waiting.sso_subject == "" and waiting.role == Role.STAFF and not waiting.is_active


def test_the_same_subject_at_another_issuer_is_another_person(config: sso_config.SsoConfig) -> None:
    elsewhere = make_user("nbaker", Role.ACU_LEAD, "S09999")
    User.objects.filter(pk=elsewhere.pk).update(sso_issuer="https://other.example", sso_subject="f0a8c1e2-0042")
    refusal = _refused(config, {"sub": "f0a8c1e2-0042"}, claims())
    assert "already exists" in refusal.words and User.objects.count() == 1
