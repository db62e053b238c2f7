"""The demo's files read back independently of the intake code (openpyxl and csv), and
cells parsed the way a person reads them."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl

from ingest.forms import FORMS
from zonewh.config import CST

MONEY = {"亿元": 10_000.0, "万元": 1.0, "元": 0.0001}


@dataclass
class Submitted:
    """One landing file read back: its rows as {header: cell}."""

    rel: str
    month: str
    unit: str
    form: str
    headers: list[str]
    rows: list[dict[str, object]]
    mtime: datetime


def read_xlsx(path: Path) -> tuple[list[str], list[list[object]]]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    values = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return _table(values)


def _table(values: list[list[object]]) -> tuple[list[str], list[list[object]]]:
    """The header row (found by a known first header) and the data rows below it."""
    firsts = {f.headers[0] for f in FORMS.values()}
    start = next(i for i, r in enumerate(values) if r and r[0] in firsts)
    headers = [str(h) for h in values[start] if h not in (None, "")]
    data = []
    for r in values[start + 1 :]:
        cells = list(r) + [None] * (len(headers) - len(r))
        if all(c in (None, "") for c in cells):
            continue
        if isinstance(cells[0], str) and cells[0].startswith("填表人"):
            continue
        data.append(cells[: len(headers)])
    return headers, data


def read_csv(path: Path) -> tuple[list[str], list[list[object]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    return _table([list(r) for r in csv.reader(io.StringIO(text))])


def read_all(landing: Path) -> list[Submitted]:
    out = []
    for path in sorted(landing.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(landing).as_posix()
        month, unit, name = rel.split("/")
        form = next(c for c in sorted(FORMS, key=len, reverse=True) if name.startswith(c))
        headers, data = read_xlsx(path) if path.suffix == ".xlsx" else read_csv(path)
        rows = [dict(zip(headers, r)) for r in data]
        mtime = datetime.fromtimestamp(path.stat().st_mtime, CST)
        out.append(Submitted(rel, month, unit, form, headers, rows, mtime))
    return out


def num(value: object, unit: str | None = None) -> float | None:
    """A cell as a number: thousands separators, %, and 亿元/万元 suffixes (to `unit`)."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).replace(",", "").strip()
    m = re.fullmatch(r"([-+]?[\d.]+)(%|亿元|万元|元)?", text)
    assert m, f"not a number: {value!r}"
    n = float(m.group(1))
    if m.group(2) in MONEY:
        assert unit is not None, f"money suffix without a unit: {value!r}"
        n = n * MONEY[m.group(2)] / MONEY[unit]
    return n


def day(value: object) -> date:
    """A cell as a date: Excel date, ISO text or `2019年6月30日`."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?", text)
    assert m, f"not a date: {value!r}"
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def form_rows(current, month: str, form: str) -> list[dict[str, object]]:
    return [r for (m, _, fc), f in current.items() if m == month and fc == form for r in f.rows]


def plan_rows(current, year: int) -> list[dict[str, object]]:
    return current[(f"{year}-01", "drc", "key_project_plan")].rows
