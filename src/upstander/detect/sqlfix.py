"""Small tools for correcting SQLGlot's translation of detector SQL to another engine."""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp


def rewrite(tree: exp.Expression, fix: Callable[[exp.Expression], exp.Expression]) -> exp.Expression:
    """Apply `fix` to every node, children first, so that fixes nest; returns the (possibly new) root."""
    for node in reversed(list(tree.walk(bfs=False))):
        fixed = fix(node)
        if fixed is not node:
            if node is tree:
                tree = fixed
            else:
                node.replace(fixed)
    return tree


def call(name: str, *args: exp.Expression) -> exp.Expression:
    """A function call by name, with copies of its arguments."""
    return exp.Anonymous(this=name, expressions=[a.copy() for a in args])
