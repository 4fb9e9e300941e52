"""Table-driven detector tests: small rows in, the findings expected out, benign look-alikes included.

Each case starts from detect_world.base_world(): officer S1 attends a domestic abuse job on 1 March at 20:00
(victim P1, vulnerable; suspect P2 at the same address); the case passes to S4 in public protection, who owns
it until 21 March. S2 is another response officer, S3 a call handler, S5 a ticket-office clerk.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from detect_world import at, base_world, comm, findings, look, stay

P1_PHONE, P3_PHONE, P4_PHONE = "+447500000001", "+447500000003", "+447500000004"
World = dict[str, list[dict[str, Any]]]


def add(**rows: list[dict[str, Any]]) -> Callable[[World], None]:
    def apply(world: World) -> None:
        for feed, new in rows.items():
            world[feed].extend(new)
    return apply


def _texts(staff: str, days: list[float], number: str, text: str = "How are you doing?") -> list[dict]:
    return [comm(staff, at(d), number, text) for d in days]


def _refused(staff: str, when: object, object_type: str, object_id: str) -> dict:
    """An entry of Upstander's own access log as `upstander access-log export` writes it: a refused attempt."""
    row = look(staff, when, object_type, object_id)  # type: ignore[arg-type]
    return dict(row, audit_id="UPS-ACCESS-" + row["audit_id"], system="intelligence", search_terms="refused")


_INTEL_TEAM = dict(team_id="T5", name="Intelligence 1", unit_type="intelligence", area="A1")
_ANALYST = dict(staff_id="S6", surname="Lowe", role="police_staff_other", team_id="T5", vetting_level="MV",
                vetting_expiry=date(2030, 1, 1), apsp_training_date=date(2024, 6, 1),
                integrity_review_date=date(2025, 1, 10), start_date=date(2015, 1, 1))

CASES: list[tuple[str, str, Callable[[World], None], list[tuple[str, list[str]]]]] = [
    # --- red flag 1: contact after the policing purpose ---------------------------------------------------
    ("contact_after_purpose", "attending officer keeps texting the victim for weeks",
     add(communications=_texts("S1", [4, 9.2, 15.15, 20], P1_PHONE)), [("S1", ["P1"])]),
    ("contact_after_purpose", "officer in charge phones the victim during the investigation (look-alike)",
     add(communications=[comm("S4", at(d, -6), P1_PHONE, None, "call") for d in (2, 5, 9, 14, 19)]), []),
    ("contact_after_purpose", "courtesy call a few days after the case closes (look-alike)",
     add(communications=[comm("S4", at(22, -6), P1_PHONE, None, "call")]), []),
    ("contact_after_purpose", "two call-backs the day after attending (look-alike)",
     add(communications=[comm("S1", at(0.6), P1_PHONE, None, "call"), comm("S1", at(1.6), P1_PHONE, None, "call")]),
     []),
    # --- red flag 4: look-ups with no policing purpose -----------------------------------------------------
    ("unexplained_lookups", "uninvolved officer opens the victim's record three times",
     add(audit=[look("S2", at(d), "person", "P1") for d in (10, 12, 15)]), [("S2", ["P1"])]),
    ("unexplained_lookups", "attending officer views the people at the job (look-alike)",
     add(audit=[look("S1", at(0, 0.5), "person", "P1"), look("S1", at(0, 0.6), "person", "P2")]), []),
    ("unexplained_lookups", "officer in charge reviews the case for weeks (look-alike)",
     add(audit=[look("S4", at(d, -7), "person", "P1") for d in (2, 6, 10, 18)]), []),
    ("unexplained_lookups", "attending officer looks the victim up again a month later",
     add(audit=[look("S1", at(d, -10), "person", "P1") for d in (30, 31)]), [("S1", ["P1"])]),
    ("unexplained_lookups", "a watched organised-crime nominal looked up once with no purpose",
     add(audit=[look("S2", at(5), "person", "P3")]), [("S2", ["P3"])]),
    ("unexplained_lookups", "intelligence researcher returns to the victim's record on a fourth and fifth day",
     add(staff=[_ANALYST], teams=[_INTEL_TEAM],
         audit=[look("S6", at(d), "person", "P1") for d in (3, 9, 16, 24, 31)]), [("S6", ["P1"])]),
    ("unexplained_lookups", "intelligence researcher opens many records, none on more than three days (look-alike)",
     add(staff=[_ANALYST], teams=[_INTEL_TEAM],
         audit=[look("S6", at(d), "person", p) for p in ("P1", "P2", "P3", "P4") for d in (3, 9, 16)]), []),
    ("refused_in_upstander", "an officer twice refused a case and an alert in Upstander",
     add(audit=[_refused("S2", at(3), "other", "17"), _refused("S2", at(9), "other", "4")]), [("S2", [])]),
    ("refused_in_upstander", "a subject trying once to open their own record",
     add(audit=[_refused("S1", at(3), "staff", "S1")]), [("S1", [])]),
    ("refused_in_upstander", "one stale link refused, and ordinary views (look-alike)",
     add(audit=[_refused("S2", at(3), "other", "17")]
         + [dict(_refused("S2", at(d), "staff", "S5"), search_terms=None) for d in (4, 5, 6)]), []),
    ("refused_in_upstander", "refusals in another system are not Upstander's (look-alike)",
     add(audit=[dict(_refused("S2", at(d), "other", "17"), audit_id=f"X{d}") for d in (3, 9)]), []),
    # --- red flag 7: complaints -----------------------------------------------------------------------------
    ("complaints_accumulating", "three complaints inside twelve months",
     add(complaints=[dict(complaint_id=f"C{i}", received=at(30 * i), subject_staff_id="S1",
                          allegation="sexual_conduct", complainant_person_id=p, outcome="pending")
                     for i, p in enumerate(["P1", "P3", "P4"])]), [("S1", ["P1", "P3", "P4"])]),
    ("complaints_accumulating", "three complaints, one from an anonymous complainant, name only the known two",
     add(complaints=[dict(complaint_id=f"C{i}", received=at(30 * i), subject_staff_id="S1",
                          allegation="abuse_of_position", complainant_person_id=p, outcome="pending")
                     for i, p in enumerate(["P1", None, "P4"])]), [("S1", ["P1", "P4"])]),
    ("complaints_accumulating", "three complaints spread over eighteen months (look-alike)",
     add(complaints=[dict(complaint_id=f"C{i}", received=at(-270 * i), subject_staff_id="S2",
                          allegation="delivery_of_duties", complainant_person_id=None, outcome="upheld")
                     for i in range(3)]), []),
    # --- red flags 8 and 12: message content ----------------------------------------------------------------
    ("message_content", "texts drift to secrecy and a personal number",
     add(communications=[comm("S1", at(5), P1_PHONE, "You looked lovely today x"),
                         comm("S1", at(7), P1_PHONE, "Best not to mention to anyone that we talk")]),
     [("S1", ["P1"])]),
    ("message_content", "professional updates from the officer in charge (look-alike)",
     add(communications=[comm("S4", at(3), P1_PHONE, "Update on your case: the suspect has been interviewed."),
                         comm("S4", at(8), P1_PHONE, "Your statement appointment is at 10:00 tomorrow.")]), []),
    ("sexualised_messages_to_colleagues", "sexualised texts to a colleague's work phone",
     add(communications=[comm("S1", at(d), "+447300000002", "You looked hot in that uniform today")
                         for d in (3, 6)]), [("S1", [])]),
    ("sexualised_messages_to_colleagues", "ordinary messages between colleagues (look-alike)",
     add(communications=[comm("S1", at(d), "+447300000002", "Meet you at the van in 10") for d in (3, 6, 7)]), []),
    # --- red flag 10: contact with people known for criminality ----------------------------------------------
    ("contact_with_criminals", "work phone calls with a watched organised-crime nominal",
     add(communications=[comm("S2", at(12, -8), P3_PHONE, None, "call")]), [("S2", ["P3"])]),
    ("contact_with_criminals", "neighbourhood officer on duty rings a nominal who reported a problem on the beat",
     lambda w: _nominal_on_the_beat(w, duty_area="A1"), []),
    ("contact_with_criminals", "the same call while on duty in another area",
     lambda w: _nominal_on_the_beat(w, duty_area="A2"), [("S2", ["P3"])]),
    ("contact_with_criminals", "on-duty call to a suspect in a case the officer works (look-alike)",
     add(communications=[comm("S4", at(3, -6), "+447500000002", None, "call")]), []),
    # --- red flag 5: disposals around private contact ---------------------------------------------------------
    ("disposals_for_associates", "offences disposed of after texts from members of the public",
     add(communications=[comm("S5", at(d, -8), f"+44770000{d:04d}", "Got a ticket, can you help?", "sms",
                              "inbound") for d in (3, 9)],
         audit=[look("S5", at(d, -7), "other", f"TO-{d}", "dispose") for d in (3, 9)]), [("S5", [])]),
    ("disposals_for_associates", "the ticket office disposing of offences all day (look-alike)",
     add(audit=[look("S5", at(d, -7), "other", f"TO-{d}", "dispose") for d in range(2, 30)]), []),
    # --- red flag 9: living with someone dealt with on duty ----------------------------------------------------
    ("partner_in_records", "officer's home is the victim's address",
     lambda w: w["staff"][0].update(home_uprn="800001"), [("S1", ["P1"]), ("S1", ["P2"])]),
    ("partner_in_records", "lives with someone in records never dealt with (look-alike)",
     lambda w: w["staff"][1].update(home_uprn="800004"), []),
    # --- red flag 13: amplifiers ---------------------------------------------------------------------------------
    ("amplifiers", "lapsed vetting and no training",
     lambda w: w["staff"][1].update(vetting_expiry=None, apsp_training_date=None) or w["staff"][1].update(
         vetting_expiry=__import__("datetime").date(2024, 1, 1)), [("S2", [])]),
]


def _peers(world: World, heavy: int) -> None:
    """Twenty constables with a dozen unexplained public contacts a month each, and S1 with `heavy`."""
    for i in range(20):
        sid = f"Q{i}"
        world["staff"].append(dict(staff_id=sid, surname="Peer", role="constable", team_id="T1",
                                   vetting_level="RV", start_date=at(-3000).date(), work_phones=[f"+44730100{i:04d}"]))
        world["communications"] += [comm(sid, at(1 + 2 * k, -8), f"+4477110{i:02d}{k:03d}", "Thanks for your call")
                                    for k in range(12)]
    world["communications"] += [comm("S1", at(1 + 24 * k / heavy, -8), f"+447712{k:06d}", "hello")
                                for k in range(heavy)]


def _job_p4(world: World) -> None:
    """S1 attends a low-priority antisocial behaviour job reported by P4 on day 10."""
    world["incidents"].append(dict(incident_id="I2", type="antisocial_behaviour", priority=3, opened_at=at(10, -8),
                                   closed_at=at(11), lat=51.52, lon=-1.75, area="A1", owning_team_id="T1"))
    world["incident_staff"].append(dict(incident_id="I2", staff_id="S1", involvement="attending",
                                        started_at=at(10, -7.5), ended_at=at(10, -7)))
    world["incident_people"].append(dict(incident_id="I2", person_id="P4", role="reporting_person",
                                         recorded_at=at(10, -7.5)))


HOME_P1 = (51.50, -1.80)



def _nominal_on_the_beat(world: World, duty_area: str) -> None:
    """P3, a watched nominal, reports antisocial behaviour in area A1 on day 5 (a job S2 did not attend); on
    day 12 S2, on duty in `duty_area`, rings P3 from the work phone."""
    world["incidents"].append(dict(incident_id="I9", type="antisocial_behaviour", priority=3, opened_at=at(5),
                                   closed_at=at(5, 2), lat=51.45, lon=-1.70, area="A1", owning_team_id="T1"))
    world["incident_people"].append(dict(incident_id="I9", person_id="P3", role="reporting_person",
                                         recorded_at=at(5, 0.2)))
    world["duties"].append(dict(duty_id="D2-12", staff_id="S2", starts_at=at(12, -12), ends_at=at(12, -2),
                                duty_type="patrol", area=duty_area))
    world["communications"].append(comm("S2", at(12, -8), P3_PHONE, None, "call"))


def _standby_crews(world: World, crews: int) -> None:
    """`crews` other response officers, each pausing for half an hour, off deployment, within 50 m of HOME_P1
    in the month before S1's stops: a shared standby point."""
    for i in range(crews):
        sid, vehicle, day = f"R{i}", f"VH-R{i}", at(-30 + i, -8)
        world["staff"].append(dict(staff_id=sid, surname="Crew", role="constable", team_id="T1",
                                   vetting_level="RV", start_date=at(-3000).date()))
        world["duties"].append(dict(duty_id=f"DR-{i}", staff_id=sid, starts_at=day - timedelta(hours=4),
                                    ends_at=day + timedelta(hours=6), duty_type="patrol", area="A1",
                                    vehicle_id=vehicle))
        world["positions"] += stay(vehicle, day, 30, HOME_P1[0] + 0.0003, HOME_P1[1] - 0.0004)
EXTRA_CASES: list[tuple[str, str, Callable[[World], None], list[tuple[str, list[str]]]]] = [
    ("message_volume", "one officer's public contacts far above twenty peers", lambda w: _peers(w, 160),
     [("S1", [])]),
    ("message_volume", "a busy officer within the peers' range (look-alike)", lambda w: _peers(w, 14), []),
    # The suspect lives at the same address, so the stops count against both people met at that job.
    ("dwell_near_home", "vehicle parked near the victim's home on two later shifts",
     add(positions=stay("VH-1", at(5, -8), 30, *HOME_P1) + stay("VH-1", at(9, -7), 30, *HOME_P1)),
     [("S1", ["P1"]), ("S1", ["P2"])]),
    ("dwell_near_home", "the same two stops at a standby point six other crews use (look-alike)",
     lambda w: (_standby_crews(w, 6), add(positions=stay("VH-1", at(5, -8), 30, *HOME_P1)
                                          + stay("VH-1", at(9, -7), 30, *HOME_P1))(w)), []),
    ("dwell_near_home", "the same two stops where five other crews paused: still a visit",
     lambda w: (_standby_crews(w, 5), add(positions=stay("VH-1", at(5, -8), 30, *HOME_P1)
                                          + stay("VH-1", at(9, -7), 30, *HOME_P1))(w)),
     [("S1", ["P1"]), ("S1", ["P2"])]),
    ("dwell_near_home", "parked at the job itself while deployed there (look-alike)",
     add(positions=stay("VH-1", at(0, 0.3), 60, *HOME_P1)), []),
    ("dwell_near_home", "parked near the home only at the start of shifts (look-alike)",
     add(positions=stay("VH-1", at(5, -13), 15, *HOME_P1) + stay("VH-1", at(9, -13), 15, *HOME_P1)), []),
    ("radio_silence", "silent stop at the victim's home while texting her outside the purpose",
     add(positions=stay("VH-1", at(5, -8), 40, *HOME_P1),
         communications=_texts("S1", [6, 8], P1_PHONE)), [("S1", ["P1"])]),
    ("radio_silence", "the same stop with regular radio traffic during it (look-alike)",
     add(positions=stay("VH-1", at(5, -8), 40, *HOME_P1), communications=_texts("S1", [6, 8], P1_PHONE),
         radio=[dict(staff_id="S1", occurred_at=at(5, -8) + timedelta(minutes=m), status=st)
                for m, st in ((10, "at_scene"), (22, "committed"), (34, "available"))]), []),
    ("excessive_service", "low-priority job followed by calls and evening messages",
     lambda w: (_job_p4(w), add(communications=[comm("S1", at(d, -9), P4_PHONE, None, "call") for d in (11, 12, 14, 15)]
                                + _texts("S1", [16.1, 18.1], P4_PHONE))(w)), [("S1", ["P4"])]),
    ("excessive_service", "low-priority job with daytime follow-up calls on duty (look-alike)",
     lambda w: (_job_p4(w), add(communications=[comm("S1", at(d, -9), P4_PHONE, None, "call")
                                                for d in (11, 12, 13, 14, 15, 16)])(w)), []),
]
CASES += EXTRA_CASES


@pytest.mark.parametrize(("detector", "case", "change", "expected"), CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_detector_case(detector: str, case: str, change: Callable[[World], None],
                       expected: list[tuple[str, list[str]]]) -> None:
    world = base_world()
    change(world)
    if detector != "amplifiers":
        world["audit"].append(look("S3", at(60), "vehicle", "ZZ99 ZZZ"))  # data runs to the end of the period
    got = [(f["subject_staff_id"], sorted(f["person_ids"])) for f in findings(detector, world)]
    assert got == expected, case


def test_a_finding_carries_its_evidence_and_alert_time() -> None:
    world = base_world()
    add(communications=_texts("S1", [4, 9.2, 15.15, 20], P1_PHONE))(world)
    [f] = findings("contact_after_purpose", world)
    assert len(f["evidence"]) == 4 and all(e.startswith("communications:") for e in f["evidence"])
    assert f["alerted_at"] == at(15.15)  # the third contact outside the purpose
    assert "4 contacts outside the policing purpose" in f["summary"]


def test_parameters_change_what_fires() -> None:
    world = base_world()
    add(communications=_texts("S1", [4, 9.2, 15.15, 20], P1_PHONE))(world)
    assert findings("contact_after_purpose", world, {"min_contacts": 5}) == []


def test_every_detector_has_a_case_that_fires_and_a_look_alike_that_does_not() -> None:
    from upstander.detect.catalogue import load_detectors

    firing = {d for d, _, _, expected in CASES if expected}
    quiet = {d for d, _, _, expected in CASES if not expected}
    for det in load_detectors():
        assert det.id in firing, f"{det.id} has no case where it fires"
        if det.kind == "alert":
            assert det.id in quiet, f"{det.id} has no benign look-alike case"
