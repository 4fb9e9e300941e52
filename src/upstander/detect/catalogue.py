"""Detector files: readable SQL with a TOML metadata header in `--` comments at the top.

    -- id = "contact_after_purpose"
    -- title = "Contact with someone met through duty after the policing purpose ended"
    -- red_flags = [1]
    -- seed_case = "APSP case studies 1, 2, 8 and 10; corruption case study 8"
    -- category = "sexual_misconduct"
    -- weight = 3.0
    -- lookback_days = 120
    -- key = ["subject_staff_id", "person_ids"]
    -- alert = "One alert per officer and person met through duty"
    -- feeds = ["communications", "incidents", "incident_staff", "incident_people", "people"]
    -- [parameters.min_contacts]
    -- value = 3
    -- why = "one courtesy call after a case closes is normal; three is a pattern"
    SELECT ...

Parameters appear in the SQL as `:name` and are bound as SQL literals, so the same text runs on DuckDB and,
translated, on Spark. `:since` is the first day of data the query may read, `:first_day` and `:last_day` the
first and last day of data in the lake.

Any row the query returns is a finding, dated on the UTC day of its `alerted_at`. A finding dated day t may
depend only on data of days t - lookback_days to t + lookahead_days (lookahead, 0 unless declared, covers an
explanation recorded just after what it explains: a stay running past midnight, an involvement logged the day
after the first call). `feeds` lists the feeds the detector cannot mean anything without: a run skips it, saying
which of them the force has never delivered, and any other feed it reads counts as empty until delivered. `alert`
says what one alert is: the store makes one alert of all findings of a key, or,
with `episode_gap_days`, one per run of findings no more than that many days apart (see findings.py).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from upstander.feeds.contract import FEEDS_BY_NAME

# Columns every detector returns; `evidence` lists "feed:key" references to the rows that made it fire.
FINDING_COLUMNS = ("subject_staff_id", "person_ids", "window_start", "window_end", "alerted_at", "score",
                   "evidence", "summary")
CATEGORIES = ("sexual_misconduct", "theft", "unauthorised_disclosure", "drugs", "inappropriate_association",
              "organised_crime", "social_media", "business_interests", "misusing_force_systems", "vulnerability")
_PARAM = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)\b")


class DetectorError(ValueError):
    """A detector file is malformed; the message names the file."""


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Any
    why: str
    source: str  # "seed" when the number comes from a case study, "judgement" otherwise


@dataclass(frozen=True)
class Detector:
    id: str
    title: str
    red_flags: tuple[int, ...]
    seed_case: str
    category: str
    weight: float
    lookback_days: int
    key: tuple[str, ...]
    kind: str  # "alert" for triage, "amplifier" for red flag 13 (context for the risk matrix, not an alert)
    reading: str  # how to read the evidence
    parameters: tuple[Parameter, ...]
    sql: str
    path: str
    extra: dict[str, Any] = field(default_factory=dict)
    alert: str = ""  # what one alert is, in words
    episode_gap_days: int | None = None  # findings of a key further apart than this start a new alert
    lookahead_days: int = 0  # a finding of day t may read data up to day t + lookahead_days
    feeds: tuple[str, ...] = ()  # feeds it needs: skipped while any of them has never been delivered

    def missing_feeds(self, delivered: set[str]) -> list[str]:
        """The feeds it needs that the force has not delivered (empty when it can run)."""
        return [f for f in self.feeds if f not in delivered]

    def bound_sql(self, overrides: dict[str, Any] | None = None, since: date | None = None,
                  span: tuple[date, date] | None = None) -> str:
        """The query with parameters bound as literals; `:since` is the first day of data to read, `span` the
        lake's first and last day of data."""
        values = {p.name: p.value for p in self.parameters}
        values.update(overrides or {})
        return bind(self.sql, values, since, self.path, span)


ENGINE_VALUES = {"since", "first_day", "last_day"}  # bound by the engine, never declared as parameters


def bind(sql: str, values: dict[str, Any], since: date | None, where: str,
         span: tuple[date, date] | None = None) -> str:
    """Replace `:name` placeholders with SQL literals; `:since` is the first day of data to read, `:first_day` and
    `:last_day` the lake's first and last day of data (the whole calendar when not given)."""
    first, last = span or (date(1900, 1, 1), date(2999, 12, 31))
    values = {**values, "since": since or date(1900, 1, 1), "first_day": first, "last_day": last}

    def literal(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise DetectorError(f"{where}: parameter :{name} is used but not declared")
        return sql_literal(values[name])

    return _PARAM.sub(literal, sql)


def sql_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, list | tuple):
        return "(" + ", ".join(sql_literal(v) for v in value) + ")"
    return "'" + str(value).replace("'", "''") + "'"


def parse(text: str, path: str) -> Detector:
    header_lines, body_lines, in_header = [], [], True
    for line in text.splitlines():
        if in_header and line.startswith("--"):
            header_lines.append(line[2:].removeprefix(" "))
        else:
            in_header = False
            body_lines.append(line)
    try:
        meta = tomllib.loads("\n".join(header_lines))
    except tomllib.TOMLDecodeError as exc:
        raise DetectorError(f"{path}: the metadata header is not valid TOML: {exc}") from None
    required = ("id", "title", "red_flags", "seed_case", "category", "weight", "lookback_days", "key", "reading",
                "alert")
    missing = [k for k in required if k not in meta]
    if missing:
        raise DetectorError(f"{path}: the metadata header lacks {', '.join(missing)}")
    if not isinstance(meta["alert"], str) or not meta["alert"].startswith("One alert per "):
        raise DetectorError(f"{path}: alert must say what one alert is, as a sentence starting 'One alert per '")
    _check_days(meta, "lookback_days", path, minimum=0)
    _check_days(meta, "lookahead_days", path, minimum=0)
    _check_days(meta, "episode_gap_days", path, minimum=1)
    feeds = meta.get("feeds", [])
    if not isinstance(feeds, list) or any(f not in FEEDS_BY_NAME for f in feeds):
        raise DetectorError(f"{path}: feeds must be a list of the contract's feed names; got {feeds!r}")
    if not isinstance(meta["key"], list) or "subject_staff_id" not in meta["key"]:
        raise DetectorError(f"{path}: key must be a list of finding columns including subject_staff_id")
    if meta["category"] not in CATEGORIES:
        raise DetectorError(f"{path}: category {meta['category']!r} is not one of {', '.join(CATEGORIES)}")
    params = []
    for name, spec in meta.get("parameters", {}).items():
        if "value" not in spec or "why" not in spec:
            raise DetectorError(f"{path}: parameter {name} needs a value and a why")
        params.append(Parameter(name, spec["value"], spec["why"], spec.get("source", "judgement")))
    sql = "\n".join(body_lines).strip().rstrip(";")
    used = set(_PARAM.findall(sql)) - ENGINE_VALUES
    undeclared = used - {p.name for p in params}
    if undeclared:
        raise DetectorError(f"{path}: parameters {', '.join(sorted(undeclared))} are used but not declared")
    return Detector(
        id=meta["id"], title=meta["title"], red_flags=tuple(meta["red_flags"]), seed_case=meta["seed_case"],
        category=meta["category"], weight=float(meta["weight"]), lookback_days=int(meta["lookback_days"]),
        key=tuple(meta["key"]), kind=meta.get("kind", "alert"), reading=meta["reading"], parameters=tuple(params),
        sql=sql, path=path, alert=meta["alert"], episode_gap_days=meta.get("episode_gap_days"),
        lookahead_days=int(meta.get("lookahead_days", 0)), feeds=tuple(feeds),
    )


def _check_days(meta: dict[str, Any], name: str, path: str, minimum: int) -> None:
    """A whole number of days no smaller than `minimum`, when present (bool is an int to Python: refused)."""
    if name not in meta:
        return
    value = meta[name]
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise DetectorError(f"{path}: {name} must be a whole number of days, at least {minimum}; got {value!r}")


def runnable(detectors: list[Detector], delivered: set[str]) -> tuple[list[Detector], dict[str, str]]:
    """The detectors whose feeds the force delivers (Manifest.delivered_feeds), and why each other one is
    skipped, in words."""
    run, skipped = [], {}
    for det in detectors:
        missing = det.missing_feeds(delivered)
        if missing:
            skipped[det.id] = f"needs {', '.join(missing)}, which the force has not delivered"
        else:
            run.append(det)
    return run, skipped


def detectors_dir() -> Path:
    return Path(str(resources.files("upstander.detect") / "detectors"))


def context_dir() -> Path:
    return Path(str(resources.files("upstander.detect") / "context"))


def load_detectors(directory: Path | None = None) -> list[Detector]:
    directory = directory or detectors_dir()
    found = [parse(p.read_text(encoding="utf-8"), str(p)) for p in sorted(directory.glob("*.sql"))]
    ids = [d.id for d in found]
    if len(ids) != len(set(ids)):
        raise DetectorError(f"{directory}: two detectors share an id")
    return found


def load_context(directory: Path | None = None) -> list[tuple[str, str]]:
    """Shared views, in file-name order: (view name, SQL). A file `10_met.sql` defines view `met`.
    They may use `:since` (see `bind`) and nothing else."""
    directory = directory or context_dir()
    views = []
    for p in sorted(directory.glob("*.sql")):
        name = p.stem.split("_", 1)[1]
        text = p.read_text(encoding="utf-8")
        body = "\n".join(line for line in text.splitlines() if not line.startswith("--")).strip().rstrip(";")
        if text.startswith("-- expand: lexicon"):
            body = _per_lexicon_term(body, str(p))
        elif text.startswith("-- expand: folding"):
            body = _with_folding(text.splitlines()[0], body, str(p))
        views.append((name, body))
    return views


# A string literal (quotes doubled inside) or a `--` comment, matched from the left so that a quote inside a
# comment or a dash inside a literal is read as part of it.
_LITERAL_OR_COMMENT = re.compile(r"'(?:[^']|'')*'|--[^\n]*")


def sql_names(sql: str) -> str:
    """The SQL with its string literals and comments blanked: what is left names tables, views and columns. A
    lexicon pattern such as 'stays between us' must not read as the view `stays`."""
    return _LITERAL_OR_COMMENT.sub(" ", sql)


def context_reads(context: list[tuple[str, str]]) -> dict[str, set[str]]:
    """For each context view, the other context views its SQL names (outside literals and comments)."""
    names = [name for name, _ in context]
    bare = {name: sql_names(sql) for name, sql in context}
    return {name: {other for other in names if other != name and re.search(rf"\b{other}\b", bare[name])}
            for name, _ in context}


def context_lookbacks(context: list[tuple[str, str]], detectors: list[Detector],
                      kept: Mapping[str, int] | None = None) -> dict[str, int]:
    """For each context view, the longest look-back of the detectors that read it, directly or through other
    views: an incremental run builds the view from that many days before the first new day, no further.
    `kept` names the views kept per day (kept.py) with the days before the first new day their refresh reads:
    the views such a view reads need only that many, whatever the look-back of its own readers."""
    names = [name for name, _ in context]
    reads = context_reads(context)
    days = dict.fromkeys(names, 0)
    kept = kept or {}

    def reach(view: str, lookback: int, seen: frozenset[str]) -> None:
        if view in seen:
            return
        days[view] = max(days[view], lookback)
        for other in reads[view]:
            reach(other, kept.get(view, lookback), seen | {view})

    for det in detectors:
        body = sql_names(det.sql)
        for name in names:
            if re.search(rf"\b{name}\b", body):
                reach(name, det.lookback_days + det.lookahead_days, frozenset())
    return days


def _per_lexicon_term(body: str, where: str) -> str:
    """The query once per lexicon term with the term's values written in, unioned."""
    from upstander.detect.lexicon import read_lexicon

    parts = []
    for term in read_lexicon():
        values = {"term_id": term["term_id"], "category": term["category"], "pattern": term["pattern"],
                  "weight": float(term["weight"])}
        parts.append(_PARAM.sub(lambda m, v=values: sql_literal(v[m.group(1)]) if m.group(1) in v
                                else m.group(0), body))
    if not parts:
        raise DetectorError(f"{where}: the lexicon is empty")
    return "\nUNION ALL\n".join(f"({part})" for part in parts)


_FOLDING = re.compile(r"-- expand: folding of ([a-z_]+)\.([a-z_]+), keeping ([a-z_]+(?:, [a-z_]+)*)$")


def _with_folding(marker: str, body: str, where: str) -> str:
    """The query with the folding table (folding.csv) written in where `:folding` stands: CTEs folding the
    column named in the marker line, from the CTE named there, to one named `folded`."""
    from upstander.detect.lexicon import folding_ctes

    match = _FOLDING.match(marker)
    if not match or ":folding" not in body:
        raise DetectorError(f"{where}: the first line must be '-- expand: folding of <cte>.<column>, keeping "
                            "<columns>' and the query must hold :folding where the CTEs go")
    source, column, keep = match.group(1), match.group(2), match.group(3).split(", ")
    return body.replace(":folding", folding_ctes(source, column, keep))
