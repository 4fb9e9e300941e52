"""`upstander import phl DIR`: Philadelphia Police Department complaints against police (OpenDataPhilly CAP tables)
mapped to the contract's staff and complaints feeds.

Reads `ppd_complaints.csv.gz` (one row per complaint: complaint_id, date_received, general_cap_classification, ...)
and `ppd_complaint_disciplines.csv.gz` (one row per allegation against an officer: complaint_id, officer_id,
po_race, po_sex, po_assigned_unit, allegations_investigated, investigative_findings, ...). The contract has one
row per complaint and member of staff, so an officer's allegations in one complaint become one row: the most
serious allegation, every allegation in `category`, and a sustained finding on any of them makes it upheld.

The release has no close date: `closed` stays empty, so a finding's date is not known. Rules that use a finding
only once the complaint has closed (as the learned ranking does) therefore never use a Philadelphia finding as
known at an earlier date; it can only be read as the outcome as of the snapshot (about June 2021).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
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

ZONE = ZoneInfo("America/New_York")
COMPLAINTS = "ppd_complaints.csv.gz"
DISCIPLINES = "ppd_complaint_disciplines.csv.gz"
COMPLAINT_COLUMNS = ("complaint_id", "date_received", "general_cap_classification")
DISCIPLINE_COLUMNS = ("complaint_id", "officer_id", "po_race", "po_sex", "po_assigned_unit",
                      "allegations_investigated", "investigative_findings")
SPREADSHEET_ERROR = "#VALUE!"
ROLE = "unknown"  # the release gives no rank or role
SEX = {"male": "male", "female": "female"}
ALLEGATION = {  # allegations_investigated, lower-cased
    "departmental violation": "delivery_of_duties",
    "disciplinary code violation": "delivery_of_duties",
    "lack of service": "delivery_of_duties",
    "verbal abuse": "individual_behaviour",
    "unprofessional conduct": "individual_behaviour",
    "harassment": "individual_behaviour",
    "domestic": "individual_behaviour",
    "physical abuse": "use_of_force",
    "civil rights complaint": "discriminatory_behaviour",
    "sexual crime/misconduct": "sexual_conduct",
    "falsification": "other",
    "criminal allegation": "other",
    "drugs": "other",
    "other misconduct": "other",
    "investigation ongoing": "other",
    "no c.a.p. investigation": "other",
    "referred to other agency/c.a.p. investigation": "other",
}
CLASSIFICATION = {  # general_cap_classification, for an allegation the disciplines row does not give
    "departmental violations": "delivery_of_duties",
    "lack of service": "delivery_of_duties",
    "physical abuse": "use_of_force",
    "use of force internal": "use_of_force",
    "verbal abuse": "individual_behaviour",
    "unprofessional conduct": "individual_behaviour",
    "harassment": "individual_behaviour",
    "domestic": "individual_behaviour",
    "civil rights complaint": "discriminatory_behaviour",
    "sexual crime/misconduct": "sexual_conduct",
    "criminal allegation": "other",
    "non-investigatory incident": "other",
    "falsification": "other",
    "drugs": "other",
}
# Most serious first: the allegation an officer's row in a complaint keeps when it has several.
SEVERITY = ("sexual_conduct", "abuse_of_position", "corruption", "use_of_force", "discriminatory_behaviour",
            "police_powers", "access_or_disclosure_of_information", "handling_of_property", "individual_behaviour",
            "delivery_of_duties", "other")
FINDING = {  # investigative_findings, lower-cased -> the outcome of one allegation
    "sustained finding": "upheld",
    "no sustained findings": "no_further_action",
    "pending": "pending",
    "not applicable": "unknown",  # no CAP investigation, or referred to another agency
}
# An officer's row in a complaint: upheld when any allegation was sustained, else pending while any is, else
# no further action when one was investigated and not sustained, else unknown.
OUTCOME_ORDER = ("upheld", "pending", "no_further_action", "unknown")


@dataclass
class _Complaint:
    received: date
    classification: str
    row: int


@dataclass
class _Pair:
    """One officer in one complaint: the allegation rows about them."""

    first_row: int
    allegations: list[str] = field(default_factory=list)  # contract allegations
    categories: list[str] = field(default_factory=list)  # as recorded
    outcomes: list[str] = field(default_factory=list)


@dataclass
class _Officer:
    first_row: int
    sex: str = ""
    race: str = ""
    unit: str = ""
    unit_received: date | None = None  # the unit as given on the officer's latest complaint


def import_phl(directory: Path, home: Path | None = None, progress: Progress | None = None) -> ImportSummary:
    started = time.monotonic()
    home = import_home(home)
    complaints_path, _ = open_source(directory, COMPLAINTS, COMPLAINT_COLUMNS)
    disciplines_path, _ = open_source(directory, DISCIPLINES, DISCIPLINE_COLUMNS)
    summary = ImportSummary(source=str(Path(directory).expanduser().resolve()))
    if progress:
        progress.start()
    try:
        complaints = _read_complaints(complaints_path, summary, progress)
        pairs, officers = _read_disciplines(disciplines_path, complaints, summary, progress)
    finally:
        end_reading(progress)
    out = new_delivery_dir(home, "phl")
    staff = DeliveryFile(out, "staff", ("staff_id", "role", "team_id", "sex", "ethnicity"))
    rows = DeliveryFile(out, "complaints", ("complaint_id", "received", "subject_staff_id", "allegation",
                                            "outcome", "closed", "category", "origin"))
    for officer_id, o in officers.items():
        staff.write({"staff_id": officer_id, "role": ROLE, "team_id": o.unit, "sex": o.sex or "unknown",
                     "ethnicity": o.race}, SourceRow(DISCIPLINES, o.first_row))
    for (complaint_id, officer_id), pair in pairs.items():
        c = complaints[complaint_id]
        rows.write({
            "complaint_id": f"{complaint_id}-{officer_id}", "received": local_midnight(c.received, ZONE),
            "subject_staff_id": officer_id,
            "allegation": min(pair.allegations, key=SEVERITY.index),
            "outcome": min(pair.outcomes, key=OUTCOME_ORDER.index),
            "category": "; ".join(dict.fromkeys(pair.categories)),
            # Complaints against police are made by the public; the one internal class says so itself.
            "origin": "internal" if "internal" in c.classification.lower() else "public",
        }, SourceRow(DISCIPLINES, pair.first_row))
    load_written(summary, out, [staff, rows], home, progress)
    return finish(summary, started)


def _read_complaints(path: Path, summary: ImportSummary, progress: Progress | None) -> dict[str, _Complaint]:
    out: dict[str, _Complaint] = {}
    for n, row in read_rows(path, summary, progress, f"reading {COMPLAINTS}"):
        cid = row["complaint_id"]
        if not cid:
            summary.skip(COMPLAINTS, n, "complaint_id", "no complaint_id")
            continue
        if cid in out:
            summary.skip(COMPLAINTS, n, "complaint_id", "complaint_id repeated", f"first at row {out[cid].row}")
            continue
        received = parse_date(row["date_received"])
        if received is None:
            summary.skip(COMPLAINTS, n, "date_received", "no date received", row["date_received"])
            continue
        out[cid] = _Complaint(received, row["general_cap_classification"], n)
    return out


def _read_disciplines(path: Path, complaints: dict[str, _Complaint], summary: ImportSummary,
                      progress: Progress | None) -> tuple[dict[tuple[str, str], _Pair], dict[str, _Officer]]:
    pairs: dict[tuple[str, str], _Pair] = {}
    officers: dict[str, _Officer] = {}
    seen: dict[tuple[str, ...], int] = {}
    for n, row in read_rows(path, summary, progress, f"reading {DISCIPLINES}"):
        whole = tuple(row.values())
        if whole in seen:
            summary.skip(DISCIPLINES, n, "complaint_id", "exact duplicate of an earlier row", f"row {seen[whole]}")
            continue
        seen[whole] = n
        cid, officer_id = row["complaint_id"], row["officer_id"]
        if not officer_id:
            summary.skip(DISCIPLINES, n, "officer_id", "no officer_id")
            continue
        complaint = complaints.get(cid)
        if complaint is None:
            summary.skip(DISCIPLINES, n, "complaint_id", f"no such complaint in {COMPLAINTS}", cid)
            continue
        pair = pairs.setdefault((cid, officer_id), _Pair(n))
        recorded = row["allegations_investigated"]
        allegation = ALLEGATION.get(recorded.lower())
        if allegation is None:
            allegation = CLASSIFICATION.get(complaint.classification.lower(), "other")
            summary.note(DISCIPLINES, n, "allegations_investigated",
                         f"an allegation the mapping does not know: {allegation}, from the complaint's classification",
                         recorded)
        pair.allegations.append(allegation)
        if recorded and recorded != SPREADSHEET_ERROR:
            pair.categories.append(recorded)
        finding = row["investigative_findings"]
        outcome = FINDING.get(finding.lower())
        if outcome is None:
            summary.note(DISCIPLINES, n, "investigative_findings",
                         "a finding the mapping does not know: outcome unknown", finding)
        pair.outcomes.append(outcome or "unknown")
        _officer(officers, officer_id, row, n, complaint.received, summary)
    return pairs, officers


def _officer(officers: dict[str, _Officer], officer_id: str, row: dict[str, str], n: int, received: date,
             summary: ImportSummary) -> None:
    o = officers.setdefault(officer_id, _Officer(n))
    sex = row["po_sex"].lower()
    if sex and sex not in SEX:
        summary.note(DISCIPLINES, n, "po_sex", "a value the mapping does not know: sex unknown", row["po_sex"])
    o.sex = o.sex or SEX.get(sex, "")
    o.race = o.race or row["po_race"]
    unit = row["po_assigned_unit"]
    if unit and unit != SPREADSHEET_ERROR and (o.unit_received is None or received >= o.unit_received):
        o.unit, o.unit_received = unit, received
