"""The eight corruption case studies of IOPC Learning the Lessons 44 (seed 002), one scenario each.

Placeholder in this branch: another branch adds the scenarios; the catalogue reads `CORRUPTION_CASES`.
"""

from __future__ import annotations

CORRUPTION_CASES: tuple = ()
