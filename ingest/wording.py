"""How intake names things to a person who reads Chinese in Beijing time.

Units and forms by their Chinese names with the code in brackets (区国土建设环保局（lce）,
重点项目建设进展月报（project_progress）), dates and times in China Standard Time
(2019年7月3日 10:00), Excel cells by column letter and row (D5). English texts for
operators keep codes and ISO dates.
"""

from __future__ import annotations

from datetime import date, datetime

from xlsxwriter.utility import xl_col_to_name

from .forms import FORMS
from .months import parse_month
from .reference import Reference
from .settings import CST

GROUP_ZH = {"department": "部门", "town": "乡镇（街道）", "village": "村"}
"""The unit groups (`org_units.unit_type`) as a person says them."""


def date_zh(day: date) -> str:
    """`2019年8月5日`."""
    return f"{day.year}年{day.month}月{day.day}日"


def month_zh(month: str | date) -> str:
    """`2019年7月` for `2019-07` (or any day of the month)."""
    first = parse_month(month)
    return f"{first.year}年{first.month}月"


def time_zh(at: datetime) -> str:
    """`2019年7月3日 10:00` in Beijing time (a naive time is taken as Beijing time)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=CST)
    at = at.astimezone(CST)
    return f"{date_zh(at.date())} {at:%H:%M}"


def deadline_zh(due: date) -> str:
    """The end of a due day: `2019年8月5日 24:00`."""
    return f"{date_zh(due)} 24:00"


def unit_name(ref: Reference, code: str, month: str | date | None = None) -> str | None:
    """The Chinese name of unit `code` valid in `month` (any period when not valid then);
    None for no unit of that code."""
    unit = None
    if month is not None:
        unit = ref.unit(code, parse_month(month))
    unit = unit or ref.unit(code)
    return unit.name if unit else None


def unit_label(ref: Reference, code: str, month: str | date | None = None) -> str:
    """`区国土建设环保局（lce）`, or the code alone for no known unit."""
    name = unit_name(ref, code, month)
    return f"{name}（{code}）" if name else code


def units_zh(ref: Reference, codes: list[str] | set[str], month: str | date) -> str:
    """Unit labels joined with 、 (`无` for none)."""
    return "、".join(unit_label(ref, c, month) for c in sorted(codes)) or "无"


def form_name(code: str | None) -> str | None:
    """The Chinese title of form `code` (None for none or an unknown code)."""
    form = FORMS.get(code or "")
    return form.title if form else None


def form_label(code: str) -> str:
    """`重点项目建设进展月报（project_progress）`, or the code alone for an unknown form."""
    name = form_name(code)
    return f"{name}（{code}）" if name else code


def forms_zh(codes: list[str]) -> str:
    """Form labels joined with 、 (`无` for none)."""
    return "、".join(form_label(c) for c in codes) or "无"


def column_letter(index: int) -> str:
    """The Excel column letter of a 0-based column index (0 → A, 26 → AA)."""
    return xl_col_to_name(index)


def cell_name(letter: str | None, row: int | None) -> str | None:
    """`D5`, or None without both a column letter and a row."""
    if not letter or row is None:
        return None
    return f"{letter}{row}"
