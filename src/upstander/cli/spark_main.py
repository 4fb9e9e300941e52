"""`upstander detect --engine spark` as a spark-submit application, for a cluster whose master, executors and
sizes spark-submit sets (`--master`, `--conf`, `--executor-memory` ...). The driver runs here, in client mode:
it reads the lake's manifest, plans the queries, and stores the alerts under this machine's UPSTANDER_HOME.

    spark-submit --master spark://head:7077 "$(python -m upstander.cli.spark_main --where)" [--full] [--json]
"""

import sys
from pathlib import Path

# spark-submit runs this file as a script, which puts its folder first on sys.path, where its modules would
# shadow any others of the same name: Upstander is imported as the package it is instead.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import typer

from upstander import settings
from upstander.cli.detect_cmd import Engine, detect_on, report
from upstander.private import make_private

app = typer.Typer(add_completion=False, pretty_exceptions_show_locals=False)


@app.command()
def main(
    full: bool = typer.Option(False, "--full", help="Re-run over all data instead of only days since the last run."),
    json_output: bool = typer.Option(False, "--json", help="Print a JSON summary to standard output."),
    where: bool = typer.Option(False, "--where", help="Print this file's path, for spark-submit, and stop."),
) -> None:
    """Run every detector on the Spark session spark-submit started and store the alerts, as `upstander detect`."""
    if where:
        typer.echo(Path(__file__).resolve())
        return
    make_private(settings.home())  # as `upstander` does: everything under the home is private
    report(detect_on(Engine.spark, None, full=full), Engine.spark, json_output=json_output)


if __name__ == "__main__":
    app()
