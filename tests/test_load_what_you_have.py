"""A force loads what it has: staff and complaints alone load, detect and rank (issue 12).

The fixture is a small synthetic force in the shape real pseudonymised complaint data has: no surnames, no
teams export, no vetting, roles not always known, and complaints with the force's own categories, close dates
and origins. Every field this made optional or open to "unknown" also has a bad value that is still refused.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from upstander.detect.alerts import AlertStore
from upstander.detect.catalogue import DetectorError, detectors_dir, load_context, load_detectors, parse
from upstander.detect.engine import run_detection
from upstander.feeds.contract import FEEDS
from upstander.feeds.loading import load_delivery
from upstander.lake import Lake
from upstander.risk.matrix import risk_matrix

STAFF = [
    # staff_id, role, team_id, start_date, sex, ethnicity, birth_year
    ("S101", "constable", "U007", "1998-03-16", "male", "White", "1971"),
    ("S102", "constable", "U007", "2001-09-04", "female", "Black", "1977"),
    ("S103", "unknown", "U011", "", "male", "Hispanic", ""),
    ("S104", "sergeant", "", "1994-12-12", "unknown", "", "1966"),
    ("S105", "constable", "U011", "2005-06-27", "female", "Asian/Pacific Islander", "1982"),
]
COMPLAINTS = [
    # complaint_id, received, subject, allegation, outcome, closed, category, origin
    ("C1001-S101", "2008-01-10T00:00:00-06:00", "S101", "use_of_force", "upheld", "2008-09-30T00:00:00-05:00",
     "05A excessive force", "public"),
    ("C1002-S101", "2008-05-02T00:00:00-05:00", "S101", "individual_behaviour", "no_further_action",
     "2009-02-11T00:00:00-06:00", "03B verbal abuse", "public"),
    ("C1003-S101", "2008-11-20T00:00:00-06:00", "S101", "police_powers", "pending", "", "01A illegal search",
     "public"),
    ("C1004-S102", "2005-02-01T00:00:00-06:00", "S102", "use_of_force", "no_further_action",
     "2005-08-01T00:00:00-05:00", "05A excessive force", "public"),
    ("C1005-S102", "2006-07-15T00:00:00-05:00", "S102", "delivery_of_duties", "withdrawn",
     "2006-09-01T00:00:00-05:00", "10U neglect of duty", "internal"),
    ("C1006-S102", "2008-03-03T00:00:00-06:00", "S102", "use_of_force", "pending", "", "05A excessive force",
     "unknown"),
    ("C1007-S103", "2007-04-04T00:00:00-05:00", "S103", "individual_behaviour", "upheld",
     "2007-12-01T00:00:00-06:00", "03B verbal abuse", "public"),
]
STAFF_COLUMNS = ("staff_id", "role", "team_id", "start_date", "sex", "ethnicity", "birth_year")
COMPLAINT_COLUMNS = ("complaint_id", "received", "subject_staff_id", "allegation", "outcome", "closed", "category",
                     "origin")


def write_csv(path: Path, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows(rows)


def delivery(directory: Path, staff: list[tuple[str, ...]] | None = None,
             complaints: list[tuple[str, ...]] | None = None) -> Path:
    write_csv(directory / "staff.csv", STAFF_COLUMNS, STAFF if staff is None else staff)
    write_csv(directory / "complaints.csv", COMPLAINT_COLUMNS, COMPLAINTS if complaints is None else complaints)
    return directory


def quarantined(home: Path) -> list[tuple[str, int, str, str]]:
    con = Lake(home).connect()
    return [tuple(r) for r in con.execute(  # type: ignore[misc]
        "SELECT file, row, field, reason FROM quarantine ORDER BY file, row").fetchall()]


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UPSTANDER_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "upstander.cli", *args], capture_output=True, text=True, env=env,
                          timeout=300, check=False)


def test_staff_and_complaints_alone_load_with_nothing_quarantined(tmp_path: Path) -> None:
    home = tmp_path / "home"
    summary = load_delivery(delivery(tmp_path / "d"), home=home)
    assert (summary.quarantined, summary.rejected_files) == (0, [])
    assert summary.loaded == {"staff": 5, "complaints": 7}
    con = Lake(home).connect()
    # team_id names a team the force never delivered: kept as given, not refused.
    assert con.execute("SELECT team_id, surname, vetting_level, start_date FROM staff WHERE staff_id = 'S103'"
                       ).fetchone() == ("U011", None, None, None)
    assert con.execute("SELECT sex, ethnicity, birth_year FROM staff WHERE staff_id = 'S105'").fetchone() == (
        "female", "Asian/Pacific Islander", 1982)
    closed, category, origin = con.execute(
        "SELECT strftime(closed, '%Y-%m-%d %H:%M'), category, origin FROM complaints "
        "WHERE complaint_id = 'C1001-S101'").fetchone()  # type: ignore[misc]
    assert (closed, category, origin) == ("2008-09-30 05:00", "05A excessive force", "public")


def test_a_reference_into_a_delivered_feed_still_must_resolve(tmp_path: Path) -> None:
    home = tmp_path / "home"
    directory = delivery(tmp_path / "d")
    write_csv(directory / "teams.csv", ("team_id", "name", "unit_type", "area"),
              [("U007", "District 7 tactical", "response", "D7")])
    summary = load_delivery(directory, home=home)
    unknown_staff = "subject_staff_id: unknown staff_id 'S103' (no such staff row in this delivery or an earlier load)"
    assert quarantined(home) == [
        ("complaints.csv", 7, "subject_staff_id", unknown_staff),  # a complaint follows its quarantined subject
        ("staff.csv", 3, "team_id",
         "team_id: unknown team_id 'U011' (no such teams row in this delivery or an earlier load)"),
        ("staff.csv", 5, "team_id",
         "team_id: unknown team_id 'U011' (no such teams row in this delivery or an earlier load)"),
    ]
    assert summary.quarantined_by_feed == {"teams": 0, "staff": 2, "complaints": 1}


def test_once_teams_have_been_delivered_a_later_unknown_team_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = tmp_path / "first"
    write_csv(first / "staff.csv", STAFF_COLUMNS, STAFF[:1])
    write_csv(first / "teams.csv", ("team_id", "name", "unit_type", "area"),
              [("U007", "District 7 tactical", "response", "D7")])
    assert load_delivery(first, home=home).quarantined == 0
    later = tmp_path / "later"
    write_csv(later / "staff.csv", STAFF_COLUMNS, [STAFF[2]])  # team U011, and no teams file this time
    assert load_delivery(later, home=home).quarantined == 1
    assert [r[2] for r in quarantined(home)] == ["team_id"]


def test_a_teams_file_refused_whole_still_counts_as_delivered(tmp_path: Path) -> None:
    home = tmp_path / "home"
    directory = delivery(tmp_path / "d", staff=[STAFF[0]], complaints=[])
    write_csv(directory / "teams.csv", ("team", "label"), [("U007", "District 7")])
    summary = load_delivery(directory, home=home)
    assert [n.file for n in summary.rejected_files] == ["teams.csv"]
    assert [r[2] for r in quarantined(home)] == ["team_id"]  # the force meant to deliver teams


def test_references_to_staff_always_must_resolve(tmp_path: Path) -> None:
    home = tmp_path / "home"
    directory = tmp_path / "d"
    write_csv(directory / "complaints.csv", COMPLAINT_COLUMNS, COMPLAINTS[:1])  # staff never delivered
    load_delivery(directory, home=home)
    assert [r[2] for r in quarantined(home)] == ["subject_staff_id"]


BAD_STAFF = [
    pytest.param({"role": ""}, "role", "role: missing, but it is required", id="role-missing"),
    pytest.param({"role": "wizard"}, "role", "role: 'wizard' is not an allowed value", id="role-not-allowed"),
    pytest.param({"vetting_level": "maybe"}, "vetting_level", "vetting_level: 'maybe' is not an allowed value",
                 id="vetting-not-allowed"),
    pytest.param({"start_date": "16/03/1998"}, "start_date",
                 "start_date: not a date in the form YYYY-MM-DD '16/03/1998'", id="start-date-bad"),
    pytest.param({"sex": "m"}, "sex", "sex: 'm' is not an allowed value (allowed: female, male, other, unknown)",
                 id="sex-not-allowed"),
    pytest.param({"birth_year": "1850"}, "birth_year", "birth_year: 1850 is below the minimum 1900",
                 id="birth-year-too-early"),
    pytest.param({"birth_year": "71"}, "birth_year", "birth_year: 71 is below the minimum 1900",
                 id="birth-year-two-digits"),
    pytest.param({"birth_year": "nineteen"}, "birth_year", "birth_year: not a whole number 'nineteen'",
                 id="birth-year-not-a-number"),
]


@pytest.mark.parametrize(("changes", "field", "reason"), BAD_STAFF)
def test_a_bad_staff_value_is_still_refused(tmp_path: Path, changes: dict[str, str], field: str,
                                            reason: str) -> None:
    home = tmp_path / "home"
    columns = (*STAFF_COLUMNS, "vetting_level")
    rows = [(*row, "unknown") for row in STAFF]
    values = dict(zip(columns, rows[1], strict=True)) | changes
    rows[1] = tuple(values[c] for c in columns)
    directory = tmp_path / "d"
    write_csv(directory / "staff.csv", columns, rows)
    summary = load_delivery(directory, home=home)
    [(file, row, got_field, got_reason)] = quarantined(home)
    assert (file, row, got_field) == ("staff.csv", 2, field)
    assert got_reason.startswith(reason)
    assert summary.loaded["staff"] == len(STAFF) - 1


def test_unknown_is_a_value_for_what_a_force_may_not_know(tmp_path: Path) -> None:
    home = tmp_path / "home"
    columns = (*STAFF_COLUMNS, "vetting_level")
    directory = tmp_path / "d"
    write_csv(directory / "staff.csv", columns, [(*STAFF[0][:1], "unknown", *STAFF[0][2:4], "unknown", "", "",
                                                  "unknown")])
    assert load_delivery(directory, home=home).quarantined == 0
    assert Lake(home).connect().execute("SELECT role, sex, vetting_level FROM staff").fetchone() == (
        "unknown", "unknown", "unknown")


BAD_COMPLAINTS = [
    pytest.param({"origin": "press"}, "origin",
                 "origin: 'press' is not an allowed value (allowed: public, internal, unknown)", id="origin"),
    pytest.param({"closed": "2007-12-01T00:00:00-06:00"}, "closed",
                 "closed: 2007-12-01T06:00:00Z is before received 2008-01-10T06:00:00Z", id="closed-before-received"),
    pytest.param({"closed": "2008-09-30"}, "closed", "closed: timestamp has no UTC offset '2008-09-30'",
                 id="closed-without-offset"),
    pytest.param({"outcome": "sustained"}, "outcome", "outcome: 'sustained' is not an allowed value",
                 id="outcome-in-the-force-s-own-words"),
]


@pytest.mark.parametrize(("changes", "field", "reason"), BAD_COMPLAINTS)
def test_a_bad_complaint_value_is_refused(tmp_path: Path, changes: dict[str, str], field: str, reason: str) -> None:
    home = tmp_path / "home"
    rows = list(COMPLAINTS)
    values = dict(zip(COMPLAINT_COLUMNS, rows[0], strict=True)) | changes
    rows[0] = tuple(values[c] for c in COMPLAINT_COLUMNS)
    load_delivery(delivery(tmp_path / "d", complaints=rows), home=home)
    [(file, row, got_field, got_reason)] = quarantined(home)
    assert (file, row, got_field) == ("complaints.csv", 1, field)
    assert got_reason.startswith(reason)


def test_detection_runs_the_complaints_detector_and_skips_the_rest_with_reasons(tmp_path: Path) -> None:
    home = tmp_path / "home"
    load_delivery(delivery(tmp_path / "d"), home=home)
    summary = run_detection(home, full=True)
    assert [r.id for r in summary.runs] == ["complaints_accumulating", "amplifiers"]
    [f07] = [r for r in summary.runs if r.id == "complaints_accumulating"]
    assert (f07.findings, f07.new) == (1, 1)  # S101's third complaint in twelve months; S102's are spread out
    assert summary.skipped["unexplained_lookups"] == (
        "needs audit, teams, duties, incidents, incident_staff, incident_people, people, which the force has not "
        "delivered")
    assert "complaints_accumulating" not in summary.skipped and len(summary.skipped) == 12
    # No training, review or vetting dates are delivered for anyone: not known, so no amplifier for everyone.
    [amplifiers] = [r for r in summary.runs if r.id == "amplifiers"]
    assert amplifiers.findings == 0


def test_risk_ranks_a_force_that_delivered_staff_and_complaints_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    load_delivery(delivery(tmp_path / "d"), home=home)
    detected = cli(home, "detect", "--full", "--json")
    assert detected.returncode == 0, detected.stderr
    out = json.loads(detected.stdout)
    assert out["detectors"]["complaints_accumulating"]["findings"] == 1
    assert out["skipped"]["dwell_near_home"].startswith("needs positions, duties, incidents")
    assert "14/14" in detected.stderr  # the progress bar counts the skipped detectors too
    table = cli(home, "detect", "--full").stderr
    assert "skipped" in table and "needs audit, which the force has not delivered" in table
    ranked = cli(home, "risk", "--json")
    assert ranked.returncode == 0, ranked.stderr
    people = json.loads(ranked.stdout)["people"]
    assert [p["staff_id"] for p in people] == ["S101"]
    sources = sorted(p["source"] for p in people[0]["points"])
    # The alert, and the three complaints of the twelve months to the end of the data (2008-11-20).
    assert sources == ["alert", "complaint", "complaint", "complaint"]


def test_amplifiers_say_not_known_for_dates_nobody_delivers(tmp_path: Path) -> None:
    home = tmp_path / "home"
    columns = (*STAFF_COLUMNS, "vetting_expiry")
    rows = [(*STAFF[0], "2007-06-30"), (*STAFF[1], "2012-06-30")]  # S101's vetting lapsed in mid-2007
    directory = delivery(tmp_path / "d", complaints=COMPLAINTS[:6])
    write_csv(directory / "staff.csv", columns, rows)
    load_delivery(directory, home=home)
    run_detection(home, full=True)
    rows_found = findings(home, "SELECT subject_staff_id, summary FROM findings WHERE detector_id = 'amplifiers'")
    assert rows_found == [("S101", "vetting lapsed, APSP training not known, integrity review not known")]


def test_a_training_date_delivered_for_some_makes_its_absence_count_for_others(tmp_path: Path) -> None:
    home = tmp_path / "home"
    columns = (*STAFF_COLUMNS, "apsp_training_date")
    rows = [(*STAFF[0], "2007-10-01"), (*STAFF[1], "")]
    directory = delivery(tmp_path / "d", complaints=COMPLAINTS[:6])
    write_csv(directory / "staff.csv", columns, rows)
    load_delivery(directory, home=home)
    run_detection(home, full=True)
    staff = {s for (s,) in findings(home, "SELECT DISTINCT subject_staff_id FROM findings WHERE detector_id = "
                                          "'amplifiers' AND summary LIKE '%no APSP training recorded%'")}
    assert staff == {"S102"}


def findings(home: Path, sql: str) -> list[tuple[object, ...]]:
    with AlertStore(home).reading() as con:
        return con.execute(sql).fetchall()


def test_the_data_span_comes_from_complaints_when_no_event_feed_is_delivered(tmp_path: Path) -> None:
    home = tmp_path / "home"
    load_delivery(delivery(tmp_path / "d"), home=home)
    run_detection(home, full=True)
    with AlertStore(home).reading() as con:
        state = dict(con.execute("SELECT key, value FROM detection_state").fetchall())
    assert state["last_day"] == "2008-11-20"  # the last complaint received, in UTC
    assert [r.staff_id for r in risk_matrix(home)] == ["S101"]


def _reads(sql: str, names: list[str]) -> set[str]:
    """Names of tables or views a query reads, ignoring comments and string literals."""
    body = re.sub(r"'[^']*'", "''", "\n".join(line.split("--", 1)[0] for line in sql.splitlines()))
    return {n for n in names if re.search(rf"\b{n}\b", body)}


def test_each_detector_needs_only_feeds_it_reads() -> None:
    feeds = [f.name for f in FEEDS]
    context = dict(load_context())

    def through(view: str, seen: frozenset[str] = frozenset()) -> set[str]:
        sql = context[view]
        found = _reads(sql, feeds)
        for other in _reads(sql, [v for v in context if v != view and v not in seen]):
            found |= through(other, seen | {view})
        return found

    for det in load_detectors():
        read = _reads(det.sql, feeds)
        for view in _reads(det.sql, list(context)):
            read |= through(view)
        assert det.feeds, f"{det.id} declares no feeds"
        assert set(det.feeds) <= read, f"{det.id} needs feeds it never reads: {set(det.feeds) - read}"


def test_a_detector_naming_a_feed_the_contract_lacks_is_refused() -> None:
    text = (detectors_dir() / "f07_complaints_accumulating.sql").read_text(encoding="utf-8")
    with pytest.raises(DetectorError, match=r"feeds must be a list of the contract's feed names; got \['complaint'\]"):
        parse(text.replace('-- feeds = ["complaints"]', '-- feeds = ["complaint"]'), "f07.sql")


def test_a_lake_written_before_the_fairness_and_closing_fields_still_reads(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from upstander.lake import store

    home = tmp_path / "home"
    load_delivery(delivery(tmp_path / "d"), home=home)
    # Make the stored files what an earlier version wrote: without the fields added since.
    for feed_name, added in store.ADDED_FIELDS.items():
        for path in Lake(home).files(feed_name):
            table = pq.read_table(path)
            pq.write_table(table.drop_columns(sorted(added)), path)
    store._columns_of.cache_clear()
    later = tmp_path / "later"
    write_csv(later / "staff.csv", STAFF_COLUMNS, [("S106", "constable", "U007", "2009-01-05", "male", "White",
                                                    "1985")])
    assert load_delivery(later, home=home).quarantined == 0
    con = Lake(home).connect()
    assert con.execute("SELECT staff_id, sex, birth_year FROM staff WHERE staff_id IN ('S101', 'S106') "
                       "ORDER BY 1").fetchall() == [("S101", None, None), ("S106", "male", 1985)]
    assert con.execute("SELECT count(*), count(closed) FROM complaints").fetchone() == (7, 0)
