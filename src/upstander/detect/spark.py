"""Runs the same detector files on Spark, translated from DuckDB SQL by SQLGlot.

The lake, the reference tables and the context views are set up exactly as `engine.prepare` does on DuckDB:
each feed is a temp view over the Parquet files the manifest lists (entity feeds show the current version of
each key), `uk_calendar` and `lexicon` come from the same Python tables, and the context views are cached.
Each detector is bound with `bind()`, wrapped as `engine.run_one` wraps it, translated and run.

    with spark_session() as spark:
        findings = run_on_spark(home, spark=spark)  # {detector id: findings as an Arrow table}

SQLGlot translates most of the DuckDB dialect; `translate` adds the few rewrites where its output would run
on Spark but mean something else (each is documented at `_fix`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import sqlglot
from sqlglot import exp

from upstander.detect.calendar import calendar_table
from upstander.detect.catalogue import Detector, bind, load_context, load_detectors
from upstander.detect.lexicon import lexicon_table
from upstander.feeds.contract import FEEDS, Feed
from upstander.lake import Lake
from upstander.lake.store import feed_columns, select_columns

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# Small and quiet: detection on one machine, tests and the benchmark on two cores.
SPARK_CONF: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",  # as DuckDB's TimeZone: days, hours and text of timestamps in UTC
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "2",
    "spark.driver.memory": "1g",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.ansi.enabled": "true",  # fail on bad casts and overflow, as DuckDB does, on Spark 3.5 too
}
_MICROS = {"SECOND": 1_000_000, "MINUTE": 60_000_000, "HOUR": 3_600_000_000, "DAY": 86_400_000_000}
_DT_UNITS = ("DAY", "HOUR", "MINUTE", "SECOND")  # make_dt_interval(days, hours, mins, secs)


@contextmanager
def spark_session(master: str = "local[2]", work: Path | None = None) -> Iterator[SparkSession]:
    """A local SparkSession configured like the DuckDB connection; stopped on exit."""
    from pyspark.sql import SparkSession

    with tempfile.TemporaryDirectory(prefix="upstander-spark-", dir=work) as scratch:
        builder = SparkSession.builder.master(master).appName("upstander-detect")
        for key, value in {**SPARK_CONF, "spark.local.dir": scratch,
                           "spark.sql.warehouse.dir": str(Path(scratch) / "warehouse")}.items():
            builder = builder.config(key, value)
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        try:
            yield spark
        finally:
            spark.stop()


# ----- translation ----------------------------------------------------------------------------------------
def translate(sql: str) -> str:
    """DuckDB SQL (already bound) as Spark SQL."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    for node in reversed(list(tree.walk(bfs=False))):  # children first, so fixes nest
        fixed = _fix(node)
        if fixed is not node:
            tree = fixed if node is tree else tree
            node.replace(fixed)
    return tree.sql(dialect="spark")


def _fn(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=[a.copy() for a in args])


def _lambda(body: str) -> exp.Expression:
    """A Spark lambda over one element `item`, written in Spark SQL."""
    return exp.Lambda(this=sqlglot.parse_one(body, read="spark"), expressions=[exp.to_identifier("item")])


def _fix(node: exp.Expression) -> exp.Expression:
    """Rewrites where SQLGlot's Spark SQL would run but differ from DuckDB."""
    if isinstance(node, exp.Cast) and node.to.is_type(*exp.DataType.TEXT_TYPES) and not node.this.is_string:
        # DuckDB writes a TIMESTAMPTZ as text with its offset ('2025-01-10 14:15:17+00'); Spark omits it.
        # typeof() is folded at planning time, so this costs nothing for other types.
        text = exp.Cast(this=node.this.copy(), to=exp.DataType.build("STRING"))
        suffix = exp.If(this=exp.EQ(this=_fn("typeof", node.this.copy()), expression=exp.Literal.string("timestamp")),
                        true=exp.Literal.string("+00"), false=exp.Literal.string(""))
        return exp.Concat(expressions=[text, suffix])
    if isinstance(node, exp.Avg):
        # DuckDB's avg is DOUBLE for every numeric input; Spark keeps DECIMAL for decimals, which then prints
        # differently ('75' rather than '75.0') when concatenated into a summary.
        return exp.Cast(this=node.copy(), to=exp.DataType.build("DOUBLE"))
    if isinstance(node, exp.TimeToUnix):
        # epoch() is seconds with the fraction; Spark's unix_timestamp truncates to whole seconds.
        return exp.Div(this=_fn("unix_micros", node.this), expression=exp.Literal.number(1_000_000))
    if isinstance(node, exp.DateDiff) and node.args.get("date_part_boundary"):
        return _boundaries_crossed(node)
    if isinstance(node, exp.Interval) and not isinstance(node.this, exp.Literal):
        # INTERVAL (expr) DAY, from a bound parameter: Spark only takes literals after INTERVAL.
        unit = node.unit.name.upper() if node.unit else "DAY"
        if unit in _DT_UNITS:
            args = [exp.Literal.number(0)] * _DT_UNITS.index(unit) + [node.this.unnest()]
            return _fn("make_dt_interval", *args)
        if unit in ("YEAR", "MONTH"):
            args = [exp.Literal.number(0)] * ("YEAR", "MONTH").index(unit) + [node.this.unnest()]
            return _fn("make_ym_interval", *args)
    if isinstance(node, exp.ArrayAgg):
        return _list_keeping_nulls(node)
    if isinstance(node, exp.ArrayDistinct):
        # DuckDB's list_distinct also drops NULLs.
        return exp.ArrayDistinct(this=_fn("filter", node.this, _lambda("item IS NOT NULL")))
    if isinstance(node, exp.Flatten):
        # DuckDB's flatten skips NULL inner lists; Spark's returns NULL if any inner list is NULL.
        return exp.Flatten(this=_fn("filter", node.this, _lambda("item IS NOT NULL")))
    return node


def _boundaries_crossed(node: exp.DateDiff) -> exp.Expression:
    """DuckDB's date_diff counts unit boundaries crossed (10:00:59 to 10:01:00 is one minute); Spark's
    datediff/timestampdiff counts whole units elapsed (none). Truncate both ends, then divide."""
    unit = node.unit.name.upper() if node.unit else "DAY"
    if unit not in _MICROS:
        return node
    start, end = (_fn("unix_micros", _fn("date_trunc", exp.Literal.string(unit), t))
                  for t in (node.expression, node.this))
    return exp.IntDiv(this=exp.paren(exp.Sub(this=end, expression=start), copy=False),
                      expression=exp.Literal.number(_MICROS[unit]))


def _list_keeping_nulls(node: exp.ArrayAgg) -> exp.Expression:
    """DuckDB's list() keeps NULL values; Spark's collect_list drops them. Collect one-field structs (never
    NULL themselves) and unwrap them."""
    inner = node.this
    distinct = isinstance(inner, exp.Distinct)
    value = inner.expressions[0] if distinct else inner
    wrapped = exp.Struct(expressions=[exp.PropertyEQ(this=exp.to_identifier("v"), expression=value.copy())])
    if distinct:
        collected: exp.Expression = _fn("collect_set", wrapped)
    else:
        collected = exp.ArrayAgg(this=wrapped)
    return _fn("transform", collected, _lambda("item.v"))


# ----- the lake, reference tables and context on Spark ---------------------------------------------------
def _spark_type(duck_type: str) -> str:
    return exp.DataType.build(duck_type, dialect="duckdb").sql(dialect="spark")


def _feed_frame(spark: SparkSession, feed: Feed, paths: list[str]) -> DataFrame:
    columns = feed_columns(feed)
    if not paths:
        # The same empty relation store.py builds, translated.
        return spark.sql(translate(select_columns(columns, [])))
    schema = ", ".join(f"`{name}` {_spark_type(t)}" for name, t in columns)
    return spark.read.schema(schema).parquet(*paths).select(*(name for name, _ in columns))


def register_lake(spark: SparkSession, lake: Lake) -> None:
    """A temp view per feed over the files the manifest lists, shaped like `Lake.create_views`."""
    manifest = lake.manifest()
    for feed in FEEDS:
        frame = _feed_frame(spark, feed, [str(lake.root / p) for p in manifest.data.get(feed.name, [])])
        if feed.kind == "entity":
            frame.createOrReplaceTempView(f"{feed.name}_history")
            # The current version of each key: highest load, then row, as store.py's DuckDB view. Columns
            # are named so that SQLGlot's rewrite of QUALIFY does not leak its row number column.
            columns = ", ".join(name for name, _ in feed_columns(feed))
            spark.sql(translate(f"SELECT {columns} FROM {feed.name}_history QUALIFY row_number() OVER "
                                f"(PARTITION BY {', '.join(feed.key)} ORDER BY _load DESC, _row DESC) = 1")
                      ).createOrReplaceTempView(feed.name)
        else:
            frame.createOrReplaceTempView(feed.name)


def _register_arrow(spark: SparkSession, name: str, table: pa.Table) -> None:
    schema = ", ".join(f"`{f.name}` {_spark_type(_ARROW_TO_DUCK[str(f.type)])}" for f in table.schema)
    spark.createDataFrame(table.to_pylist(), schema=schema).createOrReplaceTempView(name)


_ARROW_TO_DUCK = {"date32[day]": "DATE", "int32": "INTEGER", "string": "VARCHAR", "double": "DOUBLE"}


def data_span(spark: SparkSession) -> tuple[date, date] | None:
    row = spark.sql("SELECT CAST(min(occurred_at) AS DATE), CAST(max(occurred_at) AS DATE) FROM audit").first()
    if row is None or row[0] is None:
        return None
    return row[0], row[1]


def prepare(spark: SparkSession, first: date, last: date, since: date | None = None) -> None:
    """As `engine.prepare`: reference tables, then the context views, cached, in file order."""
    _register_arrow(spark, "uk_calendar", calendar_table(first - timedelta(days=400), last + timedelta(days=2)))
    _register_arrow(spark, "lexicon", lexicon_table())
    for name, sql in load_context():
        spark.sql(f"CACHE TABLE {name} AS {translate(bind(sql, {}, since, name))}")


def run_one(spark: SparkSession, det: Detector, since: date | None) -> pa.Table:
    """One detector's findings from `since` on (everything when None), as `engine.run_one`."""
    report_from = since or date(1900, 1, 1)
    sql = det.bound_sql(since=report_from - timedelta(days=det.lookback_days))
    wrapped = (f"SELECT * FROM ({sql}) AS findings "
               f"WHERE alerted_at >= '{report_from.isoformat()}'::TIMESTAMPTZ")
    return _to_arrow(spark.sql(translate(wrapped)))


def _to_arrow(frame: DataFrame) -> pa.Table:
    if hasattr(frame, "toArrow"):  # PySpark 4
        return frame.toArrow()
    return pa.Table.from_batches(frame._collect_as_arrow(), schema=None)  # PySpark 3.5


def run_on_spark(home: Path | None = None, *, detectors: list[Detector] | None = None, since: date | None = None,
                 spark: SparkSession | None = None) -> dict[str, pa.Table]:
    """Every detector's findings on Spark, by detector id: from `since` on, or all of them when None
    (as `run_detection(full=True)`). Starts and stops a local session unless one is given."""
    if spark is None:
        with spark_session() as session:
            return run_on_spark(home, detectors=detectors, since=since, spark=session)
    detectors = detectors if detectors is not None else load_detectors()
    register_lake(spark, Lake(home))
    span = data_span(spark)
    if span is None:
        return {d.id: pa.table({}) for d in detectors}
    lookback = max((d.lookback_days for d in detectors), default=0)
    prepare(spark, *span, None if since is None else since - timedelta(days=lookback))
    try:
        return {det.id: run_one(spark, det, since) for det in detectors}
    finally:
        spark.catalog.clearCache()
