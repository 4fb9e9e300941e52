"""`upstander detect --engine spark` stores exactly the alerts DuckDB stores, through the same store code.

One small simulated force is delivered in two parts. One home is detected with DuckDB, the other with Spark:
the first run through `upstander detect --engine spark` (in process, CliRunner), the incremental run after
the second delivery through spark-submit and `upstander.cli.spark_main`, as docs/operations.md says to run it
on a cluster. After each run both alert stores must hold the same rows in every table and column except when
a row was first seen and last updated. Java and PySpark are required, as for the parity test.

What stops Spark (no PySpark, no Java, a bad master URL, Spark refusing a query) must be one line and exit 1.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from upstander.cli import register
from upstander.detect import kept
from upstander.detect.spark import QUICK_JVM
from upstander.detect.spark_env import SparkUnavailable, detection_session
from upstander.feeds.loading import load_delivery
from upstander.simulate.engine import simulate

pytestmark = pytest.mark.slow
SRC = Path(__file__).parents[1] / "src"
STAFF, DAYS, FIRST_PART_DAYS, SEED = 80, 12, 8, 7
NOT_COMPARED = {"first_seen", "updated"}  # when the row was written, which differs between any two runs
MIN_DETECTORS_ALERTING = 6


def _split(delivery: Path, first: Path, second: Path) -> tuple[list[str], list[str]]:
    """Event feeds' day folders before the cutoff go to `first`, the rest to `second`; entity files to both.
    Returns the days of each part."""
    days = sorted({p.name for p in delivery.glob("*/day=*")})
    later = set(days[FIRST_PART_DAYS:])
    for part in (first, second):
        part.mkdir(parents=True)
    for path in sorted(delivery.iterdir()):
        if path.is_file() and path.suffix == ".parquet":
            for part in (first, second):
                shutil.copy2(path, part / path.name)
        elif path.is_dir():
            for day in path.glob("day=*"):
                shutil.copytree(day, (second if day.name in later else first) / path.name / day.name)
    return [d.removeprefix("day=") for d in days[:FIRST_PART_DAYS]], sorted(d.removeprefix("day=") for d in later)


def _store(home: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the alert store, every column but NOT_COMPARED, rows in a stable order; not DuckDB's own
    derived stay-points and kept views (detect/derived.py, kept.py: Spark derives them on each run instead) or
    their state rows."""
    with duckdb.connect(str(home / "alerts.duckdb"), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables "
                                            "WHERE table_schema = 'main' ORDER BY table_name").fetchall()]
        snapshot = {}
        for table in tables:
            columns = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns "
                                                 "WHERE table_name = ? ORDER BY ordinal_position", [table]).fetchall()
                       if c not in NOT_COMPARED]
            if table in kept.tables():
                continue
            rows = [r for r in con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
                    if not (table == "detection_state" and r[0] in kept.version_keys())]
            snapshot[table] = sorted(rows, key=repr)
        return snapshot


def _cli(home: Path, *args: str, env: dict[str, str | None] | None = None) -> Any:
    return CliRunner().invoke(register(), ["detect", *args], env={"UPSTANDER_HOME": str(home), **(env or {})},
                              catch_exceptions=False)


def _spark_submit(home: Path, *args: str) -> str:
    """`spark-submit --master local[2] <spark_main.py> ARGS` from the pyspark package's own bin, sized for two
    cores as the CLI sizes a local session; its standard output."""
    import pyspark

    entry = subprocess.run([sys.executable, "-m", "upstander.cli.spark_main", "--where"], capture_output=True,
                           text=True, check=True, env={**os.environ, "PYTHONPATH": str(SRC)}).stdout.strip()
    submit = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    run = subprocess.run(
        [str(submit), "--master", "local[2]", "--driver-java-options", QUICK_JVM,
         "--conf", "spark.sql.shuffle.partitions=4", "--conf", "spark.default.parallelism=2",
         "--conf", "spark.ui.enabled=false", "--conf", "spark.ui.showConsoleProgress=false", entry, *args],
        capture_output=True, text=True, check=False, cwd=home,
        env={**os.environ, "UPSTANDER_HOME": str(home), "PYTHONPATH": str(SRC), "PYSPARK_PYTHON": sys.executable,
             "SPARK_LOCAL_IP": "127.0.0.1"})
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Both homes through both deliveries; the stores and the JSON summaries after each run."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("Java is not installed, and Spark needs it: run .ci/run, or apt-get install default-jre-headless")
    root = tmp_path_factory.mktemp("spark-cli")
    simulate(STAFF, DAYS, SEED, root / "delivery", every_flag=True)
    first_days, second_days = _split(root / "delivery", root / "part1", root / "part2")
    duck, spark = root / "duckdb-home", root / "spark-home"
    out: dict[str, Any] = {"first_days": first_days, "second_days": second_days}
    for home in (duck, spark):
        load_delivery(root / "part1", home=home)
    first = _cli(duck, "--json")
    assert first.exit_code == 0, first.output
    out["duck_1"], out["duck_1_json"] = _store(duck), json.loads(first.stdout)
    first = _cli(spark, "--engine", "spark", "--json")
    assert first.exit_code == 0, first.output
    out["spark_1"], out["spark_1_json"] = _store(spark), json.loads(first.stdout)
    for home in (duck, spark):
        load_delivery(root / "part2", home=home)
    second = _cli(duck, "--json")
    assert second.exit_code == 0, second.output
    out["duck_2"], out["duck_2_json"] = _store(duck), json.loads(second.stdout)
    out["spark_2_json"] = json.loads(_spark_submit(spark, "--json").strip().splitlines()[-1])
    out["spark_2"] = _store(spark)
    return out


def _counts(summary: dict[str, Any]) -> dict[str, tuple[int, int]]:
    return {k: (v["findings"], v["new"]) for k, v in summary["detectors"].items()}


def test_a_spark_run_stores_exactly_what_a_duckdb_run_stores(runs: dict[str, Any]) -> None:
    duck, spark = runs["duck_1"], runs["spark_1"]
    assert set(spark) == set(duck)
    for table in duck:
        assert spark[table] == duck[table], table
    assert runs["spark_1_json"]["engine"] == "spark" and runs["duck_1_json"]["engine"] == "duckdb"
    assert _counts(runs["spark_1_json"]) == _counts(runs["duck_1_json"])  # found and new, detector by detector
    alerting = {row[1] for row in duck["alerts"]}  # detector_id
    assert len(alerting) >= MIN_DETECTORS_ALERTING, f"only {sorted(alerting)} alerted: the comparison says little"
    assert duck["lookup_stats_daily"], "no look-up statistics to compare"


def test_an_incremental_spark_run_after_a_second_delivery_equals_the_duckdb_one(runs: dict[str, Any]) -> None:
    duck, spark = runs["duck_2"], runs["spark_2"]
    for table in duck:
        assert spark[table] == duck[table], table
    # Incremental on both, from the same dirty day: no later than the first day the second delivery brought.
    first_watermark = _watermark(runs["duck_1"])
    assert _watermark(runs["spark_1"]) == first_watermark
    assert runs["spark_2_json"]["since"] == runs["duck_2_json"]["since"] is not None
    assert runs["duck_2_json"]["since"] <= runs["second_days"][0]
    assert _counts(runs["spark_2_json"]) == _counts(runs["duck_2_json"])
    # The second delivery changed the store, so the equality above covers the incremental rules at work.
    assert duck != runs["duck_1"]
    stat_days = {row[0].isoformat() for row in duck["lookup_stats_daily"]}
    assert set(runs["second_days"]) <= stat_days
    assert _watermark(duck) >= runs["second_days"][-1] > first_watermark


def _watermark(store: dict[str, list[tuple[Any, ...]]]) -> str:
    [day] = [value for key, value in store["detection_state"] if key == "last_day"]
    return str(day)


# ----- what stops Spark is one line, exit 1, and nothing stored --------------------------------------------------
@pytest.fixture(scope="module")
def lake_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A lake that every test here tries to detect over, and none may get as far as storing anything in."""
    root = tmp_path_factory.mktemp("refused")
    simulate(50, 2, 3, root / "delivery")
    home = root / "home"
    load_delivery(root / "delivery", home=home)
    return home


def _refused(home: Path, *args: str, env: dict[str, str | None] | None = None) -> str:
    result = _cli(home, "--engine", "spark", *args, env=env)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output
    assert not (home / "alerts.duckdb").exists()  # refused before anything was stored
    return lines[0]


def test_without_pyspark_the_command_says_how_to_install_it(lake_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as when it is not installed: import fails
    assert "Spark is not installed: pip install 'upstander[spark]'" in _refused(lake_home)


def test_without_java_the_command_says_spark_needs_it(lake_home: Path, tmp_path: Path) -> None:
    empty = tmp_path / "bin-without-java"
    empty.mkdir()
    line = _refused(lake_home, env={"PATH": str(empty), "JAVA_HOME": None})
    assert "Java is not installed, and Spark needs it" in line


def test_a_java_home_without_java_is_named(lake_home: Path, tmp_path: Path) -> None:  # tmp_path: no bin/java
    line = _refused(lake_home, env={"JAVA_HOME": str(tmp_path)})
    assert f"JAVA_HOME is {tmp_path}, but it has no bin/java" in line


@pytest.mark.parametrize("master", ["local[two]", "local[0]", "spark:/head:7077", "spark://head", "mesos://m:5050",
                                    "spark://a:1,b", "local[2]; rm -rf /"])
def test_a_master_url_spark_would_not_understand_is_refused_by_name(lake_home: Path, master: str) -> None:
    assert f"--master {master!r} is not a Spark master URL" in _refused(lake_home, "--master", master)


def test_a_standalone_master_that_does_not_answer_is_refused(lake_home: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on: bound, then closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    line = _refused(lake_home, "--master", f"spark://127.0.0.1:{port}")
    assert f"no Spark master answers at spark://127.0.0.1:{port} (Connection refused)" in line


def test_yarn_without_its_configuration_is_refused(lake_home: Path) -> None:
    line = _refused(lake_home, "--master", "yarn", env={"HADOOP_CONF_DIR": None, "YARN_CONF_DIR": None})
    assert "--master yarn needs HADOOP_CONF_DIR or YARN_CONF_DIR" in line


def test_master_is_refused_without_the_spark_engine(lake_home: Path) -> None:
    result = _cli(lake_home, "--master", "local[2]")
    assert result.exit_code == 2
    assert "--master is for --engine spark only" in result.output


def test_spark_refusing_a_query_is_one_line_with_sparks_own_reason() -> None:
    with pytest.raises(SparkUnavailable) as refused, detection_session("local[1]") as spark:
        spark.sql("SELECT CAST('forty' AS INT)").collect()
    message = str(refused.value)
    assert message.startswith("Spark failed: ") and "CAST_INVALID_INPUT" in message
    assert "\n" not in message
