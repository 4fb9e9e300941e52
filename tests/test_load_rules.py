"""Every validation rule: a bad value is quarantined with its file, row, field and a readable reason, and the
good rows of the same file still load."""

from __future__ import annotations

from pathlib import Path

import pytest

from deliveries import Delivery, replace_line
from upstander.feeds.loading import LoadSummary, load_delivery
from upstander.lake import Lake

Q = tuple[str, str, int, str | None, str]


def quarantine(home: Path) -> list[Q]:
    con = Lake(home).connect()
    return [tuple(r) for r in con.execute("SELECT feed, file, row, field, reason FROM quarantine "
                                           "ORDER BY feed, file, row").fetchall()]  # type: ignore[misc]


CASES = [
    # feed, row index, changes, expected field, expected reason (exact)
    pytest.param("complaints", 1, {"allegation": ""}, "allegation", "allegation: missing, but it is required",
                 id="required-missing"),
    pytest.param("positions", 6, {"device_id": "  "}, "device_id", "device_id: missing, but it is required",
                 id="required-key-part-blank"),
    pytest.param("communications", 1, {"duration_s": "12.5"}, "duration_s", "duration_s: not a whole number '12.5'",
                 id="bad-int"),
    pytest.param("positions", 3, {"speed_kph": "fast"}, "speed_kph", "speed_kph: not a number 'fast'",
                 id="bad-float"),
    pytest.param("positions", 3, {"speed_kph": "NaN"}, "speed_kph", "speed_kph: not a finite number 'NaN'",
                 id="non-finite-float"),
    pytest.param("watches", 1, {"valid_to": "01/06/2025"}, "valid_to",
                 "valid_to: not a date in the form YYYY-MM-DD '01/06/2025'", id="bad-date-format"),
    pytest.param("watches", 1, {"valid_from": "2024-02-30"}, "valid_from",
                 "valid_from: not a date in the form YYYY-MM-DD '2024-02-30'", id="impossible-date"),
    pytest.param("audit", 2, {"occurred_at": "2025-03-01 08:31:00"}, "occurred_at",
                 "occurred_at: timestamp has no UTC offset '2025-03-01 08:31:00'", id="timestamp-without-offset"),
    pytest.param("radio", 5, {"occurred_at": "1st March 09:41"}, "occurred_at",
                 "occurred_at: not an ISO 8601 timestamp with an offset (such as 2026-03-01T21:14:00+00:00) "
                 "'1st March 09:41'", id="timestamp-not-iso"),
    pytest.param("radio", 5, {"occurred_at": "2025-02-30T09:41:00Z"}, "occurred_at",
                 "occurred_at: not a real date and time '2025-02-30T09:41:00Z'", id="timestamp-impossible"),
    pytest.param("radio", 5, {"occurred_at": "1900-03-01T09:41:00+00:00"}, "occurred_at",
                 "occurred_at: implausible time 1900-03-01T09:41:00Z (before 1950 or more than two days after the "
                 "load)", id="timestamp-implausible-past"),
    pytest.param("audit", 5, {"occurred_at": "2099-01-01T00:00:00Z"}, "occurred_at",
                 "occurred_at: implausible time 2099-01-01T00:00:00Z (before 1950 or more than two days after the "
                 "load)", id="timestamp-implausible-future"),
    pytest.param("duties", 3, {"duty_type": "golf"}, "duty_type",
                 "duty_type: 'golf' is not an allowed value (allowed: patrol, neighbourhood, investigation, custody, "
                 "control_room, office, training, court)", id="disallowed-value"),
    pytest.param("people", 2, {"vulnerabilities": "under_18;grumpy"}, "vulnerabilities",
                 "vulnerabilities: 'grumpy' not allowed values (allowed: domestic_abuse_victim, mental_ill_health, "
                 "learning_disability, substance_dependency, under_18, missing, suicidal, trafficked)",
                 id="list-element-disallowed"),
    pytest.param("communications", 2, {"counterpart": "12345"}, "counterpart",
                 "counterpart: not a valid phone number '12345'; expected E.164 such as +447700900123 or a national "
                 "number such as 07700 900123", id="phone-not-e164"),
    pytest.param("communications", 2, {"counterpart": "+44 7700 9OO 123"}, "counterpart",
                 "counterpart: not a valid phone number '+44 7700 9OO 123'; expected E.164 such as +447700900123 or "
                 "a national number such as 07700 900123", id="phone-letter-o"),
    pytest.param("people", 2, {"phones": "+447700900459;999"}, "phones",
                 "phones: '999' not valid phone numbers (expected E.164 such as +447700900123)", id="phones-list"),
    pytest.param("people", 2, {"emails": "r.foster(at)example.org"}, "emails",
                 "emails: 'r.foster(at)example.org' not valid email addresses", id="bad-email"),
    pytest.param("communications", 3, {"counterpart": "k.hale@example"}, "counterpart",
                 "counterpart: not a valid email address 'k.hale@example'", id="contact-bad-email"),
    pytest.param("communications", 0, {"duration_s": "90000"}, "duration_s",
                 "duration_s: 90000 is above the maximum 86400", id="above-maximum"),
    pytest.param("positions", 0, {"speed_kph": "-3"}, "speed_kph", "speed_kph: -3.0 is below the minimum 0",
                 id="below-minimum"),
    pytest.param("positions", 4, {"lat": "40.4168", "lon": "-3.7038"}, "lat",
                 "lat, lon: (40.4168, -3.7038) is outside the plausible area 49.8,-8.7 to 60.9,1.8 (UPSTANDER_BBOX)",
                 id="coordinates-outside-box"),
    pytest.param("positions", 1, {"lat": "0", "lon": "0.0"}, "lat", "lat, lon: (0, 0) is not a real location",
                 id="coordinates-zero"),
    pytest.param("people", 2, {"home_lat": "51.5521"}, "home_lon", "home_lon: missing while home_lat is given",
                 id="latitude-without-longitude"),
    pytest.param("incident_staff", 1, {"ended_at": "2025-03-01T08:00:00+00:00"}, "ended_at",
                 "ended_at: 2025-03-01T08:00:00Z is before started_at 2025-03-01T08:22:00Z", id="times-out-of-order"),
    pytest.param("watches", 1, {"valid_to": "2024-01-01"}, "valid_to",
                 "valid_to: 2024-01-01 is before valid_from 2024-06-01", id="dates-out-of-order"),
    pytest.param("duties", 3, {"ends_at": "2025-03-02T17:00:00+00:00"}, "ends_at",
                 "ends_at: 34.0 hours after starts_at, more than the 24 hours allowed", id="span-over-24h"),
    pytest.param("audit", 4, {"audit_id": "A2025030191"}, "audit_id",
                 "duplicate key (audit_id 'A2025030191'), first at audit.csv row 2", id="duplicate-key"),
    pytest.param("radio", 5, {"occurred_at": "2025-03-01T08:02:00+01:00"}, "staff_id",
                 "duplicate key (staff_id 'S0002', occurred_at 2025-03-01T07:02:00Z), first at radio.csv row 1",
                 id="duplicate-composite-key-after-utc"),
    pytest.param("incident_staff", 3, {"incident_id": "I20250301-9999"}, "incident_id",
                 "incident_id: unknown incident_id 'I20250301-9999' (no such incidents row in this delivery or an "
                 "earlier load)", id="unknown-reference"),
    pytest.param("audit", 3, {"staff_id": "S9999"}, "staff_id",
                 "staff_id: unknown staff_id 'S9999' (no such staff row in this delivery or an earlier load)",
                 id="unknown-staff"),
    pytest.param("complaints", 1, {"complainant_person_id": "P404"}, "complainant_person_id",
                 "complainant_person_id: unknown person_id 'P404' (no such people row in this delivery or an earlier "
                 "load)", id="unknown-optional-reference"),
]


def _load_with(tmp_path: Path, delivery: Delivery) -> LoadSummary:
    return load_delivery(delivery.write(tmp_path / "d"))


@pytest.mark.parametrize(("feed", "index", "changes", "field", "reason"), CASES)
def test_rule(tmp_path: Path, home: Path, feed: str, index: int, changes: dict[str, str], field: str,
              reason: str) -> None:
    delivery = Delivery.all_csv()
    delivery.rows[feed][index].update(changes)
    summary = _load_with(tmp_path, delivery)
    assert quarantine(home) == [(feed, f"{feed}.csv", index + 1, field, reason)]
    assert summary.quarantined == 1 and summary.quarantined_by_feed[feed] == 1
    # The good rows of the same file still load, and nothing else is touched.
    assert summary.loaded[feed] == len(delivery.rows[feed]) - 1
    assert sum(summary.loaded.values()) == sum(len(r) for r in delivery.rows.values()) - 1


def test_raw_values_are_kept_as_delivered(tmp_path: Path, home: Path) -> None:
    delivery = Delivery.all_csv()
    delivery.rows["audit"][2]["occurred_at"] = "2025-03-01 08:31:00"
    delivery.rows["audit"][2]["search_terms"] = ' "HALE", K '
    _load_with(tmp_path, delivery)
    (raw,) = Lake(home).connect().execute("SELECT raw FROM quarantine").fetchone()
    assert '"occurred_at":"2025-03-01 08:31:00"' in raw and '"search_terms":" \\"HALE\\", K "' in raw


def test_every_problem_of_a_row_is_reported_and_the_first_field_named(tmp_path: Path, home: Path) -> None:
    delivery = Delivery.all_csv()
    delivery.rows["communications"][1].update(duration_s="x", direction="sideways", staff_id="S404")
    _load_with(tmp_path, delivery)
    [(_, _, row, field, reason)] = quarantine(home)
    assert (row, field) == (2, "direction")
    assert reason == ("direction: 'sideways' is not an allowed value (allowed: inbound, outbound); "
                      "duration_s: not a whole number 'x'; "
                      "staff_id: unknown staff_id 'S404' (no such staff row in this delivery or an earlier load)")


def test_national_and_international_phone_forms_are_normalised_to_e164(tmp_path: Path, home: Path) -> None:
    delivery = Delivery.all_csv()
    delivery.rows["communications"][0]["counterpart"] = "07700 900456"
    delivery.rows["communications"][2]["counterpart"] = "(01793) 000-001"
    delivery.rows["people"][3]["phones"] = "0044 7700 900459 ; +44 (0)1793 000001"
    summary = _load_with(tmp_path, delivery)
    assert summary.quarantined == 0
    con = Lake(home).connect()
    assert con.execute("SELECT list(counterpart ORDER BY _row) FROM communications").fetchone() == (
        ["+447700900456", "+447700900456", "+441793000001", "k.hale@example.org"],)
    assert con.execute("SELECT phones FROM people WHERE _row = 4").fetchone() == (["+447700900459", "+441793000001"],)


def test_a_rows_quarantine_follows_to_the_rows_that_reference_it(tmp_path: Path, home: Path) -> None:
    delivery = Delivery.all_csv()
    delivery.rows["incidents"][2]["priority"] = "high"
    summary = _load_with(tmp_path, delivery)
    got = {(feed, row, field) for feed, _, row, field, _ in quarantine(home)}
    assert got == {("incidents", 3, "priority"), ("incident_staff", 5, "incident_id"),
                   ("incident_people", 4, "incident_id"), ("radio", 4, "incident_id"), ("radio", 5, "incident_id")}
    assert summary.loaded["radio"] == 4


def test_staff_and_teams_may_reference_each_other_in_one_delivery(tmp_path: Path, home: Path) -> None:
    delivery = Delivery.all_csv()
    delivery.rows["staff"][4]["team_id"] = "T99"  # S0005, referenced by duties, incident_staff, comms
    summary = _load_with(tmp_path, delivery)
    got = {(feed, row, field) for feed, _, row, field, _ in quarantine(home)}
    assert ("staff", 5, "team_id") in got
    assert summary.loaded["teams"] == 3  # each team's supervisor is a staff row of the same delivery
    assert {feed for feed, _, _ in got} == {"staff", "duties", "incident_staff", "communications"}


def test_a_line_with_too_few_values_is_quarantined_and_later_rows_keep_their_numbers(tmp_path: Path,
                                                                                    home: Path) -> None:
    directory = Delivery.all_csv().write(tmp_path / "d")
    replace_line(directory / "radio.csv", 3, "S0002,2025-03-01T08:28:00+00:00")
    summary = load_delivery(directory)
    [(feed, file, row, field, reason)] = quarantine(home)
    assert (feed, file, row, field) == ("radio", "radio.csv", 3, "status")
    assert reason == "too few values: the line has 2 but the header has 4 columns"
    assert summary.loaded["radio"] == 5
    rows = Lake(home).connect().execute("SELECT list(_row ORDER BY _row) FROM radio").fetchone()
    assert rows == ([1, 2, 4, 5, 6],)


def test_a_line_with_too_many_values_is_quarantined(tmp_path: Path, home: Path) -> None:
    directory = Delivery.all_csv().write(tmp_path / "d")
    replace_line(directory / "radio.csv", 2, "S0002,2025-03-01T08:21:00+00:00,en_route,I20250301-0001,extra")
    summary = load_delivery(directory)
    [(feed, file, row, field, reason)] = quarantine(home)
    assert (feed, file, row, field) == ("radio", "radio.csv", 2, None)
    assert reason == "too many values: the line has 5 but the header has 4 columns"
    assert summary.loaded["radio"] == 5
    (raw,) = Lake(home).connect().execute("SELECT raw FROM quarantine").fetchone()
    assert "extra" in raw


def test_bad_rows_in_parquet_are_numbered_from_one(tmp_path: Path, home: Path) -> None:
    delivery = Delivery()  # positions as positions/day=2025-03-01/part-0.parquet
    delivery.rows["positions"][4].update(lat="0", lon="0")
    delivery.rows["positions"][6]["device_id"] = ""
    summary = load_delivery(delivery.write(tmp_path / "d"))
    file = "positions/day=2025-03-01/part-0.parquet"
    assert quarantine(home) == [
        ("positions", file, 5, "lat", "lat, lon: (0, 0) is not a real location"),
        ("positions", file, 7, "device_id", "device_id: missing, but it is required"),
    ]
    assert summary.loaded["positions"] == 6


def test_a_duplicate_across_two_files_of_a_feed_names_the_first(tmp_path: Path, home: Path) -> None:
    delivery = Delivery()
    directory = delivery.write(tmp_path / "d")
    second = Delivery.all_csv()
    second.rows = {"audit": [delivery.rows["audit"][0], dict(delivery.rows["audit"][1], audit_id="A-NEW")]}
    (directory / "audit" / "extra.csv").write_text(
        (second.write(tmp_path / "tmp") / "audit.csv").read_text())
    summary = load_delivery(directory)
    [(_, file, row, field, reason)] = quarantine(home)
    assert (file, row, field) == ("audit/extra.csv", 1, "audit_id")
    assert reason.endswith("first at audit/day=2025-03-01/part-0.csv row 1")
    assert summary.loaded["audit"] == 7
