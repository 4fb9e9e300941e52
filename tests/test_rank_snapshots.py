"""What a snapshot may know: complaints before the cut-off only, findings only once known, labels only once
known by the date they are used at, and never a protected characteristic."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from rankworld import memory_lake
from upstander.rank import features as F
from upstander.rank.labels import labels
from upstander.rank.snapshots import build, load
from upstander.rank.source import PROTECTED, STAFF_COLUMNS
from upstander.simulate.history import complaint_history


def _ts(text: str | None) -> object:
    return None if text is None else f"{text}T10:00:00+00:00"


def _lake(complaints: list[tuple[str, str, str, str, str | None, str]]) -> duckdb.DuckDBPyConnection:
    """complaints: (id, staff, received, outcome, closed, origin) for two constables, S1 and S2."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.register("staff", pa.table({
        "staff_id": ["S1", "S2"], "role": ["constable", "constable"], "team_id": ["T1", "T1"],
        "start_date": pa.array([date(2010, 1, 1), date(2012, 6, 1)]),
        "leaving_date": pa.array([None, None], pa.date32()),
        "sex": ["female", "male"], "ethnicity": ["white", "black"], "birth_year": [1980, 1990]}))
    con.execute("""CREATE TABLE complaints (complaint_id VARCHAR, subject_staff_id VARCHAR, received TIMESTAMPTZ,
                   allegation VARCHAR, complainant_person_id VARCHAR, outcome VARCHAR, closed TIMESTAMPTZ,
                   origin VARCHAR, category VARCHAR)""")
    for cid, staff, received, outcome, closed, origin in complaints:
        con.execute("INSERT INTO complaints VALUES (?, ?, ?, 'use_of_force', NULL, ?, ?, ?, 'Force')",
                    [cid, staff, _ts(received), outcome, _ts(closed), origin])
    return con


def _row(snaps: object, staff: str, cutoff: str) -> dict[str, float]:
    i = int(np.flatnonzero((snaps.staff_id == staff) & (snaps.cutoff == np.datetime64(cutoff)))[0])  # type: ignore[attr-defined]
    return dict(zip(snaps.names, snaps.values[i], strict=True))  # type: ignore[attr-defined]


def test_a_finding_counts_only_once_the_complaint_has_closed() -> None:
    con = _lake([("C1", "S1", "2020-03-02", "upheld", "2021-06-15", "public"),
                 ("C2", "S1", "2020-09-10", "pending", None, "internal"),
                 ("C3", "S2", "2020-05-05", "no_further_action", "2020-08-01", "public")])
    load(con, None, 24)
    snaps = build(con, [date(2021, 1, 1), date(2021, 7, 1)], 180)
    before, after = _row(snaps, "S1", "2021-01-01"), _row(snaps, "S1", "2021-07-01")
    assert before["sustained_known_60m"] == 0 and before["open_complaints"] == 2
    assert after["sustained_known_60m"] == 1 and after["open_complaints"] == 1
    assert before["complaints_12m"] == 2 and before["complaints_3m"] == 0 and before["internal_complaints_12m"] == 1
    assert _row(snaps, "S2", "2021-01-01")["not_sustained_known_60m"] == 1


def test_a_complaint_on_or_after_the_cut_off_is_not_in_its_features() -> None:
    con = _lake([("C1", "S1", "2020-12-31", "pending", None, "public"),
                 ("C2", "S1", "2021-01-01", "pending", None, "public")])
    load(con, None, 24)
    snaps = build(con, [date(2021, 1, 1)], 180)
    assert _row(snaps, "S1", "2021-01-01")["complaints_60m"] == 1


def test_a_label_is_positive_only_once_its_finding_was_known() -> None:
    con = _lake([("C0", "S1", "2019-06-01", "no_further_action", "2019-07-01", "public"),
                 ("C1", "S1", "2020-03-02", "upheld", "2021-06-15", "public")])
    load(con, None, 24)
    snaps = build(con, [date(2020, 1, 1)], 180)
    assert labels(snaps, "sustained_complaint", date(2021, 1, 1)).tolist() == [0]
    assert labels(snaps, "sustained_complaint", date(2021, 7, 1)).tolist() == [1]
    assert labels(snaps, "sustained_public_complaint", date(2021, 7, 1)).tolist() == [1]
    with pytest.raises(ValueError, match="unknown label"):
        labels(snaps, "arrested", date(2021, 7, 1))


def test_without_a_close_date_a_finding_is_taken_as_known_the_outcome_delay_after_receipt() -> None:
    con = _lake([("C1", "S1", "2020-03-02", "upheld", None, "public")])
    con.execute("CREATE OR REPLACE TABLE complaints2 AS SELECT * EXCLUDE (closed) FROM complaints")
    con.execute("DROP TABLE complaints")
    con.execute("ALTER TABLE complaints2 RENAME TO complaints")
    span, _ = load(con, None, 12)
    assert not span.has_closed
    snaps = build(con, [date(2021, 3, 1), date(2021, 4, 1)], 180)
    assert _row(snaps, "S1", "2021-03-01")["sustained_known_60m"] == 0
    assert _row(snaps, "S1", "2021-04-01")["sustained_known_60m"] == 1


def test_no_protected_characteristic_is_read_or_becomes_a_feature() -> None:
    assert not set(STAFF_COLUMNS) & set(PROTECTED)
    for f in F.FEATURES:
        assert not any(f"_{p}_" in f"_{f.name}_" for p in PROTECTED), f.name
    con = _lake([("C1", "S1", "2020-03-02", "pending", None, "public")])
    load(con, None, 24)
    staff_columns = {r[0] for r in con.execute("DESCRIBE _rank_staff").fetchall()}
    assert not staff_columns & set(PROTECTED)


def test_changing_sex_ethnicity_or_birth_year_changes_no_snapshot_value() -> None:
    history = complaint_history(400, 6, seed=21)
    a = memory_lake(history)
    load(a, None, 24)
    cutoffs = [date(2022, 1, 1), date(2023, 6, 1)]
    first = build(a, cutoffs, 180)
    staff = history.staff
    rng = np.random.default_rng(5)
    scrambled = staff.set_column(staff.schema.get_field_index("sex"), "sex",
                                 pa.array(rng.permutation(staff["sex"].to_numpy(zero_copy_only=False)).tolist()))
    scrambled = scrambled.set_column(scrambled.schema.get_field_index("birth_year"), "birth_year",
                                     pa.array((rng.integers(1950, 2000, staff.num_rows)).tolist(), pa.int64()))
    scrambled = scrambled.set_column(scrambled.schema.get_field_index("ethnicity"), "ethnicity",
                                     pa.array(["other"] * staff.num_rows))
    b = duckdb.connect()
    b.execute("SET TimeZone = 'UTC'")
    b.register("staff", scrambled)
    b.register("complaints", history.complaints)
    load(b, None, 24)
    second = build(b, cutoffs, 180)
    assert len(first) > 100
    assert np.array_equal(first.staff_id, second.staff_id)
    assert np.array_equal(first.values, second.values, equal_nan=True)


def test_the_population_is_serving_staff_with_a_recent_complaint() -> None:
    con = _lake([("C1", "S1", "2016-03-02", "pending", None, "public"),   # more than three years before
                 ("C2", "S2", "2019-03-02", "pending", None, "public")])
    load(con, None, 24)
    snaps = build(con, [date(2020, 1, 1)], 180)
    assert snaps.staff_id.tolist() == ["S2"]
