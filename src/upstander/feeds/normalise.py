"""SQL, generated from the contract, that turns delivered values into typed ones and says what is wrong.

Every field becomes three pieces of DuckDB SQL:
  clean   the value as delivered, tidied (text trimmed, empty -> NULL, list split and trimmed);
  typed   the contract type, NULL where the clean value cannot be read;
  checks  expressions that are NULL when all is well and otherwise a message naming the field and the value,
          written for the force that sent the file.
The checks run set-based over whole files; nothing here loops over rows in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pyarrow as pa

from upstander.feeds.contract import EARLIEST_DATE, Feed, Field, days_words
from upstander.lake.duck import quote_ident, quote_literal

# What a delivered column holds, whatever the file format: CSV columns are always "text".
SourceKind = str  # text | integer | float | date | timestamptz | timestamp_naive | text_list | other

TS_WITH_OFFSET = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})"
TS_NO_OFFSET = r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?"
DATE_RE = r"\d{4}-\d{2}-\d{2}"
INT_RE = r"[+-]?\d+"
E164 = r"^\+[1-9]\d{6,14}$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
EARLIEST = "1950-01-01T00:00:00Z"

_ACCEPTS: dict[str, tuple[str, ...]] = {
    "string": ("text", "integer"),
    "phone": ("text", "integer"),
    "contact": ("text",),
    "int": ("text", "integer", "float"),
    "float": ("text", "integer", "float"),
    "date": ("text", "date"),
    "timestamp": ("text", "timestamptz"),
    "list": ("text", "text_list"),
    "phones": ("text", "text_list"),
    "emails": ("text", "text_list"),
}


@dataclass(frozen=True)
class Rules:
    """Load-wide parameters of the checks, fixed when a load starts."""

    country_code: str
    bbox: tuple[float, float, float, float]
    latest: datetime  # timestamps after this are implausible (two days after the load started)
    today: date  # the load's day: date fields may be at most their contract's days after it


@dataclass
class FieldSQL:
    clean: str
    typed: str
    checks: list[str] = field(default_factory=list)


def c_col(name: str) -> str:
    return quote_ident("c__" + name)


def t_col(name: str) -> str:
    return quote_ident("t__" + name)


def arrow_kind(t: pa.DataType) -> SourceKind:
    """How a Parquet column's Arrow type is read."""
    if pa.types.is_dictionary(t):
        t = t.value_type
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "text"
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "float"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_timestamp(t):
        return "timestamptz" if t.tz else "timestamp_naive"
    if (pa.types.is_list(t) or pa.types.is_large_list(t)) and arrow_kind(t.value_type) == "text":
        return "text_list"
    return "other"


def incompatibility(f: Field, kind: SourceKind, shown_type: str) -> str | None:
    """Why a column of this kind can never hold the field, or None if it can."""
    if kind in _ACCEPTS[f.type]:
        return None
    if kind == "timestamp_naive":
        return (f"column {f.name!r} is a timestamp without a time zone; the contract needs UTC-adjusted "
                "timestamps (isAdjustedToUTC) or ISO 8601 text with an offset")
    return f"column {f.name!r} has type {shown_type}, which cannot hold a {f.type} value"


def shown(expr: str) -> str:
    """SQL rendering a value inside a message: quoted and cut to 100 characters."""
    return f"('''' || left(CAST({expr} AS VARCHAR), 100) || '''')"


def shown_time(expr: str) -> str:
    return f"strftime({expr}, '%Y-%m-%dT%H:%M:%SZ')"


def phone_sql(x: str, country_code: str) -> str:
    """E.164 form of a phone number, or NULL: strip punctuation, 00 -> +, national 0 -> +<country code>."""
    stripped = f"regexp_replace(replace({x}, '(0)', ''), '[\\s\\-\\.\\(\\)/]', '', 'g')"
    # Nested so the stripped number is computed once: 00 -> +, then a remaining leading 0 is national.
    plus = f"regexp_replace(regexp_replace({stripped}, '^00', '+'), '^0', {quote_literal('+' + country_code)})"
    return f"nullif(regexp_extract({plus}, '{E164}'), '')"


def email_sql(x: str) -> str:
    return f"nullif(regexp_extract(lower({x}), '{EMAIL}'), '')"


def field_sql(f: Field, src: str | None, kind: SourceKind, rules: Rules, required: bool,
              nul_free: bool = False) -> FieldSQL:
    """The clean/typed/check SQL for one field read from `src` (a column expression, None when absent).

    `nul_free`: the reader has already refused every row holding a NUL (CSV), so the check is not needed."""
    c, t, name = c_col(f.name), t_col(f.name), f.name
    is_list = f.type in ("list", "phones", "emails")
    if src is None:
        clean = "CAST(NULL AS VARCHAR[])" if is_list else "CAST(NULL AS VARCHAR)"
        kind = "text"
    elif kind == "text_list":
        clean = (f"list_filter(list_transform({src}, lambda e: trim(e)), "
                 "lambda e: e IS NOT NULL AND e <> '')")
    elif kind in ("text", "integer"):
        # trim() strips spaces only: trimming tabs and line breaks too costs three times as much, and a value
        # padded with them is refused with a reason that shows it, not stored wrong.
        text = src if kind == "text" else f"CAST({src} AS VARCHAR)"
        clean = f"nullif(trim({text}), '')"
        if is_list:
            clean = (f"list_filter(list_transform(string_split({clean}, ';'), lambda e: trim(e)), "
                     "lambda e: e <> '')")
    else:
        clean = src
    out = FieldSQL(clean, c)
    absent = f"coalesce(len({c}), 0) = 0" if is_list else f"{c} IS NULL"
    if required:
        out.checks.append(f"CASE WHEN {absent} THEN '{name}: missing, but it is required' END")
    bad = f"NOT ({absent}) AND {t} IS NULL"
    if src is not None and not nul_free and kind in ("text", "text_list"):
        # A NUL is never stored: text tools downstream cut a value short at it.
        has_nul = (f"len(list_filter({c}, lambda e: contains(e, chr(0)))) > 0" if is_list
                   else f"contains({c}, chr(0))")
        out.checks.append(f"CASE WHEN {has_nul} THEN '{name}: holds a NUL character (byte 0), "
                          "which is never stored' END")
    limit = f.length_limit
    if limit is not None and src is not None and kind in ("text", "text_list"):
        # A list is measured as its ';'-joined text; strlen (bytes) first, as it is cheap and never less than
        # the length in characters.
        text = f"array_to_string({c}, ';')" if is_list else c
        out.checks.append(f"CASE WHEN strlen({text}) > {limit} AND length({text}) > {limit} THEN '{name}: ' || "
                          f"format('{{:,}}', length({text})) || ' characters, more than the {limit:,} allowed' END")
    if f.type == "int":
        if kind == "text":
            out.typed = f"CASE WHEN regexp_full_match({c}, '{INT_RE}') THEN TRY_CAST({c} AS BIGINT) END"
        elif kind == "float":
            out.typed = f"CASE WHEN isfinite({c}) AND {c} = round({c}) THEN TRY_CAST({c} AS BIGINT) END"
        else:
            out.typed = f"TRY_CAST({c} AS BIGINT)"
        out.checks.append(f"CASE WHEN {bad} THEN '{name}: not a whole number ' || {shown(c)} END")
    elif f.type == "float":
        out.typed = f"TRY_CAST({c} AS DOUBLE)"
        out.checks.append(f"CASE WHEN {bad} THEN '{name}: not a number ' || {shown(c)} "
                          f"WHEN NOT isfinite({t}) THEN '{name}: not a finite number ' || {shown(c)} END")
    elif f.type == "date":
        if kind == "text":
            out.typed = f"CASE WHEN regexp_full_match({c}, '{DATE_RE}') THEN TRY_CAST({c} AS DATE) END"
        out.checks.append(f"CASE WHEN {bad} THEN '{name}: not a date in the form YYYY-MM-DD ' || {shown(c)} END")
        latest = (rules.today + timedelta(days=f.latest_days)).isoformat()
        limits = f"before {EARLIEST_DATE} or after {latest}, {days_words(f.latest_days)} after the load"
        out.checks.append(f"CASE WHEN {t} < DATE '{EARLIEST_DATE}' OR {t} > DATE '{latest}' THEN "
                          f"'{name}: implausible date ' || CAST({t} AS VARCHAR) || ' ({limits})' END")
    elif f.type == "timestamp":
        out.typed = (f"CASE WHEN regexp_full_match({c}, '{TS_WITH_OFFSET}') THEN TRY_CAST({c} AS TIMESTAMPTZ) END"
                     if kind == "text" else f"CAST({c} AS TIMESTAMPTZ)")
        if kind == "text":
            out.checks.append(
                f"CASE WHEN {bad} THEN CASE WHEN regexp_full_match({c}, '{TS_NO_OFFSET}') "
                f"THEN '{name}: timestamp has no UTC offset ' || {shown(c)} "
                f"WHEN regexp_full_match({c}, '{TS_WITH_OFFSET}') "
                f"THEN '{name}: not a real date and time ' || {shown(c)}"
                f" ELSE '{name}: not an ISO 8601 timestamp with an offset (such as 2026-03-01T21:14:00+00:00) ' "
                f"|| {shown(c)} END END")
        latest = rules.latest.strftime("%Y-%m-%dT%H:%M:%SZ")
        out.checks.append(
            f"CASE WHEN {t} < TIMESTAMPTZ '{EARLIEST}' OR {t} > TIMESTAMPTZ '{latest}' THEN "
            f"'{name}: implausible time ' || {shown_time(t)} || ' (before 1950 or more than two days after the load)'"
            " END")
    elif f.type == "phone":
        out.typed = phone_sql(c, rules.country_code)
        out.checks.append(f"CASE WHEN {bad} THEN '{name}: not a valid phone number ' || {shown(c)} || "
                          "'; expected E.164 such as +447700900123 or a national number such as 07700 900123' END")
    elif f.type == "contact":
        out.typed = (f"CASE WHEN contains({c}, '@') THEN {email_sql(c)} "
                     f"ELSE {phone_sql(c, rules.country_code)} END")
        out.checks.append(
            f"CASE WHEN {bad} THEN CASE WHEN contains({c}, '@') THEN '{name}: not a valid email address ' || "
            f"{shown(c)} ELSE '{name}: not a valid phone number ' || {shown(c)} || '; expected E.164 such as "
            "+447700900123 or a national number such as 07700 900123' END END")
    elif f.type in ("list", "phones", "emails"):
        _list_rules(f, out, rules)
    elif f.allowed:
        cases = " ".join(f"WHEN {quote_literal(a.lower())} THEN {quote_literal(a)}" for a in f.allowed)
        out.typed = f"CASE lower({c}) {cases} END"
        allowed = ", ".join(f.allowed)
        out.checks.append(f"CASE WHEN {bad} THEN '{name}: ' || {shown(c)} || "
                          f"' is not an allowed value (allowed: {allowed})' END")
    # NaN compares above every number in DuckDB: a non-finite value is reported once, as non-finite.
    finite = f"isfinite({t}) AND " if f.type == "float" else ""
    if f.minimum is not None:
        out.checks.append(f"CASE WHEN {finite}{t} < {f.minimum!r} THEN '{name}: ' || CAST({t} AS VARCHAR) || "
                          f"' is below the minimum {f.minimum:g}' END")
    if f.maximum is not None:
        out.checks.append(f"CASE WHEN {finite}{t} > {f.maximum!r} THEN '{name}: ' || CAST({t} AS VARCHAR) || "
                          f"' is above the maximum {f.maximum:g}' END")
    return out


def _list_rules(f: Field, out: FieldSQL, rules: Rules) -> None:
    c, name = c_col(f.name), f.name
    if f.type == "phones":
        item = phone_sql("e", rules.country_code)
        what = "not valid phone numbers (expected E.164 such as +447700900123)"
    elif f.type == "emails":
        item, what = email_sql("e"), "not valid email addresses"
    elif f.allowed:
        cases = " ".join(f"WHEN {quote_literal(a.lower())} THEN {quote_literal(a)}" for a in f.allowed)
        item, what = f"CASE lower(e) {cases} END", f"not allowed values (allowed: {', '.join(f.allowed)})"
    else:
        out.typed = f"CASE WHEN len({c}) > 0 THEN {c} END"
        return
    out.typed = f"CASE WHEN len({c}) > 0 THEN list_transform({c}, lambda e: {item}) END"
    out.checks.append(
        f"CASE WHEN len(list_filter({t_col(name)}, lambda e: e IS NULL)) > 0 THEN '{name}: ' || "
        f"array_to_string(list_transform(list_filter({c}, lambda e: ({item}) IS NULL), "
        f"lambda e: '''' || e || ''''), ', ') || ' {what}' END")


def feed_checks(feed: Feed, rules: Rules) -> list[tuple[str, str]]:
    """(field, SQL) checks across fields: times in order, span, coordinates."""
    checks: list[tuple[str, str]] = []
    for earlier, later in feed.in_order:
        te, tl = t_col(earlier), t_col(later)
        show = shown_time if feed.field(later).type == "timestamp" else (lambda x: f"CAST({x} AS VARCHAR)")
        checks.append((later, f"CASE WHEN {tl} < {te} THEN '{later}: ' || {show(tl)} || ' is before {earlier} ' "
                              f"|| {show(te)} END"))
    if feed.max_span_hours:
        start, end, hours = feed.max_span_hours
        span = f"((epoch_us({t_col(end)}) - epoch_us({t_col(start)})) / 3600000000.0)"
        checks.append((end, f"CASE WHEN {span} > {hours!r} THEN '{end}: ' || CAST(round({span}, 1) AS VARCHAR) || "
                            f"' hours after {start}, more than the {hours:g} hours allowed' END"))
    lo_lat, lo_lon, hi_lat, hi_lon = rules.bbox
    for lat, lon in feed.coordinates:
        a, o = t_col(lat), t_col(lon)
        pair = f"'(' || CAST({a} AS VARCHAR) || ', ' || CAST({o} AS VARCHAR) || ')'"
        checks.append((lat, (
            f"CASE WHEN {a} = 0 AND {o} = 0 THEN '{lat}, {lon}: (0, 0) is not a real location' "
            f"WHEN {a} < {lo_lat!r} OR {a} > {hi_lat!r} OR {o} < {lo_lon!r} OR {o} > {hi_lon!r} THEN "
            f"'{lat}, {lon}: ' || {pair} || ' is outside the plausible area "
            f"{lo_lat:g},{lo_lon:g} to {hi_lat:g},{hi_lon:g} (UPSTANDER_BBOX)' END")))
        for one, other in ((lat, lon), (lon, lat)):
            checks.append((one, f"CASE WHEN {c_col(one)} IS NULL AND {c_col(other)} IS NOT NULL "
                                f"THEN '{one}: missing while {other} is given' END"))
    return checks
