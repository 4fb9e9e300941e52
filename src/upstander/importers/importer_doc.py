"""Render docs/importers.md from the importers' own mapping tables, so the document cannot drift from the code."""

from __future__ import annotations

from upstander.importers import chicago, phl

INTRO = """# Importers: public complaints releases mapped to the contract

Generated from `src/upstander/importers/` by
`python -c "from upstander.importers.importer_doc import render; print(render(), end='')"`; do not edit by hand.

```
upstander import chicago DIR [--home H] [--json]
upstander import phl DIR [--home H] [--json]
```

Each command reads the release's gzip CSV files from DIR in the form they are published, maps every row it
can to the contract's `staff` and `complaints` feeds, writes that delivery to
`$UPSTANDER_HOME/imports/<source>-<UTC time>/` (kept as the record of what was loaded) and loads it with the
normal loader, so every rule of the data contract applies. `--home` loads into another home than
UPSTANDER_HOME. A later or larger copy in the same format imports the same way: nothing depends on the
number of rows or on a value seen in one copy; a code the mapping does not know is mapped to the nearest
safe value (`other`, `unknown`) and reported. Importing the same copy again writes the same files, which
the loader skips as already loaded.

What cannot be mapped is never dropped silently: the command lists, by source file, row (1 = the first row
after the header) and field, each row it skipped and each value it could not map with what it did instead
(counts per kind and the first rows in the table, every one in `--json`: `problems`, `skipped`). Rows the
loader then quarantines are traced back to their source file and row (`quarantined`). Exit status 0 when the
delivery loaded, 2 when DIR cannot be used (a file missing, unreadable or without the columns it needs), 1
when the lake is damaged.

Both releases give only staff and complaints: `upstander detect` then runs the complaints detector
(three in twelve months) and the amplifiers, and lists the other detectors as skipped with the feeds they
need (see docs/detectors.md). Sex, ethnicity and birth year are loaded for fairness audits only, never to
rank or detect.
"""


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]


def _chicago() -> list[str]:
    c = chicago
    out = ["## `upstander import chicago DIR`", "",
           f"Chicago Police Department complaints (Invisible Institute release, pseudonymised): `{c.OFFICERS}` "
           f"(columns {', '.join(c.OFFICER_COLUMNS)}) and `{c.COMPLAINTS}` (columns "
           f"{', '.join(c.COMPLAINT_COLUMNS)}, and others that are not read).", "",
           "### staff, one row per officer", ""]
    out += _table(("contract field", "from", "how"), [
        ("staff_id", "officer_id", "as given (a pseudonym); a row without one is skipped"),
        ("role", "", f"`{c.ROLE}`: every officer is sworn, but rank was dropped from this copy (it is as of 2016)"),
        ("start_date", "appointed_date", "as given; not a date: left empty, reported"),
        ("sex", "gender", ", ".join(f"{k} → {v}" for k, v in c.SEX.items()) + "; anything else → unknown"),
        ("ethnicity", "race", ", ".join(f"{k} → {v}" for k, v in c.ETHNICITY.items())
         + "; another code is kept as given and reported. The release explains only S; the other words are the "
         "usual reading of CPD's codes"),
        ("birth_year", "birth_year", "as given; not a year: left empty, reported"),
    ])
    out += ["", "### complaints, one row per complaint and accused officer", ""]
    out += _table(("contract field", "from", "how"), [
        ("complaint_id", "complaint_id, officer_id", "`<complaint_id>-<officer_id>`: the contract's key is one row, "
         "and the release has one row per complaint and accused officer"),
        ("received", "received_date", "midnight in Chicago (America/Chicago) on that date; no date: row skipped"),
        ("closed", "closed_date", "midnight in Chicago on that date; empty while the complaint was open on "
         "1 January 2010. A close date before the date received is quarantined by the loader"),
        ("subject_staff_id", "officer_id", "as given; an officer not in officers.csv.gz is quarantined by the loader"),
        ("category", "category_code, category", "the code and its words, as recorded (`05A arrestee - during arrest`)"),
        ("allegation", "category_code", "by the tables below; no category or a code in no known group: `other`, "
         "reported"),
        ("origin", "category_code", f"group {', '.join(c.INTERNAL_GROUPS)} (operations and personnel violations, "
         "mostly raised inside the force) → internal; any other category → public; no category → unknown"),
        ("outcome", "final_finding", "by the table below; a finding not in it → unknown, reported"),
    ])
    out += ["", "CPD category groups (first two characters of `category_code`):", ""]
    out += _table(("group", "CPD group", "allegation"),
                  [(g, words, f"`{a}`") for g, (words, a) in c.GROUP_ALLEGATION.items()])
    out += ["", "Single categories mapped apart from their group:", ""]
    out += _table(("category_code", "allegation"), [(k, f"`{v}`") for k, v in c.CODE_ALLEGATION.items()])
    out += ["", "Findings:", ""]
    out += _table(("final_finding", "meaning", "outcome"),
                  [(k, words, f"`{v}`") for k, (words, v) in c.FINDING_OUTCOME.items()])
    return out


def _phl() -> list[str]:
    p = phl
    out = ["", "## `upstander import phl DIR`", "",
           f"Philadelphia Police Department complaints against police (OpenDataPhilly CAP tables): `{p.COMPLAINTS}` "
           f"(columns {', '.join(p.COMPLAINT_COLUMNS)}) and `{p.DISCIPLINES}` (columns "
           f"{', '.join(p.DISCIPLINE_COLUMNS)}).", "",
           "Before mapping: a complaint without a date received is skipped; a disciplines row that repeats an "
           "earlier one exactly is skipped (an officer can have several identical allegation rows), as is one "
           f"with no `officer_id` (mostly investigations still going on or officers not identified) or naming a "
           f"complaint not in {p.COMPLAINTS}; each is counted and listed by row. `#VALUE!` (a spreadsheet error) "
           "is a value the mapping does not know, reported where it stands.", "",
           "### staff, one row per officer named in a complaint", ""]
    out += _table(("contract field", "from", "how"), [
        ("staff_id", "officer_id", "as given (anonymised)"),
        ("role", "", f"`{p.ROLE}`: the release gives no rank or role"),
        ("team_id", "po_assigned_unit", "the unit given on the officer's latest complaint; no teams feed is "
         "delivered, so it is not checked"),
        ("sex", "po_sex", "male, female; empty → unknown"),
        ("ethnicity", "po_race", "as given"),
    ])
    out += ["", "### complaints, one row per complaint and officer", ""]
    out += _table(("contract field", "from", "how"), [
        ("complaint_id", "complaint_id, officer_id", "`<complaint_id>-<officer_id>`"),
        ("received", "date_received", "midnight in Philadelphia (America/New_York) on that date"),
        ("closed", "", "empty: the release has no close date (see below)"),
        ("subject_staff_id", "officer_id", "as given"),
        ("category", "allegations_investigated", "every allegation about the officer in the complaint, as recorded, "
         "joined with `; `"),
        ("allegation", "allegations_investigated", "the most serious of the officer's allegations (order: "
         + ", ".join(p.SEVERITY) + "), each by the table below; one the table lacks takes the complaint's "
         "`general_cap_classification`, reported"),
        ("origin", "general_cap_classification", "public (complaints against police are the public's), internal "
         "where the classification says internal"),
        ("outcome", "investigative_findings", "upheld when any of the officer's allegations was sustained, else "
         "pending while any is pending, else no_further_action when one was not sustained, else unknown"),
    ])
    out += ["", "Allegations:", ""]
    out += _table(("allegations_investigated", "allegation"), [(k, f"`{v}`") for k, v in p.ALLEGATION.items()])
    out += ["", "Findings of one allegation:", ""]
    out += _table(("investigative_findings", "outcome"), [(k, f"`{v}`") for k, v in p.FINDING.items()])
    out += ["", "**No close date.** The release is a snapshot taken about June 2021 and says when each complaint "
            "was received but not when its finding was made. `closed` is therefore empty for every row: a finding "
            "is known only as of the snapshot, never as of an earlier date. Anything that uses a finding only once "
            "the complaint has closed (the learned ranking's features) never uses a Philadelphia finding; the "
            "outcome can only serve as a label, on cut-offs whose follow-up ended well before the snapshot, and "
            "complaints still pending in the snapshot (most of 2020 and 2021) make the latest labels incomplete."]
    return out


def render() -> str:
    return INTRO + "\n" + "\n".join(_chicago() + _phl()) + "\n"
