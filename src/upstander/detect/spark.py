"""Runs the same detector files on Spark, translated from DuckDB SQL by SQLGlot.

The lake, the reference tables and the context views are set up exactly as `engine.prepare` does on DuckDB:
each feed is a temp view over the Parquet files the manifest lists (entity feeds show the current version of
each key), `uk_calendar` and `lexicon` come from the same Python tables, and the context views are computed
once, in file order. Each detector is bound with `bind()`, wrapped by `queries.findings_sql` as on DuckDB,
translated and run.

    findings = run_on_spark(home)  # {detector id: findings as an Arrow table}, like engine.run_one's
    with spark_session() as spark:  # or keep one session for several runs, as a benchmark would
        findings = run_on_spark(home, spark=spark)

To store alerts, `upstander detect --engine spark` runs `engine.run_detection` on a `backends.SparkBackend`
over these functions, in a session from `spark_env.detection_session`.

SQLGlot translates most of the DuckDB dialect; `translate` adds the rewrites where its output would fail on
Spark or give a different answer, each explained in `_fix`. The parity test runs a simulated force through
both engines and requires identical findings.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import sqlglot
from sqlglot import exp

from upstander.detect.calendar import calendar_table
from upstander.detect.catalogue import Detector, bind, context_lookbacks, load_context, load_detectors, runnable
from upstander.detect.dirty import data_span
from upstander.detect.lexicon import lexicon_table
from upstander.detect.queries import findings_sql
from upstander.detect.sqlfix import call, rewrite
from upstander.feeds.contract import FEEDS, Feed
from upstander.lake import Lake
from upstander.lake.store import feed_columns, select_columns

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# What makes Spark's answers DuckDB's, and its output Upstander's, on one machine or a cluster.
SPARK_SEMANTICS: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",  # as DuckDB's TimeZone: days, hours and text of timestamps in UTC
    "spark.sql.ansi.enabled": "true",  # fail on bad casts and overflow, as DuckDB does, on Spark 3.5 too
    "spark.sql.legacy.sizeOfNull": "false",  # size(NULL) is NULL, as array_length(NULL), not -1
    # A feed is hundreds of small day files: list them on the driver rather than with a Spark job.
    "spark.sql.sources.parallelPartitionDiscovery.threshold": "100000",
    "spark.ui.showConsoleProgress": "false",  # `upstander detect` shows its own progress bar on the same terminal
}
# Small and quiet: detection on one machine, tests and the benchmark on two cores. Not applied to a cluster,
# whose own settings (spark-submit --conf, spark-defaults.conf) decide its sizes.
LOCAL_CONF: dict[str, str] = {
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "2",
    "spark.driver.memory": "1g",
    "spark.ui.enabled": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
}
SPARK_CONF: dict[str, str] = {**SPARK_SEMANTICS, **LOCAL_CONF}
QUICK_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:ReservedCodeCacheSize=256m"
# Spark's log while the JVM starts: nothing, so that a failure is the one line Upstander prints (it carries
# Spark's own message); once started, errors only, as setLogLevel("ERROR") leaves it.
QUIET_LOG4J = """\
rootLogger.level = off
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
# PySpark's gateway (the "shell") at the root's level, or Spark announces the level it sets for it.
logger.gateway.name = org.apache.spark.api.python.PythonGatewayServer
logger.gateway.level = off
"""
_MICROS = {"SECOND": 1_000_000, "MINUTE": 60_000_000, "HOUR": 3_600_000_000, "DAY": 86_400_000_000}
_DT_UNITS = ("DAY", "HOUR", "MINUTE", "SECOND")  # make_dt_interval(days, hours, mins, secs)


def is_local(master: str) -> bool:
    return master == "local" or master.startswith(("local[", "local-cluster["))


@contextmanager
def spark_session(master: str | None = "local[2]", *, quick_start: bool = True, conf: dict[str, str] | None = None,
                  work: Path | None = None) -> Iterator[SparkSession]:
    """A SparkSession configured like the DuckDB connection, with `conf` on top; stopped on exit.

    A local master also gets LOCAL_CONF. `master=None` takes the master and sizes spark-submit gave (the
    session is then the one spark-submit's JVM runs). quick_start uses the JVM's quick compiler only and a
    serial collector when PySpark starts the JVM: on small data (tests, a few weeks of one force) that halves
    Spark's CPU time; turn it off for long runs on big data. Scratch files go to a temporary directory under
    `work` (the system's when None)."""
    from pyspark.sql import SparkSession

    with tempfile.TemporaryDirectory(prefix="upstander-spark-", dir=work) as scratch:
        settings = dict(SPARK_SEMANTICS)
        builder = SparkSession.builder.appName("upstander-detect")
        if master is not None:
            builder = builder.master(master)
            log4j = Path(scratch) / "log4j2.properties"
            log4j.write_text(QUIET_LOG4J, encoding="utf-8")
            java_options = f"-Dlog4j2.configurationFile={log4j.as_uri()}"
            settings["spark.driver.extraJavaOptions"] = f"{QUICK_JVM} {java_options}" if quick_start else java_options
        if master is not None and is_local(master):
            settings.update(LOCAL_CONF)
            settings["spark.local.dir"] = scratch
            settings["spark.sql.warehouse.dir"] = str(Path(scratch) / "warehouse")
        for key, value in {**settings, **(conf or {})}.items():
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
    for length in list(tree.find_all(exp.Length)):
        # DuckDB's len() takes a string or a list; SQLGlot makes it Spark's length(), for strings only. A list
        # is recognised here only where it is built; for a list column write array_length(), which is size().
        if isinstance(length.this, _LIST_BUILDERS):
            length.replace(exp.ArraySize(this=length.this.copy()))
    tree = rewrite(tree, _fix)  # children first, so that fixes nest
    return tree.sql(dialect="spark")


def _lambda(body: str) -> exp.Expression:
    """A Spark lambda over one element `item`, its body written in Spark SQL."""
    return exp.Lambda(this=sqlglot.parse_one(body, read="spark"), expressions=[exp.to_identifier("item")])


_NOT_NULL = "item IS NOT NULL"
_LIST_BUILDERS = (exp.Array, exp.ArrayAgg, exp.ArraySort, exp.ArrayDistinct, exp.Flatten, exp.ArrayConcat,
                  exp.ArrayFilter, exp.Split)
# Clauses around an aggregate: a fix that wraps the aggregate's result must wrap them too.
_AGG_CLAUSES = (exp.Filter, exp.Window, exp.IgnoreNulls, exp.RespectNulls)


def _fix(node: exp.Expression) -> exp.Expression:
    """Rewrites where SQLGlot's Spark SQL would fail on Spark, or run but give a different answer."""
    if isinstance(node, (exp.Avg, exp.ArrayAgg, *_AGG_CLAUSES)):
        return _fix_aggregate(node)
    if isinstance(node, exp.Cast) and node.to.is_type(*exp.DataType.TEXT_TYPES) \
            and not isinstance(node.this, exp.Literal | exp.Null):
        # DuckDB writes a TIMESTAMPTZ as text with its offset ('2025-01-10 14:15:17+00'); Spark omits it.
        # typeof() is folded when Spark plans the query, so other types pay nothing.
        is_tz = exp.EQ(this=call("typeof", node.this), expression=exp.Literal.string("timestamp"))
        return exp.Concat(expressions=[exp.Cast(this=node.this.copy(), to=exp.DataType.build("STRING")),
                                       exp.If(this=is_tz, true=exp.Literal.string("+00"),
                                              false=exp.Literal.string(""))])
    if isinstance(node, exp.TimeToUnix):
        # epoch() is seconds with their fraction; SQLGlot's unix_timestamp() truncates to whole seconds.
        return exp.Div(this=call("unix_micros", node.this), expression=exp.Literal.number(1_000_000))
    if isinstance(node, exp.DateDiff) and node.args.get("date_part_boundary"):
        return _boundaries_crossed(node)
    if isinstance(node, exp.Interval) and not isinstance(node.this, exp.Literal):
        # INTERVAL (:days) DAY with a bound number: Spark takes only a literal after INTERVAL.
        unit = node.unit.name.upper() if node.unit else "DAY"
        for units, make in ((_DT_UNITS, "make_dt_interval"), (("YEAR", "MONTH"), "make_ym_interval")):
            if unit in units:
                return call(make, *[exp.Literal.number(0)] * units.index(unit), node.this.unnest())
    if isinstance(node, exp.ArrayDistinct):
        # DuckDB's list_distinct also drops NULLs; Spark's array_distinct keeps one.
        return exp.ArrayDistinct(this=call("filter", node.this, _lambda(_NOT_NULL)))
    if isinstance(node, exp.Flatten):
        # DuckDB's flatten skips NULL inner lists; Spark's returns NULL if there is one.
        return exp.Flatten(this=call("filter", node.this, _lambda(_NOT_NULL)))
    return node


def _fix_aggregate(node: exp.Expression) -> exp.Expression:
    """avg() and list(), fixed once at their outermost FILTER or OVER clause."""
    if isinstance(node.parent, _AGG_CLAUSES) and node.arg_key == "this":
        return node  # fixed when the clause around it is reached
    agg = node
    while isinstance(agg, _AGG_CLAUSES):
        agg = agg.this
    if isinstance(agg, exp.Avg):
        # DuckDB's avg is DOUBLE for any numbers; Spark's stays DECIMAL for decimals, and a DECIMAL prints
        # differently in a summary ('75' rather than '75.0').
        return exp.Cast(this=node.copy(), to=exp.DataType.build("DOUBLE"))
    if isinstance(agg, exp.ArrayAgg) and not isinstance(agg.this, exp.Order):
        # DuckDB's list() keeps NULLs; Spark's collect_list and collect_set drop them. Collect one-field
        # structs, which are never NULL, and unwrap them.
        distinct = isinstance(agg.this, exp.Distinct)
        value = agg.this.expressions[0] if distinct else agg.this
        struct = exp.Struct(expressions=[exp.PropertyEQ(this=exp.to_identifier("v"), expression=value.copy())])
        collect = call("collect_set", struct) if distinct else exp.ArrayAgg(this=struct)
        if agg is node:
            return call("transform", collect, _lambda("item.v"))
        root = node.copy()
        next(a for a in root.find_all(exp.ArrayAgg)).replace(collect)  # the first found is the outermost
        return call("transform", root, _lambda("item.v"))
    return node


def _boundaries_crossed(node: exp.DateDiff) -> exp.Expression:
    """DuckDB's date_diff counts unit boundaries crossed (10:00:59 to 10:01:00 is one minute); Spark's
    datediff(unit, ...) counts whole units elapsed (none). Truncate both ends to the unit, then divide."""
    unit = node.unit.name.upper() if node.unit else "DAY"
    if unit not in _MICROS:
        return node
    start, end = (call("unix_micros", call("date_trunc", exp.Literal.string(unit), t))
                  for t in (node.expression, node.this))
    return exp.IntDiv(this=exp.paren(exp.Sub(this=end, expression=start), copy=False),
                      expression=exp.Literal.number(_MICROS[unit]))


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
            # are named so that SQLGlot's rewrite of QUALIFY does not leak its row number column. Entity
            # feeds are small and read by most queries, so they are computed once.
            columns = ", ".join(name for name, _ in feed_columns(feed))
            _materialise(spark, feed.name, translate(
                f"SELECT {columns} FROM {feed.name}_history QUALIFY row_number() OVER "
                f"(PARTITION BY {', '.join(feed.key)} ORDER BY _load DESC, _row DESC) = 1"))  # nosec B608  # feed names and keys from the data contract, detector SQL from the packaged catalogue
        else:
            frame.createOrReplaceTempView(feed.name)


_ARROW_TYPES = {pa.date32(): "DATE", pa.int32(): "INT", pa.string(): "STRING", pa.float64(): "DOUBLE"}


def _register_arrow(spark: SparkSession, name: str, table: pa.Table) -> None:
    """A small reference table from Python. PySpark 4 takes the Arrow table, which the JVM reads as it is; 3.5
    only rows, which executors unpickle, so on 3.5 a cluster's executors need Python with PySpark too."""
    import pyspark

    schema = ", ".join(f"`{f.name}` {_ARROW_TYPES[f.type]}" for f in table.schema)
    data = table if int(pyspark.__version__.split(".")[0]) >= 4 else table.to_pylist()
    spark.createDataFrame(data, schema=schema).createOrReplaceTempView(name)


def prepare(spark: SparkSession, first: date, last: date, since: date | None = None,
            detectors: list[Detector] | None = None) -> dict[str, float]:
    """As `engine.prepare`: reference tables, then the context views, each computed once, in file order,
    each from `since` less the look-back of the detectors that read it; seconds per view."""
    _register_arrow(spark, "uk_calendar", calendar_table(first - timedelta(days=400), last + timedelta(days=2)))
    _register_arrow(spark, "lexicon", lexicon_table())
    context = load_context()
    lookbacks = context_lookbacks(context, detectors if detectors is not None else load_detectors())
    seconds = {}
    for name, sql in context:
        t0 = time.perf_counter()
        start = None if since is None else since - timedelta(days=lookbacks[name])
        _materialise(spark, name, translate(bind(sql, {}, start, name)))
        seconds[name] = time.perf_counter() - t0
    return seconds


def _materialise(spark: SparkSession, name: str, sql: str) -> None:
    """Compute a view once and register the result. Not CACHE TABLE or cache(): Spark 4.3 did not match a
    cached query with CTEs when a later query uses it, and recomputes it every time. A local checkpoint
    also cuts the lineage, so later queries plan against a table rather than the whole context."""
    spark.sql(sql).localCheckpoint(eager=True).createOrReplaceTempView(name)


def findings(spark: SparkSession, det: Detector, data_from: date, report_from: date,
             span: tuple[date, date]) -> pa.Table:
    """One detector reading events from `data_from`, its findings alerted on or after `report_from`."""
    return collect_arrow(spark.sql(translate(findings_sql(det, data_from, report_from, span))))


def run_one(spark: SparkSession, det: Detector, since: date | None, span: tuple[date, date]) -> pa.Table:
    """One detector's findings from `since` less its look-ahead on (everything when None), as `engine.run_one`;
    `span` is the lake's first and last day of data."""
    report_from = (since or date(1900, 1, 1)) - timedelta(days=det.lookahead_days)
    return findings(spark, det, report_from - timedelta(days=det.lookback_days), report_from, span)


def collect_arrow(frame: DataFrame) -> pa.Table:
    """Findings as Arrow, timestamps in UTC (collect() would give naive datetimes in the local zone)."""
    if hasattr(frame, "toArrow"):  # PySpark 4
        return frame.toArrow()
    from pyspark.sql.pandas.types import to_arrow_schema  # PySpark 3.5

    return pa.Table.from_batches(frame._collect_as_arrow(), schema=to_arrow_schema(frame.schema))


def run_on_spark(home: Path | None = None, *, detectors: list[Detector] | None = None, since: date | None = None,
                 spark: SparkSession | None = None,
                 on_detector: Callable[[str], None] | None = None) -> dict[str, pa.Table]:
    """Every detector's findings on Spark, by detector id: from `since` on, or all of them when None
    (as `run_detection(full=True)`). Starts and stops a local session unless one is given; `on_detector`
    is called with each id as it finishes, as by `run_detection`."""
    if spark is None:
        with spark_session() as session:
            return run_on_spark(home, detectors=detectors, since=since, spark=session, on_detector=on_detector)
    detectors = detectors if detectors is not None else load_detectors()
    lake = Lake(home)
    register_lake(spark, lake)
    manifest = lake.manifest()
    detectors, _skipped = runnable(detectors, manifest.delivered_feeds())  # as `run_detection` skips them
    days = data_span(lake.connect(), manifest)  # the span `run_detection` binds
    if days is None:
        return {d.id: pa.table({}) for d in detectors}
    span = (days.first, days.last)
    prepare(spark, *span, since, detectors)
    findings = {}
    for det in detectors:
        findings[det.id] = run_one(spark, det, since, span)
        if on_detector:
            on_detector(det.id)
    return findings
