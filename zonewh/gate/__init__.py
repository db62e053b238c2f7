"""The data-quality gate: a month is published only when every blocking check passes.

- `checks.py` declares every check once (docs/RULES.md): code, severity, the tool that runs
  it, its Chinese title, explanation and what to do.
- `dbt_results.py` reads the dbt data tests (B1–B9, W1–W4) from the build result it is given.
- `suites.py` runs the Great Expectations suites (B10) on the month's marts.
- W5 (revisions) comes from the run itself: the revised months it carries or leaves pending.
- `report.py` writes each attempt's JSON + HTML report.

`check()` judges one month on the snapshot its build left (what the publisher then copies):
nothing another process writes to the working warehouse after the build changes the verdict
or what is published.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..config import CST, Paths
from ..config import paths as default_paths
from . import dbt_results, suites
from .checks import BY_CODE, CHECKS, CheckSpec, spec
from .names import load_names
from .outcome import CheckOutcome, Finding, GateResult, aggregate
from .report import read_report, write_report

__all__ = [
    "BY_CODE",
    "CHECKS",
    "CheckOutcome",
    "CheckSpec",
    "GateResult",
    "check",
    "new_attempt_id",
    "read_report",
    "spec",
    "write_report",
]


def new_attempt_id() -> str:
    """A sortable, unique id for one attempt: UTC timestamp plus a short random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def _revision_findings(revised: list[str], pending: list[dict[str, Any]]) -> list[Finding]:
    """W5: the published months this run revises, and revisions left pending."""
    rows = [{"month": f"{m}-01", "revision": "carried"} for m in revised]
    rows += [
        {"month": f"{r['month']}-01", "revision": "pending", "failing": ", ".join(r["codes"])}
        for r in pending
    ]
    if not rows:
        return [Finding("W5", "zonewh", "revisions", "pass")]
    parts = []
    if revised:
        parts.append(f"revises published months {', '.join(revised)}")
    if pending:
        parts.append(
            "pending revisions that fail their own gate: "
            + ", ".join(f"{r['month']} ({', '.join(r['codes'])})" for r in pending)
        )
    return [Finding("W5", "zonewh", "revisions", "warn", len(rows), "; ".join(parts), rows)]


def check(
    month: str,
    paths: Paths | None = None,
    build: Any = None,
    snapshot: Path | None = None,
    revised_months: list[str] | None = None,
    pending_revisions: list[dict[str, Any]] | None = None,
    attempt_id: str | None = None,
    write: bool = True,
) -> GateResult:
    """Judge `month` and write the attempt's report.

    `build`: the `zonewh.build.BuildResult` that built the month (its dbt data tests are the
    gate's dbt checks; without it they count as not run, which blocks). `snapshot`: the
    database to judge, by default the build's snapshot, else the working warehouse.
    `revised_months` / `pending_revisions`: what the run decided about revisions (W5).
    """
    import duckdb

    p = paths or default_paths()
    database = snapshot or getattr(build, "snapshot", None) or p.warehouse
    found: list[Finding] = []
    notes: list[str] = []
    with duckdb.connect(str(database), read_only=True) as con:
        if build is None:
            notes.append("no dbt build result was given: the dbt checks did not run")
        else:
            found += dbt_results.findings(build, month, con)
        frames, missing = suites.month_frames(con, month)
        names = load_names(con, month)
    found += suites.findings(month, frames, missing, p)
    found += _revision_findings(revised_months or [], pending_revisions or [])
    checks = aggregate(found)
    for c in checks:
        c.examples = [names.add_to(row) for row in c.examples]
    result = GateResult(
        month=month,
        attempt_id=attempt_id or new_attempt_id(),
        checked_at=datetime.now(CST).isoformat(timespec="seconds"),
        checks=checks,
        revised_months=list(revised_months or []),
        pending_revisions=list(pending_revisions or []),
        notes=notes,
        snapshot=Path(database),
    )
    if write:
        write_report(result, p)
    return result
