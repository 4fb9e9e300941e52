"""Benchmark the daily incremental `upstander detect` after one more day is loaded.

    python bench/bench_detect_daily.py DELIVERY --work DIR [--runs 3]

From a simulated delivery (day folders `<feed>/day=YYYY-MM-DD/` plus entity files), builds two deliveries of
hard-linked files (copies when the work directory is on another file system; the loader refuses symbolic
links): `history` (every day but the last, and the entity files) and `day` (only the last day's folders).
Loads `history` into a fresh UPSTANDER_HOME and runs `detect --full`, then loads `day` and times plain
`upstander detect` (incremental: from the last processed day, reading back each detector's look-back).
The whole state a run leaves is saved before the incremental run and put back before each repeat, so every
repeat does the same work: the alert store (with its write-ahead log, if any) and the kept views' files under
UPSTANDER_HOME/derived/ (a repeat must not find the previous repeat's files, listed or not). Each step is a
child process; wall time and the child's peak RSS (os.wait4) are reported.

Output: one JSON line per step, then a summary line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
from pathlib import Path

from bench_detect import run_child  # bench/ is on sys.path when this file is run as a script
from upstander.feeds.contract import FEEDS_BY_NAME


def split_delivery(source: Path, work: Path) -> tuple[Path, Path, str]:
    """(history delivery, last-day delivery, last day) as directories of hard links into `source`."""
    source = source.resolve()
    days = sorted({d.name for f in source.iterdir() if f.is_dir() for d in f.iterdir() if d.name.startswith("day=")})
    last = days[-1]
    history, day = work / "history", work / "day"
    for target in (history, day):
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
    for entry in sorted(source.iterdir()):
        name = entry.name.split(".")[0]
        if name not in FEEDS_BY_NAME:
            continue  # ground truth, delivery.json
        if entry.is_file():
            _link(entry, history / entry.name)
            continue
        for part in sorted(entry.iterdir()):
            folder = (day if part.name == last else history) / entry.name / part.name
            folder.mkdir(parents=True)
            for file in sorted(part.iterdir()):
                _link(file, folder / file.name)
    return history, day, last.removeprefix("day=")


def _link(source: Path, target: Path) -> None:
    """A hard link (no extra disk, and the loader sees a plain file), or a copy across file systems."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _link_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, copy_function=lambda src, dst: _link(Path(src), Path(dst)))


STATE = ("alerts.duckdb", "alerts.duckdb.wal", "derived")  # what a detect run writes under UPSTANDER_HOME


def save_state(home: Path, saved: Path) -> None:
    """Copy what a detect run changes (STATE) from `home` to `saved`, replacing an earlier copy."""
    shutil.rmtree(saved, ignore_errors=True)
    saved.mkdir(parents=True)
    for name in STATE:
        source = home / name
        if source.is_dir():
            shutil.copytree(source, saved / name)
        elif source.is_file():
            shutil.copyfile(source, saved / name)


def restore_state(saved: Path, home: Path) -> None:
    """Make `home`'s STATE exactly the saved one: what is not saved is removed."""
    for name in STATE:
        target, source = home / name, saved / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        if source.is_dir():
            shutil.copytree(source, target)
        elif source.is_file():
            shutil.copyfile(source, target)


def step(what: str, args: list[str], home: Path) -> dict[str, object]:
    env = {**os.environ, "UPSTANDER_HOME": str(home)}
    seconds, peak, out = run_child([sys.executable, "-m", "upstander.cli", *args], env)
    result: dict[str, object] = {"what": what, "seconds": round(seconds, 2), "peak_rss_mib": round(peak / 2**20)}
    summary = json.loads(out)
    if what.startswith("load"):
        result["rows_loaded"] = sum(summary["loaded"].values())
    else:
        result.update(findings=summary["findings"], new_alerts=summary["new_alerts"], since=summary["since"],
                      engine_seconds=summary["seconds"],
                      slowest={k: v["seconds"] for k, v in sorted(summary["detectors"].items(),
                                                                  key=lambda kv: -kv[1]["seconds"])[:3]},
                      slowest_context=dict(sorted(summary["context_seconds"].items(), key=lambda kv: -kv[1])[:6]))
    print(json.dumps(result), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("delivery", type=Path)
    parser.add_argument("--work", type=Path, required=True, help="Scratch directory; its home/ is kept.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse-history", action="store_true",
                        help="Start from the lake an earlier run of this script loaded with the history (kept as "
                             "hard links in WORK/lake-history) instead of loading it again: to compare two versions "
                             "of detection on the same lake.")
    opts = parser.parse_args()
    history, day, last = split_delivery(opts.delivery, opts.work)
    home, kept = opts.work / "home", opts.work / "lake-history"
    shutil.rmtree(home, ignore_errors=True)
    if opts.reuse_history and kept.is_dir():
        home.mkdir(parents=True)
        _link_tree(kept, home / "lake")
    else:
        step("load_history", ["load", str(history), "--json"], home)
        shutil.rmtree(kept, ignore_errors=True)
        _link_tree(home / "lake", kept)  # the lake replaces its manifest by renaming, so links keep this one
    full = step("detect_full", ["detect", "--full", "--json"], home)
    step("load_day", ["load", str(day), "--json"], home)
    saved = opts.work / "state-before-day"
    save_state(home, saved)
    runs = []
    for _ in range(opts.runs):
        restore_state(saved, home)
        runs.append(step("detect_incremental", ["detect", "--json"], home))
    incremental = statistics.median(float(r["seconds"]) for r in runs)  # type: ignore[arg-type]
    print(json.dumps({"delivery": str(opts.delivery), "last_day": last, "detect_full_seconds": full["seconds"],
                      "incremental_seconds_median": round(incremental, 2),
                      "incremental_seconds_all": [r["seconds"] for r in runs],
                      "incremental_peak_rss_mib_max": max(int(r["peak_rss_mib"]) for r in runs)}),  # type: ignore[call-overload]
          flush=True)


if __name__ == "__main__":
    main()
