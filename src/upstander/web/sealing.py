"""Sealing: authenticated encryption of report fields and attachments under keys kept apart from the database.

A sealed value is AES-256-GCM under a 32-byte key read from the key directory (UPSTANDER_KEY_DIR, else
$UPSTANDER_HOME/keys), so a copy of the database without that directory holds only ciphertext. Each value is
sealed for a *purpose* (for example "report.text"), bound in as associated data: a token copied into another
field or another kind of row fails to open instead of being shown in the wrong place.

The key directory (mode 0700) holds:

    seal-<id>.key   32 random bytes, mode 0600, written once and never changed
    current         the id of the key new values are sealed with; `rotate()` adds a key and moves it

Tokens name their key, so old keys keep opening old tokens after a rotation and nothing has to be re-encrypted
at once. A key file that is lost takes its tokens with it: back the directory up, apart from the database.

Keys are made only by `init_keys` (`upstander keys init`), never on first use: a key directory that is missing
(an unmounted volume, a wrong UPSTANDER_KEY_DIR, a lost backup) is refused with words saying so, instead of being
silently replaced by new keys that would orphan every receipt code and seal new reports on the wrong volume.

Token formats: text "s1.<key id>.<base64url(nonce | ciphertext | tag)>"; bytes (attachments, no base64
inflation) b"s1.<key id>." followed by nonce | ciphertext | tag.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact

from upstander import settings
from upstander.lake.manifest import fsync_dir

VERSION = "s1"
KEY_BYTES = 32  # AES-256
# Random 96-bit nonces: GCM's native size, safe for 2**32 seals under one key (NIST SP 800-38D); rotate long before.
NONCE_BYTES = 12
TAG_BYTES = 16
CURRENT = "current"
# Key ids arrive inside tokens, which are untrusted: the pattern also stops an id from naming a path elsewhere.
_KEY_ID = re.compile(r"[a-z0-9]{1,32}")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")

# AESGCM objects by (directory, key id), per process. A miss re-reads the directory: another process may have
# rotated since this one started. dict.setdefault is atomic, so threads need no lock here.
_keys: dict[tuple[Path, str], AESGCM] = {}
_secrets: dict[tuple[Path, str], bytes] = {}


class SealError(Exception):
    """A sealed value cannot be made or opened. Messages name keys and purposes, never content."""


class KeyUnavailable(SealError):
    """The key a token names is not in the key directory (wrong directory, or the key file was lost)."""


class TokenInvalid(SealError):
    """Not a token, or one that was altered, truncated or sealed for another purpose."""


class KeyDirectoryMissing(KeyUnavailable):
    """The key directory is not there at all."""


# Secrets that are not sealing keys, made by `init_keys` beside the first key: the receipt-code pepper
# (receipt.PEPPER_NAME) and the access log's chain key (access_log.CHAIN_KEY_NAME).
INITIAL_SECRETS = ("receipt-pepper", "access-log-chain")
INIT_COMMAND = "upstander keys init"


def configured_key_dir() -> Path:
    """Where the key directory should be (UPSTANDER_KEY_DIR, else $UPSTANDER_HOME/keys), whether or not it is."""
    configured = settings.get("UPSTANDER_KEY_DIR")
    return Path(configured).expanduser() if configured else settings.home() / "keys"


def key_dir() -> Path:
    """The key directory, read from the settings at each call (tests and deployments may move it); refused
    with KeyDirectoryMissing when it does not exist, never created here."""
    path = configured_key_dir()
    if not path.is_dir():
        raise KeyDirectoryMissing(
            f"The key directory {path} does not exist, so confidential reports cannot be sealed or opened and "
            "receipt codes cannot be checked. If the keys are kept elsewhere, set UPSTANDER_KEY_DIR to that "
            f"directory; if they were lost, restore them from their backup. Only for a new installation, run "
            f"`{INIT_COMMAND}` to make new keys."
        )
    return path


def require_keys() -> Path:
    """The key directory, checked to hold a current sealing key and every initial secret: what a server checks
    before it starts. KeyUnavailable, in words saying what is missing and what to do, otherwise."""
    directory = key_dir()
    _current_id(directory)
    for name in INITIAL_SECRETS:
        named_secret(name)
    return directory


def init_keys() -> list[str]:
    """Make the key directory (0700), a first sealing key and each initial secret, where missing; never replaces
    one that exists. Returns what was made (file names, and the directory itself), empty if nothing was."""
    path = configured_key_dir()
    made: list[str] = []
    if not path.is_dir():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path, 0o700)  # mkdir's mode passes through the umask
        made.append(f"{path}/")
    if not (path / CURRENT).exists():
        key_id = _new_key(path)
        if _create_once(path / CURRENT, key_id.encode()):
            made += [f"seal-{key_id}.key", CURRENT]
        else:  # another `keys init` at the same moment made the first key: keep its, drop ours (sealed nothing)
            (path / f"seal-{key_id}.key").unlink(missing_ok=True)
    for name in INITIAL_SECRETS:
        if _create_once(path / f"{name}.key", secrets.token_bytes(KEY_BYTES)):
            made.append(f"{name}.key")
    return made


def reset_cache() -> None:
    """Forget cached keys (tests that delete or replace key files)."""
    _keys.clear()
    _secrets.clear()


def rotate() -> str:
    """Make a new key and seal with it from now on; returns its id. Existing keys stay to open older tokens."""
    directory = key_dir()
    key_id = _new_key(directory)
    tmp = directory / f".{CURRENT}.{secrets.token_hex(8)}.tmp"
    _write_file(tmp, key_id.encode())
    os.replace(tmp, directory / CURRENT)  # atomic: readers see the old pointer or the new, never half of one
    fsync_dir(directory)
    return key_id


def current_key_id() -> str:
    """The id new values are sealed with."""
    return _current_id(key_dir())


def named_secret(name: str) -> bytes:
    """32 random bytes kept in the key directory as <name>.key (0600), made by `init_keys` and never rotated;
    for secrets that are not sealing keys, such as the receipt-code pepper."""
    if not _NAME.fullmatch(name) or name == CURRENT or name.startswith("seal-"):
        raise ValueError(f"not a usable secret name: {name!r}")
    directory = key_dir()
    cached = _secrets.get((directory, name))
    if cached is not None:
        return cached
    path = directory / f"{name}.key"
    if not path.exists():
        raise KeyUnavailable(
            f"The secret {name}.key is missing from the key directory {directory}: restore it from the backup of "
            f"the key directory. `{INIT_COMMAND}` would make a new one, which for the receipt-code pepper stops "
            "every receipt code already given out from working."
        )
    return _secrets.setdefault((directory, name), _read_key(path, name))


def seal(plaintext: str, *, purpose: str) -> str:
    """`plaintext` encrypted and authenticated for `purpose`, as a text-safe token."""
    if not isinstance(plaintext, str):
        raise TypeError(f"seal() takes text, not {type(plaintext).__name__}: use seal_bytes for data")
    key_id, body = _seal(plaintext.encode("utf-8"), purpose)
    return f"{VERSION}.{key_id}.{base64.urlsafe_b64encode(body).decode('ascii').rstrip('=')}"


def unseal(token: str, *, purpose: str) -> str:
    """The plaintext of a token made by `seal` for the same purpose; TokenInvalid or KeyUnavailable otherwise."""
    parts = token.split(".", 2) if isinstance(token, str) else []
    if len(parts) != 3 or parts[0] != VERSION or not _BASE64URL.fullmatch(parts[2]):
        raise TokenInvalid(f"not a sealed value (purpose {purpose!r})")
    try:
        body = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4))
    except (binascii.Error, ValueError):
        raise TokenInvalid(f"not a sealed value (purpose {purpose!r})") from None
    data = _open(parts[1], body, purpose)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # authentic but sealed as bytes: the caller mixed up seal_bytes and seal
        raise TokenInvalid(f"sealed value for purpose {purpose!r} is not text") from None


def seal_bytes(data: bytes, *, purpose: str) -> bytes:
    """`data` encrypted and authenticated for `purpose` (attachments)."""
    key_id, body = _seal(bytes(data), purpose)
    return f"{VERSION}.{key_id}.".encode("ascii") + body


def unseal_bytes(token: bytes, *, purpose: str) -> bytes:
    """The data of a token made by `seal_bytes` for the same purpose."""
    parts = bytes(token).split(b".", 2)
    if len(parts) != 3 or parts[0] != VERSION.encode("ascii"):
        raise TokenInvalid(f"not a sealed value (purpose {purpose!r})")
    return _open(parts[1].decode("ascii", errors="replace"), parts[2], purpose)


class _EmptyExact(Exact):
    """`field=""` (or None) is the only comparison a sealed column can answer: anything else would be compared
    with freshly sealed ciphertext and silently match nothing."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError("a sealed field cannot be searched; it can only be compared with ''")
        return super().get_prep_lookup()


class SealedTextField(models.TextField):
    """A text column that stores a sealed token and gives Python code the plaintext.

    Empty text and NULL are stored as they are, not sealed: "no contact details given" is then visible in the
    database, which reveals no more than a form's optional field does, and saves sealing noise.

    The field cannot be searched (only `=''` and `isnull` lookups are allowed) and refuses serialisation
    (`dumpdata`), which would write plaintext: back up the database and the key directory instead.
    """

    description = "Text sealed with a key kept apart from the database"

    def __init__(self, *args: Any, purpose: str, **kwargs: Any) -> None:
        _associated_data(purpose)  # a bad purpose fails when the model is defined, not at the first save
        self.purpose = purpose
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return unseal(value, purpose=self.purpose)

    def to_python(self, value: Any) -> str | None:
        # Never unseals: a form's input that happens to look like a token must stay text, or the portal would
        # open stolen tokens for whoever pasted them into a report.
        if value is None or isinstance(value, str):
            return value
        return str(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return seal(value, purpose=self.purpose)

    def value_to_string(self, obj: models.Model) -> str:
        raise SealError(
            f"{self.model.__name__}.{self.name} is sealed and is not serialised: "
            "back up the database and the key directory instead"
        )

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EmptyExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None


def _associated_data(purpose: str) -> bytes:
    if not isinstance(purpose, str) or not purpose or "\x00" in purpose:
        raise ValueError(f"a sealing purpose must be a non-empty string, got {purpose!r}")
    return f"upstander-{VERSION}\x00{purpose}".encode()


def _seal(data: bytes, purpose: str) -> tuple[str, bytes]:
    associated = _associated_data(purpose)
    directory = key_dir()
    key_id = _current_id(directory)
    nonce = secrets.token_bytes(NONCE_BYTES)
    return key_id, nonce + _aead(directory, key_id).encrypt(nonce, data, associated)


def _open(key_id: str, body: bytes, purpose: str) -> bytes:
    associated = _associated_data(purpose)
    if not _KEY_ID.fullmatch(key_id) or len(body) < NONCE_BYTES + TAG_BYTES:
        raise TokenInvalid(f"not a sealed value (purpose {purpose!r})")
    aead = _aead(key_dir(), key_id)
    try:
        return aead.decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], associated)
    except InvalidTag:
        raise TokenInvalid(
            f"sealed value does not open for purpose {purpose!r}: it was altered, or sealed for another purpose"
        ) from None


def _aead(directory: Path, key_id: str) -> AESGCM:
    cached = _keys.get((directory, key_id))
    if cached is not None:
        return cached
    return _keys.setdefault((directory, key_id), AESGCM(_read_key(directory / f"seal-{key_id}.key", key_id)))


def _read_key(path: Path, key_id: str) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KeyUnavailable(f"key {key_id!r} is not in the key directory {path.parent}") from None
    if len(data) != KEY_BYTES:
        raise SealError(f"key file {path} is damaged: {len(data)} bytes, expected {KEY_BYTES}")
    return data


def _current_id(directory: Path) -> str:
    pointer = directory / CURRENT
    try:
        key_id = pointer.read_text().strip()
    except FileNotFoundError:
        raise KeyUnavailable(
            f"The key directory {directory} has no current sealing key ({CURRENT} is missing): restore the "
            f"directory from its backup, or for a new installation run `{INIT_COMMAND}`."
        ) from None
    if not _KEY_ID.fullmatch(key_id):
        raise SealError(f"{pointer} does not name a key")
    return key_id


def _new_key(directory: Path) -> str:
    while True:
        key_id = secrets.token_hex(4)
        if _create_once(directory / f"seal-{key_id}.key", secrets.token_bytes(KEY_BYTES)):
            return key_id


def _create_once(path: Path, data: bytes) -> bool:
    """Create `path` (0600) holding `data` unless it exists; False if it did. The data is written to a temporary
    file made with O_EXCL and then hard-linked into place: of two racing writers exactly one wins, and no reader
    ever sees a half-written key."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    try:
        _write_file(tmp, data)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        fsync_dir(path.parent)  # a key must survive a crash once anything may have been sealed with it
        return True
    finally:
        tmp.unlink(missing_ok=True)


def _write_file(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        os.fchmod(fh.fileno(), 0o600)  # os.open's mode passes through the umask
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


