"""The entity feeds written once at the end: staff, teams, people, complaints and watched records."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from upstander.feeds.contract import AGE_BANDS
from upstander.simulate.rows import FeedRows
from upstander.simulate.world import World

COMPLAINTS_PER_PUBLIC_FACING_YEAR = 0.2  # most officers get none; busy ones get several (overdispersed)
OPERATIONS = ("Op Kestrel", "Op Larch", "Op Quarry", "Op Heron", "Op Bramble", "Op Flint")
ROUTINE_ALLEGATIONS = ("delivery_of_duties", "police_powers", "use_of_force", "individual_behaviour",
                       "discriminatory_behaviour", "access_or_disclosure_of_information")
ROUTINE_ALLEGATION_P = (0.35, 0.2, 0.15, 0.2, 0.06, 0.04)
OUTCOMES = ("no_further_action", "service_acceptable", "service_not_acceptable", "upheld", "withdrawn")


def staff_rows(world: World) -> FeedRows:
    wf, g = world.wf, world.geo
    rows = FeedRows("staff")
    for i in range(wf.n):
        a = wf.home_addr[i]
        rows.add(
            staff_id=wf.staff_id[i], collar_number=str(1000 + i) if wf.role[i] not in {
                "call_handler", "radio_dispatcher", "police_staff_other", "investigator"} else None,
            forename=wf.forename[i], surname=wf.surname[i], role=wf.role[i], rank=_rank(wf.role[i]),
            team_id=wf.teams[wf.team[i]].team_id,
            line_manager_id=None if wf.line_manager[i] is None else wf.staff_id[wf.line_manager[i]],
            station=g.stations[int(wf.station[i])], start_date=wf.start_date[i], leaving_date=None,
            vetting_level=wf.vetting_level[i], vetting_expiry=wf.vetting_expiry[i],
            apsp_training_date=wf.apsp_training[i], integrity_review_date=wf.integrity_review[i],
            home_uprn=str(g.addr_uprn[a]), home_lat=round(float(g.addr_lat[a]), 6),
            home_lon=round(float(g.addr_lon[a]), 6), work_phones=[wf.work_phone[i]],
            device_ids=[wf.handset[i]] + ([wf.mdt[i]] if wf.mdt[i] else []),
        )
    return rows


def _rank(role: str) -> str | None:
    return {"constable": "PC", "sergeant": "PS", "inspector_plus": "Insp", "special_constable": "SC"}.get(role)


def team_rows(world: World) -> FeedRows:
    rows = FeedRows("teams")
    for t in world.wf.teams:
        rows.add(team_id=t.team_id, name=t.name, unit_type=t.unit, supervisor_id=world.wf.staff_id[t.members[0]],
                 area=t.area, station=world.geo.stations[t.station])
    return rows


def people_rows(world: World) -> FeedRows:
    ppl, g = world.people, world.geo
    a = ppl.addr
    rows = FeedRows("people")
    rows.extend(
        person_id=ppl.person_id, surname=ppl.surname, age_band=[AGE_BANDS[i] for i in ppl.age_band],
        sex=list(ppl.sex), vulnerabilities=ppl.vulns, home_uprn=[str(u) for u in g.addr_uprn[a]],
        home_lat=np.round(g.addr_lat[a], 6), home_lon=np.round(g.addr_lon[a], 6), phones=ppl.phones,
        emails=ppl.emails,
    )
    return rows


def routine_complaints(world: World, rows: FeedRows, exclude: set[int]) -> None:
    rng = np.random.default_rng([world.seed, 9])
    wf = world.wf
    facing = [int(s) for s in wf.with_roles({"constable", "pcso", "sergeant", "special_constable"})]
    propensity = rng.gamma(0.5, 2.0, len(facing))
    counts = rng.poisson(COMPLAINTS_PER_PUBLIC_FACING_YEAR * world.days / 365 * propensity)
    span = world.end_epoch - world.start_epoch
    # Closing delays from a stream of their own, so the complaints themselves are drawn as before.
    closing = np.random.default_rng([world.seed, 9, 1])
    for s, n in zip(facing, counts, strict=True):
        for _ in range(int(n)):
            received = world.start_epoch + int(rng.integers(0, span))
            recent = world.end_epoch - received < 60 * 86400
            allegation = str(rng.choice(ROUTINE_ALLEGATIONS, p=ROUTINE_ALLEGATION_P))
            complainant = (world.people.person_id[int(world.people.draw(rng, world.people.victim_cdf)[0])]
                           if rng.random() < 0.7 else None)
            outcome = "pending" if recent else str(rng.choice(OUTCOMES, p=[0.35, 0.3, 0.2, 0.1, 0.05]))
            rows.add(
                complaint_id=f"CO{world.ids.next('complaint'):07d}", received=received,
                subject_staff_id=wf.staff_id[s], allegation=allegation, complainant_person_id=complainant,
                outcome=outcome, origin="public",
                # Resolved within the 60 days after which a complaint is no longer pending, so never after the data.
                closed=None if outcome == "pending" else received + int(closing.integers(7 * 86400, 60 * 86400)),
            )


def watch_rows(world: World) -> FeedRows:
    rng = np.random.default_rng([world.seed, 10])
    rows = FeedRows("watches")
    ppl = world.people
    n = 0
    for p in np.flatnonzero(ppl.ocg):
        n += 1
        start = world.start + timedelta(days=int(rng.integers(-400, 60)))  # some operations begin mid-year
        rows.add(watch_id=f"W{n:05d}", object_type="person", object_id=ppl.person_id[p], reason="ocg_nominal",
                 operation=str(rng.choice(OPERATIONS)), valid_from=start, valid_to=None)
    for p in rng.choice(ppl.n, max(3, ppl.n // 20000), replace=False):
        n += 1
        rows.add(watch_id=f"W{n:05d}", object_type="person", object_id=ppl.person_id[int(p)], reason="high_profile",
                 operation=None, valid_from=world.start - timedelta(days=int(rng.integers(1, 900))), valid_to=None)
    for s in rng.choice(world.wf.n, max(1, world.wf.n // 1000), replace=False):
        n += 1
        rows.add(watch_id=f"W{n:05d}", object_type="staff", object_id=world.wf.staff_id[int(s)], reason="colleague",
                 operation=None, valid_from=world.start - timedelta(days=int(rng.integers(1, 900))), valid_to=None)
    return rows
