"""Django settings, derived from Upstander's settings table (`upstander.settings`), never edited per machine.

The database is SQLite at $UPSTANDER_HOME/web.sqlite3 unless UPSTANDER_DATABASE_URL names a PostgreSQL
server. The secret key is read from UPSTANDER_SECRET_KEY or kept in $UPSTANDER_HOME/secret_key (mode 0600),
created on first use. Everything under the home is kept private to the account (`upstander.private`).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlparse

from upstander import settings as upstander_settings
from upstander.private import make_private

HOME = upstander_settings.home()
PACKAGE = Path(__file__).resolve().parent
# However the web application is started (the CLI, a WSGI server, tests), the database, sessions and anything
# else it writes under the home are private to its account, and what an older version left readable is not.
make_private(HOME)


def _secret_key() -> str:
    if key := upstander_settings.get("UPSTANDER_SECRET_KEY"):
        return key
    path = HOME / "secret_key"
    if not path.exists():
        HOME.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def _database() -> dict[str, object]:
    url = upstander_settings.get("UPSTANDER_DATABASE_URL")
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(HOME / "web.sqlite3"),
                "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"}}
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"UPSTANDER_DATABASE_URL must be a postgresql:// address, got {parsed.scheme}://")
    return {"ENGINE": "django.db.backends.postgresql", "NAME": parsed.path.lstrip("/"),
            "USER": unquote(parsed.username or ""), "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "", "PORT": str(parsed.port or ""), "CONN_MAX_AGE": 60}


SECRET_KEY = _secret_key()
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",  # request.htmx, and the htmx script served from the package (no CDN)
    "upstander.web",  # accounts, the access log, the staff directory, sign-in: what every domain shares
    "upstander.web.portal",
    "upstander.web.triage",
    "upstander.web.cases",
    "upstander.web.intelligence",
    "upstander.web.prevention",
    "upstander.web.products",
]
MIDDLEWARE = [
    "upstander.web.portal.guard.PortalGuardMiddleware",  # first: it refuses portal floods before the body is read
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "upstander.web.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "upstander.web.middleware.IdleTimeoutMiddleware",
    "upstander.web.middleware.SecondFactorMiddleware",
    "upstander.web.middleware.ControlCharacterMiddleware",  # after sign-in, so the attempt is logged as the user's
]
ROOT_URLCONF = "upstander.web.urls"
WSGI_APPLICATION = "upstander.web.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": _database()}
AUTH_USER_MODEL = "web.User"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",  # passwords; and every session, however it was signed in
    "upstander.web.sso.backend.SsoBackend",  # single sign-on's callback only, when UPSTANDER_OIDC_ISSUER is set
]
# Single sign-on (mozilla-django-oidc): the provider's addresses, the client and its secret are read from the
# settings table when a sign-in needs them (`upstander.web.sso.backend.oidc_setting`); these are fixed.
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_ALLOW_UNSECURED_JWT = False
OIDC_TIMEOUT = 10
OIDC_STORE_ACCESS_TOKEN = OIDC_STORE_ID_TOKEN = False
OIDC_CREATE_USER = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "queue"
# Idle-session timeout: a session unused for this long is ended (IdleTimeoutMiddleware); the cookie itself
# lasts no longer than a working shift.
IDLE_TIMEOUT_SECONDS: int = upstander_settings.get("UPSTANDER_IDLE_TIMEOUT")
SESSION_COOKIE_AGE = 10 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
X_FRAME_OPTIONS = "DENY"
# Over HTTPS (UPSTANDER_SECURE_COOKIES=1): cookies never go over plain HTTP, and browsers remember to use HTTPS
# for a year (HSTS, sent by SecurityMiddleware on HTTPS responses only). Off by default for plain-HTTP localhost,
# where Secure cookies would never be sent back and nobody could sign in.
SECURE_COOKIES: bool = upstander_settings.get("UPSTANDER_SECURE_COOKIES")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if SECURE_COOKIES else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Sign-in guessing (upstander.web.sign_in_throttle): per account and client, a few free failures and then a delay
# that doubles with each further one; per client, a cap on failures across all accounts; per account, a ceiling
# across every client that locks it until the time runs out or the ACU lead clears it.
SIGN_IN_FREE_TRIES = 3
SIGN_IN_BASE_DELAY_SECONDS = 2.0
SIGN_IN_MAX_DELAY_SECONDS = 15 * 60.0
SIGN_IN_CLIENT_LIMIT = 30
SIGN_IN_CLIENT_WINDOW_SECONDS = 15 * 60.0
SIGN_IN_CEILING: int = upstander_settings.get("UPSTANDER_SIGN_IN_CEILING")
SIGN_IN_CEILING_WINDOW_SECONDS = 3600
SIGN_IN_CEILING_LOCK_SECONDS = 3600
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
STATIC_URL = "static/"
WHITENOISE_USE_FINDERS = True  # serve the app's static files straight from the package: no collectstatic step
# Report attachments are held in memory only until sealed: never written to a temporary file in the clear.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024  # five 10 MB attachments and the form; bigger bodies are refused
