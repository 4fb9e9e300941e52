"""The message-content lexicon (red flags 8 and 12) and the folding table, kept as data so analysts can read and
change them without touching code.

folding.csv says how a message is normalised before the lexicon reads it (context/21_message_text.sql): emoji
become words (`😘` to ` emoji_kiss `), then every character outside printable ASCII becomes a space, runs of
three or more of a letter are cut to two, and text-speak and misspellings are folded to standard words (`u` to
`you`, `gorgeus` to `gorgeous`, `so+` to `so`). lexicon.csv's patterns are regular expressions over that text.

The same SQL runs on DuckDB (RE2) and on Spark (Java regular expressions), so both tables are checked on load
for what the two engines read alike: no look-arounds, back-references, named groups or inline flags, and
ASCII only outside the emoji. On printable ASCII text `\\b` and character classes mean the same in both. An
error names the file, the line and the field.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pyarrow as pa

COLUMNS = ("term_id", "category", "pattern", "weight", "why")
FOLDING_COLUMNS = ("variant", "kind", "standard", "note")
# What each category means is in docs/detectors.md; work_context terms carry a negative weight.
LEXICON_CATEGORIES = ("endearment", "kiss", "affection", "compliment", "meeting", "secrecy", "deletion",
                      "personal_channel", "concern", "sexual", "flirt", "gift", "favour", "system_misuse",
                      "persistence", "jealousy", "romantic_interest", "boundary", "late_night", "work_context")
NEGATIVE_CATEGORY = "work_context"
MAX_WEIGHT = 5.0
_TERM_ID = re.compile(r"[a-z][a-z0-9_]*")
# Constructs RE2 and Java read differently, or one of them not at all.
_UNPORTABLE = (
    (re.compile(r"\(\?[=!]|\(\?<[=!]"), "a look-around, which RE2 (DuckDB) does not support"),
    (re.compile(r"\\[1-9]|\\k<|\(\?P="), "a back-reference, which RE2 (DuckDB) does not support"),
    (re.compile(r"\(\?P?<[a-zA-Z]"), "a named group, which the two engines write differently"),
    (re.compile(r"\(\?[a-zA-Z]+[):]"), "an inline flag, which the two engines read differently"),
    (re.compile(r"\\[pPXRhHvVzZAGQE]"), "an escape that the two engines read differently"),
    (re.compile(r":[a-zA-Z_]"), "a colon before a letter, which the SQL would read as a :parameter"),
)
_WORD_STANDARD = re.compile(r"[a-z][a-z']*( [a-z][a-z']*)*")
_EMOJI_STANDARD = re.compile(r"emoji_[a-z]+")
_SQUEEZED = "abcdefghijklmnopqrstuvwxyz"
_STAGE = 8  # expressions nested per CTE: SQLGlot parses a deeper nest recursively and runs out of stack


class TableError(ValueError):
    """A row of lexicon.csv or folding.csv is malformed; the message names the file, line and field."""


def lexicon_path() -> Path:
    return Path(str(resources.files("upstander.detect") / "lexicon.csv"))


def folding_path() -> Path:
    return Path(str(resources.files("upstander.detect") / "folding.csv"))


def _rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != columns:
            raise TableError(f"{path} line 1: the columns must be {', '.join(columns)}; "
                             f"found {', '.join(reader.fieldnames or ())}")
        rows = list(reader)
    for n, row in enumerate(rows, start=2):
        if None in row or any(row[c] is None for c in columns):
            raise TableError(f"{path} line {n}: the row must have exactly {len(columns)} fields")
    return rows


def portable_pattern(pattern: str) -> str | None:
    """Why a pattern would not run alike on DuckDB and Spark, or None. It must compile, be ASCII, avoid what
    RE2 and Java read differently, and not match empty text (it would match every message)."""
    if not pattern:
        return "is empty"
    if not pattern.isascii():
        return "has characters outside ASCII (the text it reads is ASCII after folding)"
    for construct, why in _UNPORTABLE:
        if construct.search(pattern):
            return f"uses {why}"
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        return f"is not a regular expression ({exc})"
    if compiled.search("") is not None:
        return "matches empty text, so it would match every message"
    return None


def read_lexicon(path: Path | None = None) -> list[dict[str, str]]:
    path = path or lexicon_path()
    rows = _rows(path, COLUMNS)
    seen: dict[str, int] = {}
    for n, row in enumerate(rows, start=2):
        def fail(field: str, message: str, n: int = n, row: dict[str, str] = row) -> TableError:
            return TableError(f"{path} line {n}, field {field} ({row['term_id'] or 'no term id'}): {message}")

        term = row["term_id"]
        if not _TERM_ID.fullmatch(term):
            raise fail("term_id", "must be lower case letters, digits and underscores, starting with a letter")
        if term in seen:
            raise fail("term_id", f"repeats the term of line {seen[term]}")
        seen[term] = n
        if row["category"] not in LEXICON_CATEGORIES:
            raise fail("category", f"{row['category']!r} is not one of {', '.join(LEXICON_CATEGORIES)}")
        problem = portable_pattern(row["pattern"])
        if problem:
            raise fail("pattern", problem)
        try:
            weight = float(row["weight"])
        except ValueError:
            raise fail("weight", f"{row['weight']!r} is not a number") from None
        if not abs(weight) <= MAX_WEIGHT or weight == 0:
            raise fail("weight", f"must be non-zero and at most {MAX_WEIGHT} either way; got {row['weight']}")
        if (weight < 0) != (row["category"] == NEGATIVE_CATEGORY):
            raise fail("weight", f"only {NEGATIVE_CATEGORY} terms weigh against a message, and they must")
        if not row["why"].strip():
            raise fail("why", "must say why the term is a sign, citing the case study where there is one")
    return rows


def lexicon_table(path: Path | None = None) -> pa.Table:
    rows = read_lexicon(path)
    return pa.table({
        "term_id": [r["term_id"] for r in rows],
        "category": [r["category"] for r in rows],
        "pattern": [r["pattern"] for r in rows],
        "weight": pa.array([float(r["weight"]) for r in rows], pa.float64()),
    })


def read_folding(path: Path | None = None) -> list[dict[str, str]]:
    path = path or folding_path()
    rows = _rows(path, FOLDING_COLUMNS)
    seen: dict[tuple[str, str], int] = {}
    for n, row in enumerate(rows, start=2):
        def fail(field: str, message: str, n: int = n) -> TableError:
            return TableError(f"{path} line {n}, field {field}: {message}")

        kind, variant, standard = row["kind"], row["variant"], row["standard"]
        if kind not in ("word", "emoji"):
            raise fail("kind", f"{kind!r} is neither word nor emoji")
        if (kind, variant) in seen:
            raise fail("variant", f"repeats the variant of line {seen[kind, variant]}")
        seen[kind, variant] = n
        if kind == "emoji":
            if not variant.strip() or variant != variant.strip() or re.search(r"[A-Za-z]", variant):
                raise fail("variant", "an emoji variant is the symbol itself: no letters, no surrounding spaces")
            if not _EMOJI_STANDARD.fullmatch(standard):
                raise fail("standard", f"an emoji folds to a word emoji_<name> in lower case; got {standard!r}")
            continue
        if variant != variant.lower():
            raise fail("variant", "must be lower case: it reads lower-cased text")
        problem = portable_pattern(variant)
        if problem:
            raise fail("variant", problem)
        if not _WORD_STANDARD.fullmatch(standard):
            raise fail("standard", f"must be lower-case words (letters and apostrophes); got {standard!r}")
    _check_no_refolding(path, rows)
    return rows


def _check_no_refolding(path: Path, rows: list[dict[str, str]]) -> None:
    """A standard word that another row folds into something else would come out differently depending on the
    order of the rows: refused, so that every standard word is left as it is by the whole table."""
    words = [(n, r) for n, r in enumerate(rows, start=2) if r["kind"] == "word"]
    for n, row in words:
        for other_n, other in words:
            for word in row["standard"].split(" "):
                if word != other["standard"] and re.fullmatch(f"(?:{other['variant']})", word):
                    raise TableError(f"{path} line {n}, field standard: {word!r} would be folded again to "
                                     f"{other['standard']!r} by line {other_n}")


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def folding_steps(rows: list[dict[str, str]] | None = None) -> list[Callable[[str], str]]:
    """The normalisation as SQL expressions, each wrapping the previous one's text: curly quotes made straight,
    emoji to words, other non-printable-ASCII characters to spaces, letters repeated three or more times cut
    to two, words folded (one regexp_replace per standard word, variants alternated), spaces squeezed."""
    rows = read_folding() if rows is None else rows
    steps: list[Callable[[str], str]] = [
        lambda x: f"replace(replace({x}, '\u2019', ''''), '\u2018', '''')",
    ]
    steps += [lambda x, r=r: f"replace({x}, {_lit(r['variant'])}, {_lit(' ' + r['standard'] + ' ')})"
              for r in rows if r["kind"] == "emoji"]
    steps.append(lambda x: f"regexp_replace({x}, '[^ -~]+', ' ', 'g')")
    steps += [lambda x, c=c: f"regexp_replace({x}, '{c}{c}{c}+', '{c}{c}', 'g')" for c in _SQUEEZED]
    variants: dict[str, list[str]] = {}
    for r in rows:
        if r["kind"] == "word":
            variants.setdefault(r["standard"], []).append(r["variant"])
    steps += [lambda x, s=s, v=v: f"regexp_replace({x}, {_lit(_whole_words(v))}, {_lit(s)}, 'g')"
              for s, v in variants.items()]
    steps.append(lambda x: f"trim(regexp_replace({x}, ' +', ' ', 'g'))")
    return steps


def _whole_words(variants: list[str]) -> str:
    return r"\b(" + "|".join(variants) + r")\b"  # a plain group: (?: would read as a :parameter


def folding_ctes(source: str, column: str, keep: list[str]) -> str:
    """Common table expressions that fold `column` of `source`, carrying the `keep` columns, ending in one named
    `folded`; a chain of CTEs of a few expressions each rather than one expression a hundred calls deep."""
    steps = folding_steps()
    ctes, previous = [], source
    for i in range(0, len(steps), _STAGE):
        expr = column
        for step in steps[i:i + _STAGE]:
            expr = step(expr)
        name = f"fold_{i // _STAGE}"
        ctes.append(f"{name} AS (SELECT {', '.join(keep)}, {expr} AS {column} FROM {previous})")  # nosec B608  # packaged, validated folding data
        previous = name
    ctes.append(f"folded AS (SELECT {', '.join(keep)}, {column} FROM {previous})")  # nosec B608  # packaged, validated folding data
    return ",\n".join(ctes)
