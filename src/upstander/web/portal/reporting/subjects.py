"""Who a report could be about: the description the reporter gave, matched against the staff directory and the
duty rota, so that need to know can keep everyone conflicted about any of them from the report before anyone
has linked it to a staff record.

Over-inclusion is the safe direction: a wrong candidate only keeps a few more colleagues from a report (the ACU
lead assigns someone else), a missed one lets the subject's manager read it. So:

- the name field matches on a surname alone, in any word order ("Smith, J", "PC J. Smith", "smith"), and every
  hyphenated part of a surname; on initials alone ("J. S.", "JS": everyone with those initials); a forename
  there matches only together with a station the report names;
- the other free text (the account, the description, role, station, vehicle) matches a surname written as a
  name (capitalised, after a rank or title such as "PC", or beside a forename or initial), and a number up to
  three words after a rank, title or "collar number";
- collar numbers match on their digits (leading zeros and "PC" ignored);
- call signs and vehicles match the duties feed (`call_sign`, `vehicle_id`), any letters-and-digits token in
  the vehicle field or the account, spaces and hyphens ignored. A lake without duties gives no matches.

Text and names are compared folded: case, accents, apostrophes, non-breaking, zero-width and other invisible
characters do not matter, nor do extra spaces.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from upstander.web.models import StaffMember
from upstander.web.portal.models import Report, ReportSubject

# What the reporter may write before a name or a number: ranks, titles and the words that introduce a number.
_TITLES = frozenset((
    "pc", "ps", "dc", "ds", "di", "dci", "dsupt", "sgt", "sergeant", "constable", "officer", "inspector", "insp",
    "chief", "ch", "ci", "supt", "superintendent", "pcso", "sc", "special", "detective", "mr", "mrs", "ms", "miss",
    "mx", "dr", "collar", "number", "no", "badge", "shoulder", "warrant", "called", "named", "name",
))
_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`]")
_WORD = re.compile(r"[^\W_]+")
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TITLED_NUMBER = re.compile(r"^([a-z]+)(\d+)$")
_MAX_SURNAME_WORDS = 4  # "de la Cruz", "van der Berg": compared with the words run together
_NAME_FIELDS = ("subject_name", "subject_collar")
_FREE_FIELDS = ("subject_role", "subject_station", "subject_vehicle", "subject_description", "what_happened")
FIELDS = _NAME_FIELDS + _FREE_FIELDS

VehicleLookup = Callable[[set[str]], dict[str, set[str]]]


def fold(text: str, invisible: str = "") -> str:
    """Text as a person reads it: accents off, invisible characters replaced by `invisible`, odd spaces plain
    (not lower-cased)."""
    if text.isascii():  # the usual case, and much quicker: nothing to decompose
        return _ASCII_CONTROL.sub(invisible, text)
    decomposed = unicodedata.normalize("NFKD", text)  # NFKD also makes a non-breaking space a plain one
    return "".join(invisible if unicodedata.category(c) in ("Cf", "Cc") and not c.isspace() else c
                   for c in decomposed if unicodedata.category(c) != "Mn")


def words(text: str) -> list[str]:
    """The words of a text, folded, in their own case; an apostrophe joins ("O'Brien" is one word)."""
    return _WORD.findall(_APOSTROPHES.sub("", fold(text)))


def _reading(text: str) -> list[str]:
    """The words of a text read both ways an invisible character could be meant: inside a word ("Sm<ZWSP>ith")
    and between two ("John<ZWSP>Smith"); a blank word keeps the two readings apart."""
    joined = words(text)
    if text.isascii() and not _ASCII_CONTROL.search(text):
        return joined  # nothing invisible: one reading
    split = _WORD.findall(_APOSTROPHES.sub("", fold(text, " ")))
    return joined if split == joined else [*joined, "", *split]


def key(text: str) -> str:
    """A name folded to compare: lower case, words run together ("Smith-Jones" and "smith jones" are equal)."""
    return "".join(w.casefold() for w in words(text))


def compact(text: str) -> str:
    """A call sign or vehicle as compared: upper case, letters and digits only ("nr 21" and "NR-21" are equal)."""
    return "".join(words(text)).upper()


def _collar(text: str) -> str:
    return "".join(c for c in text if c.isdigit()).lstrip("0")


@dataclass
class Directory:
    """The staff directory indexed the ways a reporter describes someone."""

    surnames: dict[str, set[str]] = field(default_factory=dict)
    forenames: dict[str, set[str]] = field(default_factory=dict)
    collars: dict[str, set[str]] = field(default_factory=dict)
    stations: dict[str, set[str]] = field(default_factory=dict)
    initials: dict[str, set[str]] = field(default_factory=dict)  # "rq" for Rowan Quill

    @classmethod
    def load(cls) -> Directory:
        d = cls()
        for staff_id, forename, surname, name, collar, station in StaffMember.objects.values_list(
                "staff_id", "forename", "surname", "name", "collar_number", "station").iterator(chunk_size=5000):
            parts = words(name)
            surname = surname or (parts[-1] if parts else "")
            forename = forename or (parts[0] if len(parts) > 1 else "")
            # The whole surname, and each part of a hyphenated one (a reporter may know only one half).
            for k in {key(surname), *(key(p) for p in surname.split("-"))} - {""}:
                d.surnames.setdefault(k, set()).add(staff_id)
            if key(forename):
                d.forenames.setdefault(key(forename), set()).add(staff_id)
                if key(surname):
                    d.initials.setdefault(key(forename)[0] + key(surname)[0], set()).add(staff_id)
            if _collar(collar):
                d.collars.setdefault(_collar(collar), set()).add(staff_id)
            if key(station):
                d.stations.setdefault(key(station), set()).add(staff_id)
        return d


def _spans(ws: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, key) of every run of up to four words, never across a blank word."""
    low = [w.casefold() for w in ws]
    out = []
    for i in range(len(low)):
        run = ""
        for j in range(i, min(i + _MAX_SURNAME_WORDS, len(low))):
            if not low[j]:
                break
            run += low[j]
            out.append((i, j + 1, run))
    return out


def vehicle_keys(fields: dict[str, str]) -> set[str]:
    """What in a report could be a call sign or vehicle: the vehicle field whole, and every word or pair of
    words in it or in the account that mixes letters and digits ("NR21", "NR 21", "VH-0113")."""
    out = {compact(fields.get("subject_vehicle", ""))}
    for name in ("subject_vehicle", "what_happened", "subject_description"):
        ws = words(fields.get(name, ""))
        out.update(w.upper() for w in ws)
        out.update((a + b).upper() for a, b in itertools.pairwise(ws))
    return {k for k in out if any(c.isdigit() for c in k) and any(c.isalpha() for c in k)}


def candidates(fields: dict[str, str], d: Directory, vehicles: dict[str, set[str]]) -> dict[str, str]:
    """{staff id: what matched, in words} for a report's plaintext fields; `vehicles` from `duty_matches`."""
    found: dict[str, str] = {}

    def add(ids: Iterable[str] | None, why: str) -> None:
        for s in ids or ():
            found.setdefault(s, why)

    named = _reading(fields.get("subject_name", ""))
    for _, _, k in _spans(named):
        add(d.surnames.get(k), "surname")
    for a, b in itertools.pairwise(named):  # "R. Q."
        if len(a) == 1 and len(b) == 1 and a.isalpha() and b.isalpha():
            add(d.initials.get((a + b).casefold()), "initials")
    for w in named:  # "RQ"
        if len(w) == 2 and w.isalpha() and w.isupper():
            add(d.initials.get(w.casefold()), "initials")
    for w in named + _reading(fields.get("subject_collar", "")):
        add(d.collars.get(_collar(w)) if any(c.isdigit() for c in w) else None, "collar number")
    text: list[str] = []
    for name in _FREE_FIELDS:
        text += [*_reading(fields.get(name, "")), ""]  # a blank word keeps fields from running into each other
    spans = _spans(text)
    for i, j, k in spans:
        if k not in d.surnames:
            continue
        before = text[i - 1].casefold() if i else ""
        after = text[j].casefold() if j < len(text) else ""
        beside_forename = any(w in d.forenames or (len(w) == 1 and w.isalpha()) for w in (before, after) if w)
        if text[i][:1].isupper() or before in _TITLES or beside_forename:
            add(d.surnames[k], "surname")
    for i, w in enumerate(text):
        low = w.casefold()
        titled = _TITLED_NUMBER.match(low)
        if titled and titled.group(1) in _TITLES:  # "PC7342"
            add(d.collars.get(_collar(titled.group(2))), "collar number")
        elif low.isdigit() and any(t.casefold() in _TITLES for t in text[max(0, i - 3):i]):  # "number was 7342"
            add(d.collars.get(_collar(low)), "collar number")
    stations = {s for _, _, k in spans if k in d.stations for s in d.stations[k]}
    for w in named:
        add(d.forenames.get(w.casefold(), set()) & stations, "forename and station")
    for k in vehicle_keys(fields):
        add(vehicles.get(k), "call sign or vehicle")
    return found


def duty_matches(con: object, keys: set[str]) -> dict[str, set[str]]:
    """{key: staff ids} for the keys that are a call sign or vehicle someone was on duty with. `con` is a lake
    connection or cursor; a lake without the duties feed (or none at all) gives nothing, and breaks nothing."""
    import duckdb

    if not keys or con is None:
        return {}
    try:
        rows = con.execute(  # type: ignore[attr-defined]
            """SELECT DISTINCT staff_id, cs, vh FROM (
                   SELECT staff_id, regexp_replace(upper(coalesce(call_sign, '')), '[^A-Z0-9]', '', 'g') AS cs,
                          regexp_replace(upper(coalesce(vehicle_id, '')), '[^A-Z0-9]', '', 'g') AS vh
                   FROM duties)
               WHERE list_contains(?, cs) OR list_contains(?, vh)""", [sorted(keys), sorted(keys)]).fetchall()
    except duckdb.Error:
        return {}
    out: dict[str, set[str]] = {}
    for staff_id, cs, vh in rows:
        for k in (cs, vh):
            if k in keys:
                out.setdefault(k, set()).add(staff_id)
    return out


def _lake(home: Path) -> object:
    from upstander.web.lake_cache import lake_cursor

    try:
        return lake_cursor(home)
    except Exception:
        return None


def report_fields(report: Report) -> dict[str, str]:
    return {f: getattr(report, f) or "" for f in FIELDS}


def subjects_for(fields: dict[str, str], home: Path, d: Directory | None = None) -> dict[str, str]:
    """The candidates for one report at intake (before it is stored: the plaintext is at hand)."""
    return candidates(fields, d or Directory.load(), duty_matches(_lake(home), vehicle_keys(fields)))


def save_subjects(report: Report, found: dict[str, str]) -> None:
    ReportSubject.objects.bulk_create([ReportSubject(report=report, staff_id=s, why=w) for s, w in found.items()],
                                      batch_size=2000, ignore_conflicts=True)


def refresh_report_subjects(home: Path, con: object | None = None) -> int:
    """Every report's candidates again from the directory as it now is, replaced in one transaction (after a
    directory sync). One duties query for all reports. Returns how many candidates there are."""
    reports = list(Report.objects.only("pk", *FIELDS))
    if not reports:
        return 0
    d = Directory.load()
    fields = {r.pk: report_fields(r) for r in reports}
    keys = set().union(*(vehicle_keys(f) for f in fields.values()))
    vehicles = duty_matches(con if con is not None else _lake(home), keys)
    rows = [ReportSubject(report_id=pk, staff_id=s, why=w)
            for pk, f in fields.items() for s, w in candidates(f, d, vehicles).items()]
    with transaction.atomic():
        ReportSubject.objects.all().delete()
        ReportSubject.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
