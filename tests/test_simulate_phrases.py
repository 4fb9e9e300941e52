"""The phrase bank: loads from package data, is varied, deterministic per seed, and reads like real messages."""

from __future__ import annotations

import re

import numpy as np

from upstander.simulate import texts


def test_bank_loads_every_stage_of_the_drift_and_ordinary_work() -> None:
    b = texts.bank()
    for stage in ("professional", "neighbourhood", "colleague", "friendly", "concern", "compliment", "endearment",
                  "invitation", "secrecy", "personal_channel", "colleague_sexualised", "associate", "reply"):
        assert len(b[stage]) >= 8, stage
        assert len(set(b[stage])) == len(b[stage]), stage  # no duplicates
    assert sum(len(v) for v in b.values()) >= 150


def test_public_tuples_keep_working_for_callers() -> None:
    rng = np.random.default_rng(1)
    body = texts.pick(rng, texts.PROFESSIONAL, ref="I00000001", officer="PC Jones")
    assert "{" not in body and body
    assert set(texts.FRIENDLY) >= set(texts.bank()["concern"])
    assert set(texts.PERSONAL_CHANNEL) >= set(texts.bank()["secrecy"])
    for options in (texts.PROFESSIONAL, texts.NEIGHBOURHOOD, texts.COLLEAGUE, texts.INTIMATE, texts.ASSOCIATE):
        for t in options:
            t.format(officer="o", force="f", ref="r", station="s")  # every placeholder is one pick fills


def test_picks_are_deterministic_per_seed_and_vary_across_seeds() -> None:
    def draw(seed: int) -> list[str]:
        rng = np.random.default_rng(seed)
        return [texts.phrase(rng, "endearment") for _ in range(20)]

    assert draw(5) == draw(5)
    assert draw(5) != draw(6)
    assert len(set(draw(5))) >= 8


def test_bank_has_abbreviations_typos_kisses_and_emoji() -> None:
    words = " ".join(t for v in texts.bank().values() for t in v)
    for abbreviation in (" u ", " ur ", "gonna", "hun", "tmrw", "lol", "probs", "thx"):
        assert abbreviation in f" {words.lower()} ", abbreviation
    assert re.search(r"\bcant\b|\bdont\b|\bhows\b", words.lower())  # apostrophes dropped, as people type
    assert re.search(r"\s(x|xx|xxx|X)$", "\n".join(texts.INTIMATE), re.MULTILINE)
    assert any(ord(ch) > 0x2600 for ch in words)  # emoji


def test_phrase_adds_kisses_only_to_intimate_stages() -> None:
    rng = np.random.default_rng(2)
    kissed = [texts.phrase(rng, "compliment") for _ in range(60)]
    assert any(k.endswith(texts.KISSES) for k in kissed)
    rng = np.random.default_rng(2)
    assert all(texts.phrase(rng, "colleague") in texts.COLLEAGUE for _ in range(30))
