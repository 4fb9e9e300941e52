"""Receipt codes: the words a reporter is shown once, and later types to come back to the report.

A code is six words drawn with `secrets` from Upstander's own list of 2,281 (`wordlist.WORDS`): about 66.9 bits,
so guessing is hopeless even before rate limiting. Words are joined with hyphens, and a code typed back with
capitals, spaces, commas or dots is read the same (`normalise`).

The code is stored only as `code_hash`: Argon2id, with a salt derived from a pepper kept in the key directory,
not the database. The salt is the same for every code, so the hash is a fixed function of the code and a report
is found by equality on an indexed column (no scan of every report); without the pepper, a copy of the database
cannot be used to test guesses at all. The pepper is never rotated: a new one would orphan every code issued.

Measured on the development machine (2-vCPU Intel Xeon, argon2-cffi 25.1): about 35 ms per hash (median of 30,
range 25-60 ms).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import unicodedata

from argon2.low_level import Type, hash_secret_raw

from upstander.web import sealing
from upstander.web.portal.reporting.wordlist import WORDS

WORDS_PER_CODE = 6
ENTROPY_BITS = WORDS_PER_CODE * math.log2(len(WORDS))
# OWASP Password Storage Cheat Sheet, Argon2id minimum: 19 MiB of memory, 2 iterations, 1 degree of parallelism.
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1
HASH_BYTES = 32
SALT_BYTES = 16
PEPPER_NAME = "receipt-pepper"  # the key directory's receipt-pepper.key

_WORD_SET = frozenset(WORDS)
# Whatever people put between words when copying a code down or typing it back: spaces, commas, dots, hyphens
# and dashes of any kind, underscores, slashes.
_SEPARATORS = re.compile(r"[\s,.;:_/\\\-\u2010-\u2015\u2212]+")


def new_code() -> str:
    """A fresh receipt code, e.g. "maple-river-otter-cloud-lemon-stone". Show it once; store only code_hash."""
    return "-".join(secrets.choice(WORDS) for _ in range(WORDS_PER_CODE))


def normalise(text: str) -> str:
    """`text` as a code is written: lowercase words joined by single hyphens."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "-".join(word for word in _SEPARATORS.split(text) if word)


def problem(text: str) -> str | None:
    """Why `text` cannot be a receipt code, in words for the person who typed it; None if it can be."""
    written = normalise(text)
    if not written:
        return f"Please enter your receipt code: {WORDS_PER_CODE} words."
    words = written.split("-")
    unknown = [word for word in words if word not in _WORD_SET]
    if unknown:
        return f"“{unknown[0][:30]}” is not one of the words receipt codes are made of: please check its spelling."
    if len(words) != WORDS_PER_CODE:
        return f"A receipt code has {WORDS_PER_CODE} words; this has {len(words)}."
    return None


def is_well_formed(text: str) -> bool:
    """True if `text` is the right number of known words: checked before any lookup, so a typing mistake gets a
    clear message instead of "not found"."""
    return problem(text) is None


def code_hash(code: str) -> str:
    """The hex Argon2id hash stored for `code` (normalised first; ValueError if it is not well formed)."""
    if not is_well_formed(code):
        raise ValueError("not a well-formed receipt code")  # never echo the code: it may end up in a log
    return hash_secret_raw(
        normalise(code).encode("ascii"),
        _salt(),
        time_cost=ARGON2_TIME_COST,
        memory_cost=ARGON2_MEMORY_KIB,
        parallelism=ARGON2_PARALLELISM,
        hash_len=HASH_BYTES,
        type=Type.ID,
    ).hex()


def _salt() -> bytes:
    pepper = sealing.named_secret(PEPPER_NAME)
    return hmac.new(pepper, b"upstander receipt-code salt v1", hashlib.sha256).digest()[:SALT_BYTES]
