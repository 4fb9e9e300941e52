"""The features of a snapshot: what was known about one member of staff on one cut-off date, as numbers, each
with the words that explain it to an analyst.

Everything is counted strictly before the cut-off: complaints by when they were received, findings by when they
became known (source.py), alerts by when they were raised. Nothing here reads sex, ethnicity, age or any other
protected characteristic (source.STAFF_COLUMNS; a test fails if one gets in).
"""

from __future__ import annotations

from dataclasses import dataclass

from upstander.feeds.contract import ALLEGATIONS
from upstander.rank.source import CONFIDENTIAL_REPORT, INTELLIGENCE_CATEGORIES, PROVEN_OUTCOMES

SEXUAL = ("sexual_conduct", "abuse_of_position")
WINDOWS = (3, 6, 12, 24, 60)
RED_FLAGS = tuple(range(1, 13))  # 13 is the amplifiers: context, read as their score below
# How each intelligence category reads in a reason ("3 intelligence reports of ... in the last 5 years").
INTELLIGENCE_WORDS = {
    "infiltration": "infiltration", "disclosure": "disclosure of information",
    "perverting_justice": "perverting the course of justice", "sexual_misconduct": "sexual misconduct",
    "drugs": "controlled drug use or supply", "theft_fraud": "theft or fraud",
    "misusing_systems": "misusing force systems",
    "abuse_of_authority": "abuse of authority", "inappropriate_association": "inappropriate association",
    "vulnerability": "vulnerability", "assisting_offender": "assisting an offender", "other": "other concerns",
}


@dataclass(frozen=True)
class Feature:
    name: str
    words: str  # "{v}" is the person's value, "{peer}" the mean of peers in the same role
    log: bool = True  # counts enter the model as log(1 + n): the tenth complaint adds less than the second
    peer: bool = True  # whether the words compare with peers in the same role


def _window(months: int) -> str:
    return f"{months // 12} years" if months % 12 == 0 and months > 12 else f"{months} months"


FEATURES: tuple[Feature, ...] = (
    *(Feature(f"complaints_{m}m", f"{{v}} complaints in the last {_window(m)}") for m in WINDOWS),
    Feature("public_complaints_12m", "{v} complaints from the public in the last 12 months"),
    Feature("public_complaints_60m", "{v} complaints from the public in the last 5 years"),
    Feature("internal_complaints_12m", "{v} internal complaints (raised within the force) in the last 12 months"),
    Feature("internal_complaints_60m", "{v} internal complaints (raised within the force) in the last 5 years"),
    *(Feature(f"allegation_{a}_60m", f"{{v}} complaints of {a.replace('_', ' ')} in the last 5 years")
      for a in ALLEGATIONS),
    Feature("sexual_complaints_12m", "{v} complaints of sexual conduct or abuse of position in the last 12 months"),
    Feature("sustained_known_60m", "{v} complaints in the last 5 years found sustained (finding known by then)"),
    Feature("not_sustained_known_60m", "{v} complaints in the last 5 years decided and not sustained"),
    Feature("open_complaints", "{v} complaints still undecided"),
    Feature("repeat_complainant_60m", "{v} complaints in the last 5 years from someone who had complained about "
                                      "this person before"),
    Feature("complainants_12m", "{v} different complainants in the last 12 months"),
    Feature("months_since_last_complaint", "{v} months since the latest complaint", peer=False),
    Feature("years_of_service", "{v} years of service", peer=False),
    Feature("complaints_12m_vs_role", "complaints in the last 12 months at {v}x the mean of peers in the same role",
            log=False, peer=False),
    Feature("complaints_60m_vs_role", "complaints in the last 5 years at {v}x the mean of peers in the same role",
            log=False, peer=False),
    Feature("complaints_12m_vs_team", "complaints in the last 12 months at {v}x the mean of the same team",
            log=False, peer=False),
    *(Feature(f"alerts_red_flag_{f}_12m", f"{{v}} alerts for red flag {f} in the last 12 months") for f in RED_FLAGS),
    Feature("amplifier_score", "amplifiers (red flag 13) scoring {v}", peer=False),
    Feature("intelligence_12m", "{v} intelligence reports about them in the last 12 months"),
    Feature("intelligence_60m", "{v} intelligence reports about them in the last 5 years"),
    Feature("intelligence_reliable_60m", "{v} intelligence reports from a reliable source, known directly or "
                                         "corroborated (graded 1A or 1B), in the last 5 years"),
    *(Feature(f"intelligence_{c}_60m", f"{{v}} intelligence reports of {INTELLIGENCE_WORDS[c]} in the last 5 years")
      for c in INTELLIGENCE_CATEGORIES),
    Feature("confidential_reports_12m", "{v} confidential reports naming them in the last 12 months"),
    Feature("declarations_60m", "{v} declarations (interests, associations, gifts, circumstances) decided in the "
                                "last 5 years"),
    Feature("declarations_declined_60m", "{v} declarations declined in the last 5 years"),
    Feature("proven_cases_known_60m", "{v} misconduct cases proven against them in the last 5 years (outcome "
                                      "recorded by then)"),
)
BY_NAME = {f.name: f for f in FEATURES}
CATEGORY = "category: "  # a feature per frequent category of the force's own (the complaints' `category` text)
MAX_CATEGORIES = 40
MIN_CATEGORY_SHARE = 0.005  # a category needs 0.5% of the complaints to be a feature of its own


def is_feature(name: str) -> bool:
    return name in BY_NAME or (name.startswith(CATEGORY) and len(name) > len(CATEGORY))


def is_log(name: str) -> bool:
    return name.startswith(CATEGORY) or BY_NAME[name].log


def words(name: str) -> str:
    if name.startswith(CATEGORY):
        return f"{{v}} complaints in the force's category \"{name[len(CATEGORY):]}\" in the last 5 years"
    return BY_NAME[name].words
# Columns of a snapshot that are not model inputs: who and when, the baselines, and the outcomes.
KEYS = ("cutoff", "staff_id", "role", "team_id")
BASELINES = ("matrix_points",)
OUTCOMES = ("first_known_sustained", "first_known_public_sustained", "first_known_case_opened",
            "first_known_proven_case")


def _counts(prefix: str, cond: str) -> str:
    return f"count(*) FILTER (WHERE {cond}) AS {prefix}"


def snapshot_sql(half_life_days: float) -> str:
    """One row per member of staff in the population of each cut-off in `_cutoffs`: serving on the date and with a
    complaint received, or an alert raised, in the three years before it (the evaluation protocol's population)."""
    by_window = [_counts(f"complaints_{m}m", f"k.received >= c.cutoff - INTERVAL {m} MONTH") for m in WINDOWS]
    by_allegation = [_counts(f"allegation_{a}_60m", f"k.allegation = '{a}'") for a in ALLEGATIONS]
    by_flag = [_counts(f"alerts_red_flag_{f}_12m", f"a.kind = 'alert' AND list_contains(a.red_flags, {f}) "
                                                   "AND a.alerted_at >= c.cutoff - INTERVAL 12 MONTH")
               for f in RED_FLAGS]
    sexual = ", ".join(f"'{a}'" for a in SEXUAL)
    proven = ", ".join(f"'{o}'" for o in PROVEN_OUTCOMES)
    by_intel = [_counts(f"intelligence_{g}_60m", f"g.category = '{g}'") for g in INTELLIGENCE_CATEGORIES]
    return f"""
WITH cut AS (SELECT DISTINCT cutoff::TIMESTAMP AS cutoff FROM _cutoffs),
recent AS (
    SELECT DISTINCT c.cutoff, k.staff_id FROM cut c JOIN _rank_complaints k
        ON k.received < c.cutoff AND k.received >= c.cutoff - INTERVAL 36 MONTH
    UNION
    SELECT DISTINCT c.cutoff, a.staff_id FROM cut c JOIN _rank_alerts a
        ON a.kind = 'alert' AND a.alerted_at < c.cutoff AND a.alerted_at >= c.cutoff - INTERVAL 36 MONTH
    UNION
    SELECT DISTINCT c.cutoff, g.staff_id FROM cut c JOIN _rank_intelligence g
        ON g.recorded_at < c.cutoff AND g.recorded_at >= c.cutoff - INTERVAL 36 MONTH
),
pop AS (
    SELECT r.cutoff, s.staff_id, coalesce(s.role, 'unknown') AS role, coalesce(s.team_id, 'unknown') AS team_id,
           s.start_date
    FROM recent r JOIN _rank_staff s ON s.staff_id = r.staff_id
    WHERE (s.start_date IS NULL OR s.start_date < r.cutoff) AND (s.leaving_date IS NULL OR s.leaving_date >= r.cutoff)
),
k AS (
    SELECT *, complainant IS NOT NULL AND row_number() OVER (PARTITION BY staff_id, complainant ORDER BY received,
                                                              complaint_id) > 1 AS repeat
    FROM _rank_complaints
),
past AS (
    SELECT c.cutoff, k.staff_id, {', '.join(by_window)},
           {_counts('public_complaints_12m', "k.origin = 'public' AND k.received >= c.cutoff - INTERVAL 12 MONTH")},
           {_counts('public_complaints_60m', "k.origin = 'public'")},
           {_counts('internal_complaints_12m', "k.origin = 'internal' AND k.received >= c.cutoff - INTERVAL 12 MONTH")},
           {_counts('internal_complaints_60m', "k.origin = 'internal'")},
           {', '.join(by_allegation)},
           {_counts('sexual_complaints_12m',
                    f"k.allegation IN ({sexual}) AND k.received >= c.cutoff - INTERVAL 12 MONTH")},
           {_counts('sustained_known_60m', 'k.sustained AND k.known_at < c.cutoff')},
           {_counts('not_sustained_known_60m', 'NOT k.sustained AND k.known_at < c.cutoff')},
           {_counts('open_complaints', 'k.known_at IS NULL OR k.known_at >= c.cutoff')},
           {_counts('repeat_complainant_60m', 'k.repeat')},
           count(DISTINCT k.complainant) FILTER (WHERE k.received >= c.cutoff - INTERVAL 12 MONTH) AS complainants_12m,
           date_diff('month', max(k.received), c.cutoff) AS months_since_last_complaint,
           date_diff('day', max(k.received), c.cutoff) AS days_since_last_complaint
    FROM cut c JOIN k ON k.received < c.cutoff AND k.received >= c.cutoff - INTERVAL 60 MONTH
    GROUP BY c.cutoff, k.staff_id
),
alerts AS (
    SELECT c.cutoff, a.staff_id, {', '.join(by_flag)},
           coalesce(max(a.score) FILTER (WHERE a.kind = 'amplifier'), 0) AS amplifier_score,
           sum(a.weight * (1 + ln(1 + greatest(a.score, 0)))
               * pow(0.5, date_diff('day', a.alerted_at, c.cutoff) / {float(half_life_days)}))
               FILTER (WHERE a.kind = 'alert') AS alert_points
    FROM cut c JOIN _rank_alerts a ON a.alerted_at < c.cutoff AND a.alerted_at >= c.cutoff - INTERVAL 36 MONTH
    GROUP BY c.cutoff, a.staff_id
),
future AS (
    SELECT c.cutoff, k.staff_id,
           min(k.known_at) FILTER (WHERE k.sustained) AS first_known_sustained,
           min(k.known_at) FILTER (WHERE k.sustained AND k.origin = 'public') AS first_known_public_sustained
    FROM cut c JOIN _rank_complaints k ON k.received >= c.cutoff AND k.received < c.cutoff + INTERVAL 12 MONTH
    GROUP BY c.cutoff, k.staff_id
),
cases AS (
    SELECT c.cutoff, a.staff_id, min(d.decided_at) AS first_known_case_opened
    FROM cut c JOIN _rank_alerts a ON a.alerted_at >= c.cutoff AND a.alerted_at < c.cutoff + INTERVAL 12 MONTH
    JOIN _rank_dispositions d ON d.alert_id = a.alert_id AND d.outcome = 'open_case'
    GROUP BY c.cutoff, a.staff_id
),
intel AS (
    SELECT c.cutoff, g.staff_id,
           {_counts('intelligence_12m',
                    f"g.category <> '{CONFIDENTIAL_REPORT}' AND g.recorded_at >= c.cutoff - INTERVAL 12 MONTH")},
           {_counts('intelligence_60m', f"g.category <> '{CONFIDENTIAL_REPORT}'")},
           {_counts('intelligence_reliable_60m', "g.graded SIMILAR TO '1[AB].*'")},
           {', '.join(by_intel)},
           {_counts('confidential_reports_12m',
                    f"g.category = '{CONFIDENTIAL_REPORT}' AND g.recorded_at >= c.cutoff - INTERVAL 12 MONTH")}
    FROM cut c JOIN _rank_intelligence g ON g.recorded_at < c.cutoff AND g.recorded_at >= c.cutoff - INTERVAL 60 MONTH
    GROUP BY c.cutoff, g.staff_id
),
decl AS (
    SELECT c.cutoff, d.staff_id, count(*) AS declarations_60m,
           {_counts('declarations_declined_60m', "d.decision = 'declined'")}
    FROM cut c JOIN _rank_declarations d ON d.decided_at < c.cutoff AND d.decided_at >= c.cutoff - INTERVAL 60 MONTH
    GROUP BY c.cutoff, d.staff_id
),
proven_past AS (
    SELECT c.cutoff, o.staff_id, count(*) AS proven_cases_known_60m
    FROM cut c JOIN _rank_case_outcomes o ON o.outcome IN ({proven}) AND o.recorded_at < c.cutoff
                                         AND o.opened_at >= c.cutoff - INTERVAL 60 MONTH
    GROUP BY c.cutoff, o.staff_id
),
proven_future AS (
    -- A case opened in the twelve months after the cut-off and proven, known from when its outcome was recorded.
    SELECT c.cutoff, o.staff_id, min(o.recorded_at) AS first_known_proven_case
    FROM cut c JOIN _rank_case_outcomes o ON o.outcome IN ({proven}) AND o.opened_at >= c.cutoff
                                         AND o.opened_at < c.cutoff + INTERVAL 12 MONTH
    GROUP BY c.cutoff, o.staff_id
),
joined AS (
    SELECT p.cutoff, p.staff_id, p.role, p.team_id,
           {', '.join(f'coalesce(past.complaints_{m}m, 0) AS complaints_{m}m' for m in WINDOWS)},
           {', '.join(f'coalesce(past.{n}, 0) AS {n}' for n in _past_counts())},
           coalesce(past.months_since_last_complaint, 60) AS months_since_last_complaint,
           CASE WHEN p.start_date IS NULL THEN NULL ELSE date_diff('day', p.start_date, p.cutoff) / 365.25 END
               AS years_of_service,
           {', '.join(f'coalesce(alerts.alerts_red_flag_{f}_12m, 0) AS alerts_red_flag_{f}_12m' for f in RED_FLAGS)},
           coalesce(alerts.amplifier_score, 0) AS amplifier_score,
           {', '.join(f'coalesce(intel.{n}, 0) AS {n}' for n in _intel_counts())},
           coalesce(decl.declarations_60m, 0) AS declarations_60m,
           coalesce(decl.declarations_declined_60m, 0) AS declarations_declined_60m,
           coalesce(proven_past.proven_cases_known_60m, 0) AS proven_cases_known_60m,
           -- The points matrix as it would have stood at the cut-off on these data: listed only with an alert, the
           -- three-in-twelve one included (weight 1.5, decayed from its latest complaint), plus the complaints.
           CASE WHEN coalesce(past.complaints_12m, 0) >= 3 OR alerts.alert_points IS NOT NULL THEN
               coalesce(alerts.alert_points, 0)
               + CASE WHEN past.complaints_12m >= 3 THEN 1.5 * (1 + ln(1 + past.complaints_12m
                       + 1.5 * past.sexual_complaints_12m + 0.5 * past.complainants_12m))
                      * pow(0.5, past.days_since_last_complaint / {float(half_life_days)}) ELSE 0 END
               + coalesce(past.complaints_12m, 0) + 1.5 * coalesce(past.sexual_complaints_12m, 0)
           ELSE 0 END AS matrix_points,
           future.first_known_sustained, future.first_known_public_sustained, cases.first_known_case_opened,
           proven_future.first_known_proven_case
    FROM pop p
    LEFT JOIN past ON past.cutoff = p.cutoff AND past.staff_id = p.staff_id
    LEFT JOIN alerts ON alerts.cutoff = p.cutoff AND alerts.staff_id = p.staff_id
    LEFT JOIN future ON future.cutoff = p.cutoff AND future.staff_id = p.staff_id
    LEFT JOIN cases ON cases.cutoff = p.cutoff AND cases.staff_id = p.staff_id
    LEFT JOIN intel ON intel.cutoff = p.cutoff AND intel.staff_id = p.staff_id
    LEFT JOIN decl ON decl.cutoff = p.cutoff AND decl.staff_id = p.staff_id
    LEFT JOIN proven_past ON proven_past.cutoff = p.cutoff AND proven_past.staff_id = p.staff_id
    LEFT JOIN proven_future ON proven_future.cutoff = p.cutoff AND proven_future.staff_id = p.staff_id
)
SELECT *,
       ln((1 + complaints_12m) / (1 + avg(complaints_12m) OVER (PARTITION BY cutoff, role))) AS complaints_12m_vs_role,
       ln((1 + complaints_60m) / (1 + avg(complaints_60m) OVER (PARTITION BY cutoff, role))) AS complaints_60m_vs_role,
       ln((1 + complaints_12m) / (1 + avg(complaints_12m) OVER (PARTITION BY cutoff, team_id)))
           AS complaints_12m_vs_team
FROM joined ORDER BY cutoff, staff_id"""  # nosec B608  # built only from this module's constants


def _past_counts() -> list[str]:
    return ["public_complaints_12m", "public_complaints_60m", "internal_complaints_12m", "internal_complaints_60m",
            *(f"allegation_{a}_60m" for a in ALLEGATIONS), "sexual_complaints_12m", "sustained_known_60m",
            "not_sustained_known_60m", "open_complaints", "repeat_complainant_60m", "complainants_12m"]


def _intel_counts() -> list[str]:
    return ["intelligence_12m", "intelligence_60m", "intelligence_reliable_60m",
            *(f"intelligence_{c}_60m" for c in INTELLIGENCE_CATEGORIES), "confidential_reports_12m"]
