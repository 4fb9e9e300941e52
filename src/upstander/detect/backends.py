"""Where a detection run's SQL runs: DuckDB in this process (the default), or Spark.

`run_detection` keeps the incremental rules and the alert store to itself and asks a backend only for what
needs the data: the reference tables and context views prepared from a first day, a detector's
findings as Arrow for a data-from day and a report-from day, and the look-up statistics per day. So both
engines store alerts through the same code, with the same keys.

    run_detection(home)  # DuckDBBackend
    with detection_session("local[2]") as spark:  # upstander.detect.spark_env
        run_detection(home, backend=SparkBackend(spark))
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

import pyarrow as pa

from upstander.detect import engine
from upstander.detect import spark as on_spark
from upstander.detect.catalogue import Detector, load_context
from upstander.detect.kept import KeptViews
from upstander.detect.queries import EXPLAINED_SHARE_SQL, findings_sql, lookup_stats_sql
from upstander.lake import Lake

if TYPE_CHECKING:
    import duckdb
    from pyspark.sql import SparkSession


class Backend(Protocol):
    name: str

    def open_lake(self, lake: Lake) -> None:
        """Read the lake's committed files (a view per feed, as `Lake.connect` makes them)."""

    def prepare(self, first: date, last: date, since: date | None, detectors: list[Detector],
                store: duckdb.DuckDBPyConnection | None = None) -> dict[str, float]:
        """Reference tables and context views, each from `since` less the look-back of the detectors reading it
        (everything when None); seconds per view. `store` is the run's copy of the alert store, where a backend
        may keep derived tables (derived.py) that commit with the run."""

    def explained_share(self) -> float | None:
        """The share of the prepared look-ups that the data explains; None when there are none."""

    def lookup_stats(self, since: date | None) -> pa.Table:
        """day, staff_id, lookups, explained for the days from `since` (every day when None)."""

    def findings(self, det: Detector, data_from: date, report_from: date, span: tuple[date, date]) -> pa.Table:
        """A detector reading events from `data_from`, its findings alerted on or after `report_from`; `span` is
        the lake's first and last day of data."""


class DuckDBBackend:
    """The lake's Parquet read by DuckDB in process, as `engine.prepare` does."""

    name = "duckdb"

    def __init__(self) -> None:
        self._con: duckdb.DuckDBPyConnection | None = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise RuntimeError("open_lake() first")
        return self._con

    def open_lake(self, lake: Lake) -> None:
        self._con = lake.connect()

    def prepare(self, first: date, last: date, since: date | None, detectors: list[Detector],
                store: duckdb.DuckDBPyConnection | None = None) -> dict[str, float]:
        """Stay-points and the views kept per day come from the store's derived tables, refreshed from `since`
        (derived.py, kept.py), when given one."""
        con = self.con
        kept = None if store is None else KeptViews(con, store, since, load_context())
        return engine.prepare(con, first, last, since, detectors, kept=kept)

    def explained_share(self) -> float | None:
        [(share,)] = self.con.execute(EXPLAINED_SHARE_SQL).fetchall()
        return None if share is None else float(share)

    def lookup_stats(self, since: date | None) -> pa.Table:
        return self.con.sql(lookup_stats_sql(since)).to_arrow_table()

    def findings(self, det: Detector, data_from: date, report_from: date, span: tuple[date, date]) -> pa.Table:
        return self.con.sql(findings_sql(det, data_from, report_from, span)).to_arrow_table()


class SparkBackend:
    """The same SQL translated by SQLGlot and run on a Spark session (`upstander.detect.spark`); the
    findings come back to this process as Arrow and are stored here, as DuckDB's are."""

    name = "spark"

    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark

    def open_lake(self, lake: Lake) -> None:
        on_spark.register_lake(self.spark, lake)

    def prepare(self, first: date, last: date, since: date | None, detectors: list[Detector],
                store: duckdb.DuckDBPyConnection | None = None) -> dict[str, float]:
        """Stay-points derived from 40_stays.sql on every run; the store's derived table is DuckDB's."""
        return on_spark.prepare(self.spark, first, last, since, detectors)

    def explained_share(self) -> float | None:
        share = self.spark.sql(on_spark.translate(EXPLAINED_SHARE_SQL)).first()[0]  # type: ignore[index]
        return None if share is None else float(share)

    def lookup_stats(self, since: date | None) -> pa.Table:
        return on_spark.collect_arrow(self.spark.sql(on_spark.translate(lookup_stats_sql(since))))

    def findings(self, det: Detector, data_from: date, report_from: date, span: tuple[date, date]) -> pa.Table:
        return on_spark.findings(self.spark, det, data_from, report_from, span)
