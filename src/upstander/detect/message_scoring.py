"""Scores message texts with the detection SQL itself, for tests and for measuring the lexicon on a corpus.

    scores = score_texts(["Morning hun, fancy a drink when I'm off? x", "Your statement is at 10:00."])
    scores[0].score, scores[0].categories, scores[0].matched  # 5.5, ('endearment', 'kiss', ...), ('hun', ...)

The texts become outbound messages of an in-memory `communications` table and go through the same context
views as a detection run (message_text's folding, message_terms' lexicon, message_scores' sum), so a number
measured here is what message_content adds for that message before drift and the sixty-day window.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from upstander.detect.catalogue import bind, load_context

_VIEWS = ("message_text", "message_terms", "message_scores")


@dataclass(frozen=True)
class MessageScore:
    text: str
    score: float  # the weights of the distinct terms matched, never below 0
    categories: tuple[str, ...]  # of the terms that weigh for it
    matched: tuple[str, ...]  # the words that earned the points
    offsets: tuple[str, ...]  # the words of work_context terms set against them
    normalised: str  # the text as the lexicon reads it


def score_texts(texts: list[str]) -> list[MessageScore]:
    """One score per text, in order."""
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.register("_texts", pa.table({"text": pa.array(texts, pa.string())}))
        con.execute("""
            CREATE TABLE communications AS
            SELECT 'T' || (row_number() OVER () - 1) AS comm_id, 'S' AS staff_id,
                   TIMESTAMPTZ '2025-01-01 12:00:00+00' AS occurred_at, 'outbound' AS direction,
                   '+440000000000' AS counterpart, text
            FROM _texts""")
        views = dict(load_context())
        for name in _VIEWS:
            con.execute(f"CREATE TEMP TABLE {name} AS {bind(views[name], {}, None, name)}")
        rows = con.execute("""
            SELECT t.comm_id, t.words, coalesce(s.weight, 0), coalesce(s.categories, []), coalesce(s.matched, []),
                   coalesce(s.offsets, [])
            FROM message_text t LEFT JOIN message_scores s USING (comm_id)""").fetchall()
    finally:
        con.close()
    by_id = {r[0]: r for r in rows}
    scores = []
    for i, text in enumerate(texts):
        row = by_id.get(f"T{i}")  # a NULL text has no row
        if row is None:
            scores.append(MessageScore(text, 0.0, (), (), (), ""))
            continue
        _, words, weight, categories, matched, offsets = row
        scores.append(MessageScore(text, round(float(weight), 3), tuple(categories), tuple(matched),
                                   tuple(offsets), words))
    return scores
