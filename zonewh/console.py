"""What the command line prints: ingest outcomes, a month's submission status, a run, a
publication. Units and forms by their names, times in Beijing time, a summary line."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from .config import CST
from .gate.report import grouped

STATUS_ZH = {
    "on_time": "按时",
    "late": "逾期",
    "rejected": "退回",
    "missing": "未报",
    "waived": "豁免",
    "not_owed": "暂不需报",
}
STATUS_STYLE = {"on_time": "green", "late": "yellow", "waived": "cyan", "not_owed": "dim"}
OUTCOME_ZH = {"failed": "未通过", "warned": "警告", "error": "未能运行", "not_run": "未运行"}


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def beijing(at: Any) -> str:
    """A time as `2019-07-03 10:00` in Beijing time ('' for none)."""
    if at is None:
        return ""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=CST)
    return at.astimezone(CST).strftime("%Y-%m-%d %H:%M")


def form_names() -> dict[str, str]:
    from ingest.forms import FORMS

    return {code: form.title for code, form in FORMS.items()}


def print_checks(console: Console, title: str, checks: list[Any], style: str) -> None:
    """One line per check (code, Chinese title, rows), then up to three example rows."""
    if not checks:
        return
    console.print(f"[{style}]{title} ({len(checks)})[/]")
    for c in checks:
        spec = c.spec
        rows = f", {c.failing_rows} row(s)" if c.failing_rows else ""
        console.print(
            f"  [{style}]{c.code}[/] {spec.title_zh} / {spec.title_en} "
            f"[dim]({OUTCOME_ZH.get(c.outcome, c.outcome)}{rows})[/]"
        )
        shown = 0
        for unit, headers, rows in grouped(c):
            if shown >= 5:
                console.print(f"      [dim]… {len(c.examples) - shown} more in the report[/]")
                break
            console.print(f"      {unit}")
            for row in rows[:3]:
                text = "; ".join(f"{h} {v}" for h, v in zip(headers, row, strict=True) if v != "—")
                console.print(f"        [dim]{text}[/]", highlight=False)
                shown += 1
        if c.outcome in ("error", "not_run"):
            console.print(f"      [dim]{c.message_en}[/]")


def print_gate(console: Console, gate: Any) -> None:
    """The gate's verdict, its failures and warnings, and where the report is."""
    verdict = "[green]passed 通过[/]" if gate.passed else "[bold red]BLOCKED 未通过[/]"
    console.print(f"gate {gate.month}: {verdict} (attempt {gate.attempt_id})")
    print_checks(console, "blocking 阻断项", gate.failures, "red")
    print_checks(console, "warnings 警告项", gate.warnings, "yellow")
    for pending in gate.pending_revisions:
        console.print(
            f"  [yellow]revision of {pending['month']} pending[/]: fails "
            f"{', '.join(pending['codes'])}"
        )
    for note in gate.notes:
        console.print(f"  [dim]note: {note}[/]")
    if gate.report_html:
        console.print(f"  report: reports/{gate.month}/gate/{gate.report_html.name}")


def print_publish_result(console: Console, result: Any) -> None:
    """The outcome of a publication attempt."""
    print_gate(console, result.gate)
    if result.published:
        console.print(f"[green]published 已发布[/] {result.month} → published/zone.duckdb")
        if result.revised_months:
            console.print(f"  revised months: {', '.join(result.revised_months)}")
        if result.vintage:
            console.print(f"  vintage: published/vintages/{result.vintage.name}")
    else:
        console.print(
            f"[bold red]not published 未发布[/] {result.month}: published/ left unchanged"
        )


def print_run_result(console: Console, result: Any) -> None:
    """The outcome of `zonewh run`: stage timings, ingest, the gate, the publication."""
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
        print_deferred(console, ingest)
    if result.built is not None:
        console.print(f"[dim]{result.built.summary()}[/]")
    for note in result.notes:
        console.print(f"[dim]{note}[/]")
    if result.publish is not None:
        print_publish_result(console, result.publish)
    elif result.gate is not None:
        print_gate(console, result.gate)
    if result.error is not None:
        console.print(f"[bold red]{result.error.message_en}[/]")
        if result.error.message_zh != result.error.message_en:
            console.print(f"[red]{result.error.message_zh}[/]")
    for path in result.bulletin:
        console.print(f"[green]bulletin[/] reports/{result.month}/{path.name}")


def print_ingest_report(console: Console, report: Any) -> None:
    """Per-file outcomes of an ingest run."""
    files = _get(report, "outcomes") or []
    months = _get(report, "months") or []
    names = form_names()
    table = Table(title=f"ingest {', '.join(str(m) for m in months)}")
    for column in ("file", "unit", "form", "ver.", "status", "err.", "warn.", "rows"):
        table.add_column(column)
    for f in files:
        status = str(_get(f, "status", ""))
        colour = {"accepted": "green", "rejected": "red"}.get(status, "yellow")
        form = _get(f, "form_code") or ""
        table.add_row(
            str(_get(f, "file_path", "")),
            str(_get(f, "unit_code", "") or ""),
            names.get(form, form),
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
        console.print(f"[dim]{skipped} file(s) already ingested, skipped[/]")
    print_deferred(console, report)


def print_deferred(console: Console, report: Any) -> None:
    """The files an ingest left for the next run (still being written, or changed within
    the quiet period), so nobody wonders why a file dropped a moment ago was not taken."""
    deferred = _get(report, "deferred")
    if deferred:
        console.print(
            f"[yellow]{deferred} file(s) left for the next run: still being written or changed "
            "within the quiet period (ZONEWH_QUIET_SECONDS, default 60 s)[/] "
            f"{deferred} 个文件刚写入或仍在写入，待文件稳定后下次受理"
        )


def print_status(console: Console, month: str, rows: list[Any]) -> None:
    """Who has submitted what for a month: unit and form names, status, times, a summary,
    and why a form is not owed (the year's plan not accepted yet) with what to do."""
    names = form_names()
    table = Table(title=f"报送情况 submissions {month}")
    for column in (
        "单位 unit",
        "报表 form",
        "截止 due",
        "状态 status",
        "首次报送 first",
        "接收 accepted",
        "版本",
        "错误",
        "警告",
    ):
        table.add_column(column, overflow="fold")
    for r in sorted(
        rows,
        key=lambda r: (
            _get(r, "status") in ("on_time", "waived"),
            _get(r, "unit_name") or "",
            _get(r, "form_code"),
        ),
    ):
        status = str(_get(r, "status", ""))
        form = str(_get(r, "form_code", ""))
        note = "（见说明）" if _get(r, "note_zh") else ""
        table.add_row(
            f"{_get(r, 'unit_name') or ''} ({_get(r, 'unit_code')})",
            f"{_get(r, 'form_name') or names.get(form, form)}{note}",
            str(_get(r, "due_on", "") or ""),
            f"[{STATUS_STYLE.get(status, 'red')}]{STATUS_ZH.get(status, status)}[/]",
            beijing(_get(r, "first_received_at")),
            beijing(_get(r, "accepted_at")),
            str(_get(r, "versions", "") or 0),
            str(_get(r, "errors", "") or 0),
            str(_get(r, "warnings", "") or 0),
        )
    console.print(table)
    counts = Counter(str(_get(r, "status")) for r in rows if _get(r, "expected", True))
    parts = [f"{STATUS_ZH[s]} {counts[s]}" for s in STATUS_ZH if counts.get(s)]
    chase = sorted(
        {
            str(_get(r, "unit_name") or _get(r, "unit_code"))
            for r in rows
            if _get(r, "status") in ("missing", "rejected") and not _get(r, "note_zh")
        }
    )
    console.print(f"应报 {sum(counts.values())} 份：" + "，".join(parts) + "。")
    if chase:
        console.print(f"需催报：{'、'.join(chase)}")
    notes: dict[str, list[str]] = {}
    for r in rows:
        if _get(r, "note_zh"):
            form = str(_get(r, "form_code", ""))
            title = str(_get(r, "form_name") or names.get(form, form))
            if title not in notes.setdefault(str(_get(r, "note_zh")), []):
                notes[str(_get(r, "note_zh"))].append(title)
    for text, titles in notes.items():
        console.print(f"说明（{'、'.join(titles)}）：{text}")
