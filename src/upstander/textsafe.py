"""Text that is safe to store, export and open: control characters shown, spreadsheet formulas defused.

Both are applied where text from users leaves Upstander for people or for the loader, so that nothing anyone
can type (a NUL in an address, an `=HYPERLINK(...)` as a record id) stops an export from loading or runs in
the spreadsheet of whoever opens it.
"""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls, plus the Unicode line and paragraph separators that split lines in some
# readers. Tabs and newlines included: a log field is one line.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# What spreadsheet programs read as the start of a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def show_controls(text: str) -> str:
    """`text` with each control character written as its escape, e.g. NUL as the four characters `\\x00`,
    so the fact that one was sent stays visible without the character itself."""
    return _CONTROLS.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def spreadsheet_safe(cell: str) -> str:
    """A cell that a spreadsheet shows as text: one starting like a formula gets a leading apostrophe."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def export_cell(value: object) -> str:
    """A value as written to a CSV meant for people: one line of text, never a formula."""
    return spreadsheet_safe(show_controls("" if value is None else str(value)))
