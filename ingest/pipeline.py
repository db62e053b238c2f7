"""Ingest a month: discover landing files, validate, receipt, quarantine or archive, load.

Files are `<landing>/<YYYY-MM>/<unit_code>/<file>`. A file already ingested (same relative
path and sha256) is skipped. New files are processed month by month, plan before the forms
that check against it, then by modification time and name; a file's submission time is its
modification time. One DuckDB connection serves the whole run; one bad file never stops it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from zonewh.config import CST, Paths
from zonewh.config import paths as default_paths

from .calendar import month_text, parse_month
from .errors import FileRejected
from .forms import FORMS, Form, form_for_filename
from .load import SubmissionRecord, ensure_schema, load_file
from .readers import read_submission
from .receipts import receipt_dict, write_receipt
from .reference import Reference, load_reference
from .validate import Context, ValidationResult, fetch_result, reset_problems, validate

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


@dataclass(frozen=True)
class LandingFile:
    """A file found in the landing folder."""

    path: Path
    rel: str
    month: str
    unit_code: str
    sha256: str
    size: int
    mtime: float

    @property
    def form(self) -> Form | None:
        return form_for_filename(self.path.name)


def _sha256(path: Path) -> tuple[str, int, float]:
    """Hash, size and mtime of a regular file; ('', size, mtime) for anything else."""
    st = path.lstat()
    if not stat.S_ISREG(st.st_mode):
        return "", st.st_size, st.st_mtime
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest(), st.st_size, st.st_mtime


def discover(landing: Path, month: str) -> list[LandingFile]:
    """Every file under `<landing>/<month>/`, hidden and Office lock files aside.

    Files in the wrong place (directly under the month, in a sub-folder, behind a linked
    folder) are listed too, so that they are receipted and rejected, never ignored. Links
    are listed, never followed into deeper folders.
    """
    root = Path(landing) / month
    found: list[LandingFile] = []
    if not root.is_dir() or root.is_symlink():
        return found

    def add(entry: Path) -> None:
        if entry.name.startswith((".", "~$")):
            return
        rel_parts = entry.relative_to(root).parts
        unit = rel_parts[0] if len(rel_parts) > 1 else ""
        sha, size, mtime = _sha256(entry)
        rel = "/".join((month, *rel_parts))
        found.append(LandingFile(entry, rel, month, unit, sha, size, mtime))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            add(here / name)
        for name in list(dirnames):
            linked = here / name
            if linked.is_symlink():
                for entry in sorted(linked.iterdir()):
                    if not entry.is_dir():
                        add(entry)
    return found


def _inside(path: Path, landing: Path) -> bool:
    """True when `path` is a regular file reached through no link, inside `landing`."""
    try:
        resolved = path.resolve(strict=True)
        return (
            not path.is_symlink()
            and resolved == path.absolute()
            and resolved.is_relative_to(Path(landing).resolve())
            and stat.S_ISREG(path.lstat().st_mode)
        )
    except OSError:
        return False


def _order(f: LandingFile) -> tuple[Any, ...]:
    form = f.form
    rank = FORM_ORDER.index(form.code) if form and form.code in FORM_ORDER else len(FORM_ORDER)
    return (rank, f.mtime, f.path.name)


def _check_file(path: Path, landing: Path) -> None:
    try:
        from .safety import check_file
    except ImportError:  # pragma: no cover - the safety module is part of the package
        return
    check_file(path, landing)


def _reject_internal(exc: BaseException) -> FileRejected:
    return FileRejected.reason(
        "internal_read_error",
        "文件读取时发生内部错误，无法处理；请检查文件能否在 Excel 中正常打开，或另存后重新报送",
        f"internal read error: {type(exc).__name__}: {exc}"[:500],
    )


def _reject_form(name: str) -> FileRejected:
    codes = "、".join(FORMS)
    return FileRejected.reason(
        "unknown_form",
        f"文件名“{name}”不以报表代码开头；文件名应以下列之一开头：{codes}",
        f"file name {name!r} does not start with a form code; expected one of {', '.join(FORMS)}",
        value=name,
    )


def _reject_unit(unit: str) -> FileRejected:
    return FileRejected.reason(
        "unknown_unit",
        f"报送文件夹“{unit}”不是本月有效的单位代码",
        f"folder {unit!r} is not the code of a unit valid this month",
        value=unit,
    )


class Ingestor:
    """One ingest run over one warehouse connection."""

    def __init__(self, paths: Paths, con: duckdb.DuckDBPyConnection, ref: Reference):
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
        form = f.form
        version = self.next_version(f.month, f.unit_code, form.code) if form else None
        sid = (
            f"{f.month}/{f.unit_code}/{form.code}/v{version}"
            if form
            else f"{f.month}/{f.unit_code}/_/{(f.sha256 or 'nohash')[:8]}"
        )
        result = self._validate(f, form, month)
        submitted_at = datetime.fromtimestamp(f.mtime, CST)
        ingested_at = datetime.now(CST)
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
            submitted_at=submitted_at,
            ingested_at=ingested_at,
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
        receipt = receipt_dict(
            file=f.rel,
            unit_code=f.unit_code,
            form_code=record.form_code,
            month=f.month,
            submitted_at=submitted_at,
            version=version,
            status=result.status,
            problems=result.problems,
            problem_count=result.errors + result.warnings,
            errors=result.errors,
            warnings=result.warnings,
            rows_loaded=record.rows_loaded,
            submission_id=sid,
            sha256=f.sha256,
        )
        unit = self.ref.unit(f.unit_code, month) if f.unit_code else None
        json_path, html_path = write_receipt(
            self.paths.receipts / Path(f.rel).parent, receipt, unit.name if unit else None
        )
        record.receipt_path = str(json_path.relative_to(self.paths.home))
        if record.accepted:
            target = self.paths.archive / f.month / f.unit_code / f"v{version}_{f.path.name}"
            self._copy(f.path, target)
            record.archive_path = str(target.relative_to(self.paths.home))
        else:
            target = self.paths.quarantine / f.rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if _inside(f.path, self.paths.landing) and self._copy(f.path, target):
                record.quarantine_path = str(target.relative_to(self.paths.home))
            for src in (json_path, html_path):
                shutil.copyfile(src, target.parent / src.name)
        if not record.accepted:
            self.con.execute("create or replace temp view _zw_n as select 1 as _row where false")
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

    def _copy(self, src: Path, target: Path) -> bool:
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

    def _validate(self, f: LandingFile, form: Form | None, month: date) -> ValidationResult:
        try:
            _check_file(f.path, self.paths.landing)
            if form is None:
                raise _reject_form(f.path.name)
            if self.ref.unit(f.unit_code, month) is None:
                raise _reject_unit(f.unit_code)
            data = read_submission(f.path, form)
            ctx = Context(month=month, unit_code=f.unit_code, ref=self.ref, sheet=data.sheet)
            return validate(self.con, data, form, ctx)
        except FileRejected as exc:
            problems = exc.problems
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - a reader panic is a BaseException
            problems = _reject_internal(exc).problems
        reset_problems(self.con, problems)
        result = fetch_result(self.con)
        if not result.errors:
            result.errors = 1
        return result

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


def _open(p: Paths) -> duckdb.DuckDBPyConnection:
    p.ensure()
    return duckdb.connect(str(p.warehouse))


def ingest_month(
    month: str, paths: Paths | None = None, progress: Any = None, ref: Reference | None = None
) -> IngestReport:
    """Ingest the new landing files of `month` (`YYYY-MM`) into `raw`."""
    month = month_text(parse_month(month))
    p = paths or default_paths()
    con = _open(p)
    try:
        return Ingestor(p, con, ref or load_reference()).run_month(month, progress)
    finally:
        con.close()


def landing_months(landing: Path) -> list[str]:
    """The `YYYY-MM` folders present in the landing folder, in order."""
    out = []
    if Path(landing).is_dir():
        for d in Path(landing).iterdir():
            try:
                if d.is_dir() and month_text(parse_month(d.name)) == d.name:
                    out.append(d.name)
            except ValueError:
                continue
    return sorted(out)


def ingest_all(
    paths: Paths | None = None, progress: Any = None, ref: Reference | None = None
) -> IngestReport:
    """Ingest every month folder present in the landing folder, oldest first."""
    p = paths or default_paths()
    con = _open(p)
    report = IngestReport()
    try:
        ingestor = Ingestor(p, con, ref or load_reference())
        for month in landing_months(p.landing):
            report.add(ingestor.run_month(month, progress))
    finally:
        con.close()
    return report


def ingest_open_months(
    paths: Paths | None = None, progress: Any = None, ref: Reference | None = None
) -> IngestReport:
    """Ingest every month folder holding files not yet ingested (same as `ingest_all`)."""
    return ingest_all(paths, progress, ref)
