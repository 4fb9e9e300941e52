"""Access-log entries past their period, deleted oldest first behind a signed retention anchor.

Only a prefix of the chain is ever deleted (entries 1..S, none written on or after the cutoff, never the last
entry, which the checkpoint outside the database names), and only from a log that verifies whole first: pruning
must not wipe out the evidence of tampering, nor bless it. In one transaction of the web database, holding the
chain's append lock: the anchor (entry S's place and hash, signed under the chain's key) is written, entries
1..S are deleted, and an entry saying so is appended. `verify` then checks the chain from the anchor on; an entry
deleted or edited after it still breaks the chain, and so does deleting the anchor or entries past it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from upstander.retention.policy import ACCESS_LOG, Policy
from upstander.retention.summary import KindResult
from upstander.web import access_integrity
from upstander.web.models import AccessLog, RetentionAnchor
from upstander.web.models.access_log import _CHAIN_LOCK, chain_key, record

KIND = "access-log entries"


class LogNotWhole(Exception):
    """The access log does not verify: it is not pruned, so the damage stays visible."""


def last_due_seq(cutoff: Any) -> int | None:
    """The place of the last entry to delete: the end of the run of entries from the start all written before
    the cutoff, short of the last entry; None when there is none."""
    bounds = AccessLog.objects.aggregate(first=Min("seq"), last=Max("seq"))
    if bounds["last"] is None:
        return None
    first_kept = AccessLog.objects.filter(at__gte=cutoff).aggregate(s=Min("seq"))["s"] or bounds["last"]
    last_due = min(first_kept, bounds["last"]) - 1
    return last_due if last_due >= bounds["first"] else None


def run(home: Path, policy: Policy, apply: bool, actor: Any) -> KindResult:
    cutoff = policy.cutoff(ACCESS_LOG)
    result = KindResult(KIND, ACCESS_LOG, policy.days[ACCESS_LOG], cutoff, "entries")
    last_due = last_due_seq(cutoff)
    if last_due is None:
        return result
    due = AccessLog.objects.filter(seq__lte=last_due)
    result.due = due.count()
    result.oldest = due.aggregate(a=Min("at"))["a"]
    first = due.aggregate(s=Min("seq"))["s"]
    result.deleted_what = f"entries {first:,} to {last_due:,}"
    if not apply:
        return result
    verdict = access_integrity.verify_log()
    if not verdict.intact:
        raise LogNotWhole(f"the access log was not pruned because it does not verify: {verdict.summary}")
    key = chain_key()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])  # no append while the start moves
        elif connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute("PRAGMA secure_delete = ON")  # deleted entries overwritten, not left in free pages
        boundary = AccessLog.objects.get(seq=last_due)
        if boundary.compute_hash(key) != boundary.hash:  # edited since it was verified, a moment ago
            raise LogNotWhole(f"access-log entry {boundary.pk} changed while retention ran; nothing was pruned")
        anchor = RetentionAnchor(seq=last_due, hash=boundary.hash, last_at=boundary.at, removed=result.due,
                                 made_at=timezone.now())
        anchor.signature = anchor.sign(key)
        anchor.save()
        deleted, _ = AccessLog.objects.filter(seq__lte=last_due).delete()
        record(actor, "change", "retention", "access log",
               f"deleted {deleted:,} access-log entries written before {cutoff.isoformat()}: "
               f"{result.deleted_what}; the chain now starts from a retention anchor at entry {last_due:,}")
    result.deleted = deleted
    return result
