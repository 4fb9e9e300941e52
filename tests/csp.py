"""Catching what a page's Content-Security-Policy (or Permissions-Policy) blocks, in the browser tests: the
`securitypolicyviolation` events each page fires, and Chromium's own "Refused to ..." console messages."""

from __future__ import annotations

from typing import Any

_REPORT = """document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                " at " + e.documentURI);
  window.__cspViolations = (window.__cspViolations || 0) + 1;
}, true);"""
_SIGNS = ("CSP violation", "Refused to", "Content Security Policy", "Content-Security-Policy", "Permissions-Policy",
          "Permissions policy")


def watch(context: Any, into: list[str] | None = None) -> list[str]:
    """Record every blocked script, style, frame or form and every policy error in this browser context's pages
    (those open now and those opened later) into `into`, which is returned."""
    seen: list[str] = [] if into is None else into
    context.add_init_script(_REPORT)

    def on_console(message: Any) -> None:
        if any(sign in message.text for sign in _SIGNS):
            seen.append(f"{message.type}: {message.text}")

    context.on("console", on_console)
    context.on("weberror", lambda error: seen.append(f"page error: {error.error}"))
    return seen
