"""`upstander import chicago DIR`: Chicago Police Department complaints (Invisible Institute release, pseudonymised)
mapped to the contract's staff and complaints feeds.

Reads `officers.csv.gz` (officer_id, birth_year, gender, race, appointed_date) and `complaints.csv.gz` (one row per
complaint and accused officer: complaint_id, officer_id, received_date, closed_date, category_code, category,
final_finding, ...). The mapping tables below are the documented mapping (docs/importers.md is generated from them).
"""

from __future__ import annotations

import time
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.progress import Progress

from upstander.importers.common import (
    DeliveryFile,
    ImportSummary,
    SourceRow,
    end_reading,
    finish,
    import_home,
    load_written,
    local_midnight,
    new_delivery_dir,
    open_source,
    parse_date,
    read_rows,
)

ZONE = ZoneInfo("America/Chicago")  # the release gives dates; a day starts at midnight in Chicago
OFFICERS = "officers.csv.gz"
COMPLAINTS = "complaints.csv.gz"
OFFICER_COLUMNS = ("officer_id", "birth_year", "gender", "race", "appointed_date")
COMPLAINT_COLUMNS = ("complaint_id", "officer_id", "received_date", "closed_date", "category_code", "category",
                     "final_finding")
# Every officer in the release is sworn, but rank was dropped from this copy (it is as of 2016, later than the
# data): the role is not known, rather than guessed as constable.
ROLE = "unknown"

SEX = {"M": "male", "F": "female"}
ETHNICITY = {  # the release's race codes, in words
    "WHI": "White", "BLK": "Black", "S": "Hispanic", "API": "Asian or Pacific Islander",
    "I": "American Indian or Alaska Native", "WWH": "White Hispanic", "U": "unknown",
}
# CPD complaint category groups (the first two characters of category_code) and the contract allegation each is
# closest to; CODE_ALLEGATION overrides a group for single categories that belong elsewhere.
GROUP_ALLEGATION = {
    "01": ("verbal abuse", "individual_behaviour"),
    "02": ("alcohol abuse", "individual_behaviour"),
    "03": ("illegal search, arrest and First Amendment", "police_powers"),
    "04": ("lockup procedures", "delivery_of_duties"),
    "05": ("excessive force", "use_of_force"),
    "06": ("bribery and official corruption", "corruption"),
    "07": ("traffic", "delivery_of_duties"),
    "08": ("criminal misconduct", "other"),
    "09": ("conduct unbecoming (off duty)", "individual_behaviour"),
    "10": ("operations and personnel violations", "delivery_of_duties"),
    "11": ("forwarded to another office", "other"),
    "12": ("supervisory responsibilities", "delivery_of_duties"),
    "14": ("civil suits", "other"),
    "15": ("drug and substance abuse", "other"),
}
CODE_ALLEGATION = {
    "01B": "discriminatory_behaviour",  # racial, ethnic or similar abuse
    "03P": "discriminatory_behaviour",  # racial profiling
    "04B": "police_powers",  # improper arrest
    "04D": "police_powers",  # search of person or property
    "04E": "handling_of_property",  # prisoner's property: inventory, receipt
    "08C": "sexual_conduct",  # rape and sex offences
    "08F": "corruption",  # theft
    "09F": "sexual_conduct",  # sexual misconduct
    "09G": "police_powers",  # abuse of authority
    "10E": "corruption",  # secondary or special employment (a business interest)
    "10Q": "access_or_disclosure_of_information",  # misuse of department records
    "10S": "sexual_conduct",  # sexual harassment
    "10V": "handling_of_property",  # inventory procedures
}
# Group 10 is the department's own operations and personnel matters: most are raised from inside the force.
INTERNAL_GROUPS = ("10",)
FINDING_OUTCOME = {
    "SU": ("sustained", "upheld"),
    "NS": ("not sustained: not enough evidence either way", "no_further_action"),
    "UN": ("unfounded: the facts did not happen as alleged", "service_acceptable"),
    "EX": ("exonerated: it happened, and was lawful and proper", "service_acceptable"),
    "NAF": ("no affidavit: the complainant did not sign one, so it was not investigated", "withdrawn"),
    "NC": ("no cooperation from the complainant", "withdrawn"),
    "DIS": ("a code the release does not explain", "unknown"),
    "unknown": ("the release gives no finding", "unknown"),
    "pending": ("open on 1 January 2010", "pending"),
}


def allegation_of(code: str) -> str | None:
    """The contract allegation of a CPD category code, None for a code in no known group."""
    code = code.upper()
    if code in CODE_ALLEGATION:
        return CODE_ALLEGATION[code]
    group = GROUP_ALLEGATION.get(code[:2])
    return group[1] if group else None


def import_chicago(directory: Path, home: Path | None = None, progress: Progress | None = None) -> ImportSummary:
    started = time.monotonic()
    home = import_home(home)
    officers_path, _ = open_source(directory, OFFICERS, OFFICER_COLUMNS)
    complaints_path, _ = open_source(directory, COMPLAINTS, COMPLAINT_COLUMNS)
    summary = ImportSummary(source=str(Path(directory).expanduser().resolve()))
    out = new_delivery_dir(home, "chicago")
    staff = DeliveryFile(out, "staff", ("staff_id", "role", "start_date", "sex", "ethnicity", "birth_year"))
    complaints = DeliveryFile(out, "complaints", ("complaint_id", "received", "subject_staff_id", "allegation",
                                                  "outcome", "closed", "category", "origin"))
    if progress:
        progress.start()
    try:
        for n, row in read_rows(officers_path, summary, progress, f"reading {OFFICERS}"):
            values = _officer(row, n, summary)
            if values:
                staff.write(values, SourceRow(OFFICERS, n))
        for n, row in read_rows(complaints_path, summary, progress, f"reading {COMPLAINTS}"):
            values = _complaint(row, n, summary)
            if values:
                complaints.write(values, SourceRow(COMPLAINTS, n))
    finally:
        staff.close()
        complaints.close()
        end_reading(progress)
    load_written(summary, out, [staff, complaints], home, progress)
    return finish(summary, started)


def _officer(row: dict[str, str], n: int, summary: ImportSummary) -> dict[str, str] | None:
    officer = row["officer_id"]
    if not officer:
        summary.skip(OFFICERS, n, "officer_id", "no officer_id")
        return None
    values = {"staff_id": officer, "role": ROLE}
    appointed = row["appointed_date"]
    if appointed:
        day = parse_date(appointed)
        if day is None:
            summary.note(OFFICERS, n, "appointed_date", "not a date: start_date left empty", appointed)
        else:
            values["start_date"] = day.isoformat()
    gender = row["gender"]
    values["sex"] = SEX.get(gender.upper(), "unknown")
    if gender and gender.upper() not in SEX:
        summary.note(OFFICERS, n, "gender", "a code the mapping does not know: sex unknown", gender)
    race = row["race"]
    if race:
        values["ethnicity"] = ETHNICITY.get(race.upper(), race)
        if race.upper() not in ETHNICITY:
            summary.note(OFFICERS, n, "race", "a code the mapping does not know: kept as given", race)
    born = row["birth_year"]
    if born:
        if born.isdigit():
            values["birth_year"] = born
        else:
            summary.note(OFFICERS, n, "birth_year", "not a year: left empty", born)
    return values


def _complaint(row: dict[str, str], n: int, summary: ImportSummary) -> dict[str, str] | None:
    complaint, officer = row["complaint_id"], row["officer_id"]
    if not complaint:
        summary.skip(COMPLAINTS, n, "complaint_id", "no complaint_id")
        return None
    if not officer:
        summary.skip(COMPLAINTS, n, "officer_id", "no officer_id")
        return None
    received = parse_date(row["received_date"])
    if received is None:
        summary.skip(COMPLAINTS, n, "received_date", "no date received", row["received_date"])
        return None
    # One row per complaint and accused officer: the contract's key is one row, so it names both.
    values = {"complaint_id": f"{complaint}-{officer}", "received": local_midnight(received, ZONE),
              "subject_staff_id": officer}
    if row["closed_date"]:
        closed = parse_date(row["closed_date"])
        if closed is None:
            summary.note(COMPLAINTS, n, "closed_date", "not a date: closed left empty", row["closed_date"])
        else:
            values["closed"] = local_midnight(closed, ZONE)
    code, words = row["category_code"], row["category"]
    values["category"] = " ".join(p for p in (code, words.lower()) if p)
    allegation = allegation_of(code) if code else None
    if allegation is None:
        summary.note(COMPLAINTS, n, "category_code",
                     "a code the mapping does not know: allegation other" if code
                     else "no category: allegation other, origin unknown", code)
    values["allegation"] = allegation or "other"
    values["origin"] = ("internal" if code[:2] in INTERNAL_GROUPS else "public") if code else "unknown"
    finding = row["final_finding"]
    mapped = FINDING_OUTCOME.get(finding) or FINDING_OUTCOME.get(finding.upper())
    if mapped is None:
        summary.note(COMPLAINTS, n, "final_finding", "a finding the mapping does not know: outcome unknown", finding)
    values["outcome"] = mapped[1] if mapped else "unknown"
    return values
