"""Problems found in a submitted file, and the exception that rejects a whole file."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One problem: where it is (sheet, Excel row, column header), the value, and what was wrong."""

    severity: Severity
    rule: str
    sheet: str | None
    row: int | None
    """The row number the submitter sees in Excel (or the CSV line); None for the whole file."""
    column: str | None
    """The column header as the form names it."""
    value: str | None
    message_zh: str
    message_en: str
    cell: str | None = None
    """The Excel cell (`D5`: column letter and row) when the problem has both."""
    expected_zh: str | None = None
    """What was expected, in Chinese, without the place (`应为数字（单位：万元）`)."""
    fix_zh: str | None = None
    """What to do, in Chinese (`请只填写数字……`)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class FileRejected(Exception):
    """The file cannot be read as the form it claims to be; carries the problems saying why."""

    def __init__(self, problems: Problem | list[Problem]):
        self.problems: list[Problem] = [problems] if isinstance(problems, Problem) else problems
        first = self.problems[0] if self.problems else None
        super().__init__(first.message_en if first else "file rejected")

    @classmethod
    def reason(
        cls,
        rule: str,
        message_zh: str,
        message_en: str,
        *,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> FileRejected:
        """A rejection for one file-level reason."""
        return cls(Problem("error", rule, sheet, row, column, value, message_zh, message_en))
