"""Console printing for the CLI: ingest reports, month status, runs and publications."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from .gate import Check, GateResult


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _example_text(example: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in example.items() if v not in (None, ""))


def print_checks(console: Console, title: str, checks: list[Check], style: str) -> None:
    """One line per check, then up to three example rows."""
    if not checks:
        return
    console.print(f"[{style}]{title} ({len(checks)})[/]")
    for c in checks:
        console.print(f"  [{style}]{c.code}[/] {c.name} [dim]({c.source})[/]: {c.message}")
        for example in c.examples[:3]:
            console.print(f"      [dim]{_example_text(example)}[/]")


def print_gate(console: Console, gate: GateResult) -> None:
    """The gate's verdict, its failures and warnings, and where the report is."""
    verdict = "[green]passed[/]" if gate.passed else "[bold red]BLOCKED[/]"
    console.print(f"gate {gate.month}: {verdict} (attempt {gate.attempt_id})")
    print_checks(console, "blocking failures", gate.failures, "red")
    print_checks(console, "warnings", gate.warnings, "yellow")
    for note in gate.notes:
        console.print(f"  [dim]note: {note}[/]")
    if gate.report_html:
        console.print(f"  report: {gate.report_html}")


def print_publish_result(console: Console, result: Any) -> None:
    """The outcome of `zonewh publish`."""
    print_gate(console, result.gate)
    if result.published:
        console.print(f"[green]published[/] {result.month} → {result.path}")
        if result.revised_months:
            console.print(f"  revised months: {', '.join(result.revised_months)}")
        if result.vintage:
            console.print(f"  vintage: {result.vintage}")
    else:
        console.print(f"[bold red]not published[/] {result.month}: published/ left unchanged")


def print_run_result(console: Console, result: Any) -> None:
    """The outcome of `zonewh run`: stage timings, the gate, the publication."""
    table = Table(title=f"run {result.month}")
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    for stage, seconds in result.timings.items():
        table.add_row(stage, f"{seconds:.1f}")
    console.print(table)
    ingest = result.ingest
    if ingest is not None:
        console.print(
            f"ingest: {_get(ingest, 'processed', 0)} new file(s), "
            f"{_get(ingest, 'accepted', 0)} accepted, {_get(ingest, 'rejected', 0)} rejected"
        )
        for f in _get(ingest, "outcomes") or []:
            if str(_get(f, "status", "")) == "rejected":
                console.print(f"  [red]rejected[/] {_get(f, 'file_path')}: {_get(f, 'reason_en')}")
    for note in result.notes:
        console.print(f"[dim]{note}[/]")
    if result.publish is not None:
        print_publish_result(console, result.publish)
    elif result.gate is not None:
        print_gate(console, result.gate)
    if result.bulletin:
        for path in result.bulletin:
            console.print(f"[green]bulletin[/] {path}")


def print_ingest_report(console: Console, report: Any) -> None:
    """Per-file outcomes of an ingest run (works with any report exposing `files`)."""
    files = _get(report, "outcomes") or _get(report, "files") or []
    months = _get(report, "months") or [_get(report, "month", "")]
    table = Table(title=f"ingest {', '.join(str(m) for m in months)}")
    for column in ("file", "unit", "form", "version", "status", "errors", "warnings", "rows"):
        table.add_column(column)
    for f in files:
        status = str(_get(f, "status", ""))
        colour = {"accepted": "green", "rejected": "red"}.get(status, "yellow")
        table.add_row(
            str(_get(f, "file_path", _get(f, "path", ""))),
            str(_get(f, "unit_code", "") or ""),
            str(_get(f, "form_code", "") or ""),
            str(_get(f, "version", "") or ""),
            f"[{colour}]{status}[/]",
            str(_get(f, "errors", "")),
            str(_get(f, "warnings", "")),
            str(_get(f, "rows_loaded", "")),
        )
    console.print(table)
    for f in files:
        if str(_get(f, "status", "")) == "rejected" and _get(f, "reason_en"):
            console.print(f"[red]rejected[/] {_get(f, 'file_path')}: {_get(f, 'reason_en')}")
    skipped = _get(report, "skipped")
    if skipped:
        count = skipped if isinstance(skipped, int) else len(skipped)
        console.print(f"[dim]{count} file(s) already ingested, skipped[/]")


def print_status(console: Console, month: str, rows: list[Any]) -> None:
    """Who has submitted what for a month."""
    table = Table(title=f"submissions {month}")
    for column in ("unit", "form", "due", "status", "ver.", "err.", "warn."):
        table.add_column(column, no_wrap=True)
    colours = {"on_time": "green", "late": "yellow", "waived": "cyan"}
    for r in rows:
        status = str(_get(r, "status", ""))
        table.add_row(
            str(_get(r, "unit_code", "")),
            str(_get(r, "form_code", "")),
            str(_get(r, "due_on", "") or ""),
            f"[{colours.get(status, 'red')}]{status}[/]",
            str(_get(r, "versions", "") or 0),
            str(_get(r, "errors", "") or 0),
            str(_get(r, "warnings", "") or 0),
        )
    console.print(table)
