"""Storing a report: once per form, whole or not at all, committed before the reporter is told it arrived."""

from __future__ import annotations

import base64
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.utils.crypto import salted_hmac

from upstander import settings as upstander_settings
from upstander.web.models import StaffMember
from upstander.web.portal.models import Report, ReportAttachment
from upstander.web.portal.reporting import receipt
from upstander.web.portal.reporting.attachments import CleanedFile
from upstander.web.portal.reporting.forms import OTHERS
from upstander.web.portal.reporting.subjects import save_subjects, subjects_for
from upstander.web.sealing import seal_bytes

# Reference letters without look-alikes (no 0/O, 1/I/L), so a reference read over the phone is not misheard.
_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_LOCK_RETRIES = 3
_SEALED_FIELDS = (
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "safe_times",
    "partner_agency",
    "partner_worker",
    "survivor_consent",
    "subject_name",
    "subject_collar",
    "subject_role",
    "subject_station",
    "subject_vehicle",
    "subject_description",
    "what_happened",
    "when_happened",
    "where_happened",
)


@dataclass(frozen=True)
class Stored:
    report: Report
    code: str | None  # the receipt code, to show once; None when this form had already been stored


_TOKEN_SALT = "upstander.portal.submission"  # nosec B105  # a purpose label for the MAC, not a secret
_NONCE_CHARS = 22  # 16 random bytes, base64url


def _token_mac(nonce: str) -> str:
    digest = salted_hmac(_TOKEN_SALT, nonce, algorithm="sha256").digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def new_submission_token() -> str:
    """The hidden one-time token a form carries, so that sending it twice stores one report: a random nonce and
    its MAC under the signing key, so that a token the server did not hand out is known at once (and no work is
    done for the request carrying it)."""
    nonce = secrets.token_urlsafe(16)
    return nonce + _token_mac(nonce)


def is_submission_token(text: str) -> bool:
    """Whether `text` is a token this server handed out (44 characters, fits Report.submission)."""
    nonce, mac = text[:_NONCE_CHARS], text[_NONCE_CHARS:]
    if len(nonce) != _NONCE_CHARS or not mac.isascii():
        return False
    return hmac.compare_digest(mac, _token_mac(nonce))


def _reference() -> str:
    return "R-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def _subject_from_collar(collar: str) -> str:
    """The staff record a collar number names, when exactly one does: the report is then kept from that
    person and their chain at once, before anyone has read it."""
    digits = "".join(c for c in collar if c.isdigit())
    if not digits:
        return ""
    found = list(StaffMember.objects.filter(collar_number=digits).values_list("staff_id", flat=True)[:2])
    return found[0] if len(found) == 1 else ""


def store_report(route: str, submission: str, data: dict[str, Any], files: list[CleanedFile]) -> Stored:
    """The report stored with its attachments in one transaction, or the one this form already stored."""
    if existing := Report.objects.filter(submission=submission).first():
        return Stored(existing, None)
    code = receipt.new_code()
    named = data.get("anonymity") == "named"
    fields = {f: str(data.get(f) or "") for f in _SEALED_FIELDS}
    if not named:  # an anonymous reporter's half-typed details are dropped, never stored
        for f in ("reporter_name", "reporter_phone", "reporter_email", "safe_times"):
            fields[f] = ""
    others = dict(OTHERS).get(data.get("others_affected", ""), "")
    detail = str(data.get("others_detail") or "")
    others_text = (f"{others}. {detail}" if detail else others) if others else ""
    # The slow parts (Argon2id, the directory look-up, sealing attachments) come before the transaction: on
    # SQLite a write transaction holds the one write lock, and other reports would queue behind a hash.
    code_hash = receipt.code_hash(code)
    subject = _subject_from_collar(fields["subject_collar"])
    could_be = subjects_for(fields, upstander_settings.home())  # need to know holds from the first moment
    sealed = [(f, seal_bytes(f.data, purpose="report_attachment.data")) for f in files]
    for attempt in range(_LOCK_RETRIES):
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    reference=_free_reference(), submission=submission, route=route, receipt_hash=code_hash,
                    anonymous=not named, contact_consent=named and bool(data.get("contact_consent")),
                    safe_channels=", ".join(data.get("safe_channels") or []) if named else "",
                    others_affected=others_text, subject_staff_id=subject, **fields)
                save_subjects(report, could_be)
                ReportAttachment.objects.bulk_create([
                    ReportAttachment(report=report, filename=f.filename, content_type=f.content_type,
                                     size=len(f.data), sealed=token) for f, token in sealed])
            return Stored(report, code)
        except IntegrityError:
            # The same form sent twice at once: the other request stored it first.
            if existing := Report.objects.filter(submission=submission).first():
                return Stored(existing, None)
            raise
        except OperationalError as exc:
            # SQLite under heavy load can time out waiting for its write lock; the report must not be lost to
            # that, so wait and try again (nothing was written: the transaction rolled back whole).
            if "locked" not in str(exc) or attempt == _LOCK_RETRIES - 1:
                raise
            time.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


def _free_reference() -> str:
    for _ in range(5):  # a reference collision is astronomically rare; try again rather than fail
        reference = _reference()
        if not Report.objects.filter(reference=reference).exists():
            return reference
    return _reference()


def find_by_code(code: str) -> Report | None:
    return Report.objects.filter(receipt_hash=receipt.code_hash(code)).first()
