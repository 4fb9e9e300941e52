"""The force data contract: every feed a force delivers, every field, and the rules each must meet.

This module is the single source of truth. `docs/data-contract.md` is generated from it
(`upstander contract`), the loader validates against it, and the simulator writes to it.
A force maps its own exports to these feeds; nothing else in Upstander knows a source system.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyarrow as pa

FieldType = Literal[
    "string",  # free text or an identifier
    "int",
    "float",
    "date",  # YYYY-MM-DD
    "timestamp",  # ISO 8601 with a UTC offset; stored in UTC
    "phone",  # normalised to E.164 on load
    "contact",  # a phone number (normalised to E.164) or an email address (lower-cased)
    "list",  # several values separated by ';' in CSV, a list column in Parquet
    "phones",  # a list of phone numbers, each normalised to E.164
    "emails",  # a list of email addresses, lower-cased
]
FeedKind = Literal["entity", "event"]

ROLES = (
    "constable",
    "pcso",
    "special_constable",
    "sergeant",
    "inspector_plus",
    "call_handler",
    "radio_dispatcher",
    "custody_detention_officer",
    "investigator",
    "police_staff_other",
    "unknown",
)
UNIT_TYPES = (
    "response",
    "neighbourhood",
    "public_protection",
    "custody",
    "control_room",
    "roads_policing",
    "cid",
    "exploitation",
    "intelligence",
    "professional_standards",
    "support",
)
VETTING_LEVELS = ("none", "RV", "MV", "NPPV1", "NPPV2", "NPPV3", "CTC", "SC", "DV", "unknown")
DUTY_TYPES = ("patrol", "neighbourhood", "investigation", "custody", "control_room", "office", "training", "court")
INCIDENT_TYPES = (
    "domestic_abuse",
    "sexual_offence",
    "assault",
    "burglary",
    "theft",
    "criminal_damage",
    "antisocial_behaviour",
    "public_order",
    "road_traffic_collision",
    "concern_for_welfare",
    "mental_health",
    "missing_person",
    "drugs",
    "fraud",
    "suspicious_activity",
    "other",
)
INVOLVEMENTS = ("call_taker", "dispatcher", "attending", "owner", "investigator", "supervisor")
AGE_BANDS = ("0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
SEXES = ("female", "male", "other", "unknown")
VULNERABILITIES = (
    "domestic_abuse_victim",
    "mental_ill_health",
    "learning_disability",
    "substance_dependency",
    "under_18",
    "missing",
    "suicidal",
    "trafficked",
)
PERSON_ROLES = ("victim", "witness", "suspect", "reporting_person", "detainee")
SYSTEMS = ("records", "command_and_control", "custody", "intelligence", "national_computer", "crime", "hr", "other")
AUDIT_ACTIONS = ("search", "view", "update", "print", "export", "delete", "dispose")
OBJECT_TYPES = ("person", "incident", "custody", "vehicle", "intelligence", "staff", "crime", "other")
DIRECTIONS = ("inbound", "outbound")
CHANNELS = ("call", "sms", "app_message", "email")
POSITION_SOURCES = ("avl", "mdt")
RADIO_STATUSES = (
    "on_duty",
    "available",
    "en_route",
    "at_scene",
    "committed",
    "refreshment",
    "unavailable",
    "emergency",
    "off_duty",
)
ALLEGATIONS = (
    "delivery_of_duties",
    "police_powers",
    "use_of_force",
    "individual_behaviour",
    "discriminatory_behaviour",
    "sexual_conduct",
    "abuse_of_position",
    "corruption",
    "access_or_disclosure_of_information",
    "handling_of_property",
    "other",
)
COMPLAINT_OUTCOMES = (
    "pending",
    "no_further_action",
    "service_acceptable",
    "service_not_acceptable",
    "upheld",
    "withdrawn",
    "unknown",
)
COMPLAINT_ORIGINS = ("public", "internal", "unknown")
FAIRNESS_ONLY = "for fairness audits only, never used to rank or detect."
WATCH_REASONS = ("ocg_nominal", "operation", "high_profile", "colleague", "vulnerable", "other")


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    description: str
    example: str
    required: bool = False
    allowed: tuple[str, ...] | None = None  # for a list field, each element must be allowed
    minimum: float | None = None
    maximum: float | None = None
    references: str | None = None  # "feed.field" the value must resolve to
    max_length: int | None = None  # characters of a text, phone or list value; None: the type's default
    multiline: bool = False  # free text that may hold line breaks (a quoted CSV value may then span lines)
    future_days: int | None = None  # a date: at most this many days after the load (None: FUTURE_DAYS)

    @property
    def length_limit(self) -> int | None:
        """The most characters the value may have, None where its form already bounds it (a number, a date, a
        value from a fixed list)."""
        if self.max_length is not None:
            return self.max_length
        return None if self.allowed and self.type == "string" else DEFAULT_LENGTH.get(self.type)

    @property
    def latest_days(self) -> int:
        return self.future_days if self.future_days is not None else FUTURE_DAYS


# Lengths generous for any real value and far below what would strain a load: identifiers, codes and names
# are short; a list's delivered text holds several; free text sets its own.
DEFAULT_LENGTH: dict[str, int] = {"string": 200, "phone": 40, "contact": 254, "list": 2000, "phones": 1000,
                                  "emails": 2000}
def days_words(days: int) -> str:
    return f"{days // 365} years" if days >= 730 else f"{days} days"


EARLIEST_DATE = "1900-01-01"  # no date in a force's records is older
FUTURE_DAYS = 3650  # expiries and planned ends: ten years at most
PAST_ONLY = 2  # things that have happened (training, a review): not after the load, with the timestamps' margin


@dataclass(frozen=True)
class Feed:
    name: str
    description: str
    kind: FeedKind  # entity: a later delivery may update a key; event: append-only
    key: tuple[str, ...]
    fields: tuple[Field, ...]
    partition_by: str | None = None  # timestamp field whose UTC day partitions an event feed
    in_order: tuple[tuple[str, str], ...] = ()  # (earlier, later) field pairs
    coordinates: tuple[tuple[str, str], ...] = ()  # (lat, lon) pairs checked for plausibility
    max_span_hours: tuple[str, str, float] | None = None  # (start, end, hours) upper bound
    notes: tuple[str, ...] = ()

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(f.name, ARROW_TYPES[f.type], nullable=not f.required) for f in self.fields])


ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "phone": pa.string(),
    "contact": pa.string(),
    "list": pa.list_(pa.string()),
    "phones": pa.list_(pa.string()),
    "emails": pa.list_(pa.string()),
}

F = Field


def _lat(name: str, what: str, required: bool = False) -> Field:
    return F(name, "float", f"Latitude (WGS84) of {what}.", "51.5412", required, minimum=-90, maximum=90)


def _lon(name: str, what: str, required: bool = False) -> Field:
    return F(name, "float", f"Longitude (WGS84) of {what}.", "-1.7821", required, minimum=-180, maximum=180)


STAFF = Feed(
    "staff",
    "Every officer, special constable, PCSO and member of police staff, current or former.",
    "entity",
    ("staff_id",),
    (
        F("staff_id", "string", "The force's stable identifier for the person.", "S004211", True),
        F("collar_number", "string", "Collar or warrant number, where the role has one.", "4211"),
        F("forename", "string", "Forename, for matching a report that names the officer.", "Alex"),
        F("surname", "string", "Surname, where the export has one; also used to spot look-ups of people who share it.",
          "Marsh"),
        F("role", "string", "What the person does; `unknown` when the force's export does not say.", "constable", True,
          allowed=ROLES),
        F("rank", "string", "Rank for officers (PC, PS, Insp, CI, Supt, ...), empty for staff.", "PC"),
        F("team_id", "string", "Team the person belongs to, empty when not known.", "T017", references="teams.team_id"),
        F("line_manager_id", "string", "Direct line manager.", "S000311", references="staff.staff_id"),
        F("station", "string", "Home station.", "Northgate"),
        F("start_date", "date", "First day of service, empty when not known.", "2016-09-05", future_days=366),
        F("leaving_date", "date", "Last day of service, empty while serving.", ""),
        F("vetting_level", "string", "Current vetting clearance; empty or `unknown` when not known.", "MV",
          allowed=VETTING_LEVELS),
        F("vetting_expiry", "date", "When the clearance must be renewed.", "2027-03-31"),
        F("apsp_training_date", "date", "Last abuse-of-position-for-a-sexual-purpose training received.", "2025-11-02",
          future_days=PAST_ONLY),
        F("integrity_review_date", "date", "Last annual integrity and vetting review signed off.", "2026-04-18",
          future_days=PAST_ONLY),
        F("home_uprn", "string", "Unique property reference of the home address.", "100121459931"),
        _lat("home_lat", "the home address"),
        _lon("home_lon", "the home address"),
        F("work_phones", "phones", "Work phone numbers issued to the person.", "+447700900123"),
        F("device_ids", "list", "Work devices issued (handsets, mobile data terminals).", "MDT-0421;HS-0421"),
        F("sex", "string", f"Sex as recorded by the force, {FAIRNESS_ONLY}", "female", allowed=SEXES),
        F("ethnicity", "string", f"Ethnicity in the force's own categories, as recorded, {FAIRNESS_ONLY}",
          "White British"),
        F("birth_year", "int", f"Year of birth, {FAIRNESS_ONLY}", "1988", minimum=1900, maximum=2100),
    ),
    in_order=(("start_date", "leaving_date"),),
    coordinates=(("home_lat", "home_lon"),),
)

TEAMS = Feed(
    "teams",
    "Teams and units, with their supervisor and policing area.",
    "entity",
    ("team_id",),
    (
        F("team_id", "string", "Team identifier.", "T017", True),
        F("name", "string", "Team name.", "Northgate Response B", True),
        F("unit_type", "string", "What kind of unit the team is.", "response", True, allowed=UNIT_TYPES),
        F("supervisor_id", "string", "The team's supervisor.", "S000311", references="staff.staff_id"),
        F("area", "string", "Policing area (district or sector code) the team covers.", "N2", True),
        F("station", "string", "Station the team works from.", "Northgate"),
    ),
)

DUTIES = Feed(
    "duties",
    "On-duty periods from the duty management system, with where and in what the person was deployed.",
    "entity",
    ("duty_id",),
    (
        F("duty_id", "string", "Duty record identifier.", "D20260301-004211", True),
        F("staff_id", "string", "Who was on duty.", "S004211", True, references="staff.staff_id"),
        F("starts_at", "timestamp", "Start of the duty.", "2026-03-01T07:00:00+00:00", True),
        F("ends_at", "timestamp", "End of the duty.", "2026-03-01T17:00:00+00:00", True),
        F("duty_type", "string", "What the duty was.", "patrol", True, allowed=DUTY_TYPES),
        F("area", "string", "Area or custody suite the person was assigned to.", "N2"),
        F("call_sign", "string", "Radio call sign for the duty.", "NR21"),
        F("vehicle_id", "string", "Vehicle the person was crewing; links to positions.", "VH-0113"),
    ),
    partition_by="starts_at",
    in_order=(("starts_at", "ends_at"),),
    max_span_hours=("starts_at", "ends_at", 24.0),
)

INCIDENTS = Feed(
    "incidents",
    "Incidents from command and control, updated as they are closed or transferred.",
    "entity",
    ("incident_id",),
    (
        F("incident_id", "string", "Incident identifier.", "I2026-0301-0042", True),
        F("type", "string", "Incident type.", "domestic_abuse", True, allowed=INCIDENT_TYPES),
        F("priority", "int", "1 emergency, 2 priority, 3 scheduled, 4 resolved without deployment.", "2", True,
          minimum=1, maximum=4),
        F("opened_at", "timestamp", "When the incident was created.", "2026-03-01T21:14:00+00:00", True),
        F("closed_at", "timestamp", "When it was closed, empty while open.", ""),
        _lat("lat", "the incident location", True),
        _lon("lon", "the incident location", True),
        F("area", "string", "Policing area of the location.", "N2", True),
        F("owning_team_id", "string", "Team that owns the incident.", "T017", True, references="teams.team_id"),
        F("transferred_to_team_id", "string", "Team it was transferred to (for example a safeguarding unit).",
          "T042", references="teams.team_id"),
        F("transferred_at", "timestamp", "When it was transferred.", ""),
    ),
    in_order=(("opened_at", "closed_at"), ("opened_at", "transferred_at")),
    coordinates=(("lat", "lon"),),
)

INCIDENT_STAFF = Feed(
    "incident_staff",
    "Who took the call, dispatched, attended, owned, investigated or supervised each incident, and when.",
    "event",
    ("incident_id", "staff_id", "involvement", "started_at"),
    (
        F("incident_id", "string", "The incident.", "I2026-0301-0042", True, references="incidents.incident_id"),
        F("staff_id", "string", "The member of staff.", "S004211", True, references="staff.staff_id"),
        F("involvement", "string", "How they were involved.", "attending", True, allowed=INVOLVEMENTS),
        F("started_at", "timestamp", "When the involvement began.", "2026-03-01T21:20:00+00:00", True),
        F("ended_at", "timestamp", "When it ended (for an owner or investigator, when the case closed).", ""),
    ),
    partition_by="started_at",
    in_order=(("started_at", "ended_at"),),
)

PEOPLE = Feed(
    "people",
    "Members of the public in force records, under a pseudonymous identifier.",
    "entity",
    ("person_id",),
    (
        F("person_id", "string", "Pseudonymous person identifier.", "P0093321", True),
        F("surname", "string", "Surname as recorded; used only to spot look-ups of namesakes.", "Hale"),
        F("age_band", "string", "Age band.", "25-34", True, allowed=AGE_BANDS),
        F("sex", "string", "Sex as recorded.", "female", True, allowed=SEXES),
        F("vulnerabilities", "list", "Vulnerability markers on the record.", "domestic_abuse_victim;mental_ill_health",
          allowed=VULNERABILITIES),
        F("home_uprn", "string", "Unique property reference of the home address.", "100121460017"),
        _lat("home_lat", "the home address"),
        _lon("home_lon", "the home address"),
        F("phones", "phones", "Phone numbers on the record.", "+447700900456"),
        F("emails", "emails", "Email addresses on the record.", "someone@example.org"),
    ),
    coordinates=(("home_lat", "home_lon"),),
)

INCIDENT_PEOPLE = Feed(
    "incident_people",
    "How each person was involved in each incident.",
    "event",
    ("incident_id", "person_id", "role"),
    (
        F("incident_id", "string", "The incident.", "I2026-0301-0042", True, references="incidents.incident_id"),
        F("person_id", "string", "The person.", "P0093321", True, references="people.person_id"),
        F("role", "string", "Their part in it.", "victim", True, allowed=PERSON_ROLES),
        F("recorded_at", "timestamp", "When the link was recorded.", "2026-03-01T21:40:00+00:00", True),
    ),
    partition_by="recorded_at",
)

CUSTODY = Feed(
    "custody",
    "Detentions. Who was on custody duty comes from duties (duty_type custody, area = the suite).",
    "entity",
    ("custody_id",),
    (
        F("custody_id", "string", "Custody record identifier.", "C2026-000871", True),
        F("person_id", "string", "The detained person.", "P0093321", True, references="people.person_id"),
        F("incident_id", "string", "The incident that led to the arrest.", "I2026-0301-0042",
          references="incidents.incident_id"),
        F("suite", "string", "Custody suite.", "CS-NORTH", True),
        F("booked_in", "timestamp", "Booked into custody.", "2026-03-01T23:05:00+00:00", True),
        F("released", "timestamp", "Released, empty while detained.", "2026-03-02T09:40:00+00:00"),
        F("arresting_staff_id", "string", "Arresting officer.", "S004211", references="staff.staff_id"),
        F("custody_officer_id", "string", "Custody sergeant who authorised detention.", "S000907",
          references="staff.staff_id"),
    ),
    in_order=(("booked_in", "released"),),
)

AUDIT = Feed(
    "audit",
    "The audit log of force systems: every search, view, update, print, export, deletion or disposal.",
    "event",
    ("audit_id",),
    (
        F("audit_id", "string", "Audit entry identifier, unique across systems.", "A8812093", True),
        F("staff_id", "string", "Who did it.", "S004211", True, references="staff.staff_id"),
        F("occurred_at", "timestamp", "When.", "2026-03-01T21:31:12+00:00", True),
        F("system", "string", "Which system.", "records", True, allowed=SYSTEMS),
        F("action", "string", "What was done.", "view", True, allowed=AUDIT_ACTIONS),
        F("object_type", "string", "What kind of record.", "person", True, allowed=OBJECT_TYPES),
        F("object_id", "string", "Which record (a person_id, incident_id, custody_id, ...).", "P0093321"),
        F("search_terms", "string", "What was typed into a search.", "HALE", max_length=1000),
    ),
    partition_by="occurred_at",
    notes=("object_id is not required to resolve: audit covers records outside the exported feeds.",),
)

COMMUNICATIONS = Feed(
    "communications",
    "Calls, texts and messages on work devices, with the text where force policy captures it.",
    "event",
    ("comm_id",),
    (
        F("comm_id", "string", "Communication record identifier.", "M20260301-000193", True),
        F("staff_id", "string", "Holder of the work device.", "S004211", True, references="staff.staff_id"),
        F("device_id", "string", "The work device.", "HS-0421"),
        F("occurred_at", "timestamp", "When.", "2026-03-02T23:12:40+00:00", True),
        F("direction", "string", "Inbound or outbound.", "outbound", True, allowed=DIRECTIONS),
        F("channel", "string", "Kind of communication.", "sms", True, allowed=CHANNELS),
        F("counterpart", "contact", "The other party's number or address.", "+447700900456", True),
        F("duration_s", "int", "Call length in seconds.", "0", minimum=0, maximum=86400),
        F("text", "string", "Message text where captured; may run over several lines.",
          "Just checking you got home ok", max_length=20_000, multiline=True),
    ),
    partition_by="occurred_at",
)

POSITIONS = Feed(
    "positions",
    "Vehicle (AVL) and mobile-data-terminal positions: every 30 s while moving, less often when still.",
    "event",
    ("source", "device_id", "recorded_at"),
    (
        F("source", "string", "avl for a vehicle, mdt for a terminal.", "avl", True, allowed=POSITION_SOURCES),
        F("device_id", "string", "vehicle_id for avl (see duties), a device_id of staff for mdt.", "VH-0113", True),
        F("recorded_at", "timestamp", "When the fix was taken.", "2026-03-01T21:18:30+00:00", True),
        _lat("lat", "the device", True),
        _lon("lon", "the device", True),
        F("speed_kph", "float", "Speed.", "38.5", minimum=0, maximum=300),
    ),
    partition_by="recorded_at",
    coordinates=(("lat", "lon"),),
)

RADIO = Feed(
    "radio",
    "Radio status changes.",
    "event",
    ("staff_id", "occurred_at"),
    (
        F("staff_id", "string", "Who changed status.", "S004211", True, references="staff.staff_id"),
        F("occurred_at", "timestamp", "When.", "2026-03-01T21:17:02+00:00", True),
        F("status", "string", "The new status.", "en_route", True, allowed=RADIO_STATUSES),
        F("incident_id", "string", "Incident the status relates to.", "I2026-0301-0042",
          references="incidents.incident_id"),
    ),
    partition_by="occurred_at",
)

COMPLAINTS = Feed(
    "complaints",
    "Complaints and conduct matters about a member of staff, from the public or from inside the force, updated "
    "when resolved.",
    "entity",
    ("complaint_id",),
    (
        F("complaint_id", "string", "Complaint identifier, one row per complaint and member of staff complained "
          "about.", "CO2026-0117", True),
        F("received", "timestamp", "When the complaint was received.", "2026-03-04T10:00:00+00:00", True),
        F("subject_staff_id", "string", "Member of staff complained about.", "S004211", True,
          references="staff.staff_id"),
        F("allegation", "string", "Allegation category.", "individual_behaviour", True, allowed=ALLEGATIONS),
        F("complainant_person_id", "string", "Complainant, where in force records.", "P0093321",
          references="people.person_id"),
        F("outcome", "string", "Outcome so far; `upheld` when the allegation was sustained, `unknown` when closed with "
          "an outcome the export does not give.", "pending", True,
          allowed=COMPLAINT_OUTCOMES),
        F("closed", "timestamp", "When the complaint was finalised, empty while it is open: an outcome is known "
          "from then.", ""),
        F("category", "string", "The force's own allegation category, as recorded.", "05A excessive force"),
        F("origin", "string", "Whether the complaint came from the public or from inside the force.", "public",
          allowed=COMPLAINT_ORIGINS),
    ),
    in_order=(("received", "closed"),),
)

WATCHES = Feed(
    "watches",
    "Records marked sensitive: organised-crime nominals under an operation, high-profile people, colleagues.",
    "entity",
    ("watch_id",),
    (
        F("watch_id", "string", "Watch identifier.", "W0031", True),
        F("object_type", "string", "What kind of record is watched.", "person", True, allowed=OBJECT_TYPES),
        F("object_id", "string", "The record watched.", "P0093321", True),
        F("reason", "string", "Why it is sensitive.", "ocg_nominal", True, allowed=WATCH_REASONS),
        F("operation", "string", "Operation name, where there is one.", "Op Kestrel"),
        F("valid_from", "date", "Watched from.", "2026-01-10", True),
        F("valid_to", "date", "Watched until, empty while current.", ""),
    ),
    in_order=(("valid_from", "valid_to"),),
)

FEEDS: tuple[Feed, ...] = (
    TEAMS,
    STAFF,
    DUTIES,
    PEOPLE,
    INCIDENTS,
    INCIDENT_STAFF,
    INCIDENT_PEOPLE,
    CUSTODY,
    AUDIT,
    COMMUNICATIONS,
    POSITIONS,
    RADIO,
    COMPLAINTS,
    WATCHES,
)
FEEDS_BY_NAME: dict[str, Feed] = {f.name: f for f in FEEDS}
# The one feed every force must deliver: the others are optional, and a reference into a feed the force has never
# delivered is not checked (see resolution.py), while a reference to a member of staff always must resolve.
REQUIRED_FEEDS = ("staff",)


def feed(name: str) -> Feed:
    try:
        return FEEDS_BY_NAME[name]
    except KeyError:
        raise KeyError(f"no feed named {name!r}; the contract has {', '.join(FEEDS_BY_NAME)}") from None
