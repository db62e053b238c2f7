"""The month, once: ingest → build → gate → publish → bulletin.

Each step is a function with a typed result. `zonewh run` composes them in `run_month`; each
task of the monthly DAG is a call of the same function (`dags/zone_monthly_publication.py`),
passing the results on (`Built.to_dict()` crosses from the build task to the gate task).

What the gate judges is what is published: the build step builds the month (and the
published months revised since, first) under the warehouse writer lock and takes a byte copy
of the result, the snapshot, before letting go of the lock; the gate judges that snapshot with
the dbt results of that very build, and the publisher copies from it. A run holds the run
lease from ingest to publish, so a second run waits or is refused, naming the holder.

Months are published in order within a year: a month waits while an earlier month of its year
that holds submissions is neither published nor skipped by the office.
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from . import failpoints
from .config import Paths
from .config import paths as default_paths

log = logging.getLogger(__name__)

STAGES = ("ingest", "build", "gate", "publish", "bulletin")

# Exit codes of `zonewh run` / `zonewh publish` (docs/OPERATIONS.md).
EXIT_PUBLISHED = 0
EXIT_BLOCKED = 1
"""The gate blocked the month (a data-quality check failed)."""
EXIT_USAGE = 2
"""A bad argument (month, option)."""
EXIT_WAITING = 3
"""An earlier month of the year is not published yet."""
EXIT_BUSY = 4
"""Another run holds the home (or the working warehouse is in use)."""
EXIT_FAILED = 5
"""An operational failure: disk, permissions, a dbt error, a locked file."""


class StepError(RuntimeError):
    """A step could not do its work: one message for operators (English) and one for
    people (Chinese), and the exit code the command line returns."""

    exit_code = EXIT_FAILED

    def __init__(self, message_en: str, message_zh: str = ""):
        super().__init__(message_en)
        self.message_en = message_en
        self.message_zh = message_zh or message_en


class BuildFailed(StepError):
    """dbt could not build the month (an error in a model or in the reference data)."""


class WarehouseInUse(StepError):
    """Another process holds the working warehouse open (a client left connected)."""

    exit_code = EXIT_BUSY


class OutOfOrder(StepError):
    """An earlier month of the year must be published (or skipped) first."""

    exit_code = EXIT_WAITING


# ---------------------------------------------------------------- ingest


def ingest(month: str, paths: Paths | None = None, progress: Any = None) -> Any:
    """Validate and load the new files of `month` and of every other landing month with new
    files (resubmissions of earlier months are revisions); write their receipts."""
    from ingest.intake import ingest_new

    report = ingest_new(month, (paths or default_paths()).ensure(), progress)
    log.info("%s", describe_ingest(report))
    return report


def describe_ingest(report: Any) -> str:
    """One line for logs: counts and the rejected files with their reason."""
    s = report.summary()
    line = (
        f"ingest {', '.join(s['months']) or '-'}: {s['processed']} new file(s), "
        f"{s['accepted']} accepted, {s['rejected']} rejected, {s['skipped']} already loaded"
    )
    if s.get("deferred"):
        line += f", {s['deferred']} left for the next run (not yet whole or quiet)"
    for f in s["rejected_files"][:10]:
        line += f"; rejected {f['file']}: {f['reason']}"
    return line


def ingest_months(months: list[str], paths: Paths | None = None) -> Any:
    """Validate and load the new files of each month (the intake DAG's job)."""
    from ingest.intake import IngestReport, ingest_month
    from ingest.reference import load_reference

    p = (paths or default_paths()).ensure()
    ref = load_reference()
    report = IngestReport()
    for m in months:
        report.add(ingest_month(m, p, ref=ref))
    return report


# ---------------------------------------------------------------- order


def earlier_unpublished(month: str, paths: Paths | None = None) -> list[str]:
    """Earlier months of `month`'s year holding submissions that are neither published nor
    skipped by the office (they must be published first)."""
    from .publish import log as publication_log
    from .raw import open_raw

    p = paths or default_paths()
    with open_raw(p) as con:
        held = [
            r[0]
            for r in con.execute(
                "select distinct strftime(month, '%Y-%m') from raw.submissions "
                "where year(month) = ? and strftime(month, '%Y-%m') < ? order by 1",
                [int(month[:4]), month],
            ).fetchall()
        ]
    done = set(publication_log.published_months(p)) | set(publication_log.skipped_months(p))
    return [m for m in held if m not in done]


def check_order(month: str, paths: Paths | None = None) -> None:
    """Raise OutOfOrder naming the earlier months that block `month`."""
    waiting = earlier_unpublished(month, paths)
    if waiting:
        first = waiting[0]
        raise OutOfOrder(
            f"{month} cannot be published before {', '.join(waiting)}: publish {first} first "
            f"(zonewh run --month {first}), or have the office record a skip "
            f"(zonewh skip --month {first} --reason ...)",
            f"{month}须在{'、'.join(waiting)}发布之后发布：请先发布{first}，"
            f"或由督查室登记跳过该月（写明理由）。",
        )


# ---------------------------------------------------------------- build


@dataclass
class Built:
    """What the build step made: each month's dbt result and the snapshot of them all."""

    month: str
    attempt_id: str
    builds: dict[str, Any]
    """`YYYY-MM` → `zonewh.build.BuildResult` (revised months first, then the month)."""
    revised: list[str]
    snapshot: Path
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "attempt_id": self.attempt_id,
            "builds": {m: b.to_dict() for m, b in self.builds.items()},
            "revised": self.revised,
            "snapshot": str(self.snapshot),
            "seconds": self.seconds,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Built:
        from .build import BuildResult

        return cls(
            month=data["month"],
            attempt_id=data["attempt_id"],
            builds={m: BuildResult.from_dict(b) for m, b in data["builds"].items()},
            revised=list(data["revised"]),
            snapshot=Path(data["snapshot"]),
            seconds=float(data.get("seconds") or 0.0),
        )

    def summary(self) -> str:
        parts = [self.builds[m].summary() for m in (*self.revised, self.month)]
        return "; ".join(parts)


def build(
    month: str,
    paths: Paths | None = None,
    attempt_id: str | None = None,
    models_built: bool = False,
) -> Built:
    """dbt-build the published months revised since their publication, then the month, and
    snapshot the result, all under the warehouse writer lock.

    `models_built`: the month's models were built by another runner (the DAG's cosmos task
    group): run only the month's data tests, whose results the gate judges."""
    from .build import build as dbt_build
    from .build import release_dbt, snapshot
    from .build import test as dbt_test
    from .gate import new_attempt_id
    from .gate.dbt_results import build_problems
    from .locks import warehouse_writer
    from .publish import revised_months

    p = (paths or default_paths()).ensure()
    attempt = attempt_id or new_attempt_id()
    revised = revised_months(month, p)
    started = time.perf_counter()
    builds: dict[str, Any] = {}
    with warehouse_writer(p):
        try:
            for m in [*revised, month]:
                tests_only = models_built and m == month
                builds[m] = dbt_test([m], p) if tests_only else dbt_build([m], p)
                problems = build_problems(builds[m])
                failpoints.reached("build:month-built")
                if problems and any("lock" in x.lower() for x in problems):
                    raise WarehouseInUse(
                        "the working warehouse is in use by another process: "
                        + _holder_of(problems[0])
                        + "; close that connection (or wait for it) and run again",
                        "数据仓库文件正被其他程序占用，请关闭占用它的连接后重新运行。",
                    )
                if problems:
                    raise BuildFailed(
                        f"dbt could not build {m}: " + "; ".join(problems[:5]),
                        f"{m}的数据模型构建失败，请联系数据管理员（{problems[0][:200]}）",
                    )
        finally:
            release_dbt()
        snap = snapshot(p, attempt)
    built = Built(month, attempt, builds, revised, snap, time.perf_counter() - started)
    log.info("%s", built.summary())
    return built


def _holder_of(message: str) -> str:
    """'held by <program> (PID n)' from DuckDB's lock message, else the message's first line."""
    import re

    found = re.search(r"Conflicting lock is held in (\S+) \(PID (\d+)\)", message)
    if found:
        return f"held by {Path(found.group(1)).name} (PID {found.group(2)})"
    return message.splitlines()[0][:300]


# ---------------------------------------------------------------- gate


def gate(month: str, built: Built, paths: Paths | None = None) -> Any:
    """Judge each revised month (its own report; a failing one stays pending) and then the
    month, carrying the revisions that pass. Returns the month's `GateResult`."""
    from .gate import check

    p = paths or default_paths()
    carried: list[str] = []
    pending: list[dict[str, Any]] = []
    for r in built.revised:
        verdict = check(r, p, build=built.builds[r], snapshot=built.snapshot)
        if verdict.passed:
            carried.append(r)
        else:
            pending.append(
                {"month": r, "codes": verdict.failing_codes, "report": verdict.attempt_id}
            )
    verdict = check(
        month,
        p,
        build=built.builds[month],
        snapshot=built.snapshot,
        revised_months=carried,
        pending_revisions=pending,
        attempt_id=built.attempt_id,
    )
    log.info("%s", describe_gate(verdict))
    return verdict


def describe_gate(verdict: Any) -> str:
    """One line for logs: the verdict, failing checks with their rows, warnings, the report."""
    from .gate.checks import spec

    parts = [f"gate {verdict.month}: {'passed' if verdict.passed else 'BLOCKED'}"]
    if verdict.failures:
        parts.append(
            "failing "
            + ", ".join(
                f"{c.code} {spec(c.code).title_en} ({c.failing_rows} row(s))"
                for c in verdict.failures
            )
        )
    if verdict.warnings:
        parts.append("warnings " + ", ".join(c.code for c in verdict.warnings))
    for pending in verdict.pending_revisions:
        parts.append(f"revision of {pending['month']} pending ({', '.join(pending['codes'])})")
    if verdict.report_html:
        parts.append(f"report reports/{verdict.month}/gate/{verdict.report_html.name}")
    return "; ".join(parts)


# ---------------------------------------------------------------- publish, bulletin


def publish(month: str, verdict: Any, paths: Paths | None = None, run_by: str = "cli") -> Any:
    """Publish the month the gate passed (log the attempt either way); see zonewh.publish."""
    from .publish import PublicationFailed
    from .publish import publish as do_publish

    p = paths or default_paths()
    try:
        result = do_publish(month, verdict, p, run_by=run_by)
        log.info(
            "%s",
            f"published {month} (publication {result.publication_id})"
            if result.published
            else f"{month} not published: blocked by {', '.join(verdict.failing_codes)}",
        )
        return result
    except PublicationFailed as exc:
        raise StepError(
            str(exc), f"{month}已通过检查，但发布时出错，发布目录未改变：{exc}"
        ) from exc
    finally:
        discard_snapshot(p, verdict)


def blocked_message(verdict: Any) -> str:
    """One line naming each failing check and where the report is."""
    from .gate.checks import spec

    failing = "; ".join(
        f"{c.code} {spec(c.code).title_en} ({c.failing_rows} row(s))" for c in verdict.failures
    )
    report = (
        verdict.report_html.name if getattr(verdict, "report_html", None) else "the gate report"
    )
    return f"gate blocked {verdict.month}: {failing}; report reports/{verdict.month}/gate/{report}"


def bulletin(month: str, paths: Paths | None = None) -> list[Path]:
    """The month's bulletin (HTML, Excel, PDF) from the published file."""
    from .bulletin import write_bulletin

    written = list(write_bulletin(month, paths or default_paths()))
    log.info("bulletin %s: %s", month, ", ".join(p.name for p in written))
    return written


def discard_snapshot(p: Paths, verdict: Any) -> None:
    """Remove a run's snapshot once its publication is decided (published data lives on in
    `published/` and the vintages)."""
    snap = getattr(verdict, "snapshot", None)
    if snap and Path(snap).parent.parent == p.home / "runs":
        shutil.rmtree(Path(snap).parent, ignore_errors=True)


def clean_runs(p: Paths) -> list[str]:
    """Remove snapshots left by killed runs (call holding the run lease)."""
    removed = []
    for folder in sorted((p.home / "runs").glob("*")):
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder.name)
    return removed


# ---------------------------------------------------------------- the whole month


@dataclass
class RunResult:
    """What one monthly run did, with the seconds each stage took."""

    month: str
    outcome: str = "failed"
    """published | blocked | waiting | failed"""
    ingest: Any = None
    built: Built | None = None
    gate: Any = None
    publish: Any = None
    bulletin: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: StepError | None = None

    @property
    def published(self) -> bool:
        return self.outcome == "published"

    @property
    def revised_months(self) -> list[str]:
        return list(getattr(self.gate, "revised_months", []) or [])

    @property
    def exit_code(self) -> int:
        if self.outcome == "published":
            return EXIT_PUBLISHED
        if self.outcome == "blocked":
            return EXIT_BLOCKED
        return self.error.exit_code if self.error else EXIT_FAILED

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


def run_month(
    month: str,
    paths: Paths | None = None,
    progress: Any = None,
    wait_s: float = 0.0,
    label: str | None = None,
) -> RunResult:
    """Ingest, build, gate, publish and write the bulletin for one month, holding the run
    lease throughout. Step errors end the run with `outcome` and `error` set; Busy (another
    run holds the lease) propagates."""
    from .locks import Holder, run_lease
    from .publish import clean_stale

    p = (paths or default_paths()).ensure()
    result = RunResult(month)
    holder = Holder("cli", label or f"zonewh run --month {month}", month)
    task = progress.add_task(month, total=len(STAGES)) if progress is not None else None
    with run_lease(p, holder, wait_s=wait_s):
        if clean_runs(p):
            result.notes.append("removed the snapshots of interrupted runs")
        result.notes += clean_stale(p)
        try:
            with _Stage(result, "ingest", progress, task):
                result.ingest = ingest(month, p, progress)
            failpoints.reached("run:ingested")
            check_order(month, p)
            with _Stage(result, "build", progress, task):
                result.built = build(month, p)
            failpoints.reached("run:built")
            with _Stage(result, "gate", progress, task):
                result.gate = gate(month, result.built, p)
            failpoints.reached("run:gated")
            with _Stage(result, "publish", progress, task):
                result.publish = publish(month, result.gate, p)
        except OutOfOrder as exc:
            result.outcome, result.error = "waiting", exc
            return result
        except StepError as exc:
            result.outcome, result.error = "failed", exc
            return result
        finally:
            if result.built is not None and result.publish is None:
                discard_snapshot(p, result.built)
        result.outcome = "published" if result.publish.published else "blocked"
        for pending in result.gate.pending_revisions:
            result.notes.append(
                f"revision of {pending['month']} not carried: its gate fails "
                f"({', '.join(pending['codes'])}); it stays pending"
            )
    if result.published:
        with _Stage(result, "bulletin", progress, task):
            try:
                result.bulletin = bulletin(month, p)
            except Exception as exc:
                log.exception("bulletin for %s failed", month)
                result.notes.append(f"bulletin not written: {type(exc).__name__}: {exc}")
    return result


def missing_mandatory(month: str, paths: Paths | None = None) -> list[tuple[str, str]]:
    """The mandatory (unit, form) pairs of the month with nothing accepted and no waiver
    (what the monthly DAG's completeness sensor waits for)."""
    from ingest.reference import load_reference
    from ingest.status import month_status

    mandatory = {e.form_code for e in load_reference().calendar if e.is_mandatory}
    return sorted(
        (row.unit_code, row.form_code)
        for row in month_status(month, paths or default_paths())
        if row.expected and row.form_code in mandatory and row.status in ("missing", "rejected")
    )
