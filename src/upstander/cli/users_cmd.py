"""`upstander users add|list|set-role|disable|enable|reset-second-factor`: the web application's accounts.

Each change is written with an access-log entry naming the command line and the operating-system user. Refused
input (an unknown account or role, a name already taken, a password the rules refuse) is said on standard error
and exits 1, with nothing written. `--json` writes the account (or the list) to standard output.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.markup import escape
from rich.table import Table

from upstander.cli import app
from upstander.cli.progress import err_console

T = TypeVar("T")
users = typer.Typer(help="Accounts for the web application: add, list, change role, disable, enable, reset the "
                         "second factor.", no_args_is_help=True)
app.add_typer(users, name="users")

JSON = typer.Option(False, "--json", help="Write the result as JSON to standard output.")


def _ready() -> None:
    """The web database migrated and the access log's key present, before anything is asked or written."""
    from upstander.web import runtime

    runtime.require_keys()
    runtime.setup()
    runtime.migrate()


def _refused(action: Callable[[], T]) -> T:
    from upstander.web.account_admin import AccountError

    try:
        return action()
    except AccountError as exc:
        err_console.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True, highlight=False)
        raise typer.Exit(1) from None


def _show(account: Any, as_json: bool, said: str) -> None:
    from upstander.web.account_admin import describe

    if as_json:
        typer.echo(json.dumps(describe(account)))
    else:
        err_console.print(escape(said), soft_wrap=True, highlight=False)


def _ask_role() -> str:
    from upstander.web.roles import Role

    roles = list(Role)
    for n, role in enumerate(roles, 1):
        err_console.print(f"  {n}. {role.label}", highlight=False)
    answer = typer.prompt("Role (its number or its words)", err=True).strip()
    return roles[int(answer) - 1].label if answer.isdigit() and 1 <= int(answer) <= len(roles) else answer


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _password(from_stdin: bool, sso_only: bool) -> str | None:
    if sso_only:
        return None
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    if not _stdin_is_terminal():
        err_console.print("[red]error:[/] no terminal to ask for a password on: give --password-stdin or --sso-only",
                          soft_wrap=True)
        raise typer.Exit(1)
    first: str = typer.prompt("Password", hide_input=True, err=True)
    again: str = typer.prompt("The same password again", hide_input=True, err=True)
    if first != again:
        err_console.print("[red]error:[/] the two passwords were not the same; nothing was changed", soft_wrap=True)
        raise typer.Exit(1)
    return first


@users.command("add")
def add_command(
    username: str = typer.Argument(None, help="The account's user name (asked for when not given)."),
    full_name: str = typer.Option(None, "--full-name", help="The person's full name (asked for when not given)."),
    role: str = typer.Option(None, "--role", help="The role, by its words, such as \"ACU analyst\" (asked for "
                                                 "when not given)."),
    staff_id: str = typer.Option(None, "--staff-id", help="The person's force staff id, which need to know "
                                                         "checks conflicts through (asked for; may be left empty)."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from one line of "
                                                                        "standard input instead of asking."),
    sso_only: bool = typer.Option(False, "--sso-only", help="No password: the person signs in only through the "
                                                            "force's single sign-on."),
    as_json: bool = JSON,
) -> None:
    """Give someone an account: password (asked twice, hidden) or single sign-on only."""
    _ready()
    from upstander.web import account_admin as admin

    if password_stdin and sso_only:
        err_console.print("[red]error:[/] --password-stdin and --sso-only cannot both be given", soft_wrap=True)
        raise typer.Exit(1)
    username = username if username is not None else typer.prompt("User name", err=True)
    full_name = full_name if full_name is not None else typer.prompt("Full name", err=True)
    chosen = _refused(lambda: admin.role_from_words(role if role is not None else _ask_role()))
    if staff_id is None:
        staff_id = typer.prompt("Force staff id (Enter for none)", default="", show_default=False, err=True)
    password = _password(password_stdin, sso_only)
    account = _refused(lambda: admin.add_account(admin.CommandLineActor.current(), username.strip(), full_name,
                                                 chosen, staff_id, password))
    _show(account, as_json, f"Added {account.username}: {admin.describe(account)['role']}, signs in with "
                            f"{admin.sign_in_words(account)}.")


@users.command("list")
def list_command(as_json: bool = JSON) -> None:
    """Every account, with its role, staff id, whether it is active and how it signs in."""
    _ready()
    from upstander.web.account_admin import describe
    from upstander.web.models import User

    rows = [describe(u) for u in User.objects.order_by("username")]
    if as_json:
        typer.echo(json.dumps(rows))
        return
    table = Table("user name", "full name", "role", "staff id", "active", "signs in with", "second factor",
                  "last signed in")
    for r in rows:
        table.add_row(*(escape(str(v)) for v in (r["username"], r["full_name"], r["role"], r["staff_id"],
                                                  "yes" if r["active"] else "disabled", r["sign_in"],
                                                  r["second_factor"], r["last_login"] or "never")))
    err_console.print(table)


@users.command("set-role")
def set_role_command(
    username: str = typer.Argument(..., help="The account."),
    role: str = typer.Argument(..., help="The new role, by its words, such as \"PSD investigator\"."),
    as_json: bool = JSON,
) -> None:
    """Change an account's role (a PSD or ACU role then needs the second factor at the next request)."""
    _ready()
    from upstander.web import account_admin as admin

    chosen = _refused(lambda: admin.role_from_words(role))
    account = _refused(lambda: admin.set_role(admin.CommandLineActor.current(), username, chosen))
    _show(account, as_json, f"{account.username} is now {chosen.label}.")
    if account.sso_subject:
        err_console.print("Note: this account signs in through single sign-on, whose groups set its role again at "
                          "its next sign-in there.", soft_wrap=True)


@users.command("disable")
def disable_command(username: str = typer.Argument(..., help="The account."), as_json: bool = JSON) -> None:
    """Stop an account signing in, by password or single sign-on, and end its sessions now."""
    _ready()
    from upstander.web import account_admin as admin

    account, ended = _refused(lambda: admin.disable(admin.CommandLineActor.current(), username))
    _show(account, as_json, f"{account.username} is disabled; {ended} session{'s' * (ended != 1)} ended.")


@users.command("enable")
def enable_command(username: str = typer.Argument(..., help="The account."), as_json: bool = JSON) -> None:
    """Let a disabled account sign in again."""
    _ready()
    from upstander.web import account_admin as admin

    account = _refused(lambda: admin.enable(admin.CommandLineActor.current(), username))
    _show(account, as_json, f"{account.username} may sign in again.")


@users.command("reset-second-factor")
def reset_second_factor_command(username: str = typer.Argument(..., help="The account."),
                                as_json: bool = JSON) -> None:
    """Forget the account's authenticator app (lost or replaced phone): the next sign-in enrols a new one.
    Its sessions end too."""
    _ready()
    from upstander.web import account_admin as admin

    account, ended = _refused(lambda: admin.reset_second_factor(admin.CommandLineActor.current(), username))
    _show(account, as_json, f"{account.username}'s second factor is reset: the next sign-in enrols a new "
                            f"authenticator app; {ended} session{'s' * (ended != 1)} ended.")
