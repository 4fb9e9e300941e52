"""Years of complaints history for a synthetic force: what the learned ranking is developed, tested and
benchmarked on before any real force's data.

Each officer has an exposure (how much of the public they meet: role, and a busy or quiet team) and a hidden
propensity for misconduct that drifts from year to year; a few become "problem officers" from a date on, their
propensity several times higher. Complaints arrive each month from two sources: friction with the public, in
proportion to exposure alone and rarely sustained, and misconduct, in proportion to exposure and propensity,
more often sustained and more often of sexual conduct, abuse of position, behaviour or force. Findings take a
log-normal time to be decided (median about nine months, a long tail past two years). Internal complaints are
rarer and more often sustained.

The ranking never sees propensity, the problem officers or the generating rates: it sees the complaints. The
ground truth (who is a problem officer, from when) is returned apart, for evaluation only. Sex, ethnicity and
birth year are drawn independently of everything else (for the fairness audit's plumbing, not its findings).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pyarrow as pa

ROLES = ("constable", "sergeant", "pcso", "investigator", "call_handler")
ROLE_P = (0.68, 0.12, 0.08, 0.08, 0.04)
EXPOSURE = {"constable": 1.0, "sergeant": 0.6, "pcso": 0.8, "investigator": 0.45, "call_handler": 0.15}
FRICTION = ("delivery_of_duties", "police_powers", "use_of_force", "individual_behaviour", "handling_of_property")
FRICTION_P = (0.4, 0.25, 0.12, 0.18, 0.05)
MISCONDUCT = ("individual_behaviour", "use_of_force", "sexual_conduct", "abuse_of_position",
              "discriminatory_behaviour", "corruption", "access_or_disclosure_of_information")
MISCONDUCT_P = (0.3, 0.2, 0.12, 0.1, 0.1, 0.08, 0.1)
NOT_SUSTAINED = ("no_further_action", "service_acceptable", "withdrawn")
ETHNICITIES = ("white", "black", "asian", "mixed", "other")


@dataclass
class History:
    staff: pa.Table
    complaints: pa.Table
    truth: pa.Table  # staff_id, problem_from (date): the problem officers, for evaluation only
    as_of: date


def complaint_history(n_staff: int, years: int, seed: int, end: date = date(2025, 1, 1)) -> History:
    rng = np.random.default_rng([seed, 12])
    start = date(end.year - years, end.month, 1)
    months = years * 12
    ids = np.array([f"S{i + 1:06d}" for i in range(n_staff)], dtype=object)
    role = rng.choice(ROLES, n_staff, p=ROLE_P)
    n_teams = max(1, n_staff // 20)
    team = rng.integers(0, n_teams, n_staff)
    team_busy = rng.lognormal(0, 0.35, n_teams)
    exposure = np.array([EXPOSURE[r] for r in role]) * team_busy[team]
    # Service: most were serving before the history starts; some join during it, a few in each year leave.
    joined = np.array([start - timedelta(days=int(d)) for d in rng.integers(-365 * years, 365 * 22, n_staff)])
    join_month = np.array([_months_between(start, d) for d in joined])
    leave_month = np.where(rng.random(n_staff) < 0.03 * years, rng.integers(0, months, n_staff), months + 999)
    leave_month = np.maximum(leave_month, join_month + 6)
    # Propensity: heavy-tailed, drifting yearly (recent behaviour says more than old), a few problem officers.
    base = rng.gamma(0.5, 1.0, n_staff)
    drift = np.exp(np.cumsum(rng.normal(0, 0.35, (n_staff, years)), axis=1))
    problem = rng.random(n_staff) < 0.02
    problem_from = np.where(problem, rng.integers(0, months, n_staff), months + 999)
    month_idx = np.arange(months)
    year_idx = np.minimum(month_idx // 12, years - 1)
    propensity = base[:, None] * drift[:, year_idx] * np.where(month_idx[None, :] >= problem_from[:, None], 6.0, 1.0)
    serving = (month_idx[None, :] >= join_month[:, None]) & (month_idx[None, :] < leave_month[:, None])
    friction_rate = 0.03 * exposure[:, None] * serving
    misconduct_rate = 0.02 * exposure[:, None] * propensity * serving
    n_friction = rng.poisson(friction_rate)
    n_misconduct = rng.poisson(misconduct_rate)
    complaints = _complaints(rng, ids, start, end, n_friction, n_misconduct)
    staff = pa.table({
        "staff_id": pa.array(ids.tolist()), "surname": pa.array([f"Officer{i}" for i in range(n_staff)]),
        "role": pa.array(role.tolist()), "team_id": pa.array([f"T{t:04d}" for t in team]),
        "start_date": pa.array(joined.tolist(), pa.date32()),
        "leaving_date": pa.array([_add_months(start, int(m)) if m < months else None for m in leave_month],
                                 pa.date32()),
        "vetting_level": pa.array(["MV"] * n_staff),
        "sex": pa.array(rng.choice(("female", "male"), n_staff, p=(0.35, 0.65)).tolist()),
        "ethnicity": pa.array(rng.choice(ETHNICITIES, n_staff, p=(0.8, 0.06, 0.08, 0.04, 0.02)).tolist()),
        "birth_year": pa.array([d.year - int(a) for d, a in zip(joined, rng.integers(18, 40, n_staff), strict=True)],
                               pa.int64()),
    })
    truth = pa.table({"staff_id": pa.array(ids[problem].tolist()),
                      "problem_from": pa.array([_add_months(start, int(m)) for m in problem_from[problem]],
                                               pa.date32())})
    return History(staff, complaints, truth, end)


def _complaints(rng: np.random.Generator, ids: np.ndarray, start: date, end: date, n_friction: np.ndarray,
                n_misconduct: np.ndarray) -> pa.Table:
    staff_f, month_f = np.nonzero(n_friction)
    staff_m, month_m = np.nonzero(n_misconduct)
    staff = np.concatenate([np.repeat(staff_f, n_friction[staff_f, month_f]),
                            np.repeat(staff_m, n_misconduct[staff_m, month_m])])
    month = np.concatenate([np.repeat(month_f, n_friction[staff_f, month_f]),
                            np.repeat(month_m, n_misconduct[staff_m, month_m])])
    misconduct = np.concatenate([np.zeros(int(n_friction.sum()), bool), np.ones(int(n_misconduct.sum()), bool)])
    n = len(staff)
    start_ts = datetime(start.year, start.month, 1, tzinfo=UTC).timestamp()
    received = start_ts + (month * 30.44 + rng.uniform(0, 30.44, n)) * 86400
    allegation = np.where(misconduct, rng.choice(MISCONDUCT, n, p=MISCONDUCT_P), rng.choice(FRICTION, n, p=FRICTION_P))
    internal = rng.random(n) < np.where(misconduct, 0.2, 0.04)
    p_sustained = np.where(misconduct, np.where(internal, 0.55, 0.3), np.where(internal, 0.15, 0.03))
    sustained = rng.random(n) < p_sustained
    decided_after = rng.lognormal(np.log(270), 0.8, n) * 86400
    closed = received + decided_after
    end_ts = datetime(end.year, end.month, end.day, tzinfo=UTC).timestamp()
    ok = received < end_ts
    open_now = closed >= end_ts
    outcome = np.where(open_now, "pending", np.where(sustained, "upheld", rng.choice(NOT_SUSTAINED, n)))
    # Complainants: mostly one-off; some complain about the same officer again.
    complainant = rng.integers(0, max(1000, n * 2), n)
    again = rng.random(n) < 0.08
    order = np.argsort(received)
    last_by_staff: dict[int, int] = {}
    for i in order:
        s = int(staff[i])
        if again[i] and s in last_by_staff:
            complainant[i] = last_by_staff[s]
        last_by_staff[s] = int(complainant[i])
    # The force's own category, finer than the contract's allegation and written as a force records it (drawn
    # last, so everything above is drawn as before).
    detail = rng.integers(0, 2, n)
    category = np.array([f"{a.replace('_', ' ').capitalize()}: {('first', 'second')[d]} kind"
                         for a, d in zip(allegation, detail, strict=True)], dtype=object)
    keep = np.flatnonzero(ok)
    keep = keep[np.argsort(received[keep], kind="stable")]
    return pa.table({
        "complaint_id": pa.array([f"CO{i + 1:08d}" for i in range(len(keep))]),
        "received": pa.array((received[keep] * 1e6).astype("int64"), pa.timestamp("us", tz="UTC")),
        "subject_staff_id": pa.array(ids[staff[keep]].tolist()),
        "allegation": pa.array(allegation[keep].tolist()),
        "complainant_person_id": pa.array([f"P{c:08d}" for c in complainant[keep]]),
        "outcome": pa.array(outcome[keep].tolist()),
        "closed": pa.array([None if o else int(c * 1e6) for o, c in zip(open_now[keep], closed[keep], strict=True)],
                           pa.timestamp("us", tz="UTC")),
        "category": pa.array(category[keep].tolist()),
        "origin": pa.array(np.where(internal[keep], "internal", "public").tolist()),
    })


def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + (b.month - a.month)


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, 1)
