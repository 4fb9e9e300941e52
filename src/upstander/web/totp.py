"""Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, six digits), the second factor that
PSD and ACU roles must pass. Standard library only: a few lines that are easy to audit."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1  # accept the previous and next step too: phone clocks drift


def new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def code_at(secret: str, step: int) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def verify(secret: str, code: str, last_step: int, now: float | None = None) -> int | None:
    """The step the code belongs to, or None. A step at or before `last_step` is refused: a code is used once."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == DIGITS):
        return None
    step = current_step(now)
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if candidate > last_step and hmac.compare_digest(code_at(secret, candidate), code):
            return candidate
    return None


def provisioning_uri(secret: str, username: str) -> str:
    return f"otpauth://totp/Upstander:{quote(username)}?secret={secret}&issuer=Upstander"


def qr_code_svg(uri: str) -> str:
    """The otpauth:// address as a QR code, SVG markup to put inline in a page (no script, no style attribute: the
    page's Content-Security-Policy allows neither), for an authenticator app's camera."""
    import segno

    return str(segno.make(uri, error="m").svg_inline(
        scale=1, svgclass="qr-code", lineclass=None, omitsize=True,
        title="QR code that adds this Upstander account to an authenticator app"))
