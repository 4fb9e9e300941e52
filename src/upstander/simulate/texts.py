"""Message texts for work devices: routine professional messages, and the drift the APSP case studies describe.

The texts live in a phrase bank, phrases/*.csv (stage,text), so they can be extended without code. The
escalation stages follow the seeds: professional contact, then friendly chat and concern outside the role, then
compliments, endearments and kisses ("X" after a crime reference number, APSP case study 2) and invitations to
meet, then moving to personal channels and asking for secrecy (APSP 8: "best she did not mention to anyone";
corruption 4: "delete it after"). Written for this project; no text is taken from a real case.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files

import numpy as np

BANKS = ("work.csv", "grooming.csv")


@cache
def bank() -> dict[str, tuple[str, ...]]:
    """Stage -> phrasings, read once from the package's CSV files."""
    stages: dict[str, list[str]] = {}
    root = files("upstander.simulate.phrases")
    for name in BANKS:
        with root.joinpath(name).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                stages.setdefault(row["stage"], []).append(row["text"])
    return {stage: tuple(texts) for stage, texts in stages.items()}


def stage(*names: str) -> tuple[str, ...]:
    """All phrasings of the named stages, in bank order (so picks are deterministic per rng)."""
    b = bank()
    return tuple(t for n in names for t in b[n])


PROFESSIONAL = stage("professional")
NEIGHBOURHOOD = stage("neighbourhood")
COLLEAGUE = stage("colleague")
FRIENDLY = stage("friendly", "concern")
INTIMATE = stage("compliment", "endearment", "invitation")
PERSONAL_CHANNEL = stage("secrecy", "personal_channel")
COLLEAGUE_SEXUALISED = stage("colleague_sexualised")
ASSOCIATE = stage("associate")
REPLY = stage("reply")
TEAM_COVER = stage("team_cover")  # a colleague in the team that owns the case
VICTIM_TO_OIC = stage("victim_to_oic")
OIC_REPLY = stage("oic_reply")

STAGES = {"professional": PROFESSIONAL, "friendly": FRIENDLY, "intimate": INTIMATE,
          "personal_channel": PERSONAL_CHANNEL}

KISSES = ("x", "xx", "X", "xxx", "😘", "❤️")


def pick(rng: np.random.Generator, options: tuple[str, ...], **fields: str) -> str:
    text = options[int(rng.integers(len(options)))]
    return text.format(**{"officer": "PC Smith", "force": "the police", "ref": "the report", "station": "the",
                          **fields})


def phrase(rng: np.random.Generator, stage_name: str, **fields: str) -> str:
    """One phrasing of a stage; intimate stages sometimes gain a kiss as people add them, x, xx, X or emoji."""
    text = pick(rng, bank()[stage_name], **fields)
    if stage_name in {"compliment", "endearment", "invitation"} and rng.random() < 0.4 and not text.endswith(
            ("x", "X", "😘", "❤️", "😍", "😊")):
        text = f"{text} {KISSES[int(rng.integers(len(KISSES)))]}"
    return text
