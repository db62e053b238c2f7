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
    recorder = None
    try:
        with guarded():
            from .console import print_run_result
            from .progress import StageRecorder, progress_bar, stage_file
            from .steps import run_month

            m, p = _month(month), _paths()
            with progress_bar(console) as progress:
                target = stage_file()
                if target is not None:
                    recorder = StageRecorder(progress, target, m)
                result = run_month(m, p, progress=recorder or progress, wait_s=_wait(wait))
            print_run_result(console, result)
            raise typer.Exit(result.exit_code)
    except typer.Exit as done:
        if recorder is not None:
            recorder.write({"stage": "done", "exit_code": done.exit_code})
        raise


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


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8088,
    dev: Annotated[
        bool, typer.Option("--dev", help="Development server: a random key if none is set.")
    ] = False,
    https: Annotated[
        bool,
        typer.Option("--https", help="Served over https (behind a TLS proxy): Secure cookies."),
    ] = False,
    ssl_certfile: Annotated[Path | None, typer.Option("--ssl-certfile")] = None,
    ssl_keyfile: Annotated[Path | None, typer.Option("--ssl-keyfile")] = None,
) -> None:
    """The submission portal and the office's desk (needs ZONEWH_SECRET_KEY)."""
    with guarded():
        from .portal import PortalSettings, SecretKeyError, create_app

        p = _paths()
        try:
            settings = PortalSettings.from_env(dev=dev, https=https or ssl_certfile is not None)
        except SecretKeyError as exc:
            raise _fail(
                2, str(exc), "未设置或设置了过于简单的 ZONEWH_SECRET_KEY，平台拒绝启动。"
            ) from None
        except ValueError as exc:
            raise _fail(2, str(exc)) from None
        if dev:
            err.print(
                "[bold red on white] DEVELOPMENT SERVER (--dev): not for real submissions; "
                "sessions end when it stops [/]"
            )
        import uvicorn

        console.print(
            f"zonewh portal on {'https' if settings.https else 'http'}://{host}:{port}/ "
            f"(home {p.home})"
        )
        uvicorn.run(
            create_app(settings, p),
            host=host,
            port=port,
            log_level="info",
            access_log=False,
            server_header=False,
            ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
            ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
        )


users_app = typer.Typer(help="Portal accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Account name (used to sign in).")],
    role: Annotated[str, typer.Option("--role", help="submitter | office | analyst")],
    unit: Annotated[
        str | None, typer.Option("--unit", help="Unit code (required for a submitter).")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    display_name: Annotated[str, typer.Option("--display-name", help="Name shown.")] = "",
    email: Annotated[str, typer.Option("--email", help="For reminders.")] = "",
    phone: Annotated[str, typer.Option("--phone", help="Shown to the office.")] = "",
) -> None:
    """Add a portal account (password from a prompt, or --password-stdin)."""
    with guarded():
        from .portal.accounts import ANALYST_UNIT, OFFICE_UNIT, add

        if role == "submitter" and not unit:
            raise _fail(2, "a submitter needs --unit CODE", "报送账号须指定 --unit 单位代码")
        unit_code = unit or (OFFICE_UNIT if role == "office" else ANALYST_UNIT)
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
        try:
            account = add(_paths(), name, unit_code, role, password, display_name, email, phone)
        except ValueError as exc:
            raise _fail(2, str(exc)) from None
        console.print(f"added {account.role} {account.name} ({account.unit_code})")


@users_app.command("token")
def users_token(name: Annotated[str, typer.Argument(help="Account name.")]) -> None:
    """Print a new API token for the account (only its hash is kept: save it now)."""
    with guarded():
        from .portal.storage import PortalStore

        store = PortalStore.of_home(_paths().home)
        account = store.user(name)
        if account is None or account.disabled:
            raise _fail(2, f"no enabled account named {name!r}")
        token = store.new_token(account.id)
        store.audit(
            "token_issued", "cli", role=account.role, unit_code=account.unit_code, subject=name
        )
        print(token)


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument(help="Account name.")]) -> None:
    """Disable an account: its sessions end and its tokens stop working."""
    with guarded():
        from .portal.storage import PortalStore

        store = PortalStore.of_home(_paths().home)
        if not store.disable(name):
            raise _fail(2, f"no account named {name!r}")
        store.audit("user_disabled", "cli", subject=name)
        console.print(f"disabled {name}")


@app.command()
def remind(
    month: Annotated[
        str | None, typer.Option("--month", "-m", help="Reporting month (default: last month).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be sent.")] = False,
) -> None:
    """E-mail each unit the forms of the month it has not had accepted yet (ZONEWH_SMTP_HOST)."""
    with guarded():
        from .portal import remind as reminders
        from .portal.desk import form_label, reporting_month, today_cst
        from .portal.settings import smtp_from_env
        from .portal.storage import PortalStore

        m = _month(month) if month else reporting_month(today_cst())
        p = _paths()
        smtp = smtp_from_env()
        if smtp is None and not dry_run:
            raise _fail(2, "ZONEWH_SMTP_HOST is not set: no e-mail can be sent (try --dry-run)")
        store = PortalStore.of_home(p.home)
        todo = reminders.reminders(p, store, m)
        url = os.environ.get("ZONEWH_PORTAL_URL") or None
        messages = []
        for r in todo:
            forms = ", ".join(f"{form_label(f)} ({s})" for f, _, s in r.forms)
            if not r.to:
                console.print(f"{r.unit_code}: no e-mail address on file; owes {forms}")
                continue
            console.print(f"{r.unit_code} → {', '.join(r.to)}: {forms}")
            messages.append(reminders.message(r, m, smtp.sender if smtp else "", url))
        if dry_run:
            console.print(f"dry run: {len(messages)} e-mail(s) not sent")
            return
        assert smtp is not None
        sent = reminders.send(smtp, messages)
        store.audit("remind", "cli", month=m, outcome="sent", detail=f"{sent} e-mail(s)")
        console.print(f"sent {sent} reminder(s) for {m}")


def entry() -> None:
    """The console script: run the app, exit with its code."""
    sys.exit(app())


if __name__ == "__main__":
    app()
