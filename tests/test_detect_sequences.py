"""Table-driven tests of sequences and corroboration: a look-up followed by disposal of the same record, look-ups
of namesakes, neighbours and housemates corroborated by what came after them, and radio silence as the longest
gap between statuses during a stop. Each pattern has a case that fires and a look-alike that does not.

The base world is detect_world.base_world() (see tests/test_detectors.py): S1 attends a domestic abuse job on
1 March at 20:00 (victim P1, vulnerable; suspect P2 at the same address); the case passes to S4 in public
protection, who owns it until 21 March. S2 is another response officer (team T1), S5 a ticket-office clerk
(team T4). Added here: S10, a second ticket-office clerk; P5, who shares S1's surname; P6, who lives 200 m from
S2's home; P7, registered at S2's address (no coordinates on her record).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from detect_world import at, base_world, both, comm, findings, look, run_case, stay

World = dict[str, list[dict[str, Any]]]
END = 60  # the data runs to this day


def _clerk(world: World) -> None:
    world["staff"].append(dict(staff_id="S10", surname="Ford", role="police_staff_other", team_id="T4",
                               vetting_level="RV", start_date=date(2015, 1, 1), work_phones=["+447300000010"]))


def look_then_dispose(staff: str, days: list[float], minutes: float = 8, object_type: str = "other",
                      records: list[str] | None = None) -> Callable[[World], None]:
    """`staff` opens a record (a traffic offence on the national computer unless `records` are given) and
    disposes of it `minutes` later, once on each of `days`."""
    def apply(world: World) -> None:
        for i, d in enumerate(days):
            record = records[i] if records else f"TO-{staff}-{d}"
            world["audit"] += [dict(look(staff, at(d, -8), object_type, record), system="national_computer"),
                               look(staff, at(d, -8) + timedelta(minutes=minutes), object_type, record, "dispose")]
    return apply


def ticket_office(world: World, object_type: str = "other") -> None:
    """Two clerks open and dispose of two traffic offences each working day, from a month before the job; with
    `object_type` "person", a records review team deleting people's records under the retention rules."""
    _clerk(world)
    for clerk in ("S5", "S10"):
        days = [d + k / 10 for d in range(-29, 40) if (d + 3) % 7 < 5 for k in range(2)]
        records = [f"PR-{clerk}-{d}" for d in days] if object_type == "person" else None
        look_then_dispose(clerk, days, minutes=3, object_type=object_type, records=records)(world)


P5_PHONE, P6_PHONE, P7_PHONE, P8_PHONE = "+447500000005", "+447500000006", "+447500000007", "+447500000008"


def _people(world: World) -> None:
    world["people"] += [
        dict(person_id="P5", surname="MARSH", age_band="35-44", sex="male", vulnerabilities=[], home_uprn="800005",
             home_lat=51.40, home_lon=-1.90, phones=[P5_PHONE]),
        dict(person_id="P6", surname="Pike", age_band="25-34", sex="female", vulnerabilities=[],
             home_uprn="800006", home_lat=51.6118, home_lon=-1.61, phones=[P6_PHONE]),
        dict(person_id="P7", surname="Lane", age_band="25-34", sex="female", vulnerabilities=[], home_uprn="900002",
             phones=[P7_PHONE]),
        dict(person_id="P8", surname="Ford", age_band="18-24", sex="female", vulnerabilities=["mental_ill_health"],
             home_uprn="800008", home_lat=51.30, home_lon=-2.10, phones=[P8_PHONE]),
    ]


def personal(*rows: Callable[[], dict[str, Any]], job_for_s1: bool = False) -> Callable[[World], None]:
    """The three people above, and `rows` (look-ups, disposals, contacts) made when applied. With
    `job_for_s1`, S1 attends a job on day 8 at which P5 reported a theft."""
    def apply(world: World) -> None:
        _people(world)
        if job_for_s1:
            world["incidents"].append(dict(incident_id="I5", type="theft", priority=3, opened_at=at(8, -9),
                                           closed_at=at(9), lat=51.40, lon=-1.90, area="A1", owning_team_id="T1"))
            world["incident_staff"].append(dict(incident_id="I5", staff_id="S1", involvement="attending",
                                                started_at=at(8, -8.8), ended_at=at(8, -8)))
            world["incident_people"].append(dict(incident_id="I5", person_id="P5", role="reporting_person",
                                                 recorded_at=at(8, -8.8)))
        made = [make() for make in rows]
        world["audit"] += [r for r in made if "audit_id" in r]
        world["communications"] += [r for r in made if "comm_id" in r]
    return apply


ASKER = "+447900000099"  # a private number no one in the data has


def asked_and_answered(asked: float, answered: float, reply_to: str = ASKER) -> Callable[[World], None]:
    """S2 (no part in any job of P4's) opens P4's record on day 12; ASKER texts `asked` hours before, and S2
    texts `reply_to` `answered` minutes after."""
    def apply(world: World) -> None:
        t = at(12, -8)
        world["audit"].append(look("S2", t, "person", "P4"))
        world["communications"] += [
            comm("S2", t + timedelta(hours=asked), ASKER, "did they nick my mate Nash?", direction="inbound"),
            comm("S2", t + timedelta(minutes=answered), reply_to, "yeah theft, he's out tomorrow")]
    return apply


HOME_P1 = (51.50, -1.80)
P1_PHONE = "+447500000001"


def stop_at_p1(day: float, minutes: int, statuses: list[int], texts: bool = True) -> Callable[[World], None]:
    """S1's patrol car parked at P1's home for `minutes` on `day` (12:00 UTC, on duty, not deployed there), with a
    radio status `statuses` minutes into the stop; with `texts`, S1 texts P1 twice afterwards, long after the
    purpose of the job."""
    def apply(world: World) -> None:
        start = at(day, -8)
        world["positions"] += stay("VH-1", start, minutes, *HOME_P1)
        world["radio"] += [dict(staff_id="S1", occurred_at=start + timedelta(minutes=m), status="available")
                           for m in statuses]
        if texts:
            world["communications"] += [comm("S1", at(d), P1_PHONE, "How are you doing?") for d in (day + 2, day + 4)]
    return apply



CASES: list[tuple[str, str, Callable[[World], None], list[tuple[str, list[str]]]]] = [
    # --- red flag 5: a look-up, then disposal of the same record ------------------------------------------------
    ("disposals_for_associates", "an officer opens and disposes of traffic offences, tied to no one, without "
     "private contact (look-alike: a roads officer cancelling offences as the job)",
     look_then_dispose("S2", [6, 19]), []),
    ("disposals_for_associates", "the same traffic offences, each with a text from a private number that day",
     both(look_then_dispose("S2", [6, 19]),
          lambda w: w["communications"].extend(comm("S2", at(d, -9), ASKER, "can u sort my ticket", direction="inbound")
                                               for d in (6, 19))), [("S2", [])]),
    ("disposals_for_associates", "traffic offences disposed of on the days the officer texts the victim he "
     "attended, about her case (look-alike)",
     both(look_then_dispose("S1", [1, 2]),
          lambda w: w["communications"].extend(comm("S1", at(d, -10), "+447500000001", "Your referral has been made")
                                               for d in (1, 2))), []),
    ("disposals_for_associates", "the ticket office opening and disposing of offences every day (look-alike)",
     ticket_office, []),
    ("disposals_for_associates", "an officer opening and deleting people's records among the ticket office's "
     "work: still his own",
     both(ticket_office, look_then_dispose("S2", [5, 9], object_type="person", records=["P3", "P4"])),
     [("S2", [])]),
    ("disposals_for_associates", "disposals of records opened hours before (look-alike)",
     look_then_dispose("S2", [6, 19], minutes=150), []),
    ("disposals_for_associates", "officer in charge deletes records of her own case's people (look-alike)",
     look_then_dispose("S4", [5, 9], object_type="person", records=["P1", "P2"]), []),
    ("disposals_for_associates", "the same deletions by an officer with no part in the case",
     look_then_dispose("S2", [5, 9], object_type="person", records=["P1", "P2"]), [("S2", [])]),
    # --- red flag 4: namesakes, neighbours and housemates looked up, then acted on --------------------------------
    ("unexplained_lookups", "namesake's record opened, then disposed of ten minutes later",
     personal(lambda: look("S1", at(12, -8), "person", "P5"),
              lambda: look("S1", at(12, -8) + timedelta(minutes=10), "person", "P5", "dispose")), [("S1", ["P5"])]),
    ("unexplained_lookups", "namesake's record opened once, nothing follows (look-alike)",
     personal(lambda: look("S1", at(12, -8), "person", "P5")), []),
    ("unexplained_lookups", "namesake's record disposed of three weeks after the look-up (look-alike)",
     personal(lambda: look("S1", at(12, -8), "person", "P5"),
              lambda: look("S1", at(33, -8), "person", "P5", "dispose")), []),
    ("unexplained_lookups", "namesake looked up and rung for an incident the officer attends (look-alike)",
     personal(lambda: look("S1", at(8, -8.5), "person", "P5"),
              lambda: comm("S1", at(8, -7.5), P5_PHONE, None, "call"), job_for_s1=True), []),
    ("unexplained_lookups", "neighbour looked up, then texted from the work phone two days later",
     personal(lambda: look("S2", at(12, -8), "person", "P6"),
              lambda: comm("S2", at(14, -6), P6_PHONE, "Hi, it's your neighbour from the police")), [("S2", ["P6"])]),
    ("unexplained_lookups", "neighbour looked up, no contact follows (look-alike)",
     personal(lambda: look("S2", at(12, -8), "person", "P6"),
              lambda: comm("S2", at(14, -6), P5_PHONE, "Wrong number")), []),
    ("unexplained_lookups", "a vulnerable stranger's record opened, then texted from the work phone three days "
     "later (APSP case study 1)",
     personal(lambda: look("S2", at(12, -8), "person", "P8"),
              lambda: comm("S2", at(15, -6), P8_PHONE, "Hi it's the officer, saw your report, you ok?")),
     [("S2", ["P8"])]),
    ("unexplained_lookups", "the same record opened, no contact follows (look-alike)",
     personal(lambda: look("S2", at(12, -8), "person", "P8")), []),
    ("unexplained_lookups", "a plain record opened and then texted: one look-up of no one sensitive (look-alike)",
     personal(lambda: look("S2", at(12, -8), "person", "P4"),
              lambda: comm("S2", at(13, -6), "+447500000004", "Hi, about the parking")), []),
    ("unexplained_lookups", "housemate at the officer's own address looked up, then rung the same day",
     personal(lambda: look("S2", at(20, -9), "person", "P7"),
              lambda: comm("S2", at(20, -3), P7_PHONE, None, "call")), [("S2", ["P7"])]),
    # Asked and answered (corruption case study 1): a question from a number nothing explains, a look-up, a reply.
    ("unexplained_lookups", "a private number asks, a plain person's record is opened an hour later, the answer "
     "goes back twenty minutes after",
     asked_and_answered(asked=-1, answered=20), [("S2", ["P4"])]),
    ("unexplained_lookups", "the same question and look-up, the reply the next day (look-alike)",
     asked_and_answered(asked=-1, answered=24 * 60), []),
    ("unexplained_lookups", "the same question and look-up, a text to another number after (look-alike)",
     asked_and_answered(asked=-1, answered=20, reply_to="+447900000098"), []),
    ("unexplained_lookups", "the question two days before the look-up and the reply (look-alike)",
     asked_and_answered(asked=-48, answered=20), []),
    # --- red flag 6: the longest gap between radio statuses during a stop at a home ----------------------------
    ("radio_silence", "one status in the middle of an hour's stop at the victim's home, then texts",
     stop_at_p1(5, 60, [30]), [("S1", ["P1"])]),
    ("radio_silence", "the same hour's stop with a status every ten to fifteen minutes (look-alike)",
     stop_at_p1(5, 60, [10, 22, 35, 47, 58]), []),
    # The suspect lives at the same address, so the stops count against both people met at that job.
    ("radio_silence", "two stops in a month, each with a single status at its start, no contact",
     both(stop_at_p1(5, 40, [1], texts=False), stop_at_p1(19, 40, [2], texts=False)),
     [("S1", ["P1"]), ("S1", ["P2"])]),
    ("radio_silence", "two stops in a month with regular statuses, no contact (look-alike)",
     both(stop_at_p1(5, 40, [8, 19, 30], texts=False), stop_at_p1(19, 40, [5, 15, 27, 38], texts=False)), []),
]


def _run(detector: str, change: Callable[[World], None]) -> list[dict[str, Any]]:
    return run_case(detector, change, END)


@pytest.mark.parametrize(("detector", "case", "change", "expected"), CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_sequence_case(detector: str, case: str, change: Callable[[World], None],
                       expected: list[tuple[str, list[str]]]) -> None:
    got = [(f["subject_staff_id"], sorted(f["person_ids"])) for f in _run(detector, change)]
    assert got == expected, case


def test_a_disposal_after_a_look_up_shows_both() -> None:
    world = base_world()
    look_then_dispose("S2", [6, 19], object_type="person", records=["P3", "P4"])(world)
    [f] = findings("disposals_for_associates", world)
    views = [r["audit_id"] for r in world["audit"] if r["staff_id"] == "S2" and r["action"] == "view"]
    disposals = [r["audit_id"] for r in world["audit"] if r["staff_id"] == "S2" and r["action"] == "dispose"]
    assert sorted(f["evidence"]) == sorted(f"audit:{a}" for a in views + disposals)
    assert f["alerted_at"] == at(19, -8) + timedelta(minutes=8)
    assert "2 of a record they had looked up just before, with nothing to explain the look-up" in f["summary"]
    assert "record P3 looked up 8 minutes before it was disposed of" in f["summary"]


def test_a_corroborated_look_up_says_in_words_what_corroborated_it() -> None:
    world = base_world()
    disposal = look("S1", at(12, -8) + timedelta(minutes=10), "person", "P5", "dispose")
    personal(lambda: look("S1", at(12, -8), "person", "P5"), lambda: disposal)(world)
    [f] = findings("unexplained_lookups", world)
    assert f["alerted_at"] == disposal["occurred_at"]  # weighed when the disposal came, not at the look-up
    assert f"audit:{disposal['audit_id']}" in f["evidence"] and len(f["evidence"]) == 2
    assert f["score"] == 4.0
    assert f["summary"] == ("1 unexplained look-up (person), weight 4.0; corroborated: the look-up of someone "
                            "sharing their surname was followed within the hour by their disposing of the record")
    # Without the corroboration's extra weight, the namesake's look-up stays below the threshold.
    assert findings("unexplained_lookups", world, {"corroboration_factor": 1.0}) == []


def test_an_asked_and_answered_look_up_shows_the_question_and_the_answer() -> None:
    world = base_world()
    asked_and_answered(asked=-2.5, answered=25)(world)
    [f] = findings("unexplained_lookups", world)
    question, answer = world["communications"][-2:]
    [lookup] = [r for r in world["audit"] if r["object_id"] == "P4"]
    assert sorted(f["evidence"]) == sorted([f"audit:{lookup['audit_id']}", f"communications:{question['comm_id']}",
                                            f"communications:{answer['comm_id']}"])
    assert f["alerted_at"] == answer["occurred_at"] and f["score"] == 3.0
    assert f["summary"] == ("1 unexplained look-up (person), weight 3.0; corroborated: asked and answered: a message "
                            "or call from a number nothing explains 150 minutes before the look-up, and one back to "
                            "that number 25 minutes after it")
    assert findings("unexplained_lookups", world, {"ask_minutes": 120}) == [], "asked too long before"


def test_radio_silence_says_how_long_in_words() -> None:
    world = base_world()
    stop_at_p1(5, 60, [30])(world)
    [f] = findings("radio_silence", world)
    assert f["summary"] == ("1 stop near the person's home with no radio status for 30 minutes, and work-phone "
                            "contact with them outside the policing purpose")
    world = base_world()
    both(stop_at_p1(5, 40, [1], texts=False), stop_at_p1(19, 40, [2], texts=False))(world)
    [f, _] = findings("radio_silence", world)
    assert f["person_ids"] == ["P1"]
    assert f["summary"] == "2 stops near the person's home, each with no radio status for 38 to 39 minutes"
    assert f["alerted_at"] == at(19, -8) and len(f["evidence"]) == 2
    # Asking for a longer silence than the longest gap, neither stop counts.
    assert findings("radio_silence", world, {"min_silence_minutes": 40}) == []


def test_a_records_review_team_is_quiet_because_deleting_is_its_work() -> None:
    world = base_world()
    ticket_office(world, object_type="person")
    world["audit"].append(look("S3", at(END), "vehicle", "ZZ99 ZZZ"))
    assert findings("disposals_for_associates", world) == []
    # Asking for more clerks than it has, its look-ups go unexplained and both clerks alert.
    loud = findings("disposals_for_associates", world, {"min_team_disposers": 3})
    assert sorted(f["subject_staff_id"] for f in loud) == ["S10", "S5"]
    # A ticket office's traffic offences are tied to no one: however many clerks are asked for, nothing alerts.
    world = base_world()
    ticket_office(world)
    assert findings("disposals_for_associates", world, {"min_team_disposers": 3}) == []
