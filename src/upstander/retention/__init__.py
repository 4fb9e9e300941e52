"""Retention enforced: records past the period their setting gives are found and, on request, deleted.

`plan(home, now)` says what is due per kind of record; `apply(home, now)` deletes it (the daily job calls it).
The policy, the periods' reasons and what is still kept are in docs/retention.md.
"""

from upstander.retention.run import Actor, apply, plan
from upstander.retention.summary import KindResult, RetentionSummary

__all__ = ["Actor", "KindResult", "RetentionSummary", "apply", "plan"]
