"""axe-core (shipped inside axe-playwright-python, no download) run in a Playwright page against WCAG 2.2 AA."""

from __future__ import annotations

from typing import Any

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def run(page: Any) -> Any:
    """axe's results for the page as it is now, for the WCAG 2.0, 2.1 and 2.2 A and AA rules only."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state()  # the page whole: axe run while it is still arriving sees half a page
    return Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]})


def violations(page: Any) -> tuple[list[dict[str, Any]], str]:
    """The WCAG A and AA rules the page breaks, and axe's readable report of them."""
    results = run(page)
    return results.response["violations"], results.generate_report()


def assert_accessible(page: Any, what: str = "") -> None:
    """Fail, with axe's report, if axe-core finds any WCAG 2.2 A or AA violation on the page as it is now."""
    results = run(page)
    report = results.generate_report()
    if results.response["violations"]:
        print(report)
    assert not results.response["violations"], f"axe-core: {what or page.url}\n{report}"
    assert results.response["passes"], f"axe-core checked nothing on {what or page.url}"
