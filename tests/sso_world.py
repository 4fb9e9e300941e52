"""The single sign-on tests' two servers: the web application (waitress, as `upstander serve` runs it) and the
test OpenID Connect provider (tests/oidc_provider.py), both on loopback, with Upstander's settings pointing at the
provider; and the steps a browser takes through them."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from oidc_provider import CLIENT_ID, CLIENT_SECRET, ROLE_MAP, TestProvider, make_certificate, provider_on_loopback
from portal_http import waitress_in_thread
from upstander.web.sso import config as sso_config

PROVIDER_NAME = "Force Identity"


@dataclass
class Sso:
    app: str  # the web application's address
    idp: TestProvider
    monkeypatch: pytest.MonkeyPatch

    def trust_second_factor(self, trusted: bool) -> None:
        self.monkeypatch.setenv("UPSTANDER_OIDC_TRUST_SECOND_FACTOR", "1" if trusted else "0")

    def at_provider(self, browser: requests.Session) -> str:
        """From Upstander's sign-in page to the provider's sign-in form; the form's hidden request."""
        page = browser.get(f"{self.app}/login/")
        found = re.search(rf'href="([^"]+)">Sign in with {PROVIDER_NAME}<', page.text)
        assert found, "the sign-in page should offer single sign-on"
        form = browser.get(self.app + html.unescape(found.group(1)))
        assert form.status_code == 200 and form.url.startswith(f"{self.idp.base}/authorize?"), form.text[:500]
        hidden = re.search(r'name="request" value="([^"]*)"', form.text)
        assert hidden
        return html.unescape(hidden.group(1))

    def callback_address(self, browser: requests.Session, login: str, password: str) -> str:
        """Sign in at the provider; the callback address it sends the browser to (not yet followed)."""
        request = self.at_provider(browser)
        answer = browser.post(f"{self.idp.base}/authorize", data={"request": request, "login": login,
                                                                   "password": password}, allow_redirects=False)
        assert answer.status_code == 302, answer.text
        location = answer.headers["Location"]
        assert location.startswith(f"{self.app}/login/sso/callback/?")
        return location

    def sign_in(self, login: str, password: str, browser: requests.Session | None = None) -> requests.Response:
        browser = browser or requests.Session()
        return browser.get(self.callback_address(browser, login, password))


@contextmanager
def sso_servers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, provider_host: str = "127.0.0.1") -> Iterator[Sso]:
    """Both servers running and Upstander configured for the provider, until the block ends. A provider on
    "localhost" is on another site than the application on 127.0.0.1, as a force's provider is."""
    secret = tmp_path / "oidc-client-secret"
    secret.write_text(CLIENT_SECRET + "\n")
    certificate = make_certificate(tmp_path)
    with waitress_in_thread(threads=4) as port:
        app = f"http://127.0.0.1:{port}"
        with provider_on_loopback(f"{app}/login/sso/callback/", certificate, provider_host) as idp:
            for name, value in {
                "REQUESTS_CA_BUNDLE": str(certificate[0]),  # the provider's certificate, trusted as a force's CA is
                "UPSTANDER_OIDC_ISSUER": idp.base, "UPSTANDER_OIDC_CLIENT_ID": CLIENT_ID,
                "UPSTANDER_OIDC_CLIENT_SECRET_FILE": str(secret), "UPSTANDER_OIDC_ROLE_MAP": json.dumps(ROLE_MAP),
                "UPSTANDER_OIDC_SCOPES": "openid profile email groups", "UPSTANDER_OIDC_PROVIDER_NAME": PROVIDER_NAME,
                "UPSTANDER_OIDC_TRUST_SECOND_FACTOR": "0",
            }.items():
                monkeypatch.setenv(name, value)
            sso_config.forget_discovery()
            yield Sso(app, idp, monkeypatch)
            sso_config.forget_discovery()
