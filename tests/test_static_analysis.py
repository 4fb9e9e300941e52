"""Static analysis as a test, so CI runs it: bandit over src/ finds nothing, and every finding that was judged
safe carries its reason on the line (`# nosec B608  # why`), never a bare `# nosec`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).parents[1] / "src"
_NOSEC = re.compile(r"#\s*nosec\b(?P<rest>.*)$")
# The test ids, then the reason as a comment of its own (bandit reads words after the ids as more test ids).
_EXPLAINED = re.compile(r"^\s+B\d{3}(,\s*B\d{3})*\s+#\s+\S.{10,}")


def test_bandit_finds_nothing_in_the_source() -> None:
    run = subprocess.run([sys.executable, "-m", "bandit", "-r", str(SRC), "-f", "json", "-q"],
                         capture_output=True, text=True, check=False)
    report = json.loads(run.stdout)
    findings = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in report["results"]]
    assert not findings, "bandit findings (fix them, or explain each with `# nosec BXXX  # reason`):\n" + "\n".join(
        findings)
    assert not report["errors"], report["errors"]


def test_every_nosec_names_its_test_and_gives_a_reason() -> None:
    bare = []
    for path in sorted(SRC.rglob("*.py")):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if (m := _NOSEC.search(line)) and not _EXPLAINED.match(m["rest"]):
                bare.append(f"{path.relative_to(SRC)}:{n}: {line.strip()}")
    assert not bare, "a nosec without its test id and reason:\n" + "\n".join(bare)


def test_the_nosec_rule_itself_refuses_a_bare_or_unexplained_nosec() -> None:
    for bad in ("x = 1  # nosec", "x = 1  # nosec B608", "x = 1  # nosec B608  # ok"):
        m = _NOSEC.search(bad)
        assert m is not None and not _EXPLAINED.match(m["rest"]), bad
    good = _NOSEC.search("x = 1  # nosec B608  # identifiers come from the data contract, values are bound")
    assert good is not None and _EXPLAINED.match(good["rest"])
