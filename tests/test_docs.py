"""Documentation that must not drift from the code: settings, commands, the data contract, the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.main import get_command

from upstander import settings
from upstander.cli import register
from upstander.feeds.contract_doc import render_markdown

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()


def _commands() -> list[str]:
    return sorted(get_command(register()).commands)  # type: ignore[attr-defined]


def test_every_setting_is_documented_with_its_help() -> None:
    for s in settings.SETTINGS:
        row = next((line for line in README.splitlines() if line.startswith(f"| `{s.name}` |")), None)
        assert row is not None, f"{s.name} is missing from the README settings table"
        assert s.help in row, f"{s.name}: README help text differs from settings.py"


def test_every_command_is_documented() -> None:
    commands = _commands()
    assert {"demo", "simulate", "load", "detect", "evaluate", "risk", "contact-review", "watchlist",
            "contract"} <= set(commands)
    for name in commands:
        assert re.search(rf"^\| `upstander {name}\b", README, re.M), f"upstander {name} is not in the README"


def test_readme_starts_with_exactly_two_setup_commands() -> None:
    block = README.split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [line for line in block.splitlines() if line.strip()]
    assert len(lines) == 2
    assert lines[0].endswith("upstander demo")
    assert lines[1].startswith("python3 -m venv .venv && ") and lines[1].endswith(".venv/bin/python -m pytest")
    assert "&& scripts/test-machine &&" in lines[1]  # Java, Chromium and PostgreSQL: what pip cannot install
    assert README.index("```sh") < README.index("## ")  # before any section


def test_data_contract_doc_is_generated_from_the_code() -> None:
    assert (ROOT / "docs" / "data-contract.md").read_text() == render_markdown(), (
        "docs/data-contract.md is stale: run `upstander contract --out docs/data-contract.md`"
    )


@pytest.mark.parametrize(("name", "value"), [("UPSTANDER_BBOX", "60,0,50,1"), ("UPSTANDER_BBOX", "1,2,3"),
                                             ("UPSTANDER_THREADS", "0"), ("UPSTANDER_THREADS", "many")])
def test_a_bad_setting_is_refused_with_its_name(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        settings.get(name)


def test_detector_doc_is_generated_from_the_sql_headers() -> None:
    from upstander.detect.detector_doc import render

    assert (ROOT / "docs" / "detectors.md").read_text() == render(), (
        "docs/detectors.md is stale: regenerate it with upstander.detect.detector_doc.render()"
    )
