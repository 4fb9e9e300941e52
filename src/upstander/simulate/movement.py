"""Vehicle (AVL) and handheld terminal (MDT) positions, and radio status, from each shift's deployments.

A vehicle reports every 30 s while moving and every 10 minutes while stationary; a handheld terminal every
10 minutes. Stops injected by scenarios (an officer parking near a victim's home when not deployed there,
APSP case studies 2 and 10) travel the same road as real deployments, so they look alike in the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upstander.simulate.geography import KM_PER_DEG_LAT, KM_PER_DEG_LON, area_centre, distance_km
from upstander.simulate.incidents import Visit
from upstander.simulate.on_duty import OnDuty
from upstander.simulate.rows import DayRows
from upstander.simulate.world import World

MOVING_EVERY = 30
STILL_EVERY = 600
MDT_EVERY = 600
SPEED_KPH = 45.0


@dataclass
class Stop:
    lat: float
    lon: float
    arrive: int
    leave: int
    incident_id: str | None = None
    radio_silent: bool = False  # the crew sends no status while here (red flag 6)


def _drive(lat0: float, lon0: float, lat1: float, lon1: float, t0: int, rng: np.random.Generator) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    km = float(distance_km(lat0, lon0, lat1, lon1))
    secs = max(60, int(km / SPEED_KPH * 3600))
    t = np.arange(t0, t0 + secs, MOVING_EVERY)
    f = (t - t0) / secs
    lat = lat0 + (lat1 - lat0) * f + rng.normal(0, 0.0004, len(t))
    lon = lon0 + (lon1 - lon0) * f + rng.normal(0, 0.0006, len(t))
    speed = np.full(len(t), km / secs * 3600) * rng.uniform(0.7, 1.3, len(t))
    return t, lat, lon, speed, t0 + secs


def _still(lat: float, lon: float, t0: int, t1: int, rng: np.random.Generator, every: int = STILL_EVERY) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    t = np.arange(t0, max(t0 + 1, t1), every)
    return (t, lat + rng.normal(0, 0.00008, len(t)), lon + rng.normal(0, 0.00012, len(t)), np.zeros(len(t)))


def vehicle_track(rng: np.random.Generator, base: tuple[float, float], area: str, start: int, end: int,
                  stops: list[Stop]) -> tuple[np.ndarray, ...]:
    """Positions for one vehicle over one shift: out from the station, to each stop in turn, patrolling
    between jobs, and back."""
    stops = sorted(stops, key=lambda s: s.arrive)
    # Patrol the area in long gaps between jobs, as response crews do.
    filled: list[Stop] = []
    cursor = start
    for stop in [*stops, Stop(base[0], base[1], end, end)]:
        if stop.arrive - cursor > 120 * 60:
            c_lat, c_lon = area_centre(area)
            p_lat = c_lat + rng.normal(0, 2.0 / KM_PER_DEG_LAT)
            p_lon = c_lon + rng.normal(0, 2.0 / KM_PER_DEG_LON)
            mid = cursor + (stop.arrive - cursor) // 3
            filled.append(Stop(float(p_lat), float(p_lon), mid, mid + int(rng.integers(15, 40)) * 60))
        filled.append(stop)
        cursor = max(cursor, stop.leave)
    parts: list[tuple[np.ndarray, ...]] = []
    lat, lon, t = base[0], base[1], start
    for stop in filled:
        if stop.leave <= t or t >= end:
            continue
        depart = max(t, stop.arrive - int(distance_km(lat, lon, stop.lat, stop.lon) / SPEED_KPH * 3600))
        if depart > t:
            parts.append(_still(lat, lon, t, depart, rng))
        tt, la, lo, sp, arrive = _drive(lat, lon, stop.lat, stop.lon, depart, rng)
        parts.append((tt, la, lo, sp))
        lat, lon = stop.lat, stop.lon
        leave = min(max(stop.leave, arrive + 60), end)
        parts.append(_still(lat, lon, arrive, leave, rng))
        t = leave
    cat = [np.concatenate([p[i] for p in parts]) for i in range(4)]
    keep = (cat[0] >= start) & (cat[0] < end)
    return tuple(c[keep] for c in cat)


def foot_track(rng: np.random.Generator, area: str, start: int, end: int, stops: list[Stop]) -> tuple[np.ndarray, ...]:
    """A handheld terminal on a neighbourhood beat: a slow wander round the area, and the places visited."""
    t = np.arange(start, end, MDT_EVERY)
    c_lat, c_lon = area_centre(area)
    walk = np.cumsum(rng.normal(0, 0.25, (len(t), 2)), axis=0)  # km
    lat = c_lat + np.clip(walk[:, 0], -3, 3) / KM_PER_DEG_LAT
    lon = c_lon + np.clip(walk[:, 1], -3, 3) / KM_PER_DEG_LON
    for stop in stops:
        at = (t >= stop.arrive) & (t < stop.leave)
        lat[at] = stop.lat + rng.normal(0, 0.00008, at.sum())
        lon[at] = stop.lon + rng.normal(0, 0.00012, at.sum())
    return t, lat, lon, np.zeros(len(t))


class Movement:
    def __init__(self, world: World) -> None:
        self.world = world
        self.extra: dict[tuple[str, int], list[Stop]] = {}  # (vehicle or staff key, day) -> scenario stops

    def add_stop(self, key: str, day_index: int, stop: Stop) -> None:
        self.extra.setdefault((key, day_index), []).append(stop)

    def run(self, rows: DayRows, day_index: int, visits: list[Visit]) -> None:
        """Tracks and radio for the duties that started on `day_index`, whose visits are all known now."""
        world, wf = self.world, self.world.wf
        rng = world.rng(day_index, 5)
        duties = world.duties(day_index)
        pool = OnDuty.spanning(wf, duties)
        by_vehicle: dict[str, list[Visit]] = {}
        by_staff: dict[int, list[Visit]] = {}
        for v in visits:
            if v.vehicle is not None:
                by_vehicle.setdefault(v.vehicle, []).append(v)
            for s in v.staff:
                by_staff.setdefault(s, []).append(v)
        crews: dict[str, list[int]] = {}
        for s, v in zip(pool.staff, pool.vehicle, strict=True):
            if v is not None:
                crews.setdefault(v, []).append(int(s))
        done: set[str] = set()
        pos: list[tuple[str, str, np.ndarray, ...]] = []
        silent: dict[int, list[Stop]] = {}
        for i, staff in enumerate(duties.staff):
            start, end = int(duties.start[i]), int(duties.end[i])
            vehicle = duties.vehicle[i]
            staff = int(staff)
            if vehicle is not None and vehicle not in done:
                done.add(vehicle)
                stops = [Stop(v.lat, v.lon, v.arrived, v.left, v.incident_id) for v in by_vehicle.get(vehicle, [])
                         if start <= v.dispatched < end]
                stops += self.extra.pop((vehicle, day_index), [])
                crew = crews[vehicle]
                for s in stops:
                    if s.radio_silent:
                        for c in crew:
                            silent.setdefault(int(c), []).append(s)
                base = world.geo.station_latlon(int(wf.station[staff]))
                track = vehicle_track(rng, base, duties.area[i], start, end, stops)
                pos.append(("avl", vehicle, *track))
            elif wf.mdt[staff] is not None and duties.duty_type[i] == "neighbourhood":
                stops = [Stop(v.lat, v.lon, v.arrived, v.left) for v in by_staff.get(staff, [])
                         if v.vehicle is None and start <= v.dispatched < end]
                extra = self.extra.pop((wf.mdt[staff], day_index), [])
                for s in extra:
                    if s.radio_silent:
                        silent.setdefault(staff, []).append(s)
                pos.append(("mdt", wf.mdt[staff], *foot_track(rng, duties.area[i], start, end, stops + extra)))
            if duties.duty_type[i] in {"patrol", "neighbourhood"}:
                self._radio(rows, rng, staff, start, end, by_staff.get(staff, []), silent.get(staff, []))
        if pos:
            self._positions(rows, pos)

    def _positions(self, rows: DayRows, parts: list[tuple]) -> None:
        """Each part is one device's track in time order; where two segments meet, keep the first fix."""
        keep = []
        for p in parts:
            t = p[2]
            first = np.ones(len(t), dtype=bool)
            first[1:] = t[1:] > np.maximum.accumulate(t)[:-1]
            keep.append(first)
        sizes = [int(k.sum()) for k in keep]
        rows["positions"].extend(
            source=np.repeat([p[0] for p in parts], sizes).tolist(),
            device_id=np.repeat([p[1] for p in parts], sizes).tolist(),
            recorded_at=np.concatenate([p[2][k] for p, k in zip(parts, keep, strict=True)]),
            lat=np.round(np.concatenate([p[3][k] for p, k in zip(parts, keep, strict=True)]), 6),
            lon=np.round(np.concatenate([p[4][k] for p, k in zip(parts, keep, strict=True)]), 6),
            speed_kph=np.round(np.concatenate([p[5][k] for p, k in zip(parts, keep, strict=True)]), 1),
        )

    def _radio(self, rows: DayRows, rng: np.random.Generator, staff: int, start: int, end: int, visits: list[Visit],
               silent: list[Stop]) -> None:
        events: list[tuple[int, str, str | None]] = [(start + int(rng.integers(60, 600)), "on_duty", None)]
        for v in visits:
            if start <= v.dispatched < end:
                events += [(v.dispatched + 20, "en_route", v.incident_id), (v.arrived, "at_scene", v.incident_id),
                           (v.left, "available", None)]
        meal = start + (end - start) // 2 + int(rng.integers(-3600, 3600))
        events += [(meal, "refreshment", None), (meal + 45 * 60, "available", None),
                   (end - int(rng.integers(60, 900)), "off_duty", None)]
        events = [e for e in events if not any(s.arrive - 600 <= e[0] < s.leave + 600 for s in silent)]
        events.sort()
        last = -1
        sid = self.world.wf.staff_id[staff]
        for t, status, incident in events:
            t = max(t, last + 1)  # one status per second per radio
            last = t
            rows["radio"].add(staff_id=sid, occurred_at=t, status=status, incident_id=incident)
