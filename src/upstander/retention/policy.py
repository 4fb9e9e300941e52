"""The retention periods, read from settings all at once: a bad value stops a run before anything is deleted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from upstander import settings

NFA_ALERTS = "UPSTANDER_RETAIN_NFA_ALERTS_DAYS"
MONITORING = "UPSTANDER_RETAIN_MONITORING_DAYS"
INCIDENT_LINKS = "UPSTANDER_RETAIN_INCIDENT_LINKS_DAYS"
ACCESS_LOG = "UPSTANDER_RETAIN_ACCESS_LOG_DAYS"
CLOSED_REPORTS = "UPSTANDER_RETAIN_CLOSED_REPORTS_DAYS"
ALL = (NFA_ALERTS, MONITORING, INCIDENT_LINKS, ACCESS_LOG, CLOSED_REPORTS)


@dataclass(frozen=True)
class Policy:
    """Days per setting, and the moment the periods are counted back from."""

    days: dict[str, int]
    now: datetime

    @classmethod
    def read(cls, now: datetime) -> Policy:
        """Every period from its setting (ValueError naming the setting for a bad one). `now` must be aware."""
        if now.tzinfo is None:
            raise ValueError("retention needs an aware time (with its zone) to count periods from")
        return cls({name: settings.get(name) for name in ALL}, now)

    def cutoff(self, setting: str) -> datetime:
        """Records older than this are due under `setting`."""
        return self.now - timedelta(days=self.days[setting])
