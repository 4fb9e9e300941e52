"""Receipt codes: six words from Upstander's own list, typed back forgivingly, stored only as a peppered hash."""

from __future__ import annotations

import hashlib
import hmac
import re
import stat
from pathlib import Path

import pytest
from argon2.low_level import Type, hash_secret_raw

from upstander.web import sealing
from upstander.web.portal.reporting import receipt
from upstander.web.portal.reporting.wordlist import WORDS

CODE = "maple-river-otter-cloud-lemon-stone"


@pytest.fixture(autouse=True)
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "keys"
    monkeypatch.setenv("UPSTANDER_KEY_DIR", str(path))
    sealing.init_keys()
    return path


def test_word_list_is_long_plain_and_distinct() -> None:
    assert len(WORDS) >= 2048
    assert len(set(WORDS)) == len(WORDS)
    assert all(re.fullmatch(r"[a-z]{3,8}", word) for word in WORDS)
    assert all(word in WORDS for word in CODE.split("-"))
    assert receipt.ENTROPY_BITS >= 64


def test_codes_are_six_listed_words_and_distinct() -> None:
    codes = [receipt.new_code() for _ in range(5000)]
    assert len(set(codes)) == len(codes)
    listed = set(WORDS)
    for code in codes:
        words = code.split("-")
        assert len(words) == receipt.WORDS_PER_CODE == 6
        assert all(word in listed for word in words)
        assert receipt.is_well_formed(code) and receipt.normalise(code) == code
    # Drawn from the whole list, not a corner of it.
    used = {word for code in codes for word in code.split("-")}
    assert len(used) > len(WORDS) * 0.9


@pytest.mark.parametrize(
    "typed",
    [
        "Maple River Otter Cloud Lemon Stone",
        "  MAPLE-RIVER-OTTER-CLOUD-LEMON-STONE  ",
        "maple, river, otter, cloud, lemon, stone.",
        "maple--river---otter - cloud.lemon_stone",
        "maple\triver\notter cloud lemon stone",
        "maple–river—otter cloud lemon stone",  # dashes a word processor puts in
        "ＭＡＰＬＥ river otter cloud lemon stone",  # full-width letters from some phone keyboards
    ],
)
def test_normalise_forgives_case_spaces_and_punctuation(typed: str) -> None:
    assert receipt.normalise(typed) == CODE
    assert receipt.is_well_formed(typed)
    assert receipt.problem(typed) is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Please enter your receipt code"),
        ("   ", "Please enter your receipt code"),
        (" - , . ", "Please enter your receipt code"),
        ("maple river otter cloud lemon", "has 6 words; this has 5"),
        ("maple river otter cloud lemon stone maple", "has 6 words; this has 7"),
        ("maple", "has 6 words; this has 1"),
        ("mapel river otter cloud lemon stone", "“mapel” is not one of the words"),
        ("maples river otter cloud lemon stone", "“maples”"),
        ("maple1 river otter cloud lemon stone", "“maple1”"),
        ("maple river otter cloud lemon st0ne", "“st0ne”"),
        ("mаple river otter cloud lemon stone", "is not one of the words"),  # Cyrillic а
        ("maple'river otter cloud lemon stone", "is not one of the words"),
        ("123456", "is not one of the words"),
    ],
)
def test_malformed_codes_are_refused_with_a_clear_message(typed: str, message: str) -> None:
    assert not receipt.is_well_formed(typed)
    assert message in (receipt.problem(typed) or "")


def test_hash_is_deterministic_whatever_way_the_code_is_typed() -> None:
    stored = receipt.code_hash(CODE)
    assert re.fullmatch(r"[0-9a-f]{64}", stored)
    assert receipt.code_hash(CODE) == stored
    assert receipt.code_hash("Maple River Otter Cloud Lemon Stone") == stored
    sealing.reset_cache()  # another process, reading the pepper back from the key directory
    assert receipt.code_hash(CODE) == stored


def test_one_changed_word_changes_the_hash() -> None:
    stored = receipt.code_hash(CODE)
    words = CODE.split("-")
    for i in range(len(words)):
        changed = [*words]
        changed[i] = "zebra"
        assert receipt.code_hash("-".join(changed)) != stored
    assert receipt.code_hash("-".join(reversed(words))) != stored


def test_another_pepper_gives_another_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stored = receipt.code_hash(CODE)
    monkeypatch.setenv("UPSTANDER_KEY_DIR", str(tmp_path / "other-keys"))
    sealing.init_keys()
    assert receipt.code_hash(CODE) != stored


def test_hash_reveals_nothing_of_the_code() -> None:
    stored = receipt.code_hash(CODE)
    for word in CODE.split("-"):
        assert word not in stored
        assert word.encode().hex() not in stored
    assert hashlib.sha256(CODE.encode()).hexdigest() != stored


def test_hash_is_argon2id_at_owasp_minimum_with_a_salt_from_the_key_directory(keys: Path) -> None:
    assert (receipt.ARGON2_MEMORY_KIB, receipt.ARGON2_TIME_COST, receipt.ARGON2_PARALLELISM) == (19 * 1024, 2, 1)
    stored = receipt.code_hash(CODE)
    pepper_file = keys / "receipt-pepper.key"
    assert stat.S_IMODE(pepper_file.stat().st_mode) == 0o600
    pepper = pepper_file.read_bytes()
    salt = hmac.new(pepper, b"upstander receipt-code salt v1", hashlib.sha256).digest()[:16]
    expected = hash_secret_raw(
        CODE.encode(), salt, time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, type=Type.ID
    )
    assert stored == expected.hex()
    # The database alone cannot test a guess: without the pepper there is no salt.
    unpeppered = hash_secret_raw(
        CODE.encode(), b"\x00" * 16, time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, type=Type.ID
    )
    assert stored != unpeppered.hex()


def test_pepper_is_not_a_sealing_key_and_survives_rotation(keys: Path) -> None:
    stored = receipt.code_hash(CODE)
    sealing.rotate()
    assert receipt.code_hash(CODE) == stored


@pytest.mark.parametrize("typed", ["", "maple river", "mapel river otter cloud lemon stone"])
def test_hashing_a_malformed_code_is_refused_without_echoing_it(typed: str) -> None:
    with pytest.raises(ValueError) as caught:
        receipt.code_hash(typed)
    assert "mapel" not in str(caught.value) and "river" not in str(caught.value)
