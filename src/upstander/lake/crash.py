"""Fault injection for the crash tests: die by SIGKILL at a named point of a load or of a write to the alert store.

Set UPSTANDER_CRASH_AT to one of POINTS in a load's environment. It is a test hook, not a setting:
nothing in normal operation sets it.
"""

from __future__ import annotations

import os
import signal

CRASH_ENV = "UPSTANDER_CRASH_AT"
POINTS = ("after_read", "after_stage", "after_commit", "mid_moves")  # a load's
STORE_POINTS = ("store_before_swap",)  # a write to the alert store: the new copy complete, not yet swapped in


def crash_point(name: str) -> None:
    if name not in POINTS + STORE_POINTS:
        raise ValueError(f"no crash point {name!r}")
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
