"""One month end to end: ingest → dbt build → gate → publish → bulletin; and the demo.

`run_month(M)` ingests M and every other landing month with new files, rebuilds M and the
published months that received newly accepted versions since their publication (revisions,
W5), gates M and each revised month, publishes M together with the revised months that pass
(a revised month that fails stays as published and pending), and writes M's bulletin.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from .config import Paths
from .config import paths as default_paths

log = logging.getLogger(__name__)

STAGES = ("ingest", "dbt", "gate", "publish", "bulletin")


@dataclass
class RunResult:
    """What one monthly run did, with the seconds each stage took."""

    month: str
    published: bool = False
    ingest: Any = None
    build: Any = None
    gate: Any = None
    publish: Any = None
    bulletin: list[Path] = field(default_factory=list)
    revised_months: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())


class _Stage:
    """Time a stage into `timings` and advance the run's progress task."""

    def __init__(self, result: RunResult, name: str, progress: Any, task: Any) -> None:
        self.result, self.name, self.progress, self.task = result, name, progress, task

    def __enter__(self) -> Self:
        self.started = time.perf_counter()
        if self.progress is not None:
            self.progress.update(self.task, description=f"{self.result.month} {self.name}")
        return self

    def __exit__(self, *exc: object) -> None:
        self.result.timings[self.name] = time.perf_counter() - self.started
        if self.progress is not None:
            self.progress.advance(self.task)


def _seen_files(p: Paths) -> set[tuple[str, str]]:
    """(file_path, sha256) of every landing file already in raw.submissions (read-only)."""
    from ingest.store import open_store

    with open_store(p, read_only=True) as con:
        return set(con.execute("select file_path, sha256 from raw.submissions").fetchall())


def months_with_new_files(p: Paths) -> list[str]:
    """Landing month folders holding a file (path and content) not ingested yet."""
    from ingest.landing import discover, landing_months

    seen = _seen_files(p)
    return [
        m
        for m in landing_months(p.landing)
        if any((f.rel, f.sha256) not in seen for f in discover(p.landing, m))
    ]


def ingest_new(month: str, p: Paths, progress: Any = None) -> Any:
    """Ingest `month` and every other landing month folder with new files."""
    from ingest.intake import IngestReport, ingest_month
    from ingest.reference import load_reference

    ref = load_reference()
    report = IngestReport()
    for m in sorted(set(months_with_new_files(p)) | {month}):
        report.add(ingest_month(m, paths=p, progress=progress if m == month else None, ref=ref))
    return report


def _build(months: list[str], p: Paths) -> Any:
    from .warehouse import build

    return build(months, paths=p)


def _write_bulletin(month: str, p: Paths, result: RunResult) -> None:
    try:
        from .bulletin import write_bulletin
    except ImportError as exc:
        result.notes.append(f"bulletin not written: zonewh.bulletin unavailable ({exc})")
        log.warning("bulletin not written: %s", exc)
        return
    try:
        result.bulletin = list(write_bulletin(month, paths=p))
    except Exception as exc:
        result.notes.append(f"bulletin failed: {type(exc).__name__}: {exc}")
        log.exception("bulletin for %s failed", month)


def run_month(month: str, paths: Paths | None = None, progress: Any = None) -> RunResult:
    """Ingest, build, gate, publish and write the bulletin for one month."""
    from .gate import check
    from .publish import publish, revised_months

    p = (paths or default_paths()).ensure()
    result = RunResult(month)
    task = progress.add_task(f"{month}", total=len(STAGES)) if progress is not None else None
    with _Stage(result, "ingest", progress, task):
        result.ingest = ingest_new(month, p, progress)
    with _Stage(result, "dbt", progress, task):
        rebuilt = {r: _build([r], p) for r in revised_months(month, p)}
        result.build = _build([month], p)
        if result.build.error:
            result.notes.append(f"dbt: {result.build.error}")
    with _Stage(result, "gate", progress, task):
        for revised, build in rebuilt.items():
            verdict = check(revised, p, build_result=build)
            if verdict.passed:
                result.revised_months.append(revised)
            else:
                codes = ", ".join(sorted({c.code for c in verdict.failures}))
                result.notes.append(
                    f"revision of {revised} not carried: its gate fails ({codes}); "
                    f"report {verdict.report_html}"
                )
        result.gate = check(
            month, p, build_result=result.build, revised_months=result.revised_months
        )
    with _Stage(result, "publish", progress, task):
        result.publish = publish(month, p, gate_result=result.gate, revised=result.revised_months)
        result.published = result.publish.published
    with _Stage(result, "bulletin", progress, task):
        if result.published:
            _write_bulletin(month, p, result)
    return result


def missing_mandatory(month: str, paths: Paths | None = None) -> list[tuple[str, str]]:
    """The mandatory (unit, form) pairs of the month with nothing accepted and no waiver."""
    from ingest.reference import load_reference
    from ingest.status import month_status

    mandatory = {e.form_code for e in load_reference().calendar if e.is_mandatory}
    return sorted(
        (row.unit_code, row.form_code)
        for row in month_status(month, paths or default_paths())
        if row.expected and row.form_code in mandatory and row.status in ("missing", "rejected")
    )


def run_demo(console: Any, paths: Paths | None = None) -> int:
    """Write the demo submissions and run every demo month in order; 0 if all published."""
    from rich.table import Table

    from .demo import write_demo
    from .gate import build_data_docs
    from .progress import progress_bar

    p = (paths or default_paths()).ensure()
    months = write_demo(p.landing)
    console.print(f"demo: {len(months)} months written under {p.landing}")
    results: list[RunResult] = []
    with progress_bar(console) as progress:
        overall = progress.add_task("demo months", total=len(months))
        for month in months:
            results.append(run_month(month, paths=p))
            progress.advance(overall)
    table = Table(title="zonewh demo")
    for column in ("month", "published", "failures", "warnings", "seconds"):
        table.add_column(column, justify="right" if column != "month" else "left")
    for r in results:
        failures = [c.code for c in r.gate.failures] if r.gate else ["?"]
        table.add_row(
            r.month,
            "[green]yes[/]" if r.published else "[red]no[/]",
            ", ".join(failures) or "0",
            str(len(r.gate.warnings)) if r.gate else "",
            f"{r.seconds:.1f}",
        )
    console.print(table)
    for r in results:
        if not r.published and r.gate is not None:
            from .report import print_gate

            print_gate(console, r.gate)
    try:
        console.print(f"Data Docs: {build_data_docs(p)}")
    except Exception as exc:  # noqa: BLE001 - the publications stand without the docs
        console.print(f"[yellow]Data Docs not built: {exc}[/]")
    console.print(f"published file: {p.published}")
    return 0 if all(r.published for r in results) else 1
