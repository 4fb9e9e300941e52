"""A day of incidents: calls, deployments, the people involved, arrests and custody, and who owned each job.

Rates and mixes are judgement for a typical English force: about 0.12 incidents per member of staff per day,
a quarter of them domestic abuse, welfare or mental health, peaking in the evening.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from upstander.simulate.clock import HOUR, local_midnight_utc
from upstander.simulate.geography import KM_PER_DEG_LAT, KM_PER_DEG_LON, area_of
from upstander.simulate.on_duty import OnDuty
from upstander.simulate.rows import DayRows
from upstander.simulate.world import World

INCIDENTS_PER_STAFF_DAY = 0.12
HOURLY = np.array([3.0, 2.4, 1.8, 1.4, 1.1, 1.0, 1.3, 2.2, 3.2, 3.8, 4.0, 4.1, 4.3, 4.4, 4.6, 5.0, 5.4, 5.6,
                   5.6, 5.4, 5.1, 4.8, 4.3, 3.7])
HOURLY = HOURLY / HOURLY.sum()

# type: (share, P(priority 1..4), P(at the victim's home), P(passed to investigators), investigating unit)
TYPES: dict[str, tuple[float, tuple[float, float, float, float], float, float, str]] = {
    "domestic_abuse": (0.14, (0.35, 0.5, 0.15, 0.0), 1.0, 0.85, "public_protection"),
    "sexual_offence": (0.015, (0.3, 0.5, 0.2, 0.0), 0.5, 1.0, "public_protection"),
    "assault": (0.08, (0.3, 0.45, 0.25, 0.0), 0.3, 0.35, "cid"),
    "burglary": (0.05, (0.15, 0.45, 0.4, 0.0), 1.0, 0.3, "cid"),
    "theft": (0.11, (0.02, 0.2, 0.48, 0.3), 0.3, 0.05, "cid"),
    "criminal_damage": (0.06, (0.02, 0.25, 0.5, 0.23), 0.6, 0.03, "cid"),
    "antisocial_behaviour": (0.14, (0.05, 0.35, 0.45, 0.15), 0.5, 0.0, "cid"),
    "public_order": (0.03, (0.4, 0.45, 0.15, 0.0), 0.0, 0.0, "cid"),
    "road_traffic_collision": (0.05, (0.35, 0.4, 0.2, 0.05), 0.0, 0.0, "cid"),
    "concern_for_welfare": (0.10, (0.4, 0.45, 0.15, 0.0), 0.8, 0.0, "cid"),
    "mental_health": (0.06, (0.35, 0.45, 0.2, 0.0), 0.7, 0.0, "cid"),
    "missing_person": (0.03, (0.3, 0.6, 0.1, 0.0), 1.0, 0.0, "cid"),
    "drugs": (0.02, (0.05, 0.3, 0.55, 0.1), 0.2, 0.3, "cid"),
    "fraud": (0.025, (0.0, 0.05, 0.45, 0.5), 1.0, 0.5, "cid"),
    "suspicious_activity": (0.05, (0.1, 0.45, 0.35, 0.1), 0.3, 0.0, "cid"),
    "other": (0.02, (0.05, 0.3, 0.4, 0.25), 0.3, 0.0, "cid"),
}
TYPE_NAMES = list(TYPES)
TYPE_P = np.array([v[0] for v in TYPES.values()])
TYPE_P = TYPE_P / TYPE_P.sum()
ARREST_P = {"domestic_abuse": 0.45, "assault": 0.3, "public_order": 0.35, "drugs": 0.4, "sexual_offence": 0.3,
            "burglary": 0.1, "theft": 0.08}
ON_SCENE_MIN = {1: (45, 120), 2: (30, 90), 3: (20, 60)}


@dataclass
class Visit:
    """A deployment to a place: by a vehicle crew (AVL) or an officer on foot (MDT)."""

    staff: list[int]
    vehicle: str | None
    incident_id: str | None
    lat: float
    lon: float
    dispatched: int
    arrived: int
    left: int


@dataclass
class Job:
    """One incident as the day's other generators need it."""

    incident_id: str
    type: str
    priority: int
    opened: int
    closed: int | None
    lat: float
    lon: float
    area: str
    people: dict[str, list[int]] = field(default_factory=dict)  # role -> person indices
    call_taker: int | None = None
    dispatcher: int | None = None
    attending: list[int] = field(default_factory=list)
    owner: int | None = None
    investigated: bool = False
    transferred_at: int | None = None  # when an investigating team took it on


def person_home(world: World, person: int) -> tuple[float, float]:
    a = world.people.addr[person]
    return float(world.geo.addr_lat[a]), float(world.geo.addr_lon[a])


def _draw_people(world: World, rng: np.random.Generator, kind: str) -> dict[str, list[int]]:
    ppl = world.people
    victim = int(ppl.draw(rng, ppl.victim_cdf)[0])
    offender = int(ppl.draw(rng, ppl.offender_cdf)[0])
    other = int(rng.integers(ppl.n))
    roles: dict[str, list[int]] = {}
    if kind == "domestic_abuse" and len(world.da_victims):
        v = int(world.da_victims[np.searchsorted(world.da_cdf, rng.random() * world.da_cdf[-1])])
        roles = {"victim": [v], "suspect": [int(ppl.da_partner[v])]}
        if rng.random() < 0.3:
            roles["witness"] = [other]
    elif kind in {"assault", "sexual_offence"}:
        roles = {"victim": [victim]}
        if rng.random() < 0.65:
            roles["suspect"] = [offender]
        if rng.random() < 0.4:
            roles["witness"] = [other]
    elif kind in {"burglary", "theft", "criminal_damage", "fraud"}:
        roles = {"victim": [victim]}
        if rng.random() < 0.25:
            roles["suspect"] = [offender]
    elif kind in {"concern_for_welfare", "mental_health", "missing_person"}:
        roles = {"victim": [victim]}
        if rng.random() < 0.7:
            roles["reporting_person"] = [other]
    elif kind in {"public_order", "drugs"}:
        roles = {"suspect": [offender]}
        if rng.random() < 0.4:
            roles["witness"] = [other]
    elif kind == "road_traffic_collision":
        roles = {"victim": [victim], "witness": [other]}
    else:  # antisocial behaviour, suspicious activity, other: someone rings in
        roles = {"reporting_person": [victim]}
        if rng.random() < 0.35:
            roles["suspect"] = [offender]
    return roles


def open_incident(world: World, rows: DayRows, rng: np.random.Generator, kind: str, priority: int, opened: int,
                  people: dict[str, list[int]], lat: float, lon: float) -> Job:
    """Create an incident and record its people; the caller decides who works it and writes it at the end."""
    incident_id = f"I{world.ids.next('incident'):08d}"
    area = area_of(lat, lon)
    job = Job(incident_id, kind, priority, opened, None, lat, lon, area, people)
    for role, persons in people.items():
        for p in persons:
            rows["incident_people"].add(incident_id=incident_id, person_id=world.people.person_id[p], role=role,
                                        recorded_at=opened + int(rng.integers(60, 1800)))
            world.person_incidents[p].append(incident_id)
            if role == "suspect":
                world.suspect_since.setdefault(p, opened)
    return job


def write_incident(world: World, rows: DayRows, job: Job, owning_team: int, transferred_to: int | None,
                   transferred_at: int | None) -> None:
    wf = world.wf
    rows["incidents"].add(
        incident_id=job.incident_id, type=job.type, priority=job.priority, opened_at=job.opened,
        closed_at=job.closed, lat=round(job.lat, 6), lon=round(job.lon, 6), area=job.area,
        owning_team_id=wf.teams[owning_team].team_id,
        transferred_to_team_id=None if transferred_to is None else wf.teams[transferred_to].team_id,
        transferred_at=transferred_at,
    )


def incident_location(world: World, rng: np.random.Generator, kind: str, people: dict[str, list[int]]) -> tuple[
        float, float]:
    at_home = TYPES[kind][2]
    someone = (people.get("victim") or people.get("reporting_person") or people.get("suspect") or [0])[0]
    if rng.random() < at_home:
        return person_home(world, someone)
    # Elsewhere: near a town centre, where most public-place incidents happen.
    t = int(rng.integers(len(world.geo.town_lat)))
    d_lat, d_lon = rng.normal(0, 1.2, 2)
    return (float(world.geo.town_lat[t]) + d_lat / KM_PER_DEG_LAT,
            float(world.geo.town_lon[t]) + d_lon / KM_PER_DEG_LON)


def day_incident_times(world: World, rng: np.random.Generator, day_index: int) -> np.ndarray:
    day = world.day(day_index)
    weekday_factor = (0.95, 0.95, 0.95, 1.0, 1.15, 1.15, 1.05)[day.weekday()]
    n = rng.poisson(INCIDENTS_PER_STAFF_DAY * world.wf.n * weekday_factor)
    hours = rng.choice(24, n, p=HOURLY) + rng.random(n)
    return np.sort(local_midnight_utc(day) + (hours * HOUR).astype(np.int64))


def scene_minutes(rng: np.random.Generator, priority: int) -> int:
    lo, hi = ON_SCENE_MIN.get(priority, (20, 45))
    return int(rng.integers(lo, hi))


def on_duty_pool(world: World, day_index: int) -> OnDuty:
    days = [world.duties(day_index - 1)] if day_index > 0 else []
    return OnDuty.spanning(world.wf, *days, world.duties(day_index))
