"""What a rule is given (the submission's context) and what validation gives back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ..errors import Problem
from ..forms import Field, Form
from ..months import month_end
from ..reference import Reference
from ..wording import unit_label


@dataclass
class Context:
    """What the rules need besides the rows: who submitted what, for which month."""

    month: date
    unit_code: str
    ref: Reference
    sheet: str = ""

    @property
    def end(self) -> date:
        return month_end(self.month)

    @property
    def unit_label(self) -> str:
        """The submitting unit as a person names it: `区国土建设环保局（lce）`."""
        return unit_label(self.ref, self.unit_code, self.month)


@dataclass
class ValidationResult:
    """Counts of problems and the first `problems.PROBLEM_CAP` of them."""

    errors: int
    warnings: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.errors:
            return "rejected"
        return "accepted_with_warnings" if self.warnings else "accepted"


FieldRule = Callable[[Context, Field], str]
"""A column rule: SQL over `_zw_n` yielding (row, value, expected_zh, expected_en)."""

FormRule = Callable[[Context, Form], tuple[str, str]]
"""A whole-file rule: (column header, SQL yielding (row, value, expected_zh, expected_en))."""
