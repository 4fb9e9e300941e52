"""Render docs/detectors.md from the detector files' own headers, so the document cannot drift from the SQL."""

from __future__ import annotations

from upstander.detect.catalogue import context_dir, load_detectors
from upstander.detect.lexicon import read_folding, read_lexicon

INTRO = """# Detectors

Generated from the headers of `src/upstander/detect/detectors/*.sql` by
`python -c "from upstander.detect.detector_doc import render; print(render(), end='')"`; do not edit by hand.

Each detector is one SQL file: a metadata header in `--` comments (TOML), then a query. Any row the query
returns is a finding, dated on the day of its `alerted_at`, and judged "as of that day": it depends only on
the data of its look-back before that day (and of its look-ahead after, where declared). The header's `alert`
says what one alert is: the store makes one alert of all the findings of the detector's `key`, or, with
`episode_gap_days`, one per run of findings no more than that many days apart; so a pattern that grows
updates its alert instead of raising another, and an incremental run (which recomputes only the days new
data touched) ends with exactly the alerts of a full one. An alert's window runs from its earliest finding's
start to its latest's end, its `alerted_at` is the earliest finding's, its evidence and people the union of
its findings', its score the highest any finding reached and its summary the latest finding's. Every finding
carries `evidence`: references
to the rows that made it fire (`communications:<comm_id>`, `audit:<audit_id>`, `complaints:<id>`,
`positions:<device>@<stay start>`, `staff:<id>`, `people:<id>`), its `alerted_at` (when the data first met
the threshold: the delay evaluation measures to this) and a one-line `summary`.

Shared context views live in `src/upstander/detect/context/`: `met` (who each member of staff met through
duty and until when the policing purpose lasted), `met_spans` (the same for each involvement on its own, so
that a later job never explains earlier contact), `public_comms` (work-device contact with the public, matched
to force records, with local time and duty status), `lookups` (every look-up with the explanation the data
gives, or none), `stays` and `undeployed_stays` (stay-points from positions, and those no deployment
explains), `stays_near_met`, `person_risk`, `message_text` (each outbound message folded for the lexicon),
`message_terms` (the lexicon matched against it, with the words matched), `message_scores` (a score per message),
`shared_lines`, `team_cases` and `explained_contacts` (below).

**Every duty that meets the public creates a relationship.** `met_spans` holds one span per relationship, each
with its purpose window; contact after the window is what `contact_after_purpose` reads, and contact inside it
is explained for every other detector. The kinds, from the header of `context/20_met_spans.sql`:

{relationships}

**Contacts explained by the team's work, computed once.** `explained_contacts` gives every work-device contact
with the public the first explanation the data offers, the way `lookups` does for look-ups: `involved` (a
relationship above covers the moment, from a day before it began), `team` (on duty, and the member of staff's
team holds a case the person is in: `team_cases`, the owning team until it transfers the case, the receiving
team from then, each until the case closes), or `shared_line`. `message_volume` counts only unexplained
contact, for the member of staff and for the peers they are compared with; `contact_with_criminals` counts only
unexplained contact; `contact_after_purpose` and `disposals_for_associates` leave out shared lines. Look-ups
take the same explanation: opening the record of a person in a case the team holds, while it holds it, is
the team's work (`lookups`, explanation `team`).

**Shared work lines are recognised from the data.** `shared_lines` marks a number or address on each day on
which, over the 28 days ending that day, at least 8 members of staff from at least 3 teams contacted it, with a
week or more between the first and last contact, not counting anyone who had met the person behind the number
through duty. The thresholds do not scale with the size of the force: the staff one member of the public deals
with are set by the roles in that person's cases (a call taker, one or two attending officers, an officer in
charge, a supervisor), and those who met them are not counted at all, while a partner agency's callers grow
with the force, so a larger force recognises the line sooner. A number on the records of people at three or
more different home addresses is shared on every day: a private phone belongs to one household, while a
refuge's or social-care desk is given as the contact number of many of the people it supports. A detector
reading it looks back 27 days more than the contacts it counts.

**Stay-points are kept, not recomputed.** Ordering every stationary fix of every device was most of a daily
run, so the DuckDB engine keeps stay-points in the alert store (`derived_stays`, written in the run's copy of
the store and committed with its findings; `src/upstander/detect/derived.py`). A run re-derives only the
stays from the first fix that starts a stay at or after D less a day (the margin doubles for a device that was
still throughout, such as a parked vehicle with its tracker on), keeps the rest, and gives the detectors the
stored stays from their look-back on; a full run, a change to the stay rule, or position days gone from the lake
with their stays still stored derives them all again (retention forgets the stays of the days it deletes
first, keeping the part after its cutoff of a stay across it: `src/upstander/detect/forget.py`). `stay_no` is
the stay's start in milliseconds, so a stay has the same key however it was derived. The Spark backend and
`upstander risk`'s contact review derive stays from `40_stays.sql` on each run, as before.

**So are the views that re-read the look-back.** A context file may declare its view kept per day
(`-- keep: by occurred_at, from 1 day before the dirty day`, with the reason the margin holds):
`public_comms` and `message_terms` from the dirty day itself, `lookups` from a day before it (an involvement
explains look-ups from a day before it began), `undeployed_stays` from two days before it (a stay lies inside
one duty of at most 24 hours), or from the first re-derived stay when that is earlier. A run derives only those
days again, with the view's own SQL over inputs read from there, writes them as one Parquet file per view and
day under `UPSTANDER_HOME/derived/`, lists them in the store's `kept_files` (committed with the findings), and
gives the detectors the kept rows of their look-back (`src/upstander/detect/kept.py`). A full run, a change to
a view's SQL (or to one it reads), a listed file gone missing or unreadable, or kept days older than any
monitoring event left in the lake derives them all again. Retention deletes the kept rows of the days it
deletes from the lake, and remakes its cutoff day's undeployed stays from the stays cut there.

**Incremental runs.** `upstander detect` finds the first dirty day D: the earliest event day among the files
of lake loads after the last one detection saw (recorded in the alert store's `detection_state`), the
earliest effective time of any duty, incident, custody record or complaint those loads changed (old version
or new), and the last day the previous run saw when the data now runs past it (findings dated at the end of
the data, like the amplifiers', move with it). A change to staff, teams, people or watches, which detectors
read as they stand today with no date to say from when, makes the run a full one. Each detector is then run
on data from D less its look-ahead and look-back; its findings from D less its look-ahead replace the stored
ones and its alerts are rebuilt from all its findings, in one transaction with the look-up statistics and the
state. `tests/test_detect_any_order.py` loads simulated forces day by day in shuffled order, late and twice,
and checks the result against a full run, field by field, for every detector.

**A force loads what it has.** Each detector's header names the `feeds` it cannot mean anything without
(below, "Needs"). A run skips a detector while any of them has never been delivered to the lake, and says
which in its table and in `--json` (`skipped`); any other feed a detector reads counts as empty until
delivered (a feed is delivered once a file of it has been loaded, see docs/data-contract.md). The days of
data (`:first_day` to `:last_day`, the span a run judges) come from every dated feed: the days of the event
feeds and the effective times of duties, incidents, custody records and complaints, so a force delivering
staff and complaints alone is judged over its complaints' dates.

Parameters marked *seed* take their value from a case study; the rest are judgement, stated with the
reason. Red flag 13 (amplifiers) never raises a triage alert; it weighs other signals in the risk matrix.
"""


def relationships() -> str:
    """The markdown table of relationship kinds written in the header of 20_met_spans.sql."""
    text = (context_dir() / "20_met_spans.sql").read_text(encoding="utf-8")
    rows = [line[3:] for line in text.splitlines() if line.startswith("-- |")]
    return "\n".join([*rows[:1], "|---|---|---|---|---|---|", *rows[1:]])


def render() -> str:
    parts = [INTRO.replace("{relationships}", relationships()),
             "| detector | red flags | category | weight | seed case |", "|---|---|---|---|---|"]
    detectors = load_detectors()
    for d in detectors:
        flags = ", ".join(str(f) for f in d.red_flags)
        parts.append(f"| [`{d.id}`](#{d.id}) | {flags} | {d.category} | {d.weight:g} | {d.seed_case} |")
    parts.append("")
    for d in detectors:
        parts += [f"## `{d.id}`", "", f"**{d.title}**", "",
                  f"- Red flags: {', '.join(str(f) for f in d.red_flags)}; category: {d.category}; "
                  f"weight {d.weight:g}; {'amplifier (no triage alert)' if d.kind == 'amplifier' else 'alert'}.",
                  f"- Follows: {d.seed_case}.",
                  f"- {d.alert}",
                  f"- Looks back {d.lookback_days} days"
                  + (f" and ahead {d.lookahead_days}" if d.lookahead_days else "")
                  + f"; key: {', '.join(d.key)}"
                  + (f"; findings more than {d.episode_gap_days} days apart start a new alert."
                     if d.episode_gap_days else "."),
                  f"- Needs: {', '.join(f'`{f}`' for f in d.feeds) or 'nothing beyond the lake'}.",
                  f"- File: `detectors/{d.path.rsplit('/', 1)[-1]}`.", "", "How to read it: " + " ".join(
                      line.strip() for line in d.reading.splitlines()), ""]
        if d.parameters:
            parts += ["| parameter | value | source | why |", "|---|---|---|---|"]
            parts += [f"| `{p.name}` | {p.value} | {p.source} | {p.why} |" for p in d.parameters]
            parts.append("")
    parts += ["## The message lexicon", "", LEXICON_INTRO, "",
              "| term | category | weight | why |", "|---|---|---|---|"]
    parts += [f"| `{r['term_id']}` | {r['category']} | {r['weight']} | {r['why']} |" for r in read_lexicon()]
    parts += ["", "### The folding table", "", FOLDING_INTRO, "", "| reads as | written | kind |", "|---|---|---|"]
    folds: dict[tuple[str, str], list[str]] = {}
    for r in read_folding():
        folds.setdefault((r["standard"], r["kind"]), []).append(r["variant"])
    parts += [f"| {standard} | {' '.join(f'`{alt}`' for v in variants for alt in v.split('|'))} | {kind} |"
              for (standard, kind), variants in folds.items()]
    return "\n".join(parts) + "\n"


LEXICON_INTRO = """`src/upstander/detect/lexicon.csv`, used by `message_content` and
`sexualised_messages_to_colleagues`. Each term is a regular expression over the folded text (`message_text`,
below); `message_terms` keeps, for each message and term, the words it matched, which the alert summaries
show. A message scores the weights of the distinct terms it matched, never below nothing: `work_context`
terms weigh against the message they are in (safeguarding advice about the victim's own phone, a meeting
arranged for the ISVA, the business of a statement), never against others. `score_texts` in
`src/upstander/detect/message_scoring.py` runs the same SQL over a list of texts, to measure the lexicon on a
corpus. Both tables are checked on load: patterns must read alike on DuckDB (RE2) and Spark (Java), so no
look-arounds, back-references, named groups, inline flags or non-ASCII characters; a negative weight only for
`work_context`; each error names the file, line and field."""

FOLDING_INTRO = """`src/upstander/detect/folding.csv`. Before the lexicon reads a message it is lower-cased, curly
apostrophes made straight, the emoji below turned into words (`emoji_kiss`, `emoji_heart`, ...), every other
character outside printable ASCII made a space, any letter repeated three or more times cut to two, the
words below folded to the standard word (each `written` form is a regular expression for one whole word), and
runs of spaces squeezed. The SQL is written from the table by the engine as a chain of CTEs, on DuckDB and
Spark alike; no standard word may be folded again by another row."""
