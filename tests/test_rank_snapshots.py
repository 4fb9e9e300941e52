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


def test_an_alert_an_analyst_opened_a_case_on_is_a_label_from_when_it_was_decided(tmp_path: object) -> None:
    from pathlib import Path

    from upstander.detect.alerts import AlertStore

    home = Path(str(tmp_path))
    with AlertStore(home).writing(on_wait=None) as store:
        store.execute("""INSERT INTO alerts (alert_id, detector_id, red_flags, category, kind, subject_staff_id,
                                             person_ids, alerted_at, score, weight, evidence, summary)
                         VALUES ('A1', 'unexplained_lookups', [4], 'misuse', 'alert', 'S1', [],
                                 '2021-03-05T10:00:00+00:00', 4.0, 2.5, ['audit:1'], 'look-ups')""")
        store.execute("CREATE TABLE dispositions (alert_id VARCHAR, outcome VARCHAR, decided_at TIMESTAMP)")
        store.execute("INSERT INTO dispositions VALUES ('A1', 'open_case', '2021-04-10 09:00:00')")
    con = _lake([("C1", "S1", "2020-03-02", "pending", None, "public"),
                 ("C2", "S2", "2020-03-02", "pending", None, "public")])
    _, has_alerts = load(con, home, 24)
    assert has_alerts
    snaps = build(con, [date(2021, 1, 1)], 180)
    assert snaps.staff_id.tolist() == ["S1", "S2"]
    assert labels(snaps, "case_opened", date(2021, 4, 1)).tolist() == [0, 0]
    assert labels(snaps, "case_opened", date(2021, 5, 1)).tolist() == [1, 0]
    # The alert itself is a feature only of snapshots after it was raised.
    later = build(con, [date(2021, 4, 1)], 180)
    assert _row(later, "S1", "2021-04-01")["alerts_red_flag_4_12m"] == 1
    assert _row(snaps, "S1", "2021-01-01")["alerts_red_flag_4_12m"] == 0


def test_intelligence_declarations_and_proven_cases_count_only_from_when_they_were_known(tmp_path: object) -> None:
    from pathlib import Path

    from upstander.detect.alerts import AlertStore

    home = Path(str(tmp_path))
    with AlertStore(home).writing(on_wait=None) as store:
        store.execute("CREATE TABLE intelligence (staff_id VARCHAR, graded VARCHAR, category VARCHAR, "
                      "recorded_at TIMESTAMP)")
        store.execute("""INSERT INTO intelligence VALUES ('S1', '1BP', 'sexual_misconduct', '2020-06-01 10:00:00'),
                         ('S1', '', 'confidential report', '2020-11-01 10:00:00'),
                         ('S3', '2CP', 'disclosure', '2020-09-01 10:00:00')""")
        store.execute("CREATE TABLE declarations (staff_id VARCHAR, reference VARCHAR, kind VARCHAR, "
                      "decision VARCHAR, decided_at TIMESTAMP)")
        store.execute("INSERT INTO declarations VALUES ('S2', 'DEC-1', 'business_interest', 'declined', "
                      "'2020-05-01 09:00:00')")
        store.execute("CREATE TABLE case_outcomes (staff_id VARCHAR, opened_at TIMESTAMP, outcome VARCHAR, "
                      "recorded_at TIMESTAMP)")
        store.execute("""INSERT INTO case_outcomes VALUES ('S1', '2021-02-01 09:00:00', 'final_written_warning',
                                                           '2021-09-01 09:00:00'),
                                                          ('S2', '2021-02-01 09:00:00', 'reflective_practice',
                                                           '2021-03-01 09:00:00')""")
    con = _lake([("C1", "S1", "2020-03-02", "pending", None, "public"),
                 ("C2", "S2", "2020-03-02", "pending", None, "public")])
    load(con, home, 24)
    snaps = build(con, [date(2020, 7, 1), date(2021, 1, 1)], 180)
    july, january = _row(snaps, "S1", "2020-07-01"), _row(snaps, "S1", "2021-01-01")
    assert (july["intelligence_12m"], july["intelligence_reliable_60m"], july["confidential_reports_12m"]) == (1, 1, 0)
    assert january["intelligence_sexual_misconduct_60m"] == 1 and january["confidential_reports_12m"] == 1
    assert _row(snaps, "S2", "2020-07-01")["declarations_declined_60m"] == 1
    # A proven case (a warning) is a label only once its outcome was recorded; reflective practice never is.
    assert labels(snaps.where(snaps.cutoff == np.datetime64("2021-01-01")), "proven_case",
                  date(2021, 8, 1)).tolist() == [0, 0]
    assert labels(snaps.where(snaps.cutoff == np.datetime64("2021-01-01")), "proven_case",
                  date(2021, 10, 1)).tolist() == [1, 0]
    later = build(con, [date(2021, 10, 1)], 180)
    assert _row(later, "S1", "2021-10-01")["proven_cases_known_60m"] == 1
    assert _row(later, "S2", "2021-10-01")["proven_cases_known_60m"] == 0


def test_intelligence_alone_brings_someone_into_the_population(tmp_path: object) -> None:
    from pathlib import Path

    from upstander.detect.alerts import AlertStore

    home = Path(str(tmp_path))
    with AlertStore(home).writing(on_wait=None) as store:
        store.execute("CREATE TABLE intelligence (staff_id VARCHAR, graded VARCHAR, category VARCHAR, "
                      "recorded_at TIMESTAMP)")
        store.execute("INSERT INTO intelligence VALUES ('S2', '1AP', 'drugs', '2020-06-01 10:00:00')")
    con = _lake([("C1", "S1", "2020-03-02", "pending", None, "public")])
    load(con, home, 24)
    assert build(con, [date(2021, 1, 1)], 180).staff_id.tolist() == ["S1", "S2"]
