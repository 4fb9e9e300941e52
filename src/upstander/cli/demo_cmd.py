"""`upstander demo`: the README's first command. Simulate a small force, load it, detect, and say what is where."""

from __future__ import annotations

from pathlib import Path

import typer

from upstander import settings
from upstander.cli import app
from upstander.cli.detect_cmd import detection_table, print_skipped
from upstander.cli.load_cmd import load_table
from upstander.cli.progress import err_console, progress_bar
from upstander.cli.simulate_cmd import run_simulation, summary_table
from upstander.detect.engine import run_detection
from upstander.feeds.loading import load_delivery


@app.command()
def demo(
    staff: int = typer.Option(300, "--staff", help="Members of staff in the demo force."),
    days: int = typer.Option(30, "--days", help="Days to simulate."),
    seed: int = typer.Option(1, "--seed", help="Random seed."),
    serve: bool = typer.Option(True, "--serve/--no-serve",
                               help="Serve the web application at the end (--no-serve prepares it and stops)."),
    port: int = typer.Option(8000, "--port", help="Port on 127.0.0.1 for the web application."),
) -> None:
    """Run the main job on embedded defaults: simulate a force with every red flag, load it, run detection,
    and serve the web application with a demo login for each role."""
    home = settings.home()
    _keys_for_demo(home)
    out = home / "deliveries" / f"demo-{staff}x{days}-seed{seed}"
    result = run_simulation(staff, days, seed, out, every_flag=True, corrupt=False)
    err_console.print(summary_table(result))
    summary = load_delivery(out, home=home, progress=progress_bar())
    err_console.print(load_table(summary))
    detection = run_detection(home)
    err_console.print(detection_table(detection))
    print_skipped(detection)
    err_console.print(
        f"\n[bold]Upstander home:[/] {home}\n"
        f"[bold]Delivery:[/] {out} ({result.scenarios} scenarios, red flags {result.flags}; "
        f"ground truth in ground_truth.csv)\n"
        f"[bold]Lake:[/] {summary.lake} ({sum(summary.loaded.values()):,} rows loaded, "
        f"{summary.quarantined} quarantined; {summary.rows_per_second:,.0f} rows/s)\n"
        f"[bold]Alerts:[/] {detection.alerts_total:,} in {home / 'alerts.duckdb'}; see `upstander risk` and "
        "`upstander contact-review STAFF_ID`.\n"
        "Run it again and nothing changes: loading and detection are idempotent."
    )
    _web_with_demo_logins(home, port, serve)


def _keys_for_demo(home: Path) -> None:
    """A fresh demo home gets its keys made here, as `upstander keys init` would; a home whose web database
    exists already must have them (a missing key directory is refused, never replaced)."""
    from upstander.web import runtime
    from upstander.web.sealing import configured_key_dir, init_keys

    if settings.get("UPSTANDER_DATABASE_URL") or (home / "web.sqlite3").exists():
        runtime.require_keys()
        return
    if made := init_keys():
        err_console.print(f"[bold]Keys:[/] made {', '.join(made)} in {configured_key_dir()}", soft_wrap=True)


def _web_with_demo_logins(home: Path, port: int, serve: bool) -> None:
    """The web database migrated and synced with a demo login for each role; served unless --no-serve."""
    from upstander.web import runtime

    runtime.setup()
    runtime.migrate()
    from upstander.web.demo_accounts import ensure_demo_accounts, ensure_demo_declarations
    from upstander.web.sync import sync_all

    synced = sync_all(home)
    err_console.print(f"[bold]Web application:[/] {synced.alerts_seen:,} alerts to triage, {synced.staff:,} staff")
    err_console.print(f"[bold]Demo logins[/] for http://127.0.0.1:{port}/ (new passwords each run):")
    logins = ensure_demo_accounts()
    for login in logins:
        # Plain lines, never wrapped or cut: the passwords must survive a narrow terminal and copy-paste.
        err_console.print(f"  {login.username:<28} {login.password:<36} {login.role} "
                          f"(staff record {login.staff_id or '-'})", soft_wrap=True, highlight=False)
    err_console.print("The member-of-staff login is the subject of the top alert: it is refused that alert.\n"
                      "ACU and PSD logins also ask for a code from an authenticator app; the key to add to the app "
                      "is shown at the first sign-in.")
    if ensure_demo_declarations(logins):
        err_console.print("Demo declarations are waiting for the vetting officer's decision (one is overdue).")
    err_console.print(f"The confidential reporting portal needs no login: http://127.0.0.1:{port}/report/")
    if not serve:
        err_console.print("Not serving (--no-serve): `upstander serve` starts the web application.")
        return
    err_console.print(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)")
    runtime.serve(port)
