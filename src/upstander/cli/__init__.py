"""The `upstander` command. Each sub-command lives in its own module and registers itself on `app`."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    help="Upstander: counter-corruption intelligence and early warning for professional standards.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
COMMAND_MODULES = ("demo_cmd", "simulate_cmd", "load_cmd", "detect_cmd", "evaluate_cmd", "risk_cmd", "contract_cmd",
                   "serve_cmd", "access_log_cmd", "keys_cmd", "run_cmd", "users_cmd", "retention_cmd", "import_cmd",
                   "rank_cmd")


def register() -> typer.Typer:
    """Import every command module; each registers its commands on `app` as a side effect."""
    for name in COMMAND_MODULES:
        importlib.import_module(f"upstander.cli.{name}")
    return app


def main() -> None:
    from upstander import settings
    from upstander.private import make_private

    make_private(settings.home())  # before any command makes a file: everything under the home is private
    register()()
