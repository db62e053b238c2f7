"""A demo landing file before it is written, and cell values as a submitter types them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

Cell = str | int | float | date | None
"""One cell of a data row."""


@dataclass
class DemoFile:
    """One landing file: its rows in registry header order, format and submission time."""

    path: str
    form_code: str
    unit_code: str
    month: str
    rows: list[list[Cell]]
    submitted_at: datetime
    fmt: str = "xlsx"
    encoding: str = "utf-8"
    note: str = ""
    """An optional note row above the header (xlsx)."""
    text_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    """(row, column) cells written as this text instead of their value."""


def number_text(value: float, thousands: bool = False) -> str:
    """A number as a submitter types it: no float noise, no trailing zeros."""
    if isinstance(value, int):
        return f"{value:,}" if thousands else str(value)
    text = f"{value:,.6f}" if thousands else f"{value:.6f}"
    return text.rstrip("0").rstrip(".")


def cell_text(value: Cell, thousands: bool = False) -> str:
    """A cell as CSV text: ISO dates, numbers via `number_text`, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return number_text(value, thousands)
    return str(value)


def date_zh(day: date) -> str:
    """A date written the Chinese way: `2019年6月30日`."""
    return f"{day.year}年{day.month}月{day.day}日"
