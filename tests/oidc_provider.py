"""A small, real OpenID Connect provider for the single sign-on tests, built on pyop and served over HTTPS on
loopback from a thread (a certificate made for the test, which the process is told to trust): discovery, a
published signing key (RS256), an authorisation endpoint with its own sign-in form, a token endpoint (client secret
and PKCE checked by pyop) and userinfo.

Its people are synthetic. Each has a password at the provider, groups, a staff id and the authentication methods
(amr) and assurance (acr) their sign-in there reached. `wrong_nonce` makes the provider mint the next ID token for
a nonce other than the one the client sent, as a token lifted from another sign-in would carry.
"""

from __future__ import annotations

import datetime
import html
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from Cryptodome.PublicKey import RSA
from jwkest.jwk import RSAKey
from pyop.authz_state import AuthorizationState
from pyop.exceptions import OAuthError
from pyop.provider import Provider
from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
from pyop.userinfo import Userinfo

CLIENT_ID = "upstander-psd"
CLIENT_SECRET = "provider-issued-secret-for-tests-only-4f1c"
_KEY = RSAKey(key=RSA.generate(2048), alg="RS256", kid="test-signing-1")  # one per test run: slow to make


@dataclass
class Person:
    password: str
    claims: dict[str, Any]
    amr: list[str] = field(default_factory=lambda: ["pwd"])
    acr: str = ""  # the assurance level the provider's sign-in reached, when it says one


def people() -> dict[str, Person]:
    """The provider's directory (login name at the provider -> person). Names are synthetic."""
    return {
        "amira.hassan": Person("provider-pass-amira", {
            "sub": "f0a8c1e2-0001", "preferred_username": "ahassan", "given_name": "Amira", "family_name": "Hassan",
            "email": "amira.hassan@force.example", "groups": ["All-Staff", "PSD-ACU-Analysts"],
            "staff_id": "S00412"}),
        "tom.fletcher": Person("provider-pass-tom", {
            "sub": "f0a8c1e2-0002", "preferred_username": "tfletcher", "given_name": "Tom", "family_name": "Fletcher",
            "email": "tom.fletcher@force.example", "groups": ["All-Staff", "Roads-Policing"], "staff_id": "S00977"}),
        "grace.obi": Person("provider-pass-grace", {
            "sub": "f0a8c1e2-0003", "preferred_username": "gobi", "given_name": "Grace", "family_name": "Obi",
            "email": "grace.obi@force.example", "groups": ["PSD-Investigators"], "staff_id": "S01288"},
            amr=["pwd", "mfa", "otp"]),
        "sam.reid": Person("provider-pass-sam", {
            "sub": "f0a8c1e2-0004", "preferred_username": "sreid", "given_name": "Sam", "family_name": "Reid",
            "email": "sam.reid@force.example", "groups": ["Custody-Suite", "Volunteers"], "staff_id": "S01502"}),
    }


ROLE_MAP = {"PSD-Investigators": "PSD investigator", "PSD-ACU-Analysts": "ACU analyst", "All-Staff": "Member of staff"}


class TestProvider:
    __test__ = False  # not a test class, whatever its name

    def __init__(self, base: str, redirect_uri: str) -> None:
        self.base = base
        self.people = people()
        self.wrong_nonce = False
        self.token_requests = 0
        config = {
            "issuer": base, "authorization_endpoint": f"{base}/authorize", "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo", "jwks_uri": f"{base}/jwks",
            "scopes_supported": ["openid", "profile", "email"], "response_types_supported": ["code"],
            "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "grant_types_supported": ["authorization_code"], "code_challenge_methods_supported": ["S256"],
        }
        clients = {CLIENT_ID: {"client_secret": CLIENT_SECRET, "redirect_uris": [redirect_uri],
                               "response_types": ["code"], "token_endpoint_auth_method": "client_secret_post"}}
        userinfo = Userinfo({login: p.claims for login, p in self.people.items()})
        self.provider = Provider(_KEY, config, AuthorizationState(HashBasedSubjectIdentifierFactory("test-salt")),
                                 clients, userinfo, extra_scopes={"groups": ["groups", "staff_id"]})

    def _how_signed_in(self, user_id: str, client_id: str) -> dict[str, Any]:
        """The ID token's claims about this sign-in at the provider: its methods (amr) and assurance (acr)."""
        person = self.people[user_id]
        return {"amr": person.amr} | ({"acr": person.acr} if person.acr else {})

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
        headers = {"Authorization": environ.get("HTTP_AUTHORIZATION", "")}
        try:
            if path == "/.well-known/openid-configuration":
                return _json(start_response, self.provider.provider_configuration.to_dict())
            if path == "/jwks":
                return _json(start_response, self.provider.jwks)
            if path == "/authorize" and method == "GET":
                return self._sign_in_form(start_response, environ.get("QUERY_STRING", ""))
            if path == "/authorize" and method == "POST":
                return self._authorise(start_response, parse_qs(body))
            if path == "/token" and method == "POST":
                self.token_requests += 1
                answer = self.provider.handle_token_request(body, headers, extra_id_token_claims=self._how_signed_in)
                return _json(start_response, answer.to_dict())
            if path == "/userinfo":
                answer = self.provider.handle_userinfo_request(body or environ.get("QUERY_STRING", ""), headers)
                return _json(start_response, answer.to_dict())
        except (OAuthError, ValueError, KeyError) as exc:
            return _json(start_response, {"error": "invalid_request", "error_description": str(exc)}, "400 Bad Request")
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    def _sign_in_form(self, start_response: Any, query: str) -> list[bytes]:
        self.provider.parse_authentication_request(query)  # a bad client or redirect address stops here
        page = (f'<form method="post" action="/authorize"><input type="hidden" name="request" '
                f'value="{html.escape(query)}"><input name="login"><input name="password" type="password">'
                '<button>Sign in at the force</button></form>')
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [page.encode()]

    def _authorise(self, start_response: Any, form: dict[str, list[str]]) -> list[bytes]:
        query = form["request"][0]
        request = self.provider.parse_authentication_request(query)
        login, password = form.get("login", [""])[0], form.get("password", [""])[0]
        person = self.people.get(login)
        if person is None or person.password != password:
            start_response("401 Unauthorized", [("Content-Type", "text/plain")])
            return [b"wrong login or password at the provider"]
        if self.wrong_nonce:
            request["nonce"] = "a-nonce-from-some-other-sign-in"
        answer = self.provider.authorize(request, login)
        location = answer.request(request["redirect_uri"], fragment_enc=False)
        start_response("302 Found", [("Location", location)])
        return [b""]


def _json(start_response: Any, payload: dict[str, Any], status: str = "200 OK") -> list[bytes]:
    start_response(status, [("Content-Type", "application/json")])
    return [json.dumps(payload).encode()]


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key (PEM files in `directory`)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test identity provider")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                               x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert_file, key_file = directory / "provider-cert.pem", directory / "provider-key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def provider_on_loopback(redirect_uri: str, certificate: tuple[Path, Path],
                         host: str = "127.0.0.1") -> Iterator[TestProvider]:
    """The provider served over HTTPS from a thread on a free loopback port until the block ends."""
    holder: dict[str, TestProvider] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        return holder["provider"](environ, start_response)

    server = make_server(host, 0, app, server_class=_Server, handler_class=_QuietHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    holder["provider"] = TestProvider(f"https://{host}:{server.server_port}", redirect_uri)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield holder["provider"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(30)
