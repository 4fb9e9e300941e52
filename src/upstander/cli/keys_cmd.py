"""`upstander keys init`: make the key directory, the only way keys come into being.

Nothing else creates keys: a key directory that is missing is refused everywhere, so that an unmounted volume
or a lost backup is noticed instead of being papered over with new keys (which would orphan every receipt code
and seal new reports where the old keys are not).
"""

from __future__ import annotations

import typer

from upstander import settings
from upstander.cli import app
from upstander.cli.progress import err_console

keys = typer.Typer(help="The key directory: sealing keys, the receipt-code pepper, the access log's key.",
                   no_args_is_help=True)
app.add_typer(keys, name="keys")


@keys.command("init")
def init_command(
    existing_data: bool = typer.Option(
        False, "--existing-data",
        help="Make new keys even though the web database already holds reports or access-log entries."),
) -> None:
    """Make the key directory and any key missing from it; never replaces a key that exists."""
    from upstander.web import sealing

    directory = sealing.configured_key_dir()
    if not directory.is_dir() and not existing_data and (held := _records_needing_old_keys()):
        err_console.print(
            f"[red]The key directory {directory} does not exist, but the web database already holds {held}.[/] "
            "They were sealed or chained under keys that a new directory would not have: restore the key "
            "directory from its backup, or set UPSTANDER_KEY_DIR to where it is mounted. To give up the old keys "
            "(every receipt code already issued stops working), run `upstander keys init --existing-data`.",
            soft_wrap=True)
        raise typer.Exit(2)
    made = sealing.init_keys()
    if made:
        err_console.print(f"Made in {directory}: {', '.join(made)}. Back this directory up, apart from the database.",
                          soft_wrap=True)
    else:
        err_console.print(f"The key directory {directory} already holds every key: nothing made.", soft_wrap=True)


def _records_needing_old_keys() -> str:
    """What the web database holds that only the old keys can open or check, in words; "" if nothing (or no
    database yet)."""
    if not settings.get("UPSTANDER_DATABASE_URL") and not (settings.home() / "web.sqlite3").exists():
        return ""
    from django.db import DatabaseError

    from upstander.web import runtime

    runtime.setup()
    from upstander.web.models import AccessLog
    from upstander.web.portal.models import Report

    try:
        reports, entries = Report.objects.count(), AccessLog.objects.count()
    except DatabaseError:  # a database made but never migrated holds nothing
        return ""
    held = [_count(reports, "report"), _count(entries, "access-log entry", "access-log entries")]
    return " and ".join(h for h in held if h)


def _count(n: int, one: str, many: str = "") -> str:
    return "" if not n else f"1 {one}" if n == 1 else f"{n:,} {many or one + 's'}"
