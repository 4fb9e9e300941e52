"""`upstander contract`: print the data contract as Markdown (the source of docs/data-contract.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from upstander.cli import app
from upstander.feeds.contract_doc import render_markdown


@app.command()
def contract(
    out: Path | None = typer.Option(None, "--out", help="Write to this file instead of standard output."),
) -> None:
    """Print the force data contract: every feed, every field, its rules and an example row."""
    text = render_markdown()
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
