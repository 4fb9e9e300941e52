"""Parity: the detector files give identical findings on DuckDB and, translated by SQLGlot, on Spark.

A small simulated force with every red flag goes through both engines. Java and PySpark are required, not
optional: scripts/test-machine installs Java and the test extra installs PySpark, so their absence fails the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from upstander.detect.catalogue import load_detectors
from upstander.detect.dirty import event_span
from upstander.detect.engine import prepare, run_detection, run_one
from upstander.detect.spark import collect_arrow, run_on_spark, spark_session, translate
from upstander.feeds.loading import load_delivery
from upstander.lake import Lake
from upstander.simulate.engine import simulate

pytestmark = pytest.mark.slow
DETECTOR_IDS = [d.id for d in load_detectors()]
MIN_DETECTORS_FIRING = 8


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("Java is not installed, and Spark needs it: run scripts/test-machine, or apt-get install "
                    "default-jre-headless (PySpark 4 needs Java 17 or later)")
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.fail("PySpark is not installed: pip install -e '.[test]'")
    with spark_session() as session:
        yield session


@pytest.fixture(scope="session")
def force_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A lake holding 150 staff over 21 days with every red flag."""
    root = tmp_path_factory.mktemp("parity")
    home = root / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UPSTANDER_HOME", str(home))
        simulate(150, 21, 5, root / "delivery", every_flag=True)
        load_delivery(root / "delivery", home=home)
        yield home


@pytest.fixture(scope="session")
def duckdb_findings(force_home: Path) -> dict[str, pa.Table]:
    summary = run_detection(force_home, full=True)
    lake = Lake(force_home)
    con = lake.connect()
    days = event_span(lake.manifest())  # the span the detection run binds
    assert days is not None
    prepare(con, days.first, days.last)
    findings = {d.id: run_one(con, d, None, (days.first, days.last)) for d in load_detectors()}
    # What is compared is what the detection run reported.
    assert {r.id: r.findings for r in summary.runs} == {k: t.num_rows for k, t in findings.items()}
    return findings


@pytest.fixture(scope="session")
def spark_findings(spark: Any, force_home: Path) -> dict[str, pa.Table]:
    return run_on_spark(force_home, spark=spark)


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    """Rows in a stable order; every column is compared exactly except the score."""
    return sorted(table.to_pylist(), key=lambda r: repr({k: v for k, v in r.items() if k != "score"}))


@pytest.mark.parametrize("detector", DETECTOR_IDS)
def test_spark_findings_identical(detector: str, duckdb_findings: dict[str, pa.Table],
                                  spark_findings: dict[str, pa.Table]) -> None:
    duck, spark = duckdb_findings[detector], spark_findings[detector]
    assert spark.column_names == duck.column_names
    duck_rows, spark_rows = _rows(duck), _rows(spark)
    assert len(spark_rows) == len(duck_rows)
    for d, s in zip(duck_rows, spark_rows, strict=True):
        assert float(s["score"]) == pytest.approx(float(d["score"]), abs=1e-9), d
        assert {k: v for k, v in s.items() if k != "score"} == {k: v for k, v in d.items() if k != "score"}


def test_parity_is_not_vacuous(duckdb_findings: dict[str, pa.Table]) -> None:
    firing = sorted(k for k, t in duckdb_findings.items() if t.num_rows > 0)
    assert len(firing) >= MIN_DETECTORS_FIRING, f"only {firing} found anything in the simulated force"


# Each DuckDB expression that SQLGlot alone would translate to Spark with a different answer.
EXPRESSIONS = {
    "timestamp text": "SELECT CAST(TIMESTAMPTZ '2025-01-10 14:15:17.5+00' AS VARCHAR) AS v",
    "date text": "SELECT CAST(DATE '2025-01-10' AS VARCHAR) AS v",
    "avg of decimals": "SELECT round(100 * avg(x)) || '%' AS v FROM (VALUES (1.0), (0.0), (0.0)) t(x)",
    "list keeps NULLs": "SELECT list_sort(list(x)) AS v FROM (VALUES ('b'), (NULL), ('a')) t(x)",
    "list distinct keeps one NULL": "SELECT list_sort(list(DISTINCT x)) AS v FROM (VALUES ('b'), (NULL), (NULL)) t(x)",
    "list_distinct drops NULLs": "SELECT list_sort(list_distinct(['b', NULL, 'a', 'b'])) AS v",
    "flatten skips NULL lists": "SELECT flatten(list(x)) AS v FROM (VALUES (['a']), (NULL)) t(x)",
    "date_diff counts boundaries": "SELECT date_diff('minute', TIMESTAMPTZ '2025-01-01 10:00:59+00', "
                                   "TIMESTAMPTZ '2025-01-01 10:02:00+00') AS v",
    "epoch keeps fractions": "SELECT epoch(TIMESTAMPTZ '2025-01-01 10:00:00.25+00') AS v",
    "interval from a parameter": "SELECT CAST(DATE '2025-03-01' - INTERVAL (2 * 14) DAY AS DATE) AS v",
    "list literal and array_to_string": "SELECT array_to_string(['a', NULL, 'b'], ', ') || len(['x', 'y']) AS v",
    "length of a NULL list": "SELECT coalesce(array_length(CAST(NULL AS VARCHAR[])), 0) AS v",
}


@pytest.mark.parametrize("sql", EXPRESSIONS.values(), ids=EXPRESSIONS.keys())
def test_translation_keeps_duckdb_meaning(sql: str, spark: Any) -> None:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    expected = con.sql(sql).to_arrow_table().to_pylist()
    assert collect_arrow(spark.sql(translate(sql))).to_pylist() == expected, translate(sql)


# Texts whose folding leans on what the two regular-expression engines share: emoji (outside the BMP, which Java
# holds as two chars), accents, a curly apostrophe, control characters, squeezed letters and word boundaries.
FOLDING_TEXTS = ["Hiya HUN u ok?? 😘😘", "Zoë’s café ❤️ x", "sooo gorgeus\ttmrw\nlol 🥰", "naïve 🤫 dont tell",
                 "x-ray at 5 x 10, mr x", "😉;) <3 :*", "ÀÉÎ ok xx"]


def test_message_folding_identical(spark: Any) -> None:
    from upstander.detect.catalogue import bind, load_context

    rows = ", ".join(f"('M{i}', 'S1', TIMESTAMPTZ '2025-01-01 12:00:00+00', '+4470', 'outbound', "
                     f"'{t.replace(chr(39), chr(39) * 2)}')" for i, t in enumerate(FOLDING_TEXTS))
    view = bind(dict(load_context())["message_text"], {}, None, "message_text")
    assert view.startswith("WITH ")
    sql = (f"WITH communications AS (SELECT * FROM (VALUES {rows}) AS c(comm_id, staff_id, occurred_at, "
           f"counterpart, direction, text)), {view.removeprefix('WITH ')} ORDER BY comm_id")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    expected = con.sql(sql).to_arrow_table().to_pylist()
    assert len(expected) == len(FOLDING_TEXTS) and "emoji_kiss" in expected[0]["words"]
    assert collect_arrow(spark.sql(translate(sql))).to_pylist() == expected
