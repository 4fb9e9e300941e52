"""The shared helpers that keep typed text from breaking exports or running in a spreadsheet."""

from __future__ import annotations

import pytest

from upstander.textsafe import export_cell, show_controls, spreadsheet_safe


@pytest.mark.parametrize(("typed", "stored"), [
    ("S00286\x00", "S00286\\x00"), ("a\r\nb", "a\\x0d\\x0ab"), ("\x1b[2J", "\\x1b[2J"), ("\x7f\x85", "\\x7f\\x85"),
    ("line\u2028break", "line\\u2028break"), ("tab\there", "tab\\x09here"),
])
def test_control_characters_are_written_as_visible_escapes(typed: str, stored: str) -> None:
    assert show_controls(typed) == stored


def test_ordinary_text_is_left_alone() -> None:
    for text in ("S00286", "Zoë O'Brien — 07700 900123", "back\\slash", ""):
        assert show_controls(text) == text and spreadsheet_safe(text) == text


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "-"])
def test_cells_that_start_like_a_formula_are_made_text(cell: str) -> None:
    assert spreadsheet_safe(cell) == "'" + cell


def test_an_export_cell_is_one_line_and_never_a_formula() -> None:
    assert export_cell("\t=1+1") == "\\x09=1+1"
    assert export_cell("=1\n") == "'=1\\x0a"
    assert export_cell(None) == "" and export_cell(42) == "42"
