"""The `zonewh` command line: the same library calls the Airflow DAGs make."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    help="zonewh — 示范区月度报送数据仓库 / the zone's monthly reporting warehouse.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()

MonthOpt = Annotated[str, typer.Option("--month", "-m", help="Reporting month, YYYY-MM.")]


def _month(value: str) -> str:
    """The month as `YYYY-MM`, once `ingest.months.parse_month` accepts it."""
    from ingest.months import MonthError, month_text, parse_month

    try:
        return month_text(parse_month(value))
    except MonthError:
        raise typer.BadParameter(f"month must be YYYY-MM, got {value!r}") from None


@app.command()
def ingest(month: MonthOpt) -> None:
    """Validate and load every new file for a month; write receipts."""
    from ingest.intake import ingest_month
    from ingest.store import StoreBusy

    from .config import paths
    from .progress import progress_bar
    from .report import print_ingest_report

    try:
        with progress_bar(console) as progress:
            report = ingest_month(_month(month), paths(), progress=progress)
    except StoreBusy as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    print_ingest_report(console, report)


@app.command()
def status(month: MonthOpt) -> None:
    """Who has submitted what for a month: on time, late, rejected or missing."""
    from ingest.status import month_status
    from ingest.store import StoreBusy

    from .config import paths
    from .report import print_status

    try:
        rows = month_status(_month(month), paths())
    except StoreBusy as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    print_status(console, _month(month), rows)


@app.command()
def run(month: MonthOpt) -> None:
    """Ingest, build, check, publish and write the bulletin; exit 0 published, 1 blocked."""
    from ingest.store import StoreBusy

    from .pipeline import run_month
    from .progress import progress_bar
    from .publish import PublicationBusy
    from .report import print_run_result

    try:
        with progress_bar(console) as progress:
            result = run_month(_month(month), progress=progress)
    except (PublicationBusy, StoreBusy) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    print_run_result(console, result)
    raise typer.Exit(0 if result.published else 1)


@app.command()
def publish(month: MonthOpt) -> None:
    """Gate and publish a month from what is already built."""
    from .publish import PublicationBusy
    from .publish import publish as do_publish
    from .report import print_publish_result

    try:
        result = do_publish(_month(month))
    except PublicationBusy as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    print_publish_result(console, result)
    raise typer.Exit(0 if result.published else 1)


@app.command()
def bulletin(month: MonthOpt) -> None:
    """Write the month's bulletin (HTML, Excel) from the published file."""
    from .bulletin import BulletinError, write_bulletin

    try:
        written = write_bulletin(_month(month))
    except BulletinError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    for path in written:
        console.print(f"[green]wrote[/] {path}")


@app.command()
def templates(
    month: MonthOpt,
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="Only this unit.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder.")] = None,
) -> None:
    """Write the Excel templates each unit must fill for a month."""
    from .config import paths
    from .templates import TemplateError, write_templates

    target = out or paths().home / "templates" / _month(month)
    try:
        written = write_templates(_month(month), unit, target)
    except TemplateError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from None
    console.print(f"[green]wrote {len(written)} templates[/] under {target}")


@app.command()
def demo() -> None:
    """Write the calibrated demo submissions and run every demo month end to end."""
    from .pipeline import run_demo

    raise typer.Exit(run_demo(console))


if __name__ == "__main__":
    app()
