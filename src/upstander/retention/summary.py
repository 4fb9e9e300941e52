"""What a retention run found due, and did, per kind of record."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class KindResult:
    kind: str  # in words: "lake events", "alerts closed with no further action", ...
    setting: str
    days: int
    cutoff: datetime
    unit: str  # what is counted: "rows", "alerts", "reports", "entries"
    due: int = 0
    oldest: datetime | None = None  # the oldest record that is due
    deleted: int = 0
    held: int = 0  # past the period but kept, for `held_because`
    held_because: str = ""
    deleted_what: str = ""  # ids or ranges, as logged in the access log
    notes: list[str] = field(default_factory=list)
    error: str = ""  # why nothing of this kind was deleted, when it could not be

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["cutoff"] = self.cutoff.isoformat()
        out["oldest"] = self.oldest.isoformat() if self.oldest else None
        return out


@dataclass
class RetentionSummary:
    now: datetime
    applied: bool
    kinds: list[KindResult]

    @property
    def failed(self) -> list[KindResult]:
        return [k for k in self.kinds if k.error]

    @property
    def deleted(self) -> int:
        return sum(k.deleted for k in self.kinds)

    def to_json(self) -> dict[str, Any]:
        return {"now": self.now.isoformat(), "applied": self.applied, "kinds": [k.to_json() for k in self.kinds]}


def ranges(numbers: list[int]) -> str:
    """Whole numbers as runs, for a log line: [1, 2, 3, 7, 9, 10] -> "1-3, 7, 9-10"."""
    out: list[str] = []
    ordered = sorted(set(numbers))
    start = prev = None
    for n in [*ordered, None]:
        if n is not None and prev is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            out.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = n
    return ", ".join(out)
