"""The ingest run: landing files → receipts → raw store.

A run looks at every entry of a month folder (`landing.discover`). An entry not yet whole
(changed within the quiet period, or while it was copied) is left for the next run: no
receipt, no record, counted as deferred. A whole file is copied once to a private
snapshot (`landing.take`), and everything after uses that copy: the safety checks and the
reader run in the sandbox (`sandbox.Sandbox`, a limited worker process), the rules on the
raw store, and the copy becomes the archived (or quarantined) file, so the bytes loaded
are the bytes kept. A file already ingested (same relative path and sha256 in
`raw.submissions`) is skipped.

New files are processed month by month, the plan before the forms that check against
it, then by modification time and name; a file's submission time is its modification
time. The store is held for writing per file (validate, record, load): a reader waiting
for it (a dbt build) gets in between two files. One bad file never stops the run.

For an upload area (one file at a time): `landing.receive` stores an upload,
`check_file` validates it on a read-only store and writes a receipt marked
`"loaded": false`, `ingest_file` records and loads it.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Self

import duckdb

from . import safety
from .errors import FileRejected, Problem
from .forms import Form
from .identify import form_of, unit_of
from .landing import (
    LandingFile,
    NotWhole,
    digest,
    discard,
    discover,
    entry,
    forget_received,
    is_quiet,
    landing_months,
    take,
    was_received,
)
from .load import SubmissionRecord, load_file
from .months import month_text, parse_month
from .readers import SheetData
from .receipts import receipt_dict, write_receipt
from .reference import Reference, load_reference
from .sandbox import Sandbox, shared
from .settings import CST, IntakeLimits, IntakePaths
from .store import StoreConnection, open_store
from .validate import (
    Context,
    ValidationResult,
    empty_rows,
    fetch_result,
    reset_problems,
    validate,
)

log = logging.getLogger(__name__)

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

REGULAR_KINDS = ("file", "hidden", "lock")
"""Kinds of entry that may be regular files (copied, hashed and quarantined)."""
STALE_RUN_S = 86_400.0
"""A snapshot folder older than this was left by a run that died: it is removed."""


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
    """The receipt at the file name's address (the latest version's)."""
    reason_en: str | None = None


@dataclass
class IngestReport:
    """The outcome of one ingest run."""

    months: list[str] = field(default_factory=list)
    processed: int = 0
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0
    deferred: int = 0
    """Entries not yet whole (written within the quiet period, or during the copy): left
    for the next run, with no receipt and no record."""
    outcomes: list[FileOutcome] = field(default_factory=list)
    deferred_files: list[str] = field(default_factory=list)

    def add(self, other: IngestReport) -> None:
        self.months += other.months
        self.processed += other.processed
        self.accepted += other.accepted
        self.rejected += other.rejected
        self.skipped += other.skipped
        self.deferred += other.deferred
        self.outcomes += other.outcomes
        self.deferred_files += other.deferred_files

    def count(self, outcome: FileOutcome) -> None:
        """Add one processed file."""
        self.processed += 1
        if outcome.status == "rejected":
            self.rejected += 1
        else:
            self.accepted += 1
        self.outcomes.append(outcome)

    def defer(self, rel: str) -> None:
        """Add one entry left for the next run."""
        self.deferred += 1
        self.deferred_files.append(rel)

    def summary(self) -> dict[str, Any]:
        """Counts and the rejected and deferred files, for logs and task results."""
        return {
            "months": self.months,
            "processed": self.processed,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "deferred": self.deferred,
            "rejected_files": [
                {"file": o.file_path, "reason": o.reason_en}
                for o in self.outcomes
                if o.status == "rejected"
            ],
            "deferred_files": list(self.deferred_files),
        }


@dataclass
class FileCheck:
    """What `validate_file` found: the form (None when it could not be told) and the result."""

    form: Form | None
    result: ValidationResult


@dataclass
class Prepared:
    """What could be learnt of a file before the store: its form and its rows, or the
    problems that reject it (the store is needed only to name the forms a unit owes)."""

    form: Form | None
    data: SheetData | None = None
    problems: list[Problem] | None = None


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


def _is_regular(f: LandingFile) -> bool:
    return f.kind in REGULAR_KINDS and not f.is_dir


def prepare(f: LandingFile, ref: Reference, sandbox: Sandbox) -> Prepared:
    """The checks that need no store, in the contract's order: the entry and its place,
    the content (in the sandbox), the unit folder, the form from the name, the reading
    (in the sandbox). Reads `f.snapshot` when taken, else the landing file."""
    form = f.form
    try:
        safety.check_place(f.rel, f.kind)
        safety.check_size(f.path, f.size)
        if f.sha256 and f.snapshot is None:
            raise _internal_error(RuntimeError("the file was not copied"))
        try:
            unit_of(f, parse_month(f.month), ref)
        except FileRejected as exc:
            unit_problem: FileRejected | None = exc
        else:
            unit_problem = None
        if form is None or unit_problem is not None:
            sandbox.check(f.source)  # the content comes first
            if unit_problem is not None:
                raise unit_problem
            return Prepared(None)
        # the content checks and the reading in one request to the worker
        return Prepared(form, sandbox.read(f.source, form, check=True))
    except FileRejected as exc:
        return Prepared(form, problems=exc.problems)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - one file never stops the run
        return Prepared(form, problems=_internal_error(exc).problems)


def finish(
    con: duckdb.DuckDBPyConnection | StoreConnection,
    f: LandingFile,
    prepared: Prepared,
    ref: Reference,
    roots: tuple[str, ...] = (),
) -> FileCheck:
    """The checks that need the store: the forms a unit owes (for a name without a form
    code) and every rule of the form. The problems are left in the temp table `_zw_p` and
    the normalised rows in the temp view `_zw_n` (empty when the file was not read).
    Absolute paths under `roots` are cut out of file-level messages."""
    form, problems = prepared.form, prepared.problems
    if problems is None:
        try:
            form = form or form_of(con, f, parse_month(f.month), ref)
            assert prepared.data is not None
            ctx = Context(
                month=parse_month(f.month),
                unit_code=f.unit_code,
                ref=ref,
                sheet=prepared.data.sheet,
            )
            return FileCheck(form, validate(con, prepared.data, form, ctx))
        except FileRejected as exc:
            problems = exc.problems
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - one file never stops the run
            problems = _internal_error(exc).problems
    empty_rows(con)
    reset_problems(con, [scrub_problem(p, roots) for p in problems])
    result = fetch_result(con)
    if not result.errors:
        result.errors = 1
    return FileCheck(form, result)


def validate_file(
    con: duckdb.DuckDBPyConnection | StoreConnection,
    f: LandingFile,
    landing: Path,
    ref: Reference,
    sandbox: Sandbox | None = None,
) -> FileCheck:
    """Check one landing file without writing anything persistent.

    Safety checks, the unit folder, the form, the reader (the content checks and the reader
    in the sandbox) and every rule of the form. The problems are left in the temp table `_zw_p` and the
    normalised rows in the temp view `_zw_n` (empty when the file could not be read).
    `con` may be a read-only connection to the raw store (the rules read the plan and
    earlier months from it)."""
    box = sandbox or shared(IntakeLimits.from_env())
    return finish(con, f, prepare(f, ref, box), ref, roots_of(Path(landing)))


def roots_of(*folders: Path) -> tuple[str, ...]:
    """The absolute forms of `folders` (and the temporary folder) that messages must not
    show, longest first."""
    roots = {tempfile.gettempdir()}
    for folder in folders:
        roots |= {str(Path(folder).absolute()), str(Path(folder).resolve())}
    return tuple(sorted((r for r in roots if r not in ("", "/")), key=len, reverse=True))


def scrub(text: str | None, roots: tuple[str, ...]) -> str | None:
    """`text` without the absolute folders `roots` (paths become relative)."""
    if not text:
        return text
    for root in roots:
        text = text.replace(root + "/", "").replace(root, "")
    return text


def scrub_problem(p: Problem, roots: tuple[str, ...]) -> Problem:
    """A problem whose messages and value name no absolute server folder."""
    return replace(
        p,
        value=scrub(p.value, roots),
        message_zh=scrub(p.message_zh, roots) or "",
        message_en=scrub(p.message_en, roots) or "",
    )


class Ingestor:
    """One ingest run: the sandbox that reads files, and the raw store, held for writing
    one file at a time (kept between files unless another process waits for it)."""

    def __init__(
        self,
        paths: IntakePaths,
        ref: Reference,
        limits: IntakeLimits | None = None,
        sandbox: Sandbox | None = None,
    ):
        self.paths = paths
        self.ref = ref
        self.limits = limits or IntakeLimits.from_env()
        self._own_sandbox = sandbox is None
        self.sandbox = sandbox or Sandbox(self.limits)
        self.roots = roots_of(paths.home, paths.landing)
        self._store: StoreConnection | None = None
        self._folder: Path | None = None
        self.seen, self.quick = self._recorded_keys()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the store, stop an own sandbox, remove the snapshots' folder."""
        self.release()
        if self._own_sandbox:
            self.sandbox.close()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    # ------------------------------------------------------------ the store

    @property
    def con(self) -> StoreConnection:
        """The read-write connection, opened (waiting for the lock) when not held."""
        if self._store is None:
            self._store = open_store(self.paths, wait_s=self.limits.store_wait_s)
        return self._store

    def release(self) -> None:
        """Close the store (the next file opens it again)."""
        if self._store is not None:
            store, self._store = self._store, None
            store.close()

    def let_waiting_in(self) -> None:
        """Between two files: when another process waits for the store, let it in."""
        if self._store is not None and self._store.is_wanted():
            store, self._store = self._store, None
            store.let_in()

    def _recorded_keys(self) -> tuple[set[tuple[str, str]], set[tuple[str, int, datetime]]]:
        """(file_path, sha256) of every file recorded, and (file_path, size, submitted_at)
        to tell which files need hashing at all."""
        with open_store(self.paths, read_only=True, wait_s=self.limits.store_wait_s) as con:
            rows = con.execute(
                "select file_path, sha256, size_bytes, submitted_at from raw.submissions"
            ).fetchall()
        seen = {(r[0], r[1] or "") for r in rows}
        quick = {(r[0], int(r[2] or 0), r[3]) for r in rows}
        return seen, quick

    def is_recorded(self, f: LandingFile) -> bool:
        """True when the store already holds this file (checked under the writer lock)."""
        return bool(
            self.con.execute(
                "select count(*) from raw.submissions where file_path = ? and sha256 = ?",
                [f.rel, f.sha256],
            ).fetchall()[0][0]
        )

    def next_version(self, month: str, unit: str, form_code: str) -> int:
        row = self.con.execute(
            "select coalesce(max(version), 0) from raw.submissions "
            "where month = ? and unit_code = ? and form_code = ?",
            [parse_month(month), unit, form_code],
        ).fetchall()[0]
        return int(row[0]) + 1

    # ------------------------------------------------------------ the files

    def snapshot_folder(self) -> Path:
        """This run's private folder under `<home>/intake/` (made on first use)."""
        if self._folder is None:
            self.paths.intake.mkdir(parents=True, exist_ok=True)
            _remove_stale_runs(self.paths.intake)
            self._folder = Path(
                tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=self.paths.intake)
            )
        return self._folder

    def candidates(self, month: str) -> tuple[list[LandingFile], int, list[str]]:
        """The entries of `month` to process (whole and not yet recorded), how many were
        skipped as already recorded, and the entries left for the next run."""
        new: list[LandingFile] = []
        skipped = 0
        deferred: list[str] = []
        now = time.time()
        for f in discover(self.paths.landing, month):
            if not (is_quiet(f, self.limits.quiet_s, now) or was_received(self.paths, f)):
                deferred.append(f.rel)
                continue
            if not _is_regular(f):
                if (f.rel, "") in self.seen:
                    skipped += 1
                else:
                    new.append(f)
                continue
            if (f.rel, f.size, datetime.fromtimestamp(f.mtime, CST)) in self.quick:
                try:
                    sha = digest(self.paths.landing, f)
                except NotWhole:
                    deferred.append(f.rel)
                    continue
                if (f.rel, sha) in self.seen:
                    skipped += 1
                    continue
            new.append(f)
        return new, skipped, deferred

    def take_and_process(self, f: LandingFile) -> FileOutcome | None:
        """Copy a whole file (NotWhole when it is not), then process it; None when the
        store already holds it."""
        if _is_regular(f):
            f = take(self.paths.landing, f, self.snapshot_folder())
            if (f.rel, f.sha256) in self.seen:
                discard(f.snapshot)
                return None
        try:
            return self.process(f)
        finally:
            discard(f.snapshot)

    def process(self, f: LandingFile) -> FileOutcome | None:
        """Check, receipt, keep (archive or quarantine) and load one taken file, holding
        the store for writing; None when the store already holds it."""
        prepared = prepare(f, self.ref, self.sandbox)
        con = self.con
        if self.is_recorded(f):
            return None
        month = parse_month(f.month)
        check = finish(con, f, prepared, self.ref, self.roots)
        form, result = check.form, check.result
        version = self.next_version(f.month, f.unit_code, form.code) if form else None
        sid = (
            f"{f.month}/{f.unit_code}/{form.code}/v{version}"
            if form
            else f"{f.month}/{f.unit_code}/_/{f.key}"
        )
        record = self._record(f, form, month, version, sid, result)
        columns = prepared.data.columns if prepared.data is not None else None
        latest = self._receipt_and_keep(f, record, result, columns)
        load_file(con, record, form)
        self.seen.add((f.rel, f.sha256))
        forget_received(self.paths, f)
        self.let_waiting_in()
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
            latest,
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

    def _receipt_and_keep(
        self,
        f: LandingFile,
        record: SubmissionRecord,
        result: ValidationResult,
        columns: dict[str, int] | None = None,
    ) -> Path:
        """Write the receipts (the latest address and the version's own); move the snapshot
        to the archive (accepted) or to quarantine with the version's receipts (rejected).
        Fills the record's paths; returns the latest JSON receipt's path."""
        tag = f"v{record.version}" if record.version else f.key
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
            columns=columns,
        )
        unit = self.ref.unit(f.unit_code, record.month) if f.unit_code else None
        folder = self.paths.receipts / Path(f.rel).parent
        own_json, own_html = write_receipt(folder, receipt, unit.name if unit else None, tag)
        record.receipt_path = str(own_json.relative_to(self.paths.home))
        stored = f"{tag}_{f.path.name}"
        if record.accepted:
            target = self.paths.archive / f.month / f.unit_code / stored
            record.archive_path = _keep(f.snapshot, target, self.paths.home)
        else:
            target = self.paths.quarantine / Path(f.rel).parent / stored
            record.quarantine_path = _keep(f.snapshot, target, self.paths.home)
            target.parent.mkdir(parents=True, exist_ok=True)
            for src, suffix in ((own_json, ".json"), (own_html, ".html")):
                shutil.copyfile(src, _free(target.with_name(target.name + suffix)))
        return folder / f"{f.path.name}.json"

    def run_month(
        self, month: str, progress: Any = None, found: tuple[Any, ...] | None = None
    ) -> IngestReport:
        """Ingest the new, whole files of one month folder."""
        report = IngestReport(months=[month])
        new, report.skipped, deferred = found or self.candidates(month)
        for rel in deferred:
            report.defer(rel)
        task = progress.add_task(f"ingest {month}", total=len(new)) if progress else None
        for f in sorted(new, key=_order):
            try:
                outcome = self.take_and_process(f)
            except NotWhole as exc:
                log.info("left for the next run: %s", exc)
                report.defer(f.rel)
                outcome = None
            else:
                if outcome is None:
                    report.skipped += 1
            if outcome is not None:
                report.count(outcome)
            if progress is not None:
                progress.advance(task)
        return report


def _keep(snapshot: Path | None, target: Path, home: Path) -> str | None:
    """Move the snapshot to `target` (a free name beside it if taken: nothing is
    overwritten); its path relative to `home`, None when there is no snapshot (a link,
    a folder, a file too large to copy)."""
    if snapshot is None or not snapshot.is_file():
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    target = _free(target)
    try:
        os.link(snapshot, target)
    except OSError:
        shutil.copy2(snapshot, target)
    discard(snapshot)
    return str(target.relative_to(home))


def _free(target: Path) -> Path:
    """`target`, or `name-2.ext`, `name-3.ext`… when it exists."""
    if not target.exists():
        return target
    stem, suffix = target.name.split(".", 1) if "." in target.name else (target.name, "")
    for n in range(2, 10_000):
        candidate = target.with_name(f"{stem}-{n}.{suffix}" if suffix else f"{stem}-{n}")
        if not candidate.exists():
            return candidate
    raise FileExistsError(target.name)


def _remove_stale_runs(folder: Path) -> None:
    """Remove snapshot folders left by runs that died more than a day ago."""
    cutoff = time.time() - STALE_RUN_S
    for run in folder.glob("run-*"):
        with suppress(OSError):
            if run.is_dir() and run.stat().st_mtime < cutoff:
                shutil.rmtree(run, ignore_errors=True)


# ---------------------------------------------------------------- runs


def ingest_month(
    month: str,
    paths: IntakePaths,
    progress: Any = None,
    ref: Reference | None = None,
    limits: IntakeLimits | None = None,
) -> IngestReport:
    """Ingest the new, whole landing files of `month` (`YYYY-MM`) into the raw store of
    `paths`.

    Raises `MonthError` for a malformed month and `store.StoreBusy` when another process
    holds the store longer than `limits.store_wait_s`."""
    month = month_text(parse_month(month))
    paths.ensure()
    with Ingestor(paths, ref or load_reference(), limits) as ingestor:
        return ingestor.run_month(month, progress)


def ingest_new(
    month: str,
    paths: IntakePaths,
    progress: Any = None,
    ref: Reference | None = None,
    limits: IntakeLimits | None = None,
) -> IngestReport:
    """Ingest `month` and every other landing month holding a file not ingested yet (a
    resubmission of an earlier month is a revision), oldest first, in one run."""
    month = month_text(parse_month(month))
    paths.ensure()
    report = IngestReport()
    with Ingestor(paths, ref or load_reference(), limits) as ingestor:
        found = {m: ingestor.candidates(m) for m in landing_months(paths.landing)}
        months = {m for m, (new, _, deferred) in found.items() if new or deferred}
        for m in sorted(months | {month}):
            report.add(ingestor.run_month(m, progress if m == month else None, found.get(m)))
    return report


def ingest_all(
    paths: IntakePaths,
    progress: Any = None,
    ref: Reference | None = None,
    limits: IntakeLimits | None = None,
) -> IngestReport:
    """Ingest every month folder present in the landing folder of `paths`, oldest first."""
    paths.ensure()
    report = IngestReport()
    with Ingestor(paths, ref or load_reference(), limits) as ingestor:
        for month in landing_months(paths.landing):
            report.add(ingestor.run_month(month, progress))
    return report


# ---------------------------------------------------------------- one file (an upload area)


def ingest_file(
    paths: IntakePaths,
    rel_path: str,
    ref: Reference | None = None,
    limits: IntakeLimits | None = None,
) -> FileOutcome:
    """Validate, record, load and receipt one landing file (`rel_path` relative to the
    landing folder), holding the store for writing (waiting for readers as a run does).

    No quiet period: the caller says the file is whole (the portal received it so). A file
    already ingested gives its recorded outcome. FileNotFoundError when there is no such
    entry, `landing.NotWhole` when it changed while it was copied, `StoreBusy` when the
    store stays held."""
    paths.ensure()
    limits = limits or IntakeLimits.from_env()
    f = entry(paths.landing, rel_path)
    with Ingestor(paths, ref or load_reference(), limits, shared(limits)) as ingestor:
        outcome = ingestor.take_and_process(f)
        if outcome is not None:
            return outcome
        sha = f.sha256 or (digest(paths.landing, f) if _is_regular(f) else "")
        return _recorded_outcome(ingestor.con, paths, f.rel, sha)


def _recorded_outcome(
    con: duckdb.DuckDBPyConnection | StoreConnection, paths: IntakePaths, rel: str, sha: str
) -> FileOutcome:
    row = con.execute(
        "select file_path, unit_code, form_code, version, status, errors, warnings, "
        "rows_loaded, submission_id, file_name, reason_en from raw.submissions "
        "where file_path = ? and sha256 = ? order by ingested_at desc limit 1",
        [rel, sha],
    ).fetchall()[0]
    latest = paths.receipts / Path(rel).parent / f"{row[9]}.json"
    return FileOutcome(*row[:9], latest, row[10])


def check_file(
    paths: IntakePaths,
    rel_path: str,
    ref: Reference | None = None,
    limits: IntakeLimits | None = None,
) -> dict[str, Any]:
    """Validate one landing file on a read-only connection to the raw store (it works
    while other processes read the store) and write its receipt, marked `"loaded": false`
    (已校验，待入库), at the file name's receipt address; nothing is recorded or loaded.
    Returns the receipt. FileNotFoundError / `landing.NotWhole` as `ingest_file`."""
    paths.ensure()
    limits = limits or IntakeLimits.from_env()
    ref = ref or load_reference()
    f = entry(paths.landing, rel_path)
    paths.intake.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="check-", dir=paths.intake))
    try:
        if _is_regular(f):
            f = take(paths.landing, f, folder)
        prepared = prepare(f, ref, shared(limits))
        with open_store(paths, read_only=True, wait_s=limits.store_wait_s) as con:
            check = finish(con, f, prepared, ref, roots_of(paths.home, paths.landing))
            result = check.result
            rows = 0
            if result.status != "rejected":
                rows = int(con.execute("select count(*) from _zw_n").fetchall()[0][0])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    submitted_at = datetime.fromtimestamp(f.mtime, CST)
    receipt = receipt_dict(
        file=f.rel,
        unit_code=f.unit_code,
        form_code=check.form.code if check.form else None,
        month=f.month,
        submitted_at=submitted_at,
        version=None,
        status=result.status,
        problems=result.problems,
        problem_count=result.errors + result.warnings,
        errors=result.errors,
        warnings=result.warnings,
        rows_loaded=rows,
        submission_id=None,
        sha256=f.sha256,
        loaded=False,
        columns=prepared.data.columns if prepared.data is not None else None,
    )
    unit = ref.unit(f.unit_code, parse_month(f.month)) if f.unit_code else None
    write_receipt(paths.receipts / Path(f.rel).parent, receipt, unit.name if unit else None)
    return receipt


__all__ = [
    "FORM_ORDER",
    "FileCheck",
    "FileOutcome",
    "IngestReport",
    "Ingestor",
    "Prepared",
    "check_file",
    "finish",
    "ingest_all",
    "ingest_file",
    "ingest_month",
    "ingest_new",
    "prepare",
    "validate_file",
]
