"""Benign look-alikes built on purpose, so that a naive rule fires on them (DESIGN.md, "Benign look-alikes").

Routine work already contains officers in charge phoning victims, call handlers with many look-ups and
neighbourhood officers with many community contacts. Here we add the geographic and household ones: officers
who live next to a victim, victims who live by a police station, and staff who share a home with someone in
police records whom they never dealt with. Each is listed in lookalikes.csv, which detection never reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upstander.simulate.world import World


@dataclass
class LookAlike:
    kind: str
    staff_id: str
    person_ids: list[str]
    note: str


def _address_near(world: World, lat: float, lon: float, rng: np.random.Generator, within_deg: float) -> int | None:
    g = world.geo
    hits = np.flatnonzero((np.abs(g.addr_lat - lat) < within_deg) & (np.abs(g.addr_lon - lon) < within_deg * 1.6))
    return int(rng.choice(hits)) if len(hits) else None


def build_lookalikes(world: World, exclude: set[int]) -> list[LookAlike]:
    rng = np.random.default_rng([world.seed, 8])
    wf, ppl, g = world.wf, world.people, world.geo
    out: list[LookAlike] = []
    k = max(2, wf.n // 300)
    officers = [int(s) for s in wf.with_roles({"constable", "pcso"}, {"response", "neighbourhood"})
                if int(s) not in exclude]
    victims = [int(v) for v in world.da_victims]
    if not officers or not victims:
        return out
    for s in rng.choice(officers, min(k, len(officers)), replace=False):
        v = int(rng.choice(victims))
        a = _address_near(world, g.addr_lat[ppl.addr[v]], g.addr_lon[ppl.addr[v]], rng, 0.0012)
        if a is not None and a != ppl.addr[v]:
            wf.home_addr[s] = a
            out.append(LookAlike("lives_near_victim", wf.staff_id[s], [ppl.person_id[v]],
                                 "officer's home is within about 150 m of a domestic abuse victim's home"))
    for station in range(len(g.station_town)):
        lat, lon = world.geo.station_latlon(station)
        for v in rng.choice(victims, min(2, len(victims)), replace=False):
            a = _address_near(world, lat, lon, rng, 0.0015)
            if a is not None:
                ppl.addr[v] = a
                out.append(LookAlike("victim_near_station", "", [ppl.person_id[v]],
                                     f"victim lives beside {g.stations[station]} station, where crews start and end"))
    for s in rng.choice(officers, min(k, len(officers)), replace=False):
        p = int(rng.integers(ppl.n))
        wf.home_addr[s] = ppl.addr[p]
        out.append(LookAlike("housemate_in_records", wf.staff_id[s], [ppl.person_id[p]],
                             "shares a home with someone in police records they never dealt with on duty"))
    return out
