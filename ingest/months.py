"""Months: the one parser of `YYYY-MM` and the month arithmetic of the project.

A month is written `YYYY-MM` (two-digit month) in folder names, commands and
receipts, and held as the date of its first day.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

FIRST_YEAR = 1990
LAST_YEAR = 2099
MONTH_RE = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
"""`YYYY-MM` with a two-digit month (ASCII digits only)."""


class MonthError(ValueError):
    """A month that is not `YYYY-MM` between 1990-01 and 2099-12; says what was given."""

    def __init__(self, given: object):
        self.given = given
        text = given if isinstance(given, str) else _shown(given)
        self.message_en = (
            f"month must be YYYY-MM between {FIRST_YEAR}-01 and {LAST_YEAR}-12, got {text!r}"
        )
        self.message_zh = f"月份应写作 YYYY-MM（如 2019-06），收到“{text}”"
        super().__init__(self.message_en)


def _shown(given: object) -> str:
    """How a non-text month is shown in a message."""
    if isinstance(given, date):
        return f"{given.year:04d}-{given.month:02d}"
    return str(given)


def parse_month(month: str | date) -> date:
    """The first day of `month`: text `YYYY-MM` (surrounding whitespace ignored) or a date
    (any day of the month); raises `MonthError` for anything else or a year outside
    1990..2099."""
    if isinstance(month, date):
        first = date(month.year, month.month, 1)
    elif isinstance(month, str) and (match := MONTH_RE.fullmatch(month.strip())):
        if not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
            raise MonthError(month)  # before date(): year 0 is not even a date
        first = date(int(match.group(1)), int(match.group(2)), 1)
    else:
        raise MonthError(month)
    if not FIRST_YEAR <= first.year <= LAST_YEAR:
        raise MonthError(month)
    return first


def month_text(month: date) -> str:
    """A month as `YYYY-MM`."""
    return f"{month.year:04d}-{month.month:02d}"


def add_months(month: date, n: int) -> date:
    """The first day of the month `n` months after `month` (negative goes back)."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    """The last day of `month`."""
    return add_months(month, 1) - timedelta(days=1)


def month_range(first: date, last: date) -> list[date]:
    """The first days of every month from `first` to `last`, both included ([] when
    `last` is before `first`)."""
    start = date(first.year, first.month, 1)
    count = (last.year - start.year) * 12 + last.month - start.month + 1
    return [add_months(start, i) for i in range(max(count, 0))]
