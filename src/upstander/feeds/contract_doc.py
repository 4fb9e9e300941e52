"""Render the data contract as Markdown, so docs/data-contract.md can never drift from the code."""

from __future__ import annotations

from upstander.feeds.contract import EARLIEST_DATE, FEEDS, REQUIRED_FEEDS, Feed, Field, days_words

_TYPE_WORDS = {
    "string": "text",
    "int": "whole number",
    "float": "number",
    "date": "date `YYYY-MM-DD`",
    "timestamp": "timestamp, ISO 8601 with offset",
    "phone": "phone number → E.164",
    "contact": "phone (→ E.164) or email",
    "list": "list, `;`-separated in CSV",
    "phones": "phone numbers, `;`-separated → E.164",
    "emails": "email addresses, `;`-separated",
}


def _rule(f: Field) -> str:
    parts = ["**required**" if f.required else "optional"]
    if f.allowed:
        parts.append("one of " + ", ".join(f"`{a}`" for a in f.allowed))
    if f.minimum is not None or f.maximum is not None:
        parts.append(f"between {f.minimum:g} and {f.maximum:g}")
    if f.references:
        target = f.references.split(".")[0]
        when = "" if target in REQUIRED_FEEDS else f" once the force delivers `{target}`"
        parts.append(f"must name a known `{f.references}`{when}")
    if f.type == "date":
        parts.append(f"from {EARLIEST_DATE} to {days_words(f.latest_days)} after the load")
    if f.length_limit is not None:
        parts.append(f"at most {f.length_limit:,} characters" + (" in all" if f.type in _LISTS else ""))
    if f.multiline:
        parts.append("may hold line breaks (quoted in CSV)")
    return "; ".join(parts)


_LISTS = ("list", "phones", "emails")



def _feed_section(feed: Feed) -> str:
    lines = [f"## `{feed.name}`", "", feed.description, ""]
    kind = (
        "Entity feed: a later delivery of the same key replaces the earlier version."
        if feed.kind == "entity"
        else f"Event feed: append-only, partitioned in the lake by the UTC day of `{feed.partition_by}`."
    )
    lines += [f"- {kind}", f"- Unique key: {', '.join(f'`{k}`' for k in feed.key)}."]
    for earlier, later in feed.in_order:
        lines.append(f"- `{later}` may not be before `{earlier}`.")
    if feed.max_span_hours:
        start, end, hours = feed.max_span_hours
        lines.append(f"- `{end}` is at most {hours:g} hours after `{start}`.")
    for lat, lon in feed.coordinates:
        lines.append(f"- `{lat}`/`{lon}` must be plausible: inside UPSTANDER_BBOX and not 0,0.")
    lines += [f"- {note}" for note in feed.notes]
    lines += ["", "| field | type | rule | what it is for | example |", "|---|---|---|---|---|"]
    for f in feed.fields:
        example = f"`{f.example}`" if f.example else "(empty)"
        lines.append(f"| `{f.name}` | {_TYPE_WORDS[f.type]} | {_rule(f)} | {f.description} | {example} |")
    lines += ["", "Example row (CSV):", "", "```csv", ",".join(feed.field_names)]
    lines += [",".join(_csv_cell(f.example) for f in feed.fields), "```", ""]
    return "\n".join(lines)


def _csv_cell(text: str) -> str:
    return f'"{text}"' if "," in text else text


HEADER = """# The force data contract

Generated from `src/upstander/feeds/contract.py` by `upstander contract`; do not edit by hand.

A force maps its own exports to these feeds, and loads what it has: only `staff` is required, every
other feed is optional. A delivery is a directory holding, for each feed,
`<feed>.csv`, `<feed>.parquet`, or a folder `<feed>/` of CSV or Parquet parts at any depth. CSV files
are UTF-8 with a header row; column names are matched without regard to case. Empty cells are
missing values. Other files in the directory are listed as ignored.

Rules that apply to every feed:
- Required fields must be present and not empty; values must have the field's type.
- Values from a fixed list are matched without regard to case and stored in the spelling shown.
- Timestamps carry a UTC offset (`2026-03-01T21:14:00+00:00` or `...Z`); a timestamp without one
  is refused, because a local time is ambiguous across the clock change. They are stored in UTC.
- Phone numbers are normalised to E.164 (`07700 900123` → `+447700900123`, the national prefix
  taken from UPSTANDER_COUNTRY_CODE); a number that cannot be is refused.
- A key may appear once in a delivery; references must name a record already loaded or in the
  same delivery. A reference into a feed the force does not deliver is not checked: a feed is
  delivered once a file of it is in a delivery (even one refused whole, or whose rows were all
  quarantined) or in any earlier load, and from then on references into it must resolve. So a force
  with no teams export may still give each person's `team_id`; references to `staff` always must
  resolve, since every force delivers it.
- Where a force does not know a value, `unknown` is one of the allowed values of the field (a
  role, a vetting level, a complaint's origin, a sex), and other fields it may not know are optional.
  A rule that depends on a field nobody's record holds says "not known", never "absent" (for example
  the APSP training amplifier when no `apsp_training_date` is delivered, see docs/detectors.md).
- Timestamps lie between 1950 and two days after the load; dates between 1900-01-01 and the
  field's limit after the load (things that have happened, such as training, not after it).
- Text has a length limit per field (identifiers and names 200 characters, free text more). A NUL
  character is never stored: a row holding one is quarantined.
- In CSV a quoted value may run over several lines only in a field that may hold line breaks.
  Any other quote left open at the end of its line is unclosed: that row is quarantined, naming the
  line and column where the quote opened, and reading goes on from the next line. A row with bytes
  that are not UTF-8 or a NUL is quarantined with its byte offset; the rest of the file loads.
- Symbolic links in a delivery are never followed: deliver the files themselves.

A row that breaks a rule is quarantined with its file, row number (1 = the first row after the
header; a value over several lines counts once), field and reason, and the rest of the delivery
still loads: the header, the rows loaded or unchanged and the rows quarantined add up to the file.
A file that cannot be read as a whole (wrong columns, not the format it claims, a link) is rejected
with one message naming it.

"""


def render_markdown() -> str:
    index = "\n".join(f"- [`{f.name}`](#{f.name}): {f.description}" for f in FEEDS)
    return HEADER + "Feeds, in loading order:\n\n" + index + "\n\n" + "\n".join(_feed_section(f) for f in FEEDS)
