"""The message scorer: folding, the lexicon by category with its hard negatives, the validation of both tables,
and message_content over a conversation that drifts from formal to personal.

Every text here is written for these tests. score_texts runs the detection SQL itself (message_text,
message_terms, message_scores), so what passes here is what detection scores.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from detect_world import at, base_world, comm, findings
from upstander.detect import catalogue
from upstander.detect.catalogue import DetectorError
from upstander.detect.lexicon import (
    COLUMNS,
    FOLDING_COLUMNS,
    TableError,
    folding_path,
    lexicon_path,
    read_folding,
    read_lexicon,
)
from upstander.detect.message_scoring import score_texts

P1_PHONE = "+447500000001"
ALERT = 3.0  # message_content's min_weight

# --- folding ----------------------------------------------------------------------------------------------------
FOLDED = [
    ("Hiya HUN u ok?? 😘", "hi hun you ok?? emoji_kiss"),
    ("ur gorgeus tmrw", "your gorgeous tomorrow"),
    ("wud luv 2 c u l8r m8", "would love 2 see you later mate"),
    ("soooo rly soz, gd nite", "so really sorry, good night"),
    ("❤️ 😍 🥰 love it", "emoji_heart emoji_heart emoji_heart love it"),
    ("Zoë’s café 👍 ok", "zo 's caf ok"),  # accents and other emoji are spaces; the curly quote is straight
    ("hunni,\nline two\tand x-ray", "hun, line two and xray"),
    ("cant wait, dont tell", "can't wait, don't tell"),
]


@pytest.mark.parametrize(("text", "normalised"), FOLDED, ids=[t for t, _ in FOLDED])
def test_folding(text: str, normalised: str) -> None:
    assert score_texts([text])[0].normalised == normalised


# --- the lexicon: each category, with the messages that fire it and hard negatives that do not ------------------
FIRES = {
    "endearment": ["Morning hun, how did you sleep", "thanks babe", "night gorgeous", "alright treacle?",
                   "see you soon, beautiful"],
    "kiss": ["Thanks for today x", "speak tomorrow xx", "ok 😘", "Got it xox see you Monday", "mwah"],
    "affection": ["miss u already", "been thinkin about you all day", "❤️", "love ya", "cant wait to see u",
                  "I have missed you so much", "Sorry I missed you babe, missed you loads"],
    "compliment": ["u looked well today", "you scrub up nicely", "you're so pretty", "what a beautiful smile",
                   "you look amazing in that dress"],
    "meeting": ["fancy a drink sometime?", "fancy a brew when I'm off?", "we should meet up",
                "could pop round later", "when can I see you again", "let me take you out for dinner"],
    "secrecy": ["keep this between us", "best not mention it to anyone", "dont tell ur isva about us",
                "no one needs to know", "so my wife doesn't find out"],
    "deletion": ["delete these after you read them", "work checks our phones", "delete it after ok",
                 "turn on disappearing messages"],
    "personal_channel": ["this is my personal number", "add me on snap", "whats ur insta", "dm me",
                         "text me on my other phone not the work one"],
    "concern": ["did u get home ok? x", "can't stop worrying about you", "you deserve so much better",
                "I'm here for you anytime, not just the case", "text me anytime day or night"],
    "sexual": ["what are you wearing", "send me a selfie", "you in bed yet?", "bet you look good out of that"
               " uniform"],
    "flirt": ["😉", "cheeky", "behave yourself 😜", "if I wasn't married..."],
    "romantic_interest": ["are you seeing anyone?", "do you have a boyfriend", "i really like you"],
    "boundary": ["nothing to do with work, just wanted to say hi", "enough about the case, how are you"],
    "late_night": ["you still up?", "can't sleep, you?"],
    "favour": ["I can make the fine go away", "you owe me one"],
    "gift": ["got you a little something", "flowers are from me"],
    "system_misuse": ["looked your address up on the system", "got your number from the call log"],
    "jealousy": ["who was that bloke you were with", "should i be jealous"],
    "persistence": ["why haven't you replied", "you went quiet on me"],
}
CASES = [(cat, text) for cat, texts in FIRES.items() for text in texts]


@pytest.mark.parametrize(("category", "text"), CASES, ids=[f"{c}: {t}" for c, t in CASES])
def test_category_fires(category: str, text: str) -> None:
    score = score_texts([text])[0]
    assert category in score.categories, (score.normalised, score.categories)
    assert score.score > 0 and score.matched


# Safeguarding practice and warm, proper policing that must not score as pursuit.
HARD_NEGATIVES = [
    "Please delete this message if he checks your phone.",
    "Delete this text after reading in case your ex goes through your phone.",
    "Keep this number safe and ring 999 if he turns up.",
    "Take care and stay safe tonight.",
    "I'll meet you at the station at 10 for your statement.",
    "The ISVA will meet you for a coffee on Tuesday to talk through court.",
    "Thank you for your courage today, you did really well.",
    "Sorry I missed you, I'll try again at 3.",
    "Sorry to have missed you. Nothing has changed on your case, I'll try again tomorrow.",
    "Sorry Ive missed you, will ring back after the briefing.",
    "Apologies that we have missed you today, the officer will call again.",
    "Did you get home ok after the interview? Please confirm when you can.",
    "I can pop round tomorrow to take your statement.",
    "Don't mention it, that's what we're here for.",
    "Once the case is closed your property will be returned.",
    "The helpline is open day or night.",
    "Suspect X has been interviewed and bailed.",
    "He posted the photos on Facebook, so please send me screenshots.",
    "Your daughter will need an X-ray of her wrist for the file.",
    "Could you send me a photo of the damage to the door?",
    "Your case has been passed to the CPS. Kind regards, DC Patel",
    "👍 received, thanks",
    "Were you in bed when he came into the house?",
    "He was strip searched in custody and released.",
    "We treat you as a priority victim under the Victims' Code.",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negative_stays_below_the_threshold(text: str) -> None:
    score = score_texts([text])[0]
    assert score.score < ALERT, (score.normalised, score.matched)
    assert score.score <= 1.5, (score.normalised, score.matched)  # no more than one weak sign


def test_one_weak_sign_never_alerts_alone() -> None:
    for text in ("thanks x", "❤️", "😉", "cheeky", "lol", "night night", "get home ok?"):
        assert score_texts([text])[0].score < ALERT, text


def test_signs_add_up_and_the_words_are_kept() -> None:
    [score] = score_texts(["Morning hun, fancy a drink when I'm off? x"])
    assert score.score >= ALERT
    assert {"endearment", "meeting", "kiss"} <= set(score.categories)
    assert {"hun", "fancy a drink", "x"} <= set(score.matched)


def test_work_context_offsets_only_its_own_message_and_is_named() -> None:
    guarded, plain = score_texts(["Delete this message if he checks your phone", "Delete this message"])
    assert guarded.score == 0 and guarded.offsets and guarded.matched == ("delete this message",)
    assert plain.score == 3.0 and plain.offsets == ()


def test_scores_come_back_in_order_and_a_missing_text_scores_nothing() -> None:
    scores = score_texts(["nothing here", "keep this between us", None])  # type: ignore[list-item]
    assert [s.score for s in scores] == [0.0, 3.0, 0.0]


# --- validation of the tables -------------------------------------------------------------------------------------
GOOD_TERM = {"term_id": "t", "category": "kiss", "pattern": r"\bx\b", "weight": "1.0", "why": "A kiss."}
BAD_TERMS = [
    ({"term_id": "Bad Id"}, "term_id", "lower case"),
    ({"category": "romance"}, "category", "is not one of"),
    ({"pattern": ""}, "pattern", "is empty"),
    ({"pattern": "caf\u00e9"}, "pattern", "outside ASCII"),
    ({"pattern": r"x(?=y)"}, "pattern", "look-around"),
    ({"pattern": r"(?<!a)x"}, "pattern", "look-around"),
    ({"pattern": r"(a)\1"}, "pattern", "back-reference"),
    ({"pattern": r"(?P<kiss>x)"}, "pattern", "named group"),
    ({"pattern": r"(?i)x"}, "pattern", "inline flag"),
    ({"pattern": r"\pL"}, "pattern", "read differently"),
    ({"pattern": r"(?:x)"}, "pattern", ":parameter"),
    ({"pattern": "(x"}, "pattern", "not a regular expression"),
    ({"pattern": "x*"}, "pattern", "matches empty text"),
    ({"weight": "heavy"}, "weight", "not a number"),
    ({"weight": "0"}, "weight", "non-zero"),
    ({"weight": "9"}, "weight", "at most"),
    ({"weight": "-1.0"}, "weight", "only work_context"),
    ({"category": "work_context", "weight": "1.0"}, "weight", "only work_context"),
    ({"why": " "}, "why", "must say why"),
]


def _write(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize(("change", "field", "message"), BAD_TERMS, ids=[f"{f}: {m}" for _, f, m in BAD_TERMS])
def test_lexicon_rule(tmp_path: Path, change: dict[str, str], field: str, message: str) -> None:
    path = _write(tmp_path / "lexicon.csv", COLUMNS, [GOOD_TERM, {**GOOD_TERM, "term_id": "t2", **change}])
    with pytest.raises(TableError, match=rf"lexicon\.csv line 3, field {field}.*{message}"):
        read_lexicon(path)


def test_lexicon_rules_on_the_whole_table(tmp_path: Path) -> None:
    path = _write(tmp_path / "lexicon.csv", COLUMNS, [GOOD_TERM, GOOD_TERM])
    with pytest.raises(TableError, match=r"line 3, field term_id.*repeats the term of line 2"):
        read_lexicon(path)
    (tmp_path / "cols.csv").write_text("term_id,category,pattern,weight\nt,kiss,x,1\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"cols\.csv line 1: the columns must be"):
        read_lexicon(tmp_path / "cols.csv")
    (tmp_path / "short.csv").write_text(",".join(COLUMNS) + "\nt,kiss,x\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"short\.csv line 2: the row must have exactly 5 fields"):
        read_lexicon(tmp_path / "short.csv")
    assert read_lexicon(_write(tmp_path / "ok.csv", COLUMNS, [GOOD_TERM])) == [GOOD_TERM]


GOOD_FOLD = {"variant": "u", "kind": "word", "standard": "you", "note": "Text-speak."}
BAD_FOLDS = [
    ({"kind": "phrase"}, "kind", "neither word nor emoji"),
    ({"variant": "u"}, "variant", "repeats the variant of line 2"),
    ({"variant": "Luv", "standard": "love"}, "variant", "lower case"),
    ({"variant": "l(?=uv)", "standard": "love"}, "variant", "look-around"),
    ({"variant": "(luv)?", "standard": "love"}, "variant", "matches empty text"),
    ({"variant": "luv", "standard": "Love!"}, "standard", "lower-case words"),
    ({"kind": "emoji", "variant": "x😘", "standard": "emoji_kiss"}, "variant", "no letters"),
    ({"kind": "emoji", "variant": "😘", "standard": "kiss"}, "standard", "emoji_<name>"),
    ({"variant": "yu", "standard": "u"}, "standard", "folded again"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_FOLDS, ids=[f"{f}: {m}" for _, f, m in BAD_FOLDS])
def test_folding_rule(tmp_path: Path, change: dict[str, str], field: str, message: str) -> None:
    path = _write(tmp_path / "folding.csv", FOLDING_COLUMNS, [GOOD_FOLD, {**GOOD_FOLD, "variant": "yu", **change}])
    with pytest.raises(TableError, match=rf"folding\.csv line \d, field {field}.*{message}"):
        read_folding(path)


def test_folding_columns_are_checked(tmp_path: Path) -> None:
    (tmp_path / "f.csv").write_text("variant,standard\nu,you\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"f\.csv line 1: the columns must be variant, kind, standard, note"):
        read_folding(tmp_path / "f.csv")


def test_packaged_tables_are_valid() -> None:
    assert len(read_lexicon(lexicon_path())) >= 40
    assert any(r["kind"] == "emoji" for r in read_folding(folding_path()))


def test_a_folding_view_without_its_marker_is_refused(tmp_path: Path) -> None:
    (tmp_path / "21_text.sql").write_text("-- expand: folding\nSELECT 1", encoding="utf-8")
    with pytest.raises(DetectorError, match="expand: folding of <cte>"):
        catalogue.load_context(tmp_path)


# --- message_content over a conversation --------------------------------------------------------------------------
FORMAL = ["Your crime reference is 25/1234. I will update you next week.",
          "The suspect was interviewed today and released on bail with conditions."]


def _conversation(texts: list[tuple[float, str]]) -> dict:
    world = base_world()
    world["communications"].extend(comm("S1", at(d), P1_PHONE, t) for d, t in texts)
    return world


def test_a_conversation_turning_personal_alerts_with_its_words_and_the_turn() -> None:
    world = _conversation([(2, FORMAL[0]), (5, FORMAL[1]), (9, "Hope you're ok hun")])
    [alert] = findings("message_content", world)
    assert alert["subject_staff_id"] == "S1" and alert["person_ids"] == ["P1"]
    assert "words: hun" in alert["summary"] and "turned personal after 2 messages with none" in alert["summary"]


def test_the_same_message_without_the_formal_ones_before_it_does_not() -> None:
    assert findings("message_content", _conversation([(9, "Hope you're ok hun")])) == []


def test_the_turn_is_read_only_from_the_drift_window() -> None:
    world = _conversation([(2, FORMAL[0]), (5, FORMAL[1]), (45, "Hope you're ok hun")])
    assert findings("message_content", world) == []  # the formal messages were more than thirty days before


def test_a_warm_professional_conversation_does_not_alert() -> None:
    world = _conversation([(1, FORMAL[0]), (3, "Thank you for your courage today, take care and stay safe."),
                           (6, "The ISVA will meet you for a coffee on Tuesday to talk through court."),
                           (8, "Please delete this message if he checks your phone."),
                           (12, "Did you get home ok after court? Well done today."),
                           (15, "Sorry I missed you, I can pop round tomorrow to take your statement."),
                           (17, "Sorry to have missed you. Nothing has changed, I'll try again tomorrow."),
                           (19, "I'm off duty now; if you are in danger please call 999. I'll ring you on my next "
                                "shift."),
                           (24, "I'm off duty now; if you are in danger please call 999. I'll ring you on my next "
                                "shift.")])
    assert findings("message_content", world) == []


def test_signs_across_messages_add_up_and_the_summary_names_the_words() -> None:
    world = _conversation([(3, "thanks for today x"), (6, "u looked well btw"), (8, "fancy a brew when im off?")])
    [alert] = findings("message_content", world)
    for words in ("x", "you looked well", "fancy a brew", "when i'm off"):
        assert words in alert["summary"]
