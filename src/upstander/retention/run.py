"""One retention run over a home: what is due per kind of record, and with apply, deleting it.

Every period is read first, so a bad setting stops the run before anything is deleted. Each kind is deleted in
its own transaction (the lake in one commit), and each deletion is written to the access log by the actor; the
access log itself is pruned last, so the entries about this run are kept.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from upstander.retention import lake_events
from upstander.retention.policy import Policy
from upstander.retention.summary import KindResult, RetentionSummary


@dataclass(frozen=True)
class Actor:
    """Who the access log names for a retention run: no account, no member of staff."""

    username: str
    staff_id: str = ""
    pk: None = None


def command_line_actor() -> Actor:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        who = "unknown"
    return Actor(f"retention (command line, {who})"[:150])


STEPS = 4  # the lake, alerts, reports, the access log: what `on_step` is called after


def plan(home: Path, now: datetime | None = None, on_step: Callable[[], None] | None = None) -> RetentionSummary:
    """What is due, per kind; nothing is deleted."""
    return _run(home, now, apply=False, actor=Actor("retention"), on_step=on_step)


def apply(home: Path, now: datetime | None = None, actor: Actor | None = None,
          on_wait: Callable[[str], None] | None = None, on_step: Callable[[], None] | None = None
          ) -> RetentionSummary:
    """Delete what is due, kind by kind, logging each deletion; the daily job calls this."""
    return _run(home, now, apply=True, actor=actor or Actor("retention (daily job)"), on_wait=on_wait,
                on_step=on_step)


def _run(home: Path, now: datetime | None, apply: bool, actor: Actor,
         on_wait: Callable[[str], None] | None = None, on_step: Callable[[], None] | None = None
         ) -> RetentionSummary:
    step = on_step or (lambda: None)
    policy = Policy.read(now or datetime.now(UTC))
    from upstander.web import runtime

    runtime.setup()  # the web database holds alerts, reports and the access log
    from upstander.retention import access_log, alerts, reports
    from upstander.web.models.access_log import chain_key

    if apply:
        chain_key()  # every deletion is logged: without the chain's key nothing is deleted (KeyUnavailable)
    kinds: list[KindResult] = lake_events.run(home, policy, apply, on_wait)
    if apply:
        _log_lake(kinds, actor)
    step()
    for kind, busy in ((alerts, alerts.StoreBusy), (reports, None), (access_log, access_log.LogNotWhole)):
        try:
            kinds.append(kind.run(home, policy, apply, actor))
        except Exception as exc:
            if busy is None or not isinstance(exc, busy):
                raise
            failed = kind.run(home, policy, False, actor)  # what stays due, for the table
            failed.error = str(exc)
            kinds.append(failed)
        step()
    return RetentionSummary(policy.now, apply, kinds)


def _log_lake(kinds: list[KindResult], actor: Actor) -> None:
    from upstander.web.models.access_log import record

    done = [k for k in kinds if k.deleted]
    if done:
        record(actor, "change", "retention", "lake",
               "; ".join(f"deleted {k.deleted:,} {k.kind} from before {k.cutoff.date().isoformat()}: "
                         f"{k.deleted_what}" for k in done))
