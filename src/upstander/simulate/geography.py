"""The synthetic force area: towns, policing areas on a grid, stations, custody suites and addresses.

The area is a fictional county-sized box in southern England. People and staff live at addresses
clustered around towns, as real populations are, so that officers sometimes live near victims
(a benign look-alike the detectors must tolerate).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LAT0, LON0, LAT1, LON1 = 51.20, -2.20, 51.70, -1.50
GRID_ROWS, GRID_COLS = 4, 4
KM_PER_DEG_LAT = 111.2
KM_PER_DEG_LON = 69.5  # at about 51.5 degrees north

TOWN_NAMES = (
    "Northgate", "Eastbridge", "Kingsford", "Ashcombe", "Millbrook", "Hartwell", "Stonebury", "Westmere",
    "Calderton", "Fenwick", "Larkhill Vale", "Oakhurst",
)


def area_code(row: int, col: int) -> str:
    return f"{'ABCD'[row]}{col + 1}"


AREAS = tuple(area_code(r, c) for r in range(GRID_ROWS) for c in range(GRID_COLS))


@dataclass
class Geography:
    town_lat: np.ndarray
    town_lon: np.ndarray
    town_names: list[str]
    station_town: np.ndarray  # index into towns for each station
    suites: list[str]  # custody suite names, each at a station
    suite_station: np.ndarray
    addr_uprn: np.ndarray  # int64
    addr_lat: np.ndarray
    addr_lon: np.ndarray

    @property
    def stations(self) -> list[str]:
        return [self.town_names[t] for t in self.station_town]

    def station_latlon(self, station: int) -> tuple[float, float]:
        t = self.station_town[station]
        return float(self.town_lat[t]), float(self.town_lon[t])


def area_of(lat: float, lon: float) -> str:
    """`areas_of` for one point, without numpy's per-call overhead (called once per incident)."""
    row = min(max(int((lat - LAT0) / (LAT1 - LAT0) * GRID_ROWS), 0), GRID_ROWS - 1)
    col = min(max(int((lon - LON0) / (LON1 - LON0) * GRID_COLS), 0), GRID_COLS - 1)
    return AREAS[row * GRID_COLS + col]


def area_centre(code: str) -> tuple[float, float]:
    row, col = "ABCD".index(code[0]), int(code[1]) - 1
    return (
        LAT0 + (row + 0.5) * (LAT1 - LAT0) / GRID_ROWS,
        LON0 + (col + 0.5) * (LON1 - LON0) / GRID_COLS,
    )


def distance_km(lat1: np.ndarray | float, lon1: np.ndarray | float, lat2: np.ndarray | float,
                lon2: np.ndarray | float) -> np.ndarray:
    """Equirectangular distance: accurate to well under 1% across a county."""
    return np.hypot((np.asarray(lat1) - lat2) * KM_PER_DEG_LAT, (np.asarray(lon1) - lon2) * KM_PER_DEG_LON)


def build_geography(rng: np.random.Generator, n_staff: int, n_addresses: int) -> Geography:
    n_towns = len(TOWN_NAMES)
    town_lat = rng.uniform(LAT0 + 0.04, LAT1 - 0.04, n_towns)
    town_lon = rng.uniform(LON0 + 0.06, LON1 - 0.06, n_towns)
    # Town sizes follow a rough Zipf law: one large town, several market towns.
    town_weight = 1.0 / np.arange(1, n_towns + 1)
    town_weight /= town_weight.sum()
    n_stations = int(np.clip(n_staff // 300, 2, n_towns))
    station_town = np.arange(n_stations)
    n_suites = int(np.clip(n_staff // 1500, 1, n_stations))
    suites = [f"CS-{TOWN_NAMES[t].upper().replace(' ', '')}" for t in range(n_suites)]

    # 85% of addresses in towns (spread a few km), 15% scattered across rural areas.
    in_town = rng.random(n_addresses) < 0.85
    town = rng.choice(n_towns, n_addresses, p=town_weight)
    lat = np.where(in_town, town_lat[town], rng.uniform(LAT0, LAT1, n_addresses))
    lon = np.where(in_town, town_lon[town], rng.uniform(LON0, LON1, n_addresses))
    spread = np.where(in_town, 1.6, 0.3)
    lat = lat + rng.normal(0, 1, n_addresses) * spread / KM_PER_DEG_LAT
    lon = lon + rng.normal(0, 1, n_addresses) * spread / KM_PER_DEG_LON
    lat, lon = np.clip(lat, LAT0, LAT1), np.clip(lon, LON0, LON1)
    uprn = 100_000_000_000 + rng.choice(900_000_000, n_addresses, replace=False).astype(np.int64)
    return Geography(
        town_lat, town_lon, list(TOWN_NAMES), station_town, suites, np.arange(n_suites), uprn, lat, lon
    )
