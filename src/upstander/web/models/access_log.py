"""Every view and change of a sensitive record, append-only and chained under a key.

Each entry has a place in the chain (`seq`: 1, 2, 3, ...) and an HMAC-SHA256, under the key directory's
access-log-chain key, of its own fields, its place and the previous entry's hash. An entry edited, deleted or
re-chained by someone without the key breaks the chain from that point (`verify_chain`); entries cut from the
end, or the whole log emptied, are caught against the checkpoint of the chain's head kept outside the database
(`access_integrity`). The log is exported as an `audit` feed, so that Upstander's own look-up detector watches
the people who use it.

Databases from before the key: migration 0010 checks the old plain SHA-256 chain and re-chains it under the key
(refusing, with the entry named, if the old chain was already broken).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from upstander.textsafe import show_controls
from upstander.web import sealing

GENESIS = "0" * 64
CHAIN_KEY_NAME = "access-log-chain"  # the key directory's access-log-chain.key, made by `upstander keys init`
_CHAIN_LOCK = 720_413  # PostgreSQL advisory lock key serialising appends


class AppendOnlyError(Exception):
    """The access log is never updated or deleted (only its oldest entries pruned, behind a retention anchor)."""


class AnchorError(Exception):
    """The retention anchor the chain starts from is not signed under the chain's key."""


class AccessLog(models.Model):
    seq = models.BigIntegerField(unique=True)  # place in the chain: a cut end shows as a missing number
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

    def compute_hash(self, key: bytes | None = None) -> str:
        return chain_hash(key or chain_key(), self.seq, self.at, self.username, self.staff_id, self.action,
                          self.object_type, self.object_id, self.detail, self.prev_hash)


class RetentionAnchor(models.Model):
    """Where the chain starts once its oldest entries are deleted under the retention policy: the place and hash
    of the last entry deleted, signed under the chain's key. One row per pruning, never changed; the chain is
    checked from the anchor with the highest place. Deleting anchors, or entries past one, shows as a chain that
    does not start where its anchor says; a forged or edited anchor fails its signature."""

    seq = models.BigIntegerField(unique=True)  # the last deleted entry's place
    hash = models.CharField(max_length=64)  # and its hash: the first kept entry's prev_hash
    last_at = models.DateTimeField()  # when the last deleted entry was written
    removed = models.BigIntegerField()  # entries this pruning deleted
    made_at = models.DateTimeField()
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("retention anchors cannot be changed")
        super().save(*args, **kwargs)

    def sign(self, key: bytes) -> str:
        payload = json.dumps(["upstander-access-log-anchor-v1", self.seq, self.hash, self.last_at.isoformat(),
                              self.removed, self.made_at.isoformat()], separators=(",", ":"))
        return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def chain_start(key: bytes) -> tuple[int, str, RetentionAnchor | None]:
    """(the first place, the hash it links to, the anchor if any) where the chain starts: 1 and GENESIS, or just
    after the latest retention anchor. AnchorError when that anchor's signature does not hold."""
    anchor = RetentionAnchor.objects.order_by("-seq").first()
    if anchor is None:
        return 1, GENESIS, None
    if not hmac.compare_digest(anchor.sign(key), anchor.signature):
        raise AnchorError(f"the access log's retention anchor at entry {anchor.seq:,} is not signed under the "
                          "chain's key: it was forged or edited")
    return anchor.seq + 1, anchor.hash, anchor


def chain_key() -> bytes:
    """The chain's key; KeyUnavailable, in words saying what to run, when the key directory lacks it."""
    return sealing.named_secret(CHAIN_KEY_NAME)


def chain_hash(key: bytes, seq: int, at: datetime, username: str, staff_id: str, action: str, object_type: str,
               object_id: str, detail: str, prev_hash: str) -> str:
    """An entry's hash (also used by migration 0010 to re-chain older logs, so its form must never change)."""
    payload = json.dumps(["upstander-access-log-v2", seq, at.isoformat(), username, staff_id, action, object_type,
                          object_id, detail, prev_hash], separators=(",", ":"))
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def _field(name: str, value: object) -> str:
    """`value` as it is stored: control characters written as escapes (a NUL typed into an address must not
    stop the log from exporting and loading), cut to the column's length with a visible mark (PostgreSQL
    would refuse a longer value, and the entry with it)."""
    text = show_controls("" if value is None else str(value))
    limit = AccessLog._meta.get_field(name).max_length
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def record(user: Any, action: str, object_type: str, object_id: object, detail: str = "") -> AccessLog:
    """Append one entry, chained to the last; appends are serialised so the chain never forks. Once the entry is
    committed, the checkpoint outside the database moves on to it."""
    from upstander.web import access_integrity

    key = chain_key()  # a missing key is refused before anything is written
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        last = AccessLog.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        entry = AccessLog(seq=seq, at=timezone.now(), user=user if getattr(user, "pk", None) else None,
                          username=_field("username", getattr(user, "username", "") or "anonymous"),
                          staff_id=_field("staff_id", getattr(user, "staff_id", "") or ""),
                          action=_field("action", action), object_type=_field("object_type", object_type),
                          object_id=_field("object_id", object_id), detail=_field("detail", detail),
                          prev_hash=prev)
        entry.hash = entry.compute_hash(key)
        entry.save()
        # After the commit, not before: a checkpoint naming an entry that was then rolled back would look like
        # a cut log. A checkpoint that lags (a crash in between) only checks a little less.
        transaction.on_commit(lambda: access_integrity.advance(access_integrity.Head.of(entry)))
    return entry


def verify_chain(key: bytes | None = None) -> int | None:
    """The id of the first entry whose place, link or keyed hash does not hold, or None when the chain is
    intact from its first entry (or its retention anchor) to its last. AnchorError for a forged anchor."""
    key = key or chain_key()
    seq, prev, _ = chain_start(key)
    for entry in AccessLog.objects.order_by("id").iterator(chunk_size=2000):
        if entry.seq != seq or entry.prev_hash != prev or not hmac.compare_digest(entry.compute_hash(key),
                                                                                      entry.hash):
            return entry.pk
        prev, seq = entry.hash, seq + 1
    return None
