"""Every setting Upstander reads, declared once with its help text.

Settings come from the environment. The README's settings table is checked against this list by a
test, so a setting cannot be added without being documented.
"""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    parse: Callable[[str], Any] = str


def _bbox(text: str) -> tuple[float, float, float, float]:
    parts = [float(p) for p in text.split(",")]
    if len(parts) != 4 or not (parts[0] < parts[2] and parts[1] < parts[3]):
        raise ValueError(f"UPSTANDER_BBOX must be 'min_lat,min_lon,max_lat,max_lon', got {text!r}")
    return parts[0], parts[1], parts[2], parts[3]


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _days(text: str) -> int:
    """A retention period: a whole number of days, at least one (0 would delete a record the day it is made)."""
    try:
        value = int(text.strip())
    except ValueError:
        raise ValueError(f"expected a whole number of days, got {text!r}") from None
    if value < 1:
        raise ValueError(f"expected a whole number of days of at least 1, got {text!r}")
    return value


def _proxy_address(text: str) -> str:
    """One IP address (a reverse proxy's), or empty for none."""
    text = text.strip()
    if text:
        ipaddress.ip_address(text)  # ValueError names the text
    return text


_PROXY_HEADERS = ("x-forwarded-for", "forwarded")


def _proxy_header(text: str) -> str:
    header = text.strip().lower()
    if header not in _PROXY_HEADERS:
        raise ValueError(f"expected one of {', '.join(_PROXY_HEADERS)}, got {text!r}")
    return header


def provider_url(text: str) -> str:
    """An address at the identity provider: https, or plain http only on this machine (a provider in a test)."""
    from urllib.parse import urlparse

    text = text.strip()
    if not text:
        return ""
    parsed = urlparse(text)
    loopback = parsed.hostname in ("localhost", "127.0.0.1", "::1")
    if not parsed.hostname or not (parsed.scheme == "https" or (parsed.scheme == "http" and loopback)):
        raise ValueError(f"expected an https:// address (http:// only on localhost), got {text!r}")
    return text


_ENDPOINT_NAMES = ("authorization", "token", "userinfo", "jwks")


def _endpoints(text: str) -> dict[str, str]:
    """Empty, or every one of the provider's endpoints as name=address, separated by spaces or commas."""
    found: dict[str, str] = {}
    for part in text.replace(",", " ").split():
        name, sep, address = part.partition("=")
        if not sep or name not in _ENDPOINT_NAMES:
            raise ValueError(f"expected name=address with a name among {', '.join(_ENDPOINT_NAMES)}, got {part!r}")
        found[name] = provider_url(address)
    missing = [n for n in _ENDPOINT_NAMES if n not in found]
    if found and missing:
        raise ValueError(f"every endpoint is needed when any is given; missing: {', '.join(missing)}")
    return found


def _group_roles(text: str) -> dict[str, str]:
    """A JSON object from the provider's group names to Upstander roles (their words); checked as roles later."""
    if not text.strip():
        return {}
    try:
        mapping = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at character {exc.pos})") from None
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and k and isinstance(v, str)
                                                for k, v in mapping.items()):
        raise ValueError('expected a JSON object of group names to roles, such as {"PSD-ACU-Analysts": "ACU analyst"}')
    return mapping


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.replace(",", " ").split())


RANK_LABELS = ("sustained_complaint", "case_opened", "proven_case")


def _rank_label(text: str) -> str:
    label = text.strip().lower()
    if label not in RANK_LABELS:
        raise ValueError(f"expected one of {', '.join(RANK_LABELS)}, got {text!r}")
    return label


def _flag(text: str) -> bool:
    if text.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if text.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected 1 or 0, got {text!r}")


SETTINGS: tuple[Setting, ...] = (
    Setting("UPSTANDER_HOME", str(Path.home() / ".upstander"),
            "Directory holding all state: the lake, databases, keys and reports.", lambda s: Path(s).expanduser()),
    Setting("UPSTANDER_MEMORY_LIMIT", "3GB",
            "Most memory DuckDB may use before it spills to disk under UPSTANDER_HOME (the process as a whole "
            "peaks about 0.7 GB above it)."),
    Setting("UPSTANDER_SPILL_LIMIT", "20GB",
            "Most disk DuckDB may fill with spill files under UPSTANDER_HOME/tmp; a query needing more stops with "
            "an error instead of filling the disk."),
    Setting("UPSTANDER_THREADS", str(os.cpu_count() or 1), "Threads DuckDB may use.", _positive_int),
    Setting("UPSTANDER_COUNTRY_CODE", "44",
            "Calling code assumed for phone numbers written in national form (07700 900123)."),
    Setting("UPSTANDER_BBOX", "49.8,-8.7,60.9,1.8",
            "Plausible coordinates, as min_lat,min_lon,max_lat,max_lon; the default is the UK and its waters.", _bbox),
    Setting("UPSTANDER_DATABASE_URL", "",
            "The web application's database as postgresql://user:password@host:port/name; empty for SQLite at "
            "$UPSTANDER_HOME/web.sqlite3."),
    Setting("UPSTANDER_SECRET_KEY", "",
            "The web application's signing key; empty to keep one in $UPSTANDER_HOME/secret_key, created on first "
            "use with mode 0600."),
    Setting("UPSTANDER_KEY_DIR", "",
            "Directory holding the keys that seal confidential reports, kept apart from the database (in production "
            "another volume or a secret mount); empty for $UPSTANDER_HOME/keys. Made only by `upstander keys init` "
            "(mode 0700); when it is missing, Upstander refuses to start, seal or open rather than make new keys.",
            ),
    Setting("UPSTANDER_REPORT_LIMIT", "10",
            "Reports the portal accepts from one client address per hour (counted in memory under a hash that "
            "changes daily; no address is stored); receipt-code attempts are limited to the same number per 15 "
            "minutes.", _positive_int),
    Setting("UPSTANDER_QUICK_EXIT_URL", "https://www.bbc.co.uk/weather",
            "Where the reporting portal's quick-exit control goes: an ordinary, innocuous page."),
    Setting("UPSTANDER_TRUSTED_PROXY", "",
            "The address of a reverse proxy in front of `upstander serve` (for example 127.0.0.1), whose header "
            "gives each client's address for rate limiting; empty (the default) to trust no proxy header and "
            "count every client by the address it connects from.", _proxy_address),
    Setting("UPSTANDER_TRUSTED_PROXY_HEADER", "x-forwarded-for",
            "The header the trusted proxy sets with the client's address: x-forwarded-for or forwarded. Only "
            "used with UPSTANDER_TRUSTED_PROXY; from any other address the header is removed.", _proxy_header),
    Setting("UPSTANDER_IDLE_TIMEOUT", "900",
            "Seconds of inactivity after which a web session ends and the user must sign in again.", _positive_int),
    Setting("UPSTANDER_SIGN_IN_CEILING", "100",
            "Failed sign-ins against one account, from every client together, within an hour that lock it for an "
            "hour (the ACU lead can clear it sooner); each client is slowed down long before on its own.",
            _positive_int),
    Setting("UPSTANDER_SECURE_COOKIES", "0",
            "1 when the web application is served over HTTPS: session and CSRF cookies are then sent only over "
            "HTTPS and browsers are told to use HTTPS only (HSTS, one year). 0 for plain-HTTP localhost.",
            _flag),
    Setting("UPSTANDER_OIDC_ISSUER", "",
            "The force's OpenID Connect identity provider, as its issuer (https://...), which turns single sign-on "
            "on; its endpoints are read from ISSUER/.well-known/openid-configuration unless UPSTANDER_OIDC_ENDPOINTS "
            "gives them. Empty (the default): no single sign-on.", provider_url),
    Setting("UPSTANDER_OIDC_ENDPOINTS", "",
            "The provider's endpoints, instead of reading them from its discovery document: "
            "authorization=URL token=URL userinfo=URL jwks=URL, all four.", _endpoints),
    Setting("UPSTANDER_OIDC_PROVIDER_NAME", "your force account",
            "The provider's name as people know it: the sign-in page offers \"Sign in with\" it."),
    Setting("UPSTANDER_OIDC_CLIENT_ID", "", "The client id the provider registered Upstander under."),
    Setting("UPSTANDER_OIDC_CLIENT_SECRET_FILE", "",
            "A file holding the client secret the provider issued (kept out of the environment; read when needed)."),
    Setting("UPSTANDER_OIDC_REDIRECT_URI", "",
            "The address the provider sends people back to, exactly as registered with it (behind a reverse "
            "proxy, https://HOST/login/sso/callback/); empty to take it from the request."),
    Setting("UPSTANDER_OIDC_SCOPES", "openid profile email",
            "The scopes asked for; add the one that makes the provider send group membership if it needs one."),
    Setting("UPSTANDER_OIDC_GROUPS_CLAIM", "groups", "The claim that lists the groups the person is in."),
    Setting("UPSTANDER_OIDC_ROLE_MAP", "",
            "Which provider groups give which role, as a JSON object such as {\"PSD-ACU-Analysts\": \"ACU analyst\"}; "
            "someone in several gets the role of the first listed, someone in none is refused. The role is set again "
            "at every sign-in.", _group_roles),
    Setting("UPSTANDER_OIDC_USERNAME_CLAIM", "preferred_username",
            "The claim that names a new account, one the provider's administrators control (not the person). "
            "Accounts are found again by the provider's subject identifier, never by name."),
    Setting("UPSTANDER_OIDC_STAFF_ID_CLAIM", "staff_id",
            "The claim that gives the person's force staff id, which need to know checks conflicts through; empty "
            "to take none from the provider (set it with `upstander users add --sso-only --staff-id`)."),
    Setting("UPSTANDER_OIDC_TRUST_SECOND_FACTOR", "0",
            "1 to accept the provider's second factor for PSD and ACU roles when its ID token says one was used (amr "
            "holds mfa, otp or hwk, or acr is one of UPSTANDER_OIDC_SECOND_FACTOR_ACR); 0 (the default) to ask for "
            "Upstander's own authenticator code after every single sign-on as after a password.", _flag),
    Setting("UPSTANDER_OIDC_SECOND_FACTOR_ACR", "",
            "acr values that mean the provider used a second factor (as the provider documents them), separated by "
            "spaces or commas; empty to go by amr alone.", _words),
    # Ranking (`upstander risk`, `upstander rank`, docs/ranking.md).
    Setting("UPSTANDER_RISK_HALF_LIFE_DAYS", "365",
            "Days over which an alert's points in the risk matrix halve, counted from its latest evidence to the "
            "latest data. Judgement: a year, the window complaints count in (red flag 7), so an alert counts at "
            "least half for as long as a complaint counts at all, and a quarter at two years, when an alert closed "
            "with no further action is deleted; one going on now counts in full.", _positive_int),
    Setting("UPSTANDER_RANK_LABEL", "sustained_complaint",
            "What the learned ranking learns to foresee: sustained_complaint (a complaint received in the next "
            "twelve months that is upheld), case_opened (an alert about the person that an analyst decided to "
            "open a case on, from the web application's dispositions), or proven_case (a misconduct case opened "
            "in the next twelve months whose recorded outcome is a warning or more).", _rank_label),
    Setting("UPSTANDER_RANK_OUTCOME_DELAY_MONTHS", "24",
            "Months an outcome takes to become known (a complaint's finding, a case decision): the learned ranking "
            "trains only on snapshots whose outcomes had this long to be known by the date it is fitted or "
            "tested at, and is judged only on cut-offs whose outcomes have had it. Two years: most findings are "
            "known by then (in the Chicago data 59% within two years of receipt, 14% within one).",
            _positive_int),
    # Retention (`upstander retention`, docs/retention.md). Each default says where it comes from; where it is
    # judgement it says so.
    Setting("UPSTANDER_RETAIN_NFA_ALERTS_DAYS", "730",
            "Days an alert closed with no further action or as a false positive is kept after that decision, "
            "then deleted from the triage queue and the alert store (a tombstone stops detection raising it again "
            "for the same activity). Judgement: two years, so a pattern that comes back is seen beside the alert "
            "closed on it (complaints count over one year, red flag 7), and no longer, as nothing was found.",
            _days),
    Setting("UPSTANDER_RETAIN_MONITORING_DAYS", "2190",
            "Days the lake keeps monitoring events (system audit log, work-device communications, vehicle and "
            "terminal positions, radio status) and quarantined rows, by the day they happened. Six years: the "
            "MoPI review period for most police information and the time within which a civil claim can be "
            "brought; survivors often report years later, and the contact review then needs the history. The "
            "detectors look back at most a year on these feeds.", _days),
    Setting("UPSTANDER_RETAIN_INCIDENT_LINKS_DAYS", "3650",
            "Days the lake keeps who was involved in each incident (incident_staff, incident_people), by the day "
            "the link was recorded. Ten years: the MoPI review period for sexual, violent and serious matters, "
            "and the look-back of the new-partner check (red flag 9), which searches ten years of records.",
            _days),
    Setting("UPSTANDER_RETAIN_ACCESS_LOG_DAYS", "2190",
            "Days an access-log entry is kept; older entries are deleted oldest first behind a signed retention "
            "anchor, so the chain still verifies. Judgement: six years, as for monitoring events, since the log "
            "is the evidence when a user of Upstander is investigated for misusing it.", _days),
    Setting("UPSTANDER_RETAIN_CLOSED_REPORTS_DAYS", "3650",
            "Days a confidential report is kept after it is closed, with its messages, attachments and reveal "
            "decisions; never deleted while a case that is not closed is about the staff it is linked to, or a "
            "reveal request on it is undecided or approved but not yet shown. Ten years: the MoPI review period "
            "for sexual and serious matters (APSP case study 5 turned on intelligence ten years old).", _days),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> Any:
    """The parsed value of a setting: the environment's if set and not empty, else the default."""
    setting = _BY_NAME[name]
    raw = os.environ.get(name) or setting.default
    try:
        return setting.parse(raw)
    except ValueError as exc:
        raise ValueError(f"setting {name}={raw!r} is not valid: {exc}") from None


def home() -> Path:
    path: Path = get("UPSTANDER_HOME")
    path.mkdir(parents=True, exist_ok=True)
    return path
