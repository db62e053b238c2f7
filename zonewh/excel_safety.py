"""Formula-injection safety for every cell the application writes to Excel or CSV.

A text cell that begins with `=`, `+`, `-`, `@`, tab, carriage return or line feed
could be read as a formula by a spreadsheet program (OWASP "CSV injection").
Such text is prefixed with a single quote, and with xlsxwriter it is always
written as a string (`write_string`), never through `write()`'s guessing.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n")
"""First characters that make a spreadsheet treat a cell as a formula."""


def escape_cell(value: Any) -> Any:
    """The value made safe for a spreadsheet cell: risky text gets a leading `'`.

    Anything that is not text (numbers, dates, None) is returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def escape_row(values: list[Any] | tuple[Any, ...]) -> list[Any]:
    """Every cell of a CSV or Excel row escaped."""
    return [escape_cell(v) for v in values]


def write_cell(ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Write one value to an xlsxwriter worksheet by its type; text always as a string.

    Numbers go through `write_number` (NaN and None as blank), dates through
    `write_datetime` and booleans through `write_boolean`; everything else is
    converted to text, escaped and written with `write_string`.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, dt.datetime | dt.date):
        ws.write_datetime(row, col, value, fmt)
    else:
        ws.write_string(row, col, escape_cell(str(value)), fmt)
