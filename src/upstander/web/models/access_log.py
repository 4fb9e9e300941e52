"""Every view and change of a sensitive record, append-only and hash-chained.

Each entry's hash covers its own fields and the previous entry's hash, so an edited or deleted entry breaks
the chain from that point (`verify_chain`). The log is exported as an `audit` feed, so that Upstander's own
look-up detector watches the people who use it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from upstander.textsafe import show_controls

GENESIS = "0" * 64
_CHAIN_LOCK = 720_413  # PostgreSQL advisory lock key serialising appends


class AppendOnlyError(Exception):
    """The access log is never updated or deleted."""


class AccessLog(models.Model):
    at = models.DateTimeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    username = models.CharField(max_length=150)
    staff_id = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=16)  # view, change, refuse
    object_type = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64)
    detail = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("access log entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("access log entries cannot be deleted")

    def payload(self) -> str:
        return json.dumps([self.at.isoformat(), self.username, self.staff_id, self.action, self.object_type,
                           self.object_id, self.detail, self.prev_hash], separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256(self.payload().encode()).hexdigest()


def _field(name: str, value: object) -> str:
    """`value` as it is stored: control characters written as escapes (a NUL typed into an address must not
    stop the log from exporting and loading), cut to the column's length with a visible mark (PostgreSQL
    would refuse a longer value, and the entry with it)."""
    text = show_controls("" if value is None else str(value))
    limit = AccessLog._meta.get_field(name).max_length
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def record(user: Any, action: str, object_type: str, object_id: object, detail: str = "") -> AccessLog:
    """Append one entry, chained to the last; appends are serialised so the chain never forks."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        last = AccessLog.objects.order_by("-id").values_list("hash", flat=True).first()
        entry = AccessLog(at=timezone.now(), user=user if getattr(user, "pk", None) else None,
                          username=_field("username", getattr(user, "username", "") or "anonymous"),
                          staff_id=_field("staff_id", getattr(user, "staff_id", "") or ""),
                          action=_field("action", action), object_type=_field("object_type", object_type),
                          object_id=_field("object_id", object_id), detail=_field("detail", detail),
                          prev_hash=last or GENESIS)
        entry.hash = entry.compute_hash()
        entry.save()
    return entry


def verify_chain() -> int | None:
    """The id of the first entry whose hash or link does not hold, or None when the whole chain is intact."""
    prev = GENESIS
    for entry in AccessLog.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev or entry.compute_hash() != entry.hash:
            return entry.pk
        prev = entry.hash
    return None
