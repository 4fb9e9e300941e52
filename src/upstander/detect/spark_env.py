"""What Spark needs before detection can run on it, checked first, so that each missing piece is one clear
line rather than a Java stack trace: PySpark, Java, a master URL that parses and, for a standalone cluster,
answers. Whatever Spark itself refuses later comes out as one line too (`SparkUnavailable`).

    with detection_session("local[2]") as spark:  # or None: the master spark-submit was given
        ...
"""

from __future__ import annotations

import os
import re
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[2]"
MASTER_FORMS = "local, local[N], local[*], spark://HOST:PORT, yarn or k8s://https://HOST:PORT"
_LOCAL = re.compile(r"local(\[(\*|[1-9]\d*)(,\s*[1-9]\d*)?\])?")
_STANDALONE = re.compile(r"spark://([^\s:/,]+:\d{1,5})(,[^\s:/,]+:\d{1,5})*")
_K8S = re.compile(r"k8s://\S+")
CONNECT_SECONDS = 3.0


class SparkUnavailable(Exception):
    """Spark cannot run detection here; the message is one line saying why and what to do."""


def check_pyspark() -> None:
    try:
        import pyspark
    except ImportError:
        raise SparkUnavailable("Spark is not installed: pip install 'upstander[spark]' (PySpark 3.5 or later; "
                               "it needs Java 17 or later)") from None
    major, minor = (int(part) for part in pyspark.__version__.split(".")[:2])
    if (major, minor) < (3, 5):
        raise SparkUnavailable(f"PySpark {pyspark.__version__} is too old: Upstander needs 3.5 or later")


def java_command() -> Path:
    """The java PySpark will start: JAVA_HOME's if set, else the one on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        java = Path(java_home) / "bin" / "java"
        if not java.is_file():
            raise SparkUnavailable(f"JAVA_HOME is {java_home}, but it has no bin/java: point it at a Java 17 or "
                                   f"later installation, or unset it to use the java on PATH")
        return java
    found = shutil.which("java")
    if found is None:
        raise SparkUnavailable("Java is not installed, and Spark needs it: install Java 17 or later "
                               "(on Debian: apt-get install default-jre-headless) or set JAVA_HOME")
    return Path(found)


def check_master(master: str) -> None:
    """Refuse a master URL Spark would not understand; for a standalone cluster, one that does not answer."""
    if _LOCAL.fullmatch(master) or master == "yarn" or _K8S.fullmatch(master):
        if master == "yarn" and not (os.environ.get("HADOOP_CONF_DIR") or os.environ.get("YARN_CONF_DIR")):
            raise SparkUnavailable("--master yarn needs HADOOP_CONF_DIR or YARN_CONF_DIR set to the cluster's "
                                   "Hadoop configuration")
        return
    if not _STANDALONE.fullmatch(master):
        raise SparkUnavailable(f"--master {master!r} is not a Spark master URL: use {MASTER_FORMS}")
    addresses = master.removeprefix("spark://").split(",")
    for address in addresses:
        host, port = address.rsplit(":", 1)
        try:
            with socket.create_connection((host, int(port)), timeout=CONNECT_SECONDS):
                return  # one master of a high-availability list answering is enough
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
    raise SparkUnavailable(f"no Spark master answers at {master} ({reason}): is the cluster running, "
                           f"and is that its address?")


def one_line(exc: BaseException) -> str:
    """Spark's own message of an error without the stack trace: for a Java exception its first line and, when
    it wraps others, the first line of the innermost (often the one that says what is wrong)."""
    java = getattr(exc, "java_exception", None)
    if java is None:
        return _first_line(str(exc)) or type(exc).__name__
    message, root = _first_line(str(java.toString())), java
    for _ in range(20):  # a cause chain is short; never follow a cycle for ever
        cause = root.getCause()
        if cause is None:
            break
        root = cause
    inner = _first_line(str(root.toString()))
    return message if root is java or inner == message else f"{message} (caused by {inner})"


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def spark_errors() -> tuple[type[BaseException], ...]:
    """The exceptions through which Spark reports a failure, from PySpark and from its bridge to Java."""
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    return PySparkException, Py4JError


def check_spark(master: str | None) -> None:
    """Everything that can be checked before starting Spark; `master=None` is spark-submit's, already running."""
    check_pyspark()
    if master is not None:
        java_command()
        check_master(master)


@contextmanager
def detection_session(master: str | None, *, work: Path | None = None) -> Iterator[SparkSession]:
    """A Spark session for detection, after the checks above; `master=None` takes spark-submit's.

    Any failure of Spark, starting or later, is raised as SparkUnavailable with Spark's own message."""
    from upstander.detect.spark import spark_session

    check_spark(master)
    errors = spark_errors()
    started = False
    try:
        with spark_session(master, work=work) as spark:
            started = True
            yield spark
    except errors as exc:
        if not started and master is not None and "JAVA_GATEWAY_EXITED" in str(exc):
            raise SparkUnavailable(f"Java ({java_command()}) could not start Spark: Spark 4 needs Java 17 or later, "
                                   f"Spark 3.5 Java 8, 11 or 17") from None
        what = "could not start" if not started else "failed"
        raise SparkUnavailable(f"Spark {what}: {one_line(exc)}") from None
