"""Honest evaluation of detection against a simulator's ground truth.

The truth file is only ever read here, by an explicit command; detectors never see it. A ground-truth row
(scenario, red flag) counts as found by an alert for the same member of staff covering that red flag when
the alert was raised from a day before the scenario's first observable signal onwards (a signal that arrives
in a late delivery is still found, late), or when it was raised earlier about one of the scenario's people
and its evidence runs on into the scenario (an alert on the first kisses that goes on to hold the secrecy
messages found the drift early). The delay is from that first signal to the first such alert, never below 0.
"""

from __future__ import annotations

import csv
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from upstander.detect.alerts import AlertStore
from upstander.detect.engine import data_span
from upstander.lake import Lake

# The goals of detection that generalises (issue 13): on fresh seeds, at least two force sizes.
GOALS = {"recall": 0.97, "median_delay_days": 7, "max_delay_days": 30, "alerts_per_1000_staff_week": 2.0,
         "lookalikes_alerted": 0, "top20_share_of_ceiling": 0.8, "explained_lookups": 0.99}
AT_MOST = {"median_delay_days", "max_delay_days", "alerts_per_1000_staff_week", "lookalikes_alerted"}
LOOKALIKE_COLUMNS = {"kind", "staff_id", "person_ids", "note"}
TRUTH_COLUMNS = {"scenario_id", "red_flag", "staff_id", "person_ids", "start", "end", "seed_case"}


@dataclass(frozen=True)
class TruthRow:
    scenario_id: str
    red_flag: int
    staff_id: str
    person_ids: tuple[str, ...]
    start: datetime
    end: datetime


def read_truth(path: Path) -> list[TruthRow]:
    with path.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = TRUTH_COLUMNS - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: not a ground-truth file, it lacks {', '.join(sorted(missing))}")
        rows = []
        for n, r in enumerate(reader, start=2):
            try:
                rows.append(TruthRow(r["scenario_id"], int(r["red_flag"]), r["staff_id"],
                                     tuple(p for p in r["person_ids"].split(";") if p),
                                     datetime.fromisoformat(r["start"]), datetime.fromisoformat(r["end"])))
            except ValueError as exc:
                raise ValueError(f"{path} line {n}: {exc}") from None
    return rows


@dataclass(frozen=True)
class Lookalike:
    kind: str
    staff_id: str  # empty when the look-alike is about a person, whoever deals with them
    person_ids: tuple[str, ...]
    note: str


def read_lookalikes(path: Path) -> list[Lookalike]:
    """The benign look-alikes the simulator wrote beside the ground truth (lookalikes.csv); none when absent."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = LOOKALIKE_COLUMNS - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: not a look-alikes file, it lacks {', '.join(sorted(missing))}")
        return [Lookalike(r["kind"], r["staff_id"], tuple(p for p in r["person_ids"].split(";") if p), r["note"])
                for r in reader]


def lookalikes_alerted(lookalikes: list[Lookalike], alerts: list[dict[str, Any]],
                       perpetrators: set[str]) -> list[dict[str, str]]:
    """The look-alikes an alert fell for: an alert about the look-alike's member of staff that names one of its
    people (or any alert about them, when it names nobody), or, for a look-alike about people only, an alert about
    someone outside the ground truth that names one of them."""
    hit = []
    for la in lookalikes:
        people = set(la.person_ids)
        for a in alerts:
            named = set(a["person_ids"] or ())
            if la.staff_id:
                fell = a["subject_staff_id"] == la.staff_id and (not people or bool(people & named))
            else:
                fell = a["subject_staff_id"] not in perpetrators and bool(people & named)
            if fell:
                hit.append({"kind": la.kind, "staff_id": la.staff_id, "person_ids": ";".join(la.person_ids),
                            "alert_id": a["alert_id"], "detector_id": a["detector_id"]})
                break
    return hit


def _alerts(home: Path) -> list[dict[str, Any]]:
    with AlertStore(home).reading() as con:
        cur = con.execute("""SELECT alert_id, detector_id, red_flags, subject_staff_id, person_ids,
                                    epoch(alerted_at) AS alerted_at, epoch(window_end) AS window_end
                             FROM alerts WHERE kind = 'alert'""")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def first_hit_delay(t: TruthRow, alerts: list[dict[str, Any]]) -> float | None:
    """Days from the scenario's first signal to the first alert that found it, or None when none did."""
    lo = (t.start - timedelta(days=1)).timestamp()
    people = set(t.person_ids)
    hits = [a["alerted_at"] for a in alerts
            if a["subject_staff_id"] == t.staff_id and t.red_flag in a["red_flags"]
            and (a["alerted_at"] >= lo
                 or (people & set(a["person_ids"] or ()) and a["window_end"] is not None and a["window_end"] >= lo))]
    return max(0.0, (min(hits) - t.start.timestamp()) / 86400) if hits else None


def explained_share(home: Path, exclude_staff: set[str]) -> float | None:
    """Share of look-ups by staff outside the ground truth that the data explains (recorded by detect)."""
    with AlertStore(home).reading() as con:
        con.register("_excluded", pa.table({"staff_id": pa.array(sorted(exclude_staff), pa.string())}))
        [(share,)] = con.execute("""SELECT sum(explained) / nullif(sum(lookups), 0) FROM lookup_stats
                                    WHERE staff_id NOT IN (SELECT staff_id FROM _excluded)""").fetchall()
    return None if share is None else float(share)


def evaluate(home: Path, truth_path: Path) -> dict[str, Any]:
    truth = read_truth(truth_path)
    alerts = _alerts(home)
    con = Lake(home).connect()
    n_staff = con.execute("SELECT count(*) FROM staff").fetchall()[0][0]
    span = data_span(con)
    days = (span[1] - span[0]).days + 1 if span else 0
    perpetrators = {t.staff_id for t in truth}

    found: dict[int, list[bool]] = defaultdict(list)
    delays: dict[int, list[float]] = defaultdict(list)
    missed = []
    for t in truth:
        delay = first_hit_delay(t, alerts)
        found[t.red_flag].append(delay is not None)
        if delay is not None:
            delays[t.red_flag].append(delay)
        else:
            missed.append({"scenario_id": t.scenario_id, "red_flag": t.red_flag, "staff_id": t.staff_id})

    per_flag = {}
    for flag in sorted(found):
        d = delays[flag]
        per_flag[str(flag)] = {
            "scenarios": len(found[flag]),
            "recall": round(sum(found[flag]) / len(found[flag]), 3),
            "median_delay_days": round(statistics.median(d), 1) if d else None,
        }
    all_found = [f for v in found.values() for f in v]
    all_delays = [x for v in delays.values() for x in v]
    fell_for = lookalikes_alerted(read_lookalikes(truth_path.with_name("lookalikes.csv")), alerts, perpetrators)
    true_alerts = [a for a in alerts if a["subject_staff_id"] in perpetrators]
    by_detector: dict[str, list[bool]] = defaultdict(list)
    for a in alerts:
        by_detector[a["detector_id"]].append(a["subject_staff_id"] in perpetrators)
    weeks = days / 7 if days else 0
    result: dict[str, Any] = {
        "staff": n_staff,
        "days": days,
        "scenarios": len({t.scenario_id for t in truth}),
        "recall": round(sum(all_found) / len(all_found), 3) if all_found else None,
        "median_delay_days": round(statistics.median(all_delays), 1) if all_delays else None,
        "max_delay_days": round(max(all_delays), 1) if all_delays else None,
        "later_than_30_days": sum(d > 30 for d in all_delays),
        "alerts": len(alerts),
        "alerts_per_1000_staff_week": round(len(alerts) / (n_staff / 1000) / weeks, 2) if weeks and n_staff else None,
        "precision": round(len(true_alerts) / len(alerts), 3) if alerts else None,
        "per_flag": per_flag,
        "per_detector_precision": {k: round(sum(v) / len(v), 3) for k, v in sorted(by_detector.items())},
        "explained_lookups": _round(explained_share(home, perpetrators), 4),
        "missed": missed,
        "lookalikes_alerted": len(fell_for),
        "lookalikes_fell_for": fell_for,
    }
    result.update(_top_precision(home, perpetrators))
    # Of the perpetrators a perfect top 20 would hold (all of them, or 20), the share that are there.
    hits, most = result.get("perpetrators_in_top20"), min(20, len(perpetrators))
    result["top20_share_of_ceiling"] = round(hits / most, 3) if hits is not None and most else None
    result["goals"] = GOALS
    result["met"] = {k: _meets(k, result.get(k)) for k in GOALS}
    result["evaluated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return result


def _top_precision(home: Path, perpetrators: set[str]) -> dict[str, float | int | None]:
    try:
        from upstander.risk.matrix import risk_matrix
    except ImportError:  # the risk layer is optional for evaluating detectors alone
        return {"precision_top20": None, "precision_top50": None}
    ranked = [row.staff_id for row in risk_matrix(home)]
    out: dict[str, float | int | None] = {}
    out["perpetrators"] = len(perpetrators)
    for k in (20, 50):
        top = ranked[:k]
        out[f"precision_top{k}"] = round(sum(s in perpetrators for s in top) / len(top), 3) if top else None
        # With fewer perpetrators than k even a perfect ranking scores below 1: say what the ceiling is.
        out[f"precision_top{k}_ceiling"] = round(min(k, len(perpetrators)) / k, 3)
        out[f"perpetrators_in_top{k}"] = sum(s in perpetrators for s in top)
    return out


def _round(x: float | None, digits: int) -> float | None:
    return None if x is None else round(x, digits)


def _meets(key: str, value: Any) -> bool | None:
    if value is None:
        return None
    if key in AT_MOST:
        return value <= GOALS[key]
    return value >= GOALS[key]
