"""Table-driven tests of the contacts every duty creates and of contacts explained by the team's work: custody
relationships, persistence after the purpose, team-owned cases, shared work lines. Each pattern has a case that
fires and a look-alike that does not.

The base world is detect_world.base_world() (see tests/test_detectors.py): S1 attends a domestic abuse job on
1 March at 20:00 (victim P1, vulnerable; suspect P2); the case passes to S4 in public protection (team T3), who
owns it until 21 March. Added here: P2 is arrested by S1 and detained at suite CS-1 on 11 March from 09:00 to
20:00, while S7, a detention officer, is on custody duty there (07:00-19:00 every day).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from detect_world import at, both, comm, look, run_case

World = dict[str, list[dict[str, Any]]]
P1_PHONE, P2_PHONE, P4_PHONE = "+447500000001", "+447500000002", "+447500000004"
HOSTEL = "+441632960000"  # a hostel office's landline, on P4's record and called by staff across the force
END = 70  # the data runs to this day


def _staff(sid: str, role: str, team: str, phone: str | None = None) -> dict[str, Any]:
    return dict(staff_id=sid, surname="Staff", role=role, team_id=team, vetting_level="RV",
                start_date=date(2015, 1, 1), work_phones=[phone] if phone else [])


def _office_duties(sid: str, days: range, duty_type: str = "investigation", area: str = "A1",
                   hours: tuple[float, float] = (8, 16.5)) -> list[dict[str, Any]]:
    out = []
    for d in days:
        day = datetime(2025, 3, 1, tzinfo=UTC) + timedelta(days=d)
        out.append(dict(duty_id=f"D{sid}-{d}", staff_id=sid, starts_at=day + timedelta(hours=hours[0]),
                        ends_at=day + timedelta(hours=hours[1]), duty_type=duty_type, area=area))
    return out


def custody_world(world: World) -> None:
    """P2 detained at CS-1 on day 10 from 09:00 to 20:00, arrested by S1, authorised by sergeant S8; S7 and S8
    on custody duty there 07:00-19:00 daily."""
    world["teams"].append(dict(team_id="T6", name="Custody", unit_type="custody", area="A1"))
    world["staff"] += [_staff("S7", "custody_detention_officer", "T6", "+447300000007"),
                       _staff("S8", "sergeant", "T6", "+447300000008")]
    for sid in ("S7", "S8"):
        world["duties"] += _office_duties(sid, range(-2, END + 1), "custody", "CS-1", (7, 19))
    world["custody"].append(dict(custody_id="C1", person_id="P2", incident_id="I1", suite="CS-1",
                                 booked_in=at(10, -11), released=at(10, 0), arresting_staff_id="S1",
                                 custody_officer_id="S8"))
    world["incident_people"].append(dict(incident_id="I1", person_id="P2", role="detainee", recorded_at=at(10, -11)))


def with_custody(*comms: Callable[[], dict[str, Any]]) -> Callable[[World], None]:
    def apply(world: World) -> None:
        custody_world(world)
        world["communications"] += [make() for make in comms]
    return apply


def weekly_after_closure(world: World) -> None:
    """S4, who owned the case until day 20 (purpose until day 27), phones P1 briefly on duty every week for six
    weeks from day 28."""
    world["duties"] += _office_duties("S4", range(60, END + 1))
    world["communications"] += [dict(comm("S4", at(d, -6), P1_PHONE, None, "call"), duration_s=45)
                                for d in (28, 35, 42, 49, 56, 63)]


def new_team_case_of_p1(world: World) -> None:
    """A second domestic abuse case of P1's from day 26, owned by public protection (T3) until day 80."""
    world["incidents"].append(dict(incident_id="I2", type="domestic_abuse", priority=2, opened_at=at(26),
                                   closed_at=at(80), lat=51.50, lon=-1.80, area="A1", owning_team_id="T3"))
    world["incident_people"].append(dict(incident_id="I2", person_id="P1", role="victim", recorded_at=at(26, 0.5)))


def victim_rings_oic(direction: str) -> Callable[[World], None]:
    """P1 and S4 in calls late in the evening, S4 off duty, while the case is open (days 3 to 15)."""
    def apply(world: World) -> None:
        world["communications"] += [comm("S4", at(d, 2.5), P1_PHONE, None, "call", direction) for d in (3, 6, 10, 15)]
    return apply


def hostel_world(other_callers: int) -> Callable[[World], None]:
    """P4, reported by S1 at a job on day 10, lives in a hostel whose office line is on her record. From day 1,
    `other_callers` staff in four teams ring the hostel office, one a day."""
    def apply(world: World) -> None:
        world["people"][3]["phones"] = [P4_PHONE, HOSTEL]
        world["incidents"].append(dict(incident_id="I2", type="antisocial_behaviour", priority=3,
                                       opened_at=at(10, -8), closed_at=at(11), lat=51.52, lon=-1.75, area="A1",
                                       owning_team_id="T1"))
        world["incident_staff"].append(dict(incident_id="I2", staff_id="S1", involvement="attending",
                                            started_at=at(10, -7.5), ended_at=at(10, -7)))
        world["incident_people"].append(dict(incident_id="I2", person_id="P4", role="reporting_person",
                                             recorded_at=at(10, -7.5)))
        for i in range(other_callers):
            sid = f"Q{i}"
            world["staff"].append(_staff(sid, "constable", f"T{1 + i % 4}", f"+44730200{i:04d}"))
            world["communications"].append(comm(sid, at(1 + i, -7), HOSTEL, None, "call"))
    return apply


def s1_rings_hostel(world: World) -> None:
    world["communications"] += [comm("S1", at(d, -8), HOSTEL, None, "call") for d in (15, 18, 22, 26)]


def clerk_disposes_after_hostel_calls(world: World) -> None:
    world["communications"] += [comm("S5", at(d, -8), HOSTEL, None, "call") for d in (16, 20)]
    world["audit"] += [look("S5", at(d, -7), "other", f"TO-{d}", "dispose") for d in (16, 20)]


def hostel_on_records(world: World) -> None:
    """The hostel's office line is also the contact number of two more residents it supports, each recorded at
    their own address: a number given by people in three households is an organisation's, not a private phone."""
    for n in (5, 6):
        world["people"].append(dict(person_id=f"P{n}", surname="Resident", age_band="25-34", sex="female",
                                    vulnerabilities=[], home_uprn=f"80001{n}", home_lat=51.52, home_lon=-1.75,
                                    phones=[HOSTEL]))


def family_landline(world: World) -> None:
    """The same number on two more people's records, but at P4's own address: a household's landline."""
    for n in (5, 6):
        world["people"].append(dict(person_id=f"P{n}", surname="Resident", age_band="25-34", sex="female",
                                    vulnerabilities=[], home_uprn="800004", home_lat=51.52, home_lon=-1.75,
                                    phones=[HOSTEL]))


def specialist_opens_victim(owner_team: str) -> Callable[[World], None]:
    """DA0, a domestic abuse investigator in public protection (T3), on duty, opens the record of the victim of an
    open domestic abuse case owned by `owner_team`, on which she is not named."""
    def apply(world: World) -> None:
        world["staff"].append(_staff("DA0", "investigator", "T3", "+447303000000"))
        world["duties"] += _office_duties("DA0", range(0, 30))
        world["people"].append(dict(person_id="V1", surname="Victim", age_band="25-34", sex="female",
                                    vulnerabilities=["domestic_abuse_victim"], home_uprn="800020", home_lat=51.5,
                                    home_lon=-1.8, phones=["+447500900001"]))
        world["incidents"].append(dict(incident_id="IV1", type="domestic_abuse", priority=2, opened_at=at(2, -10),
                                       lat=51.5, lon=-1.8, area="A1", owning_team_id=owner_team))
        world["incident_people"].append(dict(incident_id="IV1", person_id="V1", role="victim",
                                             recorded_at=at(2, -10)))
        world["audit"].append(look("DA0", at(5, -9), "person", "V1"))
    return apply



def team_calls(owner_team: str, specialists: int = 1) -> Callable[[World], None]:
    """Twenty investigators with a dozen unexplained public contacts in four weeks each; `specialists` domestic
    abuse specialists in public protection (T3), on duty 08:00-16:30, each phoning on duty the victims of fifteen
    open cases owned by `owner_team` every third day from day 1 to day 25: 135 calls, named on none of the incidents."""
    def apply(world: World) -> None:
        for i in range(20):
            sid = f"Q{i}"
            world["staff"].append(_staff(sid, "investigator", "T3", f"+44730100{i:04d}"))
            world["communications"] += [comm(sid, at(1 + 2 * k, -8), f"+4477110{i:02d}{k:03d}", None, "call")
                                        for k in range(12)]
        for s in range(specialists):
            sid = f"DA{s}"
            world["staff"].append(_staff(sid, "investigator", "T3", f"+44730300{s:04d}"))
            world["duties"] += _office_duties(sid, range(0, 30))
            for v in range(15):
                pid, phone = f"V{s}-{v}", f"+4475009{s:02d}{v:04d}"
                world["people"].append(dict(person_id=pid, surname="Victim", age_band="25-34", sex="female",
                                            vulnerabilities=["domestic_abuse_victim"], phones=[phone]))
                world["incidents"].append(dict(incident_id=f"IV{s}-{v}", type="domestic_abuse", priority=2,
                                               opened_at=at(0, -10), lat=51.5, lon=-1.8, area="A1",
                                               owning_team_id=owner_team))
                world["incident_people"].append(dict(incident_id=f"IV{s}-{v}", person_id=pid, role="victim",
                                                     recorded_at=at(0, -10)))
                world["communications"] += [comm(sid, at(1 + 3 * k, -10 + 0.4 * v), phone, None, "call")
                                            for k in range(9)]
    return apply


def perpetrator_among_peers(world: World) -> None:
    """An investigator with sixty unexplained public contacts in four weeks."""
    world["staff"].append(_staff("X1", "investigator", "T3", "+447304000001"))
    world["communications"] += [comm("X1", at(1 + 24 * k / 60, -8), f"+447712{k:06d}", None, "call")
                                for k in range(60)]


CASES: list[tuple[str, str, Callable[[World], None], list[tuple[str, list[str]]]]] = [
    # --- contact that begins in custody (APSP case study 7) ----------------------------------------------------
    ("contact_after_purpose", "detention officer phones the detainee on duty three weeks after release",
     with_custody(lambda: comm("S7", at(30, -10), P2_PHONE, None, "call")), [("S7", ["P2"])]),
    ("contact_after_purpose", "the same call during the detention (look-alike)",
     with_custody(lambda: comm("S7", at(10, -8), P2_PHONE, None, "call")), []),
    ("contact_after_purpose", "custody sergeant calls the day after release, inside the purpose (look-alike)",
     with_custody(lambda: comm("S8", at(11, -8), P2_PHONE, None, "call")), []),
    ("contact_after_purpose", "arresting officer, who may investigate, calls once after release (look-alike)",
     with_custody(lambda: comm("S1", at(30, -10), P2_PHONE, None, "call")), []),
    ("contact_with_criminals", "detention officer phones the former detainee twice on duty",
     with_custody(lambda: comm("S7", at(30, -10), P2_PHONE, None, "call"),
                  lambda: comm("S7", at(33, -10), P2_PHONE, None, "call")), [("S7", ["P2"])]),
    ("contact_with_criminals", "the same two calls during the detention and the day after (look-alike)",
     with_custody(lambda: comm("S7", at(10, -8), P2_PHONE, None, "call"),
                  lambda: comm("S7", at(11, -8), P2_PHONE, None, "call")), []),
    ("contact_with_criminals", "an investigator of the team holding the case rings the detainee on duty (look-alike)",
     lambda w: (custody_world(w), w["staff"].append(_staff("S9", "investigator", "T3", "+447300000009")),
                w["duties"].extend(_office_duties("S9", range(0, 20))),
                w["communications"].extend(comm("S9", at(d, -8), P2_PHONE, None, "call") for d in (12, 14))),
     []),
    # --- subtle pursuit after the purpose, and a victim ringing her officer in charge ---------------------------
    ("contact_after_purpose", "officer in charge phones the victim weekly, briefly, on duty, after closure",
     weekly_after_closure, [("S4", ["P1"])]),
    ("contact_after_purpose", "the same weekly calls while her team holds a new case of the victim's, owned by "
     "a colleague (look-alike)", both(weekly_after_closure, new_team_case_of_p1), []),
    ("contact_after_purpose", "the victim rings her officer in charge late in the evening during the case "
                              "(look-alike)", victim_rings_oic("inbound"), []),
    ("contact_after_purpose", "the officer in charge rings the victim late, off duty, during the case",
     victim_rings_oic("outbound"), [("S4", ["P1"])]),
    # --- shared work lines ------------------------------------------------------------------------------------
    ("contact_after_purpose", "officer rings the hostel line ten staff in four teams call (look-alike)",
     both(hostel_world(10), s1_rings_hostel), []),
    ("contact_after_purpose", "officer rings the line on her record that three other staff call",
     both(hostel_world(3), s1_rings_hostel), [("S1", ["P4"])]),
    ("disposals_for_associates", "disposals next to calls to the shared hostel line (look-alike)",
     both(hostel_world(10), clerk_disposes_after_hostel_calls), []),
    ("disposals_for_associates", "the same disposals next to calls to a line few staff call",
     both(hostel_world(3), clerk_disposes_after_hostel_calls), [("S5", [])]),
    ("contact_after_purpose", "officer rings a line three households give as their number, few staff call it "
                              "(look-alike)", both(hostel_world(3), hostel_on_records, s1_rings_hostel), []),
    ("contact_after_purpose", "the same number on three records of one household is private",
     both(hostel_world(3), family_landline, s1_rings_hostel), [("S1", ["P4"])]),
    ("disposals_for_associates", "disposals next to calls to a line three households give (look-alike)",
     both(hostel_world(3), hostel_on_records, clerk_disposes_after_hostel_calls), []),
    # --- team work is not personal excess ---------------------------------------------------------------------
    ("message_volume", "specialist phoning the victims of her own team's open cases (look-alike)",
     team_calls("T3"), []),
    ("message_volume", "the same calls to the victims of another team's cases", team_calls("T1"), [("DA0", [])]),
    ("unexplained_lookups", "specialist opens the record of the victim in her team's open case (look-alike)",
     specialist_opens_victim("T3"), []),
    ("unexplained_lookups", "the same look-up of the victim in another team's case",
     specialist_opens_victim("T1"), [("DA0", ["V1"])]),
    ("message_volume", "team specialists do not lift the peers' mean over a real excess",
     both(team_calls("T3", specialists=3), perpetrator_among_peers), [("X1", [])]),
]


def _run(detector: str, change: Callable[[World], None]) -> list[dict[str, Any]]:
    return run_case(detector, change, END)


@pytest.mark.parametrize(("detector", "case", "change", "expected"), CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES])
def test_contact_case(detector: str, case: str, change: Callable[[World], None],
                      expected: list[tuple[str, list[str]]]) -> None:
    got = [(f["subject_staff_id"], sorted(f["person_ids"])) for f in _run(detector, change)]
    assert got == expected, case


def test_weekly_pursuit_outranks_a_single_late_call_and_a_burst() -> None:
    [weekly] = _run("contact_after_purpose", weekly_after_closure)
    [single] = _run("contact_after_purpose", with_custody(lambda: comm("S7", at(30, 3.5), P2_PHONE, "hi")))
    burst = _run("contact_after_purpose",
                 lambda w: w["communications"].extend(comm("S1", at(d, 3.5), P1_PHONE, "u ok?") for d in (30, 31, 32)))
    assert weekly["score"] > burst[0]["score"] > single["score"]
    assert "in 6 different weeks" in weekly["summary"] and len(weekly["evidence"]) == 6
    # Alerted on the third weekly call: the threshold is unchanged, the weeks raise the rank.
    assert weekly["alerted_at"] == at(42, -6)


def test_former_detainee_contact_is_found_on_the_first_call_with_its_evidence() -> None:
    [f] = _run("contact_after_purpose", with_custody(lambda: comm("S7", at(30, -10), P2_PHONE, None, "call")))
    assert f["alerted_at"] == at(30, -10) and len(f["evidence"]) == 1
    assert f["summary"].startswith("1 contact outside the policing purpose")
