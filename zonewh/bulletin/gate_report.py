"""The gate report of the attempt that published the month, read defensively.

The gate writes `reports/YYYY-MM/gate/<attempt_id>.json`. The report read is the one whose
attempt id is the `publication_id` of the month's latest publication; without it, the
latest passing report (else the latest report). Two shapes are understood:

- `{"checks": [{"code", "severity", "title_zh", "explanation_zh", "action_zh", "outcome",
  "failing_rows", "message_en", "examples": [...]}], "revised_months": [...]}`
- the earlier `{"warnings": [{"code", "name", "source", "message", "examples"}]}`.

Either becomes a `GateReport` whose warnings carry Chinese titles (the report's own, else
the check's declaration in `zonewh.gate.checks`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..gate.checks import CheckSpec, spec

Row = dict[str, Any]

WARNED = ("warned", "failed", "error")
"""Outcomes of a warning check that put it in the bulletin."""

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class GateWarning:
    """One warning of the gate, as the bulletin tells it."""

    code: str
    title_zh: str
    explanation_zh: str = ""
    action_zh: str = ""
    failing_rows: int | None = None
    message_zh: str = ""
    """A Chinese message the report carried (an English one is never shown)."""
    examples: list[Row] = field(default_factory=list)

    @property
    def count(self) -> int | None:
        """How many cases: the failing rows when known, else the examples given."""
        if self.failing_rows is not None:
            return self.failing_rows
        return len(self.examples) if self.examples else None


@dataclass
class GateReport:
    """The warnings of one gate attempt and the months it revised."""

    path: Path
    attempt_id: str
    passed: bool
    warnings: list[GateWarning] = field(default_factory=list)
    revised_months: list[str] = field(default_factory=list)


def is_chinese(text: str) -> bool:
    """True when the text has Chinese characters (a message meant for readers)."""
    return bool(_CJK.search(text))


def _spec(code: str) -> CheckSpec | None:
    try:
        return spec(code) if code else None
    except KeyError:
        return None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _examples(value: Any) -> list[Row]:
    if not isinstance(value, list):
        return []
    return [e for e in value if isinstance(e, dict)]


def _warning(item: Row, *, new_format: bool) -> GateWarning:
    code = _text(item.get("code") or item.get("id")).upper()
    declared = _spec(code)
    old_name = _text(item.get("name") or item.get("check") or item.get("title"))
    title = _text(item.get("title_zh")) or (declared.title_zh if declared else "")
    if not title:
        title = old_name if is_chinese(old_name) else "其他提示"
    message = "" if new_format else _text(item.get("message_zh") or item.get("message"))
    return GateWarning(
        code=code,
        title_zh=title,
        explanation_zh=_text(item.get("explanation_zh"))
        or (declared.explanation_zh if declared else ""),
        action_zh=_text(item.get("action_zh")) or (declared.action_zh if declared else ""),
        failing_rows=_count(item.get("failing_rows")),
        message_zh=message if is_chinese(message) else "",
        examples=_examples(item.get("examples")),
    )


def _warnings(report: Row) -> list[GateWarning]:
    checks = report.get("checks")
    if isinstance(checks, list):
        out = []
        for c in checks:
            if not isinstance(c, dict) or _text(c.get("outcome")).lower() not in WARNED:
                continue
            declared = _spec(_text(c.get("code")))
            severity = _text(c.get("severity")) or (declared.severity if declared else "")
            if severity != "blocking":
                out.append(_warning(c, new_format=True))
        return out
    items = report.get("warnings")
    if not isinstance(items, list):
        return []
    out = []
    for item in items:
        if isinstance(item, dict):
            out.append(_warning(item, new_format=False))
        elif item is not None:
            text = str(item)
            out.append(GateWarning("", "其他提示", message_zh=text))
    return out


def _months(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [str(m)[:7] for m in value if m]


def _read(path: Path) -> Row | None:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return report if isinstance(report, dict) else None


def read_gate_report(
    reports: Path, month: str, publication_id: str | None = None
) -> GateReport | None:
    """The report of the attempt that published `month` (`YYYY-MM`), else the latest passing
    one, else the latest; None when the month has no readable report."""
    folder = reports / month / "gate"
    if not folder.is_dir():
        return None
    chosen: tuple[Path, Row] | None = None
    if publication_id and _SAFE_ID.match(publication_id):
        path = folder / f"{publication_id}.json"
        report = _read(path) if path.is_file() else None
        if report is not None:
            chosen = (path, report)
    candidates: list[tuple[bool, float, str, Path, Row]] = []
    if chosen is None:
        for path in folder.glob("*.json"):
            report = _read(path)
            if report is None:
                continue
            if publication_id and report.get("attempt_id") == publication_id:
                chosen = (path, report)
                break
            try:
                mtime = path.stat().st_mtime
            except OSError:
                continue
            candidates.append((report.get("passed") is True, mtime, path.name, path, report))
    if chosen is None:
        if not candidates:
            return None
        passing = [c for c in candidates if c[0]] or candidates
        _, _, _, path, report = max(passing, key=lambda c: (c[1], c[2]))
        chosen = (path, report)
    path, report = chosen
    return GateReport(
        path=path,
        attempt_id=_text(report.get("attempt_id")) or path.stem,
        passed=report.get("passed") is True,
        warnings=_warnings(report),
        revised_months=_months(report.get("revised_months")),
    )
