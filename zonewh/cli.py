"""The `zonewh` command line: the same step functions the Airflow DAGs call.

Every failure is one message and a documented exit code (docs/OPERATIONS.md): 0 published
(or done), 1 blocked by the gate, 2 a bad argument, 3 an earlier month must be published
first, 4 busy (another run, or a file held by another process), 5 an operational failure.
No traceback unless `--debug`.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from . import telemetry

app = typer.Typer(
    help="zonewh — 示范区月度报送数据仓库 / the zone's monthly reporting warehouse.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)

MonthOpt = Annotated[str, typer.Option("--month", "-m", help="Reporting month, YYYY-MM.")]
_DEBUG = {"on": False}


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of failures.")] = False,
) -> None:
    """zonewh — 示范区月度报送数据仓库."""
    telemetry.disable()
    _DEBUG["on"] = debug or os.environ.get("ZONEWH_DEBUG") == "1"
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def _fail(code: int, message_en: str, message_zh: str | None = None) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message_en}", highlight=False)
    if message_zh and message_zh != message_en:
        err.print(f"[red]{message_zh}[/]", highlight=False)
    return typer.Exit(code)


@contextmanager
def guarded() -> Iterator[None]:
    """Turn every failure into one message and its exit code."""
    from .locks import Busy
    from .steps import EXIT_BUSY, EXIT_FAILED, EXIT_USAGE, StepError

    try:
        yield
    except typer.Exit:
        raise
    except Exception as exc:
        if _DEBUG["on"]:
            raise
        from ingest.months import MonthError

        try:
            from ingest.store import StoreBusy
        except ImportError:  # pragma: no cover
            StoreBusy = Busy
        from .config import HomeError

        if isinstance(exc, MonthError):
            raise _fail(EXIT_USAGE, exc.message_en, exc.message_zh) from None
        if isinstance(exc, HomeError):
            raise _fail(EXIT_USAGE, str(exc)) from None
        if isinstance(exc, Busy):
            raise _fail(EXIT_BUSY, str(exc), exc.message_zh) from None
        if isinstance(exc, StoreBusy):
            raise _fail(EXIT_BUSY, str(exc)) from None
        if isinstance(exc, StepError):
            raise _fail(exc.exit_code, exc.message_en, exc.message_zh) from None
        if _is_lock_error(exc):
            raise _fail(
                EXIT_BUSY,
                f"a file of the home is in use by another process: {_first_line(exc)}",
            ) from None
        if isinstance(exc, PermissionError | OSError):
            raise _fail(EXIT_FAILED, f"cannot use a file of the home: {_first_line(exc)}") from None
        raise _fail(
            EXIT_FAILED,
            f"unexpected {type(exc).__name__}: {_first_line(exc)} (run with --debug for details)",
        ) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:400] if text else type(exc).__name__


def _is_lock_error(exc: BaseException) -> bool:
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


def _month(value: str) -> str:
    from ingest.months import month_text, parse_month

    return month_text(parse_month(value))


def _paths():
    from .config import paths

    return paths().ensure()


@app.command()
def ingest(month: MonthOpt) -> None:
    """Validate and load every new file for a month; write receipts."""
    with guarded():
        from ingest.intake import ingest_month

        from .console import print_ingest_report
        from .progress import progress_bar

        m, p = _month(month), _paths()
        with progress_bar(console) as progress:
            report = ingest_month(m, p, progress=progress)
        print_ingest_report(console, report)


@app.command()
def status(month: MonthOpt) -> None:
    """Who has submitted what for a month: on time, late, rejected, missing or waived."""
    with guarded():
        from ingest.status import month_status

        from .console import print_status

        m, p = _month(month), _paths()
        print_status(console, m, month_status(m, p))


WaitOpt = Annotated[
    float,
    typer.Option(
        "--wait",
        help="Seconds to wait for another run to finish (default: refuse at once; "
        "or ZONEWH_RUN_WAIT).",
    ),
]


def _wait(value: float | None) -> float:
    if value:
        return value
    return float(os.environ.get("ZONEWH_RUN_WAIT") or 0)


@app.command()
def run(month: MonthOpt, wait: WaitOpt = 0.0) -> None:
    """Ingest, build, check, publish and write the bulletin; exit 0 published, 1 blocked."""
    with guarded():
        from .console import print_run_result
        from .progress import progress_bar
        from .steps import run_month

        m, p = _month(month), _paths()
        with progress_bar(console) as progress:
            result = run_month(m, p, progress=progress, wait_s=_wait(wait))
        print_run_result(console, result)
        raise typer.Exit(result.exit_code)


@app.command()
def publish(month: MonthOpt, wait: WaitOpt = 0.0) -> None:
    """Gate and publish a month from what is already built (runs the month's data tests)."""
    with guarded():
        from .console import print_publish_result
        from .locks import Holder, run_lease
        from .steps import EXIT_BLOCKED, build, check_order, gate
        from .steps import publish as publish_step

        m, p = _month(month), _paths()
        with run_lease(p, Holder("cli", f"zonewh publish --month {m}", m), wait_s=_wait(wait)):
            check_order(m, p)
            verdict = gate(m, build(m, p, models_built=True), p)
            result = publish_step(m, verdict, p)
        print_publish_result(console, result)
        raise typer.Exit(0 if result.published else EXIT_BLOCKED)


@app.command()
def skip(
    month: MonthOpt,
    reason: Annotated[str, typer.Option("--reason", help="Why the month is not published.")],
    by: Annotated[str, typer.Option("--by", help="Who decided (name, office).")],
) -> None:
    """Record the office's decision not to publish a month (later months may then be)."""
    with guarded():
        from .publish.log import record_skip

        m, p = _month(month), _paths()
        if not reason.strip():
            raise _fail(2, "--reason must say why the month is skipped", "请写明跳过该月的理由")
        row = record_skip(p, m, reason, by)
        console.print(f"skipped {m}: {row['reason']} ({row['recorded_by']}, {row['recorded_at']})")


@app.command()
def bulletin(month: MonthOpt) -> None:
    """Write the month's bulletin (HTML, Excel, PDF) from the published file."""
    with guarded():
        from .bulletin import BulletinError, write_bulletin

        m, p = _month(month), _paths()
        try:
            written = write_bulletin(m, p)
        except BulletinError as exc:
            raise _fail(1, str(exc)) from None
        for path in written:
            console.print(f"[green]wrote[/] reports/{m}/{path.name}")


@app.command()
def templates(
    month: MonthOpt,
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="Only this unit.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder.")] = None,
) -> None:
    """Write the Excel templates each unit must fill for a month."""
    with guarded():
        from .form_templates import TemplateError, write_templates

        m, p = _month(month), _paths()
        target = out or p.home / "templates" / m
        try:
            written = write_templates(m, unit, target, paths=p)
        except TemplateError as exc:
            raise _fail(1, exc.message_en, exc.message_zh) from None
        console.print(f"[green]wrote {len(written)} templates[/] under {target}")


@app.command()
def demo() -> None:
    """Write the calibrated demo submissions and run every demo month end to end."""
    with guarded():
        from .demo.run import run_demo

        raise typer.Exit(run_demo(console, _paths()))


def entry() -> None:
    """The console script: run the app, exit with its code."""
    sys.exit(app())


if __name__ == "__main__":
    app()
