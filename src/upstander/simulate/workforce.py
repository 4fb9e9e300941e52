"""Teams and staff of the synthetic force: units, roles, ranks, vetting, training, homes and devices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from upstander.simulate.geography import AREAS, Geography
from upstander.simulate.names import FORENAMES, SURNAMES

# Share of the workforce in each unit, team size, and the roles within it (role, share).
UNITS: dict[str, tuple[float, int, tuple[tuple[str, float], ...]]] = {
    "response": (0.30, 18, (("constable", 0.9), ("sergeant", 0.1))),
    "neighbourhood": (0.17, 16, (("constable", 0.4), ("pcso", 0.4), ("special_constable", 0.12), ("sergeant", 0.08))),
    "public_protection": (0.08, 14, (("constable", 0.6), ("investigator", 0.32), ("sergeant", 0.08))),
    "cid": (0.07, 14, (("constable", 0.7), ("investigator", 0.22), ("sergeant", 0.08))),
    "control_room": (0.12, 20, (("call_handler", 0.62), ("radio_dispatcher", 0.32), ("police_staff_other", 0.06))),
    "custody": (0.05, 12, (("custody_detention_officer", 0.7), ("sergeant", 0.3))),
    "roads_policing": (0.04, 12, (("constable", 0.9), ("sergeant", 0.1))),
    "exploitation": (0.02, 10, (("investigator", 0.5), ("constable", 0.4), ("sergeant", 0.1))),
    "intelligence": (0.03, 12, (("police_staff_other", 0.7), ("constable", 0.2), ("sergeant", 0.1))),
    "professional_standards": (0.01, 8, (("investigator", 0.6), ("sergeant", 0.2), ("inspector_plus", 0.2))),
    "support": (0.11, 20, (("police_staff_other", 0.9), ("inspector_plus", 0.1))),
}
# 24/7 units work a rota in groups; the rest work office hours on weekdays.
ROTA_UNITS = {"response": 5, "control_room": 4, "custody": 4, "roads_policing": 5}
RANKS = {"constable": "PC", "sergeant": "PS", "inspector_plus": "Insp", "special_constable": "SC"}
PUBLIC_FACING = {"constable", "pcso", "special_constable", "sergeant", "investigator", "custody_detention_officer"}


@dataclass
class Team:
    team_id: str
    name: str
    unit: str
    area: str
    station: int
    rota_group: int  # -1 for office-hours units
    members: list[int]


@dataclass
class Workforce:
    teams: list[Team]
    staff_id: list[str]
    forename: list[str]
    surname: list[str]
    role: np.ndarray  # object array of role names
    team: np.ndarray  # team index
    unit: np.ndarray  # object array of unit types
    station: np.ndarray
    start_date: list[date]
    vetting_level: list[str]
    vetting_expiry: list[date | None]
    apsp_training: list[date | None]
    integrity_review: list[date | None]
    home_addr: np.ndarray  # index into geography addresses
    work_phone: list[str]
    handset: list[str]
    mdt: list[str | None]
    line_manager: list[int | None]
    vehicle: list[str | None]  # usual vehicle for crewing officers
    crewmate: list[int]  # night-shift partner (-1 for none); the pair rides in the lower-indexed one's vehicle

    @property
    def n(self) -> int:
        return len(self.staff_id)

    def members_of_unit(self, unit: str) -> np.ndarray:
        return np.flatnonzero(self.unit == unit)

    def with_roles(self, roles: set[str], units: set[str] | None = None) -> np.ndarray:
        mask = np.isin(self.role, list(roles))
        if units is not None:
            mask &= np.isin(self.unit, list(units))
        return np.flatnonzero(mask)


def _unit_sizes(n_staff: int) -> dict[str, int]:
    sizes = {u: max(1, round(share * n_staff)) for u, (share, _, _) in UNITS.items()}
    sizes["response"] += n_staff - sum(sizes.values())  # absorb rounding
    return sizes


def build_workforce(rng: np.random.Generator, n_staff: int, geo: Geography, sim_start: date) -> Workforce:
    teams: list[Team] = []
    role: list[str] = []
    team_of: list[int] = []
    unit_of: list[str] = []
    n_stations = len(geo.station_town)
    for unit, size in _unit_sizes(n_staff).items():
        _, team_size, roles = UNITS[unit]
        n_teams = max(1, round(size / team_size))
        groups = ROTA_UNITS.get(unit, 0)
        if groups:
            n_teams = max(n_teams, groups)  # every rota group needs a team on it
        bounds = np.linspace(0, size, n_teams + 1).round().astype(int)
        for t in range(n_teams):
            count = int(bounds[t + 1] - bounds[t])
            if count == 0:
                continue
            station = t % n_stations
            area = AREAS[(t * 5 + len(teams)) % len(AREAS)]
            idx = len(teams)
            team = Team(f"T{idx + 1:03d}", f"{geo.stations[station]} {unit.replace('_', ' ').title()} {t + 1}",
                        unit, area, station, (t % groups) if groups else -1, [])
            names = [r for r, _ in roles]
            shares = np.array([s for _, s in roles])
            drawn = list(rng.choice(names, count, p=shares / shares.sum()))
            # The first member leads the team: a sergeant for officer teams, a senior staff member otherwise.
            drawn[0] = "sergeant" if "sergeant" in names else names[-1]
            for r in drawn:
                team.members.append(len(role))
                role.append(str(r))
                team_of.append(idx)
                unit_of.append(unit)
            teams.append(team)

    n = len(role)
    role_arr = np.array(role, dtype=object)
    # Years of service: many new recruits (35% under five years, as one seed force reports), a long tail.
    service_years = np.where(rng.random(n) < 0.35, rng.uniform(0, 5, n), rng.uniform(5, 30, n))
    start = [sim_start - timedelta(days=int(y * 365.25)) for y in service_years]
    vetting_level, vetting_expiry = [], []
    for i in range(n):
        level = "MV" if unit_of[i] in {"professional_standards", "intelligence", "public_protection"} else "RV"
        vetting_level.append(level)
        years = 7 if level == "MV" else 10
        # Renewal falls due on a cycle from the start date; about 4% are overdue (lapsed aftercare).
        last = start[i] + timedelta(days=int(((sim_start - start[i]).days // (years * 365)) * years * 365))
        expiry = last + timedelta(days=years * 365)
        if rng.random() < 0.04:
            expiry = sim_start - timedelta(days=int(rng.integers(10, 400)))
        vetting_expiry.append(expiry)
    apsp = [sim_start - timedelta(days=int(rng.integers(20, 700))) if rng.random() < 0.82 else None for _ in range(n)]
    review = [sim_start - timedelta(days=int(rng.integers(10, 360))) if rng.random() < 0.8 else None for _ in range(n)]

    # Most staff live inside the force area; homes are drawn from the address register.
    home = rng.choice(len(geo.addr_uprn), n, replace=False)
    station = np.array([teams[t].station for t in team_of])
    phone_numbers = rng.choice(9_000_000, n, replace=False) + 1_000_000
    work_phone = [f"+44730{p:07d}" for p in phone_numbers]
    handset = [f"HS-{i + 1:05d}" for i in range(n)]
    # Neighbourhood staff carry handheld terminals that report position; response crews are tracked by AVL.
    mdt = [f"MDT-{i + 1:05d}" if unit_of[i] == "neighbourhood" else None for i in range(n)]
    line_manager: list[int | None] = []
    for i in range(n):
        lead = teams[team_of[i]].members[0]
        line_manager.append(None if lead == i else lead)
    vehicle: list[str | None] = [None] * n
    crewmate = [-1] * n
    for team in teams:
        if team.unit in {"response", "roads_policing", "neighbourhood"}:
            crew = [m for m in team.members if role[m] in {"constable", "sergeant", "special_constable"}]
            # Each officer has a usual vehicle; at night pairs double-crew in the first one's (see rota).
            for k, m in enumerate(crew):
                vehicle[m] = f"VH-{team.team_id[1:]}{k:02d}"
                crewmate[m] = crew[k - 1] if k % 2 else (crew[k + 1] if k + 1 < len(crew) else -1)
    return Workforce(
        teams=teams,
        staff_id=[f"S{i + 1:05d}" for i in range(n)],
        forename=list(rng.choice(FORENAMES, n)),
        surname=list(rng.choice(SURNAMES, n)),
        role=role_arr,
        team=np.array(team_of),
        unit=np.array(unit_of, dtype=object),
        station=station,
        start_date=start,
        vetting_level=vetting_level,
        vetting_expiry=vetting_expiry,
        apsp_training=apsp,
        integrity_review=review,
        home_addr=home,
        work_phone=work_phone,
        handset=handset,
        mdt=mdt,
        line_manager=line_manager,
        vehicle=vehicle,
        crewmate=crewmate,
    )
