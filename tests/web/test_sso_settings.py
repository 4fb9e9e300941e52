"""Single sign-on's settings: each one that is wrong or missing is refused naming the setting, before anyone
tries to sign in; and the rules that decide an account from the provider's claims."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from upstander import settings
from upstander.cli import register
from upstander.web.roles import Role
from upstander.web.sso import config as sso_config
from upstander.web.sso.accounts import groups_in, provider_second_factor

GOOD = {"UPSTANDER_OIDC_ISSUER": "https://login.force.example/tenant", "UPSTANDER_OIDC_CLIENT_ID": "upstander",
        "UPSTANDER_OIDC_ROLE_MAP": json.dumps({"PSD-ACU-Analysts": "ACU analyst", "All-Staff": "staff"})}


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    secret = tmp_path / "client-secret"
    secret.write_text("s3cret-from-the-provider\n")
    for name, value in GOOD.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("UPSTANDER_OIDC_CLIENT_SECRET_FILE", str(secret))
    return secret


def test_off_unless_an_issuer_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UPSTANDER_OIDC_ISSUER", raising=False)
    assert sso_config.current() is None


def test_a_complete_configuration_reads_in_words(configured: Path) -> None:
    config = sso_config.current()
    assert config is not None
    assert config.group_roles == (("PSD-ACU-Analysts", Role.ACU_ANALYST), ("All-Staff", Role.STAFF))
    assert config.client_secret() == "s3cret-from-the-provider"
    assert config.role_for(["All-Staff", "PSD-ACU-Analysts"]) == Role.ACU_ANALYST  # the first listed wins
    assert config.role_for(["Custody-Suite"]) is None and not config.trust_second_factor


@pytest.mark.parametrize(("name", "value", "words"), [
    ("UPSTANDER_OIDC_ISSUER", "http://login.force.example", "https://"),
    ("UPSTANDER_OIDC_ISSUER", "login.force.example", "https://"),
    ("UPSTANDER_OIDC_ENDPOINTS", "authorization=https://idp.example/a token=https://idp.example/t", "missing"),
    ("UPSTANDER_OIDC_ENDPOINTS", "authorise=https://idp.example/a", "name=address"),
    ("UPSTANDER_OIDC_ENDPOINTS", "authorization=http://idp.example/a token=https://idp.example/t "
                                 "userinfo=https://idp.example/u jwks=https://idp.example/k", "https://"),
    ("UPSTANDER_OIDC_ROLE_MAP", "{PSD: ACU analyst}", "not JSON"),
    ("UPSTANDER_OIDC_ROLE_MAP", '["PSD-ACU-Analysts"]', "JSON object"),
    ("UPSTANDER_OIDC_ROLE_MAP", '{"PSD-ACU-Analysts": 3}', "JSON object"),
    ("UPSTANDER_OIDC_TRUST_SECOND_FACTOR", "sometimes", "expected 1 or 0"),
], ids=["plain http", "no scheme", "endpoints missing", "endpoint misnamed", "endpoint plain http", "bad JSON",
        "map not an object", "role not text", "trust not a flag"])
def test_a_malformed_setting_is_refused_naming_it(configured: Path, monkeypatch: pytest.MonkeyPatch, name: str,
                                                   value: str, words: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name) as refused:
        sso_config.current()
    assert words in str(refused.value)


@pytest.mark.parametrize(("name", "value", "words"), [
    ("UPSTANDER_OIDC_CLIENT_ID", "", "UPSTANDER_OIDC_CLIENT_ID must be too"),
    ("UPSTANDER_OIDC_ROLE_MAP", "", "UPSTANDER_OIDC_ROLE_MAP must be too"),
    ("UPSTANDER_OIDC_ROLE_MAP", '{"PSD-ACU-Analysts": "Chief constable"}', "'Chief constable', which is not a role"),
    ("UPSTANDER_OIDC_SCOPES", "profile email", "must include openid"),
    ("UPSTANDER_OIDC_REDIRECT_URI", "http://upstander.force.example/login/sso/callback/", "https://"),
])
def test_an_incomplete_or_wrong_configuration_is_refused_naming_the_setting(
        configured: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, words: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=words):
        sso_config.current()


@pytest.mark.parametrize("content", [None, "  \n"], ids=["missing file", "empty file"])
def test_a_client_secret_file_missing_or_empty_stops_serve_before_it_starts(
        configured: Path, content: str | None) -> None:
    if content is None:
        configured.unlink()
    else:
        configured.write_text(content)
    result = CliRunner().invoke(register(), ["serve", "--no-sync"])
    assert result.exit_code == 2
    assert "UPSTANDER_OIDC_CLIENT_SECRET_FILE" in " ".join(result.output.split())


def test_endpoints_given_are_used_without_discovery(configured: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPSTANDER_OIDC_ENDPOINTS", "authorization=https://idp.example/a, token=https://idp.example/t,"
                                                   " userinfo=https://idp.example/u, jwks=https://idp.example/k")
    config = sso_config.current()
    assert config is not None
    assert sso_config.endpoints(config) == sso_config.Endpoints("https://idp.example/a", "https://idp.example/t",
                                                                "https://idp.example/u", "https://idp.example/k")


def test_groups_come_as_a_list_or_one_name_and_anything_else_is_no_group() -> None:
    assert groups_in(["All-Staff", 7, "", "PSD"]) == ["All-Staff", "PSD"]
    assert groups_in("PSD") == ["PSD"]
    assert groups_in({"PSD": True}) == [] and groups_in(None) == []


def test_the_provider_s_second_factor_counts_only_when_trusted_and_in_the_id_token(
        configured: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = sso_config.current()
    assert config is not None
    assert provider_second_factor(config, {"amr": ["pwd", "mfa"]}) == ""  # not trusted (the default)
    monkeypatch.setenv("UPSTANDER_OIDC_TRUST_SECOND_FACTOR", "1")
    monkeypatch.setenv("UPSTANDER_OIDC_SECOND_FACTOR_ACR", "urn:force:loa:high, urn:force:loa:very-high")
    trusted = sso_config.current()
    assert trusted is not None
    assert provider_second_factor(trusted, {"amr": ["pwd", "hwk"]}) == "amr hwk"
    assert provider_second_factor(trusted, {"amr": ["pwd"], "acr": "urn:force:loa:very-high"}) == (
        "acr urn:force:loa:very-high")
    assert provider_second_factor(trusted, {"amr": ["pwd"], "acr": "urn:force:loa:medium"}) == ""
    assert provider_second_factor(trusted, {"amr": "mfa"}) == "amr mfa"  # one method given as a string
    assert provider_second_factor(trusted, {}) == ""


def test_the_settings_table_holds_every_single_sign_on_setting() -> None:
    names = {s.name for s in settings.SETTINGS if s.name.startswith("UPSTANDER_OIDC_")}
    assert {"UPSTANDER_OIDC_ISSUER", "UPSTANDER_OIDC_ENDPOINTS", "UPSTANDER_OIDC_CLIENT_ID",
            "UPSTANDER_OIDC_CLIENT_SECRET_FILE", "UPSTANDER_OIDC_GROUPS_CLAIM", "UPSTANDER_OIDC_ROLE_MAP",
            "UPSTANDER_OIDC_TRUST_SECOND_FACTOR", "UPSTANDER_OIDC_SECOND_FACTOR_ACR"} <= names
