"""What the gate found: one finding per test or expectation that ran, one outcome per check.

A check (B3, W2, …) may be implemented by several dbt tests or expectations (B2 is a test
per mart); its outcome aggregates their findings: `failed` (blocking) or `warned` when any
found failing rows, `error` when one could not run, `not_run` when none ran, else `passed`.
A month passes when no blocking check is failed, in error or not run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .checks import CHECKS, CheckSpec, sort_key, spec

Status = Literal["pass", "fail", "warn", "error", "skipped"]
Outcome = Literal["passed", "failed", "warned", "error", "not_run"]

MAX_ROWS = 200
"""Failing rows kept per check in the report (B1 lists every missing return)."""


@dataclass
class Finding:
    """The result of one dbt test or one expectation."""

    code: str
    source: str
    """dbt | great_expectations | zonewh"""
    name: str
    """The test's or expectation's name."""
    status: Status
    failing_rows: int = 0
    message_en: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CheckOutcome:
    """One check of the gate for one month."""

    code: str
    outcome: Outcome
    failing_rows: int = 0
    message_en: str = ""
    examples: list[dict[str, Any]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def spec(self) -> CheckSpec:
        return spec(self.code)

    @property
    def blocks(self) -> bool:
        """True when this outcome stops the month."""
        return self.spec.is_blocking and self.outcome in ("failed", "error", "not_run")

    @property
    def is_warning(self) -> bool:
        return not self.spec.is_blocking and self.outcome in ("warned", "error")

    @property
    def name(self) -> str:
        return self.spec.title_en

    @property
    def message(self) -> str:
        return self.message_en

    def to_dict(self) -> dict[str, Any]:
        s = self.spec
        return {
            "code": self.code,
            "severity": s.severity,
            "tool": s.tool,
            "title_zh": s.title_zh,
            "title_en": s.title_en,
            "explanation_zh": s.explanation_zh,
            "action_zh": s.action_zh,
            "acts": s.acts,
            "outcome": self.outcome,
            "failing_rows": self.failing_rows,
            "message_en": self.message_en,
            "sources": self.sources,
            "examples": self.examples,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckOutcome:
        return cls(
            code=data["code"],
            outcome=data["outcome"],
            failing_rows=int(data.get("failing_rows") or 0),
            message_en=data.get("message_en") or "",
            examples=list(data.get("examples") or []),
            sources=list(data.get("sources") or []),
        )


def aggregate(findings: list[Finding], codes: list[str] | None = None) -> list[CheckOutcome]:
    """One outcome per declared check (or per code in `codes`), in report order."""
    wanted = codes if codes is not None else [c.code for c in CHECKS]
    out: list[CheckOutcome] = []
    for code in sorted(wanted, key=sort_key):
        mine = [f for f in findings if f.code == code]
        if not mine:
            out.append(CheckOutcome(code, "not_run", message_en=f"{code}: no test ran"))
            continue
        bad = [f for f in mine if f.status in ("fail", "warn")]
        errors = [f for f in mine if f.status in ("error", "skipped")]
        rows = [r for f in bad for r in f.rows][:MAX_ROWS]
        failing = sum(f.failing_rows for f in bad)
        messages = [f.message_en for f in (*errors, *bad) if f.message_en]
        if errors:
            outcome: Outcome = "error"
        elif bad:
            outcome = "failed" if spec(code).is_blocking else "warned"
        else:
            outcome = "passed"
        out.append(
            CheckOutcome(
                code=code,
                outcome=outcome,
                failing_rows=failing,
                message_en="; ".join(messages) if messages else f"{code}: passed",
                examples=rows,
                sources=sorted({f.name for f in mine}),
            )
        )
    return out


@dataclass
class GateResult:
    """The outcome of one gate attempt for a month."""

    month: str
    attempt_id: str
    checked_at: str
    """ISO time in Beijing time (+08:00)."""
    checks: list[CheckOutcome]
    revised_months: list[str] = field(default_factory=list)
    """Earlier published months whose revision passed its own gate and is carried."""
    pending_revisions: list[dict[str, Any]] = field(default_factory=list)
    """Revised months whose own gate fails: `{"month", "codes", "report"}`; they stay pending."""
    notes: list[str] = field(default_factory=list)
    report_json: Path | None = None
    report_html: Path | None = None
    snapshot: Path | None = None
    """The warehouse snapshot that was judged (what the publisher copies from)."""

    @property
    def passed(self) -> bool:
        return not any(c.blocks for c in self.checks)

    @property
    def failures(self) -> list[CheckOutcome]:
        return [c for c in self.checks if c.blocks]

    @property
    def warnings(self) -> list[CheckOutcome]:
        return [c for c in self.checks if c.is_warning]

    @property
    def failing_codes(self) -> list[str]:
        return [c.code for c in self.failures]

    def check_outcome(self, code: str) -> CheckOutcome:
        for c in self.checks:
            if c.code == code:
                return c
        raise KeyError(code)

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "attempt_id": self.attempt_id,
            "checked_at": self.checked_at,
            "passed": self.passed,
            "failing_codes": self.failing_codes,
            "warning_codes": [c.code for c in self.warnings],
            "revised_months": self.revised_months,
            "pending_revisions": self.pending_revisions,
            "notes": self.notes,
            "report_json": self.report_json.name if self.report_json else None,
            "report_html": self.report_html.name if self.report_html else None,
            "snapshot": str(self.snapshot) if self.snapshot else None,
            "checks": [c.to_dict() for c in self.checks],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], folder: Path | None = None) -> GateResult:
        """Back from `to_dict` (the JSON report); `folder` locates the report files."""
        result = cls(
            month=data["month"],
            attempt_id=data["attempt_id"],
            checked_at=data["checked_at"],
            checks=[CheckOutcome.from_dict(c) for c in data.get("checks") or []],
            revised_months=list(data.get("revised_months") or []),
            pending_revisions=list(data.get("pending_revisions") or []),
            notes=list(data.get("notes") or []),
            snapshot=Path(data["snapshot"]) if data.get("snapshot") else None,
        )
        if folder is not None:
            for attr in ("report_json", "report_html"):
                if data.get(attr):
                    setattr(result, attr, folder / data[attr])
        return result
