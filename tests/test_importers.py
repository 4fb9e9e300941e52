"""`upstander import chicago|phl`: synthetic gzip CSV fixtures in the releases' columns (never real rows) are mapped
to the contract, loaded through the normal loader, and every row that cannot be mapped is reported."""

from __future__ import annotations

import csv
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from upstander.detect.engine import run_detection
from upstander.importers.chicago import import_chicago
from upstander.importers.common import SourceError
from upstander.importers.importer_doc import render
from upstander.importers.phl import import_phl
from upstander.lake import Lake

ROOT = Path(__file__).parents[1]

OFFICERS = [
    ("officer_id", "birth_year", "gender", "race", "appointed_date"),
    ("OFA1", "1970", "M", "WHI", "1995-06-05"),
    ("OFB2", "1978", "F", "BLK", "2001-02-12"),
    ("OFC3", "19x0", "M", "ZZZ", "2003-13-40"),  # a year, code and date the importer cannot read
    ("OFD4", "1981", "F", "S", "2004-08-30"),
]
COMPLAINTS = [
    ("complaint_id", "officer_id", "incident_date", "received_date", "closed_date", "beat", "category_code",
     "category", "recommended_finding", "final_finding", "final_discipline"),
    # Three for OFA1 within a year: the three-in-twelve detector must fire on the third.
    ("CRX1", "OFA1", "2006-01-02", "2006-01-03", "2006-09-30", "0111", "05A", "ARRESTEE - DURING ARREST", "SU",
     "SU", "100"),
    ("CRX1", "OFB2", "2006-01-02", "2006-01-03", "2006-09-30", "0111", "05A", "ARRESTEE - DURING ARREST", "NS",
     "NS", ""),
    ("CRX2", "OFA1", "2006-04-01", "2006-04-04", "2006-05-01", "0112", "10J",
     "NEGLECT OF DUTY/CONDUCT UNBECOMING - ON DUTY", "SU", "SU", "200"),
    ("CRX3", "OFA1", "2006-11-20", "2006-11-21", "", "0112", "03C", "SEARCH OF PREMISE/VEHICLE WITHOUT WARRANT",
     "", "pending", ""),
    ("CRX4", "OFB2", "2007-07-07", "2007-07-08", "2007-07-01", "0113", "10Q", "MISUSE DEPARTMENT RECORDS", "EX",
     "EX", ""),  # closed before it was received: the loader's rule refuses it
    ("CRX5", "OFC3", "2007-08-01", "2007-08-02", "2008-01-15", "0114", "", "", "", "unknown", ""),
    ("CRX6", "OFD4", "2008-03-01", "", "", "0115", "01A", "USE OF PROFANITY", "", "pending", ""),  # no date
    ("CRX7", "OFD4", "2008-05-01", "2008-05-02", "2008-09-09", "0115", "99Z", "A NEW CATEGORY", "", "XYZ", ""),
    ("CRX8", "OFE5", "2008-06-01", "2008-06-02", "2008-07-01", "0115", "08C", "RAPE/SEX OFFENSES", "", "UN", ""),
]
PPD_COMPLAINTS = [
    ("complaint_id", "date_received", "district_occurrence", "general_cap_classification", "summary"),
    ("17-0001", "2017-01-05", "12", " PHYSICAL ABUSE", "C1 states P1 pushed C1 during a stop"),
    ("17-0002", "2017-03-09", "12", " VERBAL ABUSE", "C2 states P1 used abusive language"),
    ("17-0003", "2017-06-21", "15", " DEPARTMENTAL VIOLATIONS", "C3 states P2 failed to take a report"),
    ("17-0004", "2017-09-30", "15", " LACK OF SERVICE", "C4 states no officer attended"),
    ("17-0005", "not a date", "15", " HARASSMENT", "C5 states repeated stops"),
]
PPD_DISCIPLINES = [
    ("complaint_id", "officer_id", "po_race", "po_sex", "po_assigned_unit", "allegations_investigated",
     "investigative_findings", "disciplinary_findings"),
    ("17-0001", "P100", "white", "male", "1200 12TH DISTRICT", "Physical Abuse", "Sustained Finding",
     "Guilty Finding"),
    ("17-0001", "P100", "white", "male", "1200 12TH DISTRICT", "Physical Abuse", "Sustained Finding",
     "Guilty Finding"),  # an exact duplicate
    ("17-0001", "P100", "white", "male", "1200 12TH DISTRICT", "Verbal Abuse", "No Sustained Findings",
     "Not Applicable"),
    ("17-0002", "P100", "white", "male", "1500 15TH DISTRICT", "Verbal Abuse", "Pending", "Pending"),
    ("17-0002", "", "", "", "", "Investigation OnGoing", "Pending", "Pending"),  # no officer id
    ("17-0003", "P200", "black", "female", "1500 15TH DISTRICT", "#VALUE!", "#VALUE!", "#VALUE!"),
    ("17-0004", "P100", "white", "male", "1500 15TH DISTRICT", "Lack of Service", "No Sustained Findings",
     "Not Applicable"),
    ("17-0004", "P200", "black", "female", "1500 15TH DISTRICT", "Lack of Service", "Pending", "Pending"),
    ("17-0099", "P200", "black", "female", "1500 15TH DISTRICT", "Lack of Service", "Pending", "Pending"),
]


def write_gz(path: Path, rows: list[tuple[str, ...]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


@pytest.fixture
def chicago_dir(tmp_path: Path) -> Path:
    write_gz(tmp_path / "cpd" / "officers.csv.gz", OFFICERS)
    write_gz(tmp_path / "cpd" / "complaints.csv.gz", COMPLAINTS)
    return tmp_path / "cpd"


@pytest.fixture
def phl_dir(tmp_path: Path) -> Path:
    write_gz(tmp_path / "ppd" / "ppd_complaints.csv.gz", PPD_COMPLAINTS)
    write_gz(tmp_path / "ppd" / "ppd_complaint_disciplines.csv.gz", PPD_DISCIPLINES)
    return tmp_path / "ppd"


def problems(summary: object) -> set[tuple[str, int, str, str]]:
    return {(p.file, p.row, p.field, p.what) for p in summary.problems}  # type: ignore[attr-defined]


def test_chicago_maps_officers_and_complaints_to_the_contract(chicago_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    summary = import_chicago(chicago_dir, home=home)
    assert summary.read == {"officers.csv.gz": 4, "complaints.csv.gz": 9}
    assert summary.written == {"staff": 4, "complaints": 8} and summary.skipped == {"no date received": 1}
    con = Lake(home).connect()
    assert con.execute("SELECT staff_id, role, start_date::VARCHAR, sex, ethnicity, birth_year FROM staff "
                       "ORDER BY staff_id").fetchall() == [
        ("OFA1", "unknown", "1995-06-05", "male", "White", 1970),
        ("OFB2", "unknown", "2001-02-12", "female", "Black", 1978),
        ("OFC3", "unknown", None, "male", "ZZZ", None),
        ("OFD4", "unknown", "2004-08-30", "female", "Hispanic", 1981),
    ]
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT complaint_id, strftime(received, '%Y-%m-%dT%H:%M'), strftime(closed, '%Y-%m-%dT%H:%M'), "
        "allegation, outcome, category, origin FROM complaints").fetchall()}
    # Local midnight in Chicago, stored in UTC: six hours behind in winter, five in summer.
    assert rows["CRX1-OFA1"] == ("2006-01-03T06:00", "2006-09-30T05:00", "use_of_force", "upheld",
                                 "05A arrestee - during arrest", "public")
    assert rows["CRX1-OFB2"][3] == "no_further_action"
    assert rows["CRX2-OFA1"][2:] == ("delivery_of_duties", "upheld", "10J neglect of duty/conduct unbecoming - on duty",
                                     "internal")
    assert rows["CRX3-OFA1"][1:4] == (None, "police_powers", "pending")
    assert rows["CRX5-OFC3"][2:] == ("other", "unknown", None, "unknown")  # no category, finding unknown
    assert rows["CRX7-OFD4"][2:4] == ("other", "unknown")  # a code and a finding the mapping does not know
    assert "CRX4-OFB2" not in rows and "CRX8-OFE5" not in rows  # quarantined by the loader, below


def test_chicago_reports_every_row_it_cannot_map_by_file_row_and_field(chicago_dir: Path, tmp_path: Path) -> None:
    summary = import_chicago(chicago_dir, home=tmp_path / "home")
    assert problems(summary) == {
        ("officers.csv.gz", 3, "appointed_date", "not a date: start_date left empty"),
        ("officers.csv.gz", 3, "race", "a code the mapping does not know: kept as given"),
        ("officers.csv.gz", 3, "birth_year", "not a year: left empty"),
        ("complaints.csv.gz", 6, "category_code", "no category: allegation other, origin unknown"),
        ("complaints.csv.gz", 7, "received_date", "row skipped: no date received"),
        ("complaints.csv.gz", 8, "category_code", "a code the mapping does not know: allegation other"),
        ("complaints.csv.gz", 8, "final_finding", "a finding the mapping does not know: outcome unknown"),
    }
    # The loader's rules apply, and what it quarantines is traced back to the source rows.
    quarantined = {(p.file, p.row, p.field) for p in summary.quarantined}
    assert quarantined == {("complaints.csv.gz", 5, "closed"), ("complaints.csv.gz", 9, "subject_staff_id")}
    assert summary.load is not None and summary.load.quarantined == 2


def test_importing_the_same_copy_again_loads_nothing_new(chicago_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = import_chicago(chicago_dir, home=home)
    again = import_chicago(chicago_dir, home=home)
    assert first.load is not None and first.load.load_id == 1
    assert again.load is not None and again.load.load_id is None
    # The same files, written again to a folder of their own, are recognised by their content.
    assert [n.reason.split(" (as ")[0] for n in again.load.skipped_files] == ["already loaded in load 1"] * 2


def test_an_imported_chicago_force_is_detected_on_its_complaints(chicago_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    import_chicago(chicago_dir, home=home)
    summary = run_detection(home, full=True)
    [f07] = [r for r in summary.runs if r.id == "complaints_accumulating"]
    assert f07.findings == 1  # OFA1's third complaint within twelve months
    assert "unexplained_lookups" in summary.skipped


def test_phl_combines_an_officers_allegations_into_one_row(phl_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    summary = import_phl(phl_dir, home=home)
    assert summary.read == {"ppd_complaints.csv.gz": 5, "ppd_complaint_disciplines.csv.gz": 9}
    assert summary.skipped == {"no date received": 1, "exact duplicate of an earlier row": 1, "no officer_id": 1,
                               "no such complaint in ppd_complaints.csv.gz": 1}
    con = Lake(home).connect()
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT complaint_id, strftime(received, '%Y-%m-%dT%H:%M'), closed, allegation, outcome, category, origin "
        "FROM complaints").fetchall()}
    assert rows == {
        # Midnight in Philadelphia: five hours behind UTC in winter, four in summer.
        "17-0001-P100": ("2017-01-05T05:00", None, "use_of_force", "upheld", "Physical Abuse; Verbal Abuse",
                         "public"),
        "17-0002-P100": ("2017-03-09T05:00", None, "individual_behaviour", "pending", "Verbal Abuse", "public"),
        "17-0003-P200": ("2017-06-21T04:00", None, "delivery_of_duties", "unknown", None, "public"),
        "17-0004-P100": ("2017-09-30T04:00", None, "delivery_of_duties", "no_further_action", "Lack of Service",
                         "public"),
        "17-0004-P200": ("2017-09-30T04:00", None, "delivery_of_duties", "pending", "Lack of Service", "public"),
    }
    assert con.execute("SELECT staff_id, role, team_id, sex, ethnicity FROM staff ORDER BY 1").fetchall() == [
        ("P100", "unknown", "1500 15TH DISTRICT", "male", "white"),  # the unit on the latest complaint
        ("P200", "unknown", "1500 15TH DISTRICT", "female", "black"),
    ]
    assert ("ppd_complaint_disciplines.csv.gz", 6, "investigative_findings",
            "a finding the mapping does not know: outcome unknown") in problems(summary)
    assert {(p.file, p.row) for p in summary.problems if p.what.startswith("row skipped")} == {
        ("ppd_complaints.csv.gz", 5), ("ppd_complaint_disciplines.csv.gz", 2),
        ("ppd_complaint_disciplines.csv.gz", 5), ("ppd_complaint_disciplines.csv.gz", 9)}
    assert summary.load is not None and summary.load.quarantined == 0


@pytest.mark.parametrize("importer", [import_chicago, import_phl])
def test_a_folder_without_the_release_files_is_refused_by_name(importer: object, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceError, match="does not exist: the importer reads"):
        importer(tmp_path / "empty", home=tmp_path / "home")  # type: ignore[operator]
    assert not (tmp_path / "home" / "lake").exists()  # nothing written


def test_a_file_without_the_columns_it_needs_is_refused(chicago_dir: Path, tmp_path: Path) -> None:
    write_gz(chicago_dir / "complaints.csv.gz", [("complaint_id", "officer_id", "received")])
    with pytest.raises(SourceError, match="lacks the columns received_date, closed_date, category_code"):
        import_chicago(chicago_dir, home=tmp_path / "home")


def test_a_file_that_is_not_gzip_is_refused(chicago_dir: Path, tmp_path: Path) -> None:
    (chicago_dir / "officers.csv.gz").write_text("officer_id,birth_year\nOFA1,1970\n")
    with pytest.raises(SourceError, match=r"officers\.csv\.gz is not a readable gzip CSV file"):
        import_chicago(chicago_dir, home=tmp_path / "home")


def test_the_command_prints_the_summary_and_json(chicago_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "UPSTANDER_HOME": str(tmp_path / "unused"), "COLUMNS": "200"}
    home = tmp_path / "elsewhere"
    done = subprocess.run([sys.executable, "-m", "upstander.cli", "import", "chicago", str(chicago_dir), "--home",
                           str(home), "--json"], capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["written"] == {"staff": 4, "complaints": 8} and out["load"]["load_id"] == 1
    assert {"file": "complaints.csv.gz", "field": "received_date", "what": "row skipped: no date received",
            "rows": 1} in out["problem_counts"]
    assert (home / "lake").is_dir() and not (tmp_path / "unused" / "lake").exists()
    missing = subprocess.run([sys.executable, "-m", "upstander.cli", "import", "phl", str(tmp_path / "nowhere")],
                             capture_output=True, text=True, env=env, timeout=300, check=False)
    assert missing.returncode == 2 and "ppd_complaints.csv.gz does not exist" in missing.stderr


def test_importer_doc_is_generated_from_the_mappings() -> None:
    assert (ROOT / "docs" / "importers.md").read_text() == render(), (
        "docs/importers.md is stale: regenerate it with upstander.importers.importer_doc.render()")
