"""Formula injection: risky text is escaped and written as text, never as a formula."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from zonewh.excel_safety import escape_cell, escape_row, write_cell

RISKY = [
    '=HYPERLINK("http://x.invalid","点击")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    "\n=1",
    "=cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("text", RISKY)
def test_risky_text_gets_a_leading_quote(text: str) -> None:
    assert escape_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["区发展改革局", "8.7%", "", " =1", "'=1", 3.5, -2, None])
def test_safe_values_are_unchanged(value: object) -> None:
    assert escape_cell(value) == value


def test_escape_row() -> None:
    assert escape_row(["a", "=1", 5]) == ["a", "'=1", 5]


def test_xlsx_cells_are_text_not_formulas(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("s")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for i, text in enumerate(RISKY):
        write_cell(ws, i, 0, text)
    write_cell(ws, len(RISKY), 0, -12.5)
    write_cell(ws, len(RISKY) + 1, 0, dt.date(2019, 6, 30), date_fmt)
    write_cell(ws, len(RISKY) + 2, 0, None)
    wb.close()

    sheet = openpyxl.load_workbook(path).active
    for i, text in enumerate(RISKY, start=1):
        cell = sheet.cell(i, 1)
        assert cell.data_type == "s", text
        # openpyxl leaves xlsxwriter's escape of a carriage return as written
        assert cell.value.replace("_x000D_", "\r") == "'" + text
    assert sheet.cell(len(RISKY) + 1, 1).value == -12.5
    assert sheet.cell(len(RISKY) + 2, 1).value == dt.datetime(2019, 6, 30)
    assert sheet.cell(len(RISKY) + 3, 1).value is None
    # no formula anywhere in the file's sheet XML
    import zipfile

    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml


def test_csv_rows_are_escaped(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(escape_row([t, 1]) for t in RISKY)
    with path.open(newline="", encoding="utf-8") as fh:
        first_cells = [row[0] for row in csv.reader(fh)]
    assert all(c.startswith("'") for c in first_cells)
