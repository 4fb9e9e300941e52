"""What every importer shares: reading a gzip CSV with progress, noting what could not be mapped, writing the
delivery and loading it, then tracing the loader's quarantine back to the rows of the source files."""

from __future__ import annotations

import csv
import gzip
import io
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rich.progress import Progress

from upstander import settings
from upstander.feeds.contract import feed
from upstander.feeds.loading import LoadSummary, load_delivery
from upstander.lake import Lake

PROGRESS_EVERY = 5000  # rows between progress updates: often enough to move, rarely enough to cost nothing


class SourceError(Exception):
    """The source cannot be imported at all (a file missing, unreadable or without the columns it must have)."""


@dataclass(frozen=True)
class Problem:
    """A source value the importer could not map, and what it did instead (or that the row was skipped)."""

    file: str
    row: int  # 1 = the first data row after the header
    field: str
    what: str  # the kind of problem and what was done, the same words for every row it happens to
    detail: str = ""  # this row's value or the row it repeats


@dataclass(frozen=True)
class SourceRow:
    file: str
    row: int


@dataclass
class ImportSummary:
    source: str
    delivery: str = ""  # the folder written and loaded
    read: dict[str, int] = field(default_factory=dict)  # source file -> data rows
    written: dict[str, int] = field(default_factory=dict)  # feed -> rows written to the delivery
    skipped: dict[str, int] = field(default_factory=dict)  # why a source row was not written -> rows
    problems: list[Problem] = field(default_factory=list)  # what the importer could not map
    quarantined: list[Problem] = field(default_factory=list)  # rows the loader refused, traced to the source
    load: LoadSummary | None = None
    seconds: float = 0.0

    def note(self, file: str, row: int, field_name: str, what: str, detail: str = "") -> None:
        self.problems.append(Problem(file, row, field_name, what, detail))

    def skip(self, file: str, row: int, field_name: str, why: str, detail: str = "") -> None:
        """A source row not written at all: counted by reason and listed with its file, row and field."""
        self.skipped[why] = self.skipped.get(why, 0) + 1
        self.note(file, row, field_name, f"row skipped: {why}", detail)

    def problem_counts(self) -> list[tuple[str, str, str, int]]:
        """(file, field, what, rows), the commonest first, so a long list can be read at a glance."""
        counts = Counter((p.file, p.field, p.what) for p in self.problems)
        return [(f, fld, what, n) for (f, fld, what), n in counts.most_common()]

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["load"] = self.load.to_json() if self.load else None
        out["problem_counts"] = [dict(file=f, field=fld, what=w, rows=n) for f, fld, w, n in self.problem_counts()]
        return out


def open_source(directory: Path, name: str, columns: tuple[str, ...]) -> tuple[Path, list[str]]:
    """The path of a source file and its header, refusing a missing file or one without the columns needed."""
    path = Path(directory).expanduser() / name
    if not path.is_file():
        raise SourceError(f"{path} does not exist: the importer reads {name} from the folder given")
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise SourceError(f"{path} is not a readable gzip CSV file: {exc}") from None
    missing = [c for c in columns if c not in header]
    if missing:
        raise SourceError(f"{path} lacks the columns {', '.join(missing)} (it has {', '.join(header[:20])})")
    return path, header


def read_rows(path: Path, summary: ImportSummary, progress: Progress | None,
              label: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, values) of every data row of a gzip CSV file, values trimmed, with a bar over its bytes.
    Bytes that are not UTF-8 are replaced, and each value holding one is noted with its row and field."""
    size = path.stat().st_size
    task = progress.add_task(label, total=size) if progress else None
    with open(path, "rb") as raw, gzip.open(raw, "rb") as unzipped:
        text = io.TextIOWrapper(unzipped, encoding="utf-8", errors="replace", newline="")
        for n, values in enumerate(csv.DictReader(text), 1):
            if progress and task is not None and n % PROGRESS_EVERY == 0:
                progress.update(task, completed=raw.tell())
            row = {k: (v or "").strip() for k, v in values.items() if k is not None}
            for k, v in row.items():
                if "\ufffd" in v:
                    summary.note(path.name, n, k, "bytes that are not UTF-8, replaced by \ufffd", v[:100])
            summary.read[path.name] = n
            yield n, row
    summary.read.setdefault(path.name, 0)
    if progress and task is not None:
        progress.update(task, completed=size)


def parse_date(text: str) -> date | None:
    """A YYYY-MM-DD date (a time after it, as some releases add, is ignored), or None."""
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else None
    except ValueError:
        return None


def local_midnight(day: date, zone: ZoneInfo) -> str:
    """The start of `day` where the force is, with its UTC offset: a release gives dates, the contract times."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).isoformat()


class DeliveryFile:
    """One feed's CSV file in the delivery being written, remembering the source row of each row written."""

    def __init__(self, directory: Path, feed_name: str, columns: tuple[str, ...]) -> None:
        known = feed(feed_name).field_names
        unknown = [c for c in columns if c not in known]
        if unknown:
            raise ValueError(f"{feed_name} has no fields {', '.join(unknown)}")
        self.name = feed_name
        self.columns = columns
        self.path = directory / f"{feed_name}.csv"
        self._fh = open(self.path, "w", newline="", encoding="utf-8")  # noqa: SIM115  # closed by close()
        self._writer = csv.writer(self._fh)
        self._writer.writerow(columns)
        self.sources: list[SourceRow] = []

    def write(self, values: dict[str, str], source: SourceRow) -> None:
        self._writer.writerow([values.get(c, "") for c in self.columns])
        self.sources.append(source)

    def close(self) -> None:
        self._fh.close()


def new_delivery_dir(home: Path, source: str) -> Path:
    """A fresh folder for the delivery an import writes, kept under the home as the record of what was loaded."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = home / "imports" / f"{source}-{stamp}"
    path.mkdir(parents=True)
    return path


def end_reading(progress: Progress | None) -> None:
    """Stop the reading bars and forget them, so the loader's bars that follow are drawn alone."""
    if progress:
        progress.stop()
        for task in list(progress.task_ids):
            progress.remove_task(task)


def load_written(summary: ImportSummary, directory: Path, files: list[DeliveryFile], home: Path,
                 progress: Progress | None) -> None:
    """Load the delivery written to `directory`, then trace each row the loader quarantined to its source row."""
    for f in files:
        f.close()
        summary.written[f.name] = len(f.sources)
    summary.delivery = str(directory)
    summary.load = load_delivery(directory, home=home, progress=progress)
    if summary.load.load_id is None or not summary.load.quarantined:
        return
    by_file = {f.path.name: f.sources for f in files}
    con = Lake(home).connect()
    rows = con.execute("SELECT file, row, coalesce(field, ''), reason FROM quarantine WHERE load_id = ? "
                       "ORDER BY file, row", [summary.load.load_id]).fetchall()
    for file, row, field_name, reason in rows:
        sources = by_file.get(file)
        source = sources[row - 1] if sources and 0 < row <= len(sources) else SourceRow(file, row)
        summary.quarantined.append(Problem(source.file, source.row, field_name, reason))


def import_home(home: Path | None) -> Path:
    return Path(home).expanduser() if home is not None else settings.home()


def finish(summary: ImportSummary, started: float) -> ImportSummary:
    summary.seconds = round(time.monotonic() - started, 3)
    return summary
