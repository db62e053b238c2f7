"""The ingest run: landing files → receipts → raw store.

A file already ingested (same relative path and sha256 in `raw.submissions`) is skipped.
New files are processed month by month, the plan before the forms that check against it,
then by modification time and name; a file's submission time is its modification time.
Each file is checked by `validate_file` (nothing persistent: it runs on a read-only store
connection too), receipted, archived or quarantined, then loaded by `load.load_file` in one
transaction. One store connection serves the whole run; one bad file never stops it.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from .errors import FileRejected
from .forms import Form
from .identify import form_of, unit_of
from .landing import LandingFile, discover, is_inside, landing_months
from .load import SubmissionRecord, load_file
from .months import month_text, parse_month
from .readers import read_submission
from .receipts import receipt_dict, write_receipt
from .reference import Reference, load_reference
from .safety import check_file
from .settings import CST, IntakePaths
from .store import ensure_schema, open_store
from .validate import (
    Context,
    ValidationResult,
    empty_rows,
    fetch_result,
    reset_problems,
    validate,
)

FORM_ORDER = (
    "key_project_plan",
    "annual_targets",
    "econ_indicators",
    "investment_signings",
    "campaign_scores",
    "project_progress",
    "project_issues",
)
"""Within a month, forms are processed in this order (progress checks against the plan,
issues against progress)."""


@dataclass
class FileOutcome:
    """What happened to one landing file."""

    file_path: str
    unit_code: str
    form_code: str | None
    version: int | None
    status: str
    errors: int
    warnings: int
    rows_loaded: int
    submission_id: str
    receipt_path: Path
    reason_en: str | None = None


@dataclass
class IngestReport:
    """The outcome of one ingest run."""

    months: list[str] = field(default_factory=list)
    processed: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0
    outcomes: list[FileOutcome] = field(default_factory=list)

    def add(self, other: IngestReport) -> None:
        self.months += other.months
        self.processed += other.processed
        self.accepted += other.accepted
        self.rejected += other.rejected
        self.skipped += other.skipped
        self.outcomes += other.outcomes

    def summary(self) -> dict[str, Any]:
        """Counts and the rejected files, for logs and task results."""
        return {
            "months": self.months,
            "processed": self.processed,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "rejected_files": [
                {"file": o.file_path, "reason": o.reason_en}
                for o in self.outcomes
                if o.status == "rejected"
            ],
        }


@dataclass
class FileCheck:
    """What `validate_file` found: the form (None when it could not be told) and the result."""

    form: Form | None
    result: ValidationResult


def _order(f: LandingFile) -> tuple[Any, ...]:
    form = f.form
    rank = FORM_ORDER.index(form.code) if form and form.code in FORM_ORDER else len(FORM_ORDER)
    return (rank, f.mtime, f.path.name)


def _internal_error(exc: BaseException) -> FileRejected:
    return FileRejected.reason(
        "internal_read_error",
        "文件读取时发生内部错误，无法处理；请检查文件能否在 Excel 中正常打开，或另存后重新报送",
        f"internal read error: {type(exc).__name__}: {exc}"[:500],
    )


def validate_file(
    con: duckdb.DuckDBPyConnection, f: LandingFile, landing: Path, ref: Reference
) -> FileCheck:
    """Check one landing file without writing anything persistent.

    Safety checks, the unit folder, the form, the reader and every rule of the form. The
    problems are left in the temp table `_zw_p` and the normalised rows in the temp view
    `_zw_n` (empty when the file could not be read). `con` may be a read-only connection to
    the raw store (the rules read the plan and earlier months from it).
    """
    month = parse_month(f.month)
    form = f.form
    try:
        check_file(f.path, landing)
        unit_of(f, month, ref)
        form = form_of(con, f, month, ref)
        data = read_submission(f.path, form)
        ctx = Context(month=month, unit_code=f.unit_code, ref=ref, sheet=data.sheet)
        return FileCheck(form, validate(con, data, form, ctx))
    except FileRejected as exc:
        problems = exc.problems
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - a reader panic is a BaseException
        problems = _internal_error(exc).problems
    empty_rows(con)
    reset_problems(con, problems)
    result = fetch_result(con)
    if not result.errors:
        result.errors = 1
    return FileCheck(form, result)


def _copy(src: Path, target: Path) -> bool:
    """Copy a regular landing file (never a link); False when it is not one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        if not stat.S_ISREG(src.lstat().st_mode):
            return False
        shutil.copyfile(src, target, follow_symlinks=False)
        os.utime(target, (src.stat().st_atime, src.stat().st_mtime))
    except OSError:
        return False
    return True


class Ingestor:
    """One ingest run over one read-write connection to the raw store."""

    def __init__(self, paths: IntakePaths, con: duckdb.DuckDBPyConnection, ref: Reference):
        self.paths = paths
        self.con = con
        self.ref = ref
        ensure_schema(con)

    def seen(self) -> set[tuple[str, str]]:
        """(file_path, sha256) of every file already ingested."""
        return set(self.con.execute("select file_path, sha256 from raw.submissions").fetchall())

    def next_version(self, month: str, unit: str, form_code: str) -> int:
        row = self.con.execute(
            "select coalesce(max(version), 0) from raw.submissions "
            "where month = ? and unit_code = ? and form_code = ?",
            [parse_month(month), unit, form_code],
        ).fetchall()[0]
        return int(row[0]) + 1

    def process(self, f: LandingFile) -> FileOutcome:
        """Validate, receipt, copy and load one file."""
        month = parse_month(f.month)
        check = validate_file(self.con, f, self.paths.landing, self.ref)
        form, result = check.form, check.result
        version = self.next_version(f.month, f.unit_code, form.code) if form else None
        sid = (
            f"{f.month}/{f.unit_code}/{form.code}/v{version}"
            if form
            else f"{f.month}/{f.unit_code}/_/{(f.sha256 or 'nohash')[:8]}"
        )
        record = self._record(f, form, month, version, sid, result)
        json_path = self._receipt_and_copy(f, record, result)
        load_file(self.con, record, form)
        return FileOutcome(
            f.rel,
            f.unit_code,
            record.form_code,
            version,
            record.status,
            record.errors,
            record.warnings,
            record.rows_loaded,
            sid,
            json_path,
            record.reason_en,
        )

    def _record(
        self,
        f: LandingFile,
        form: Form | None,
        month: date,
        version: int | None,
        sid: str,
        result: ValidationResult,
    ) -> SubmissionRecord:
        """The `raw.submissions` row of a checked file (paths filled in later)."""
        first_error = next((p for p in result.problems if p.severity == "error"), None)
        record = SubmissionRecord(
            submission_id=sid,
            file_path=f.rel,
            file_name=f.path.name,
            sha256=f.sha256,
            size_bytes=f.size,
            unit_code=f.unit_code,
            form_code=form.code if form else None,
            month=month,
            version=version,
            submitted_at=datetime.fromtimestamp(f.mtime, CST),
            ingested_at=datetime.now(CST),
            status=result.status,
            errors=result.errors,
            warnings=result.warnings,
            rows_loaded=0,
            receipt_path=None,
            quarantine_path=None,
            archive_path=None,
            reason_zh=first_error.message_zh if first_error else None,
            reason_en=first_error.message_en if first_error else None,
        )
        if record.accepted:
            record.rows_loaded = int(
                self.con.execute("select count(*) from _zw_n").fetchall()[0][0]
            )
        return record

    def _receipt_and_copy(
        self, f: LandingFile, record: SubmissionRecord, result: ValidationResult
    ) -> Path:
        """Write the receipts; archive an accepted file, quarantine a rejected one (with its
        receipts). Fills the record's paths; returns the JSON receipt's path."""
        receipt = receipt_dict(
            file=f.rel,
            unit_code=f.unit_code,
            form_code=record.form_code,
            month=f.month,
            submitted_at=record.submitted_at,
            version=record.version,
            status=result.status,
            problems=result.problems,
            problem_count=result.errors + result.warnings,
            errors=result.errors,
            warnings=result.warnings,
            rows_loaded=record.rows_loaded,
            submission_id=record.submission_id,
            sha256=f.sha256,
        )
        unit = self.ref.unit(f.unit_code, record.month) if f.unit_code else None
        json_path, html_path = write_receipt(
            self.paths.receipts / Path(f.rel).parent, receipt, unit.name if unit else None
        )
        record.receipt_path = str(json_path.relative_to(self.paths.home))
        if record.accepted:
            target = self.paths.archive / f.month / f.unit_code / f"v{record.version}_{f.path.name}"
            _copy(f.path, target)
            record.archive_path = str(target.relative_to(self.paths.home))
        else:
            target = self.paths.quarantine / f.rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if is_inside(f.path, self.paths.landing) and _copy(f.path, target):
                record.quarantine_path = str(target.relative_to(self.paths.home))
            for src in (json_path, html_path):
                shutil.copyfile(src, target.parent / src.name)
        return json_path

    def run_month(self, month: str, progress: Any = None) -> IngestReport:
        """Ingest the new files of one month folder."""
        report = IngestReport(months=[month])
        seen = self.seen()
        files = discover(self.paths.landing, month)
        new = [f for f in files if (f.rel, f.sha256) not in seen]
        report.skipped = len(files) - len(new)
        task = progress.add_task(f"ingest {month}", total=len(new)) if progress else None
        for f in sorted(new, key=_order):
            outcome = self.process(f)
            report.processed += 1
            if outcome.status == "rejected":
                report.rejected += 1
            else:
                report.accepted += 1
            report.outcomes.append(outcome)
            if progress is not None:
                progress.advance(task)
        return report


def ingest_month(
    month: str, paths: IntakePaths, progress: Any = None, ref: Reference | None = None
) -> IngestReport:
    """Ingest the new landing files of `month` (`YYYY-MM`) into the raw store of `paths`.

    Raises `MonthError` for a malformed month and `store.StoreBusy` when another process
    holds the store."""
    month = month_text(parse_month(month))
    paths.ensure()
    con = open_store(paths)
    try:
        return Ingestor(paths, con, ref or load_reference()).run_month(month, progress)
    finally:
        con.close()


def ingest_new(
    month: str, paths: IntakePaths, progress: Any = None, ref: Reference | None = None
) -> IngestReport:
    """Ingest `month` and every other landing month holding a file not ingested yet (a
    resubmission of an earlier month is a revision), oldest first, over one connection."""
    month = month_text(parse_month(month))
    paths.ensure()
    con = open_store(paths)
    report = IngestReport()
    try:
        ingestor = Ingestor(paths, con, ref or load_reference())
        seen = ingestor.seen()
        months = {
            m
            for m in landing_months(paths.landing)
            if any((f.rel, f.sha256) not in seen for f in discover(paths.landing, m))
        }
        for m in sorted(months | {month}):
            report.add(ingestor.run_month(m, progress if m == month else None))
    finally:
        con.close()
    return report


def ingest_all(
    paths: IntakePaths, progress: Any = None, ref: Reference | None = None
) -> IngestReport:
    """Ingest every month folder present in the landing folder of `paths`, oldest first."""
    paths.ensure()
    con = open_store(paths)
    report = IngestReport()
    try:
        ingestor = Ingestor(paths, con, ref or load_reference())
        for month in landing_months(paths.landing):
            report.add(ingestor.run_month(month, progress))
    finally:
        con.close()
    return report
