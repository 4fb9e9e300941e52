"""Matching a reporter's description of an officer against the directory: robust to how people write names,
over-inclusive by design, and unbroken by a lake without the duties feed."""

from __future__ import annotations

import duckdb
import pytest

from upstander.web.portal.reporting.subjects import Directory, candidates, duty_matches, vehicle_keys

DIRECTORY = Directory(
    surnames={"oconnor": {"S1"}, "smithjones": {"S2"}, "jones": {"S2", "S3"}, "smith": {"S2", "S4"}},
    forenames={"siobhan": {"S1"}, "dale": {"S5"}},
    collars={"4211": {"S3"}},
    stations={"northgate": {"S5", "S6"}},
    initials={"so": {"S1"}},
)


@pytest.mark.parametrize(("fields", "expected"), [
    ({"subject_name": "O'CONNOR,  Siobhán"}, {"S1"}),
    ({"subject_name": "o connor"}, {"S1"}),
    ({"subject_name": "Sio\u200bbhan O\u200bConnor"}, {"S1"}),
    ({"subject_name": "Siobhan\u200bOConnor"}, {"S1"}),  # an invisible character between the two names
    ({"subject_name": "S.O."}, {"S1"}),
    ({"subject_name": "Smith-Jones"}, {"S2", "S3", "S4"}),  # each half of it too: over-inclusive by design
    ({"subject_name": "PC Jones"}, {"S2", "S3"}),  # a surname alone: everyone with it (and double-barrelled)
    ({"subject_name": "PC 04211"}, {"S3"}),
    ({"subject_name": "", "what_happened": "his badge number is 4211 I think"}, {"S3"}),
    ({"subject_name": "", "what_happened": "it was sergeant jones again"}, {"S2", "S3"}),
    ({"subject_name": "Dale", "subject_station": "North-gate"}, {"S5"}),  # a forename only with a station
])
def test_a_description_finds_who_it_could_be(fields: dict[str, str], expected: set[str]) -> None:
    assert set(candidates(fields, DIRECTORY, {})) == expected


@pytest.mark.parametrize("fields", [
    {"subject_name": "", "what_happened": "he was jonesing for the smith and wesson"},  # lower case, no title
    {"subject_name": "", "what_happened": "it happened at 4211 hours"},  # a number with no rank or title
    {"subject_name": "Dale"},  # a forename alone names nobody in particular
])
def test_ordinary_words_and_numbers_are_not_names(fields: dict[str, str]) -> None:
    assert candidates(fields, DIRECTORY, {}) == {}


def test_call_signs_and_vehicles_match_the_duties_feed_and_a_lake_without_it_breaks_nothing() -> None:
    fields = {"subject_vehicle": "nr 21", "what_happened": "the car was VH-0113"}
    assert {"NR21", "VH0113"} <= vehicle_keys(fields)
    con = duckdb.connect()
    assert duty_matches(con, vehicle_keys(fields)) == {}  # no duties table at all
    assert duty_matches(None, vehicle_keys(fields)) == {}  # no lake at all
    con.execute("CREATE TABLE duties AS SELECT * FROM (VALUES ('S7', 'NR21', NULL), ('S8', NULL, 'VH-0113'), "
                "('S9', 'XR99', 'VH-9999')) AS t(staff_id, call_sign, vehicle_id)")
    found = duty_matches(con, vehicle_keys(fields))
    assert found == {"NR21": {"S7"}, "VH0113": {"S8"}}
    assert set(candidates(fields, DIRECTORY, found)) == {"S7", "S8"}
