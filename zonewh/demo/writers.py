"""Writing demo files as submitters do: .xlsx through xlsxwriter, .csv in their encodings.

An xlsx file carries a title row, a 填报单位/填报日期 row, an optional note row, the
registry's headers, the data and a 填表人/审核人 footer; its document properties (title,
author, creation time = the submission time) are fixed, so the bytes are the same on every
run. A CSV file has the headers and data only; UTF-8 with BOM files use thousands
separators. Each file's modification time is its submission time.
"""

from __future__ import annotations

import csv
import io
import os
import random
from datetime import date, datetime
from pathlib import Path

from ingest.forms import FORMS
from ingest.reference import Reference

from .draw import random_stream
from .files import DemoFile, cell_text, date_zh
from .names import GIVEN, SURNAMES
from .timing import first_day


def _person_name(rng: random.Random) -> str:
    """A two- or three-character Chinese name."""
    return (
        rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.5 else "")
    )


def write_xlsx(target: Path, demo: DemoFile, unit_name: str, rng: random.Random) -> None:
    """Write `demo` as a workbook of one sheet; `rng` names the footer's two people."""
    import xlsxwriter

    form = FORMS[demo.form_code]
    created = demo.submitted_at.replace(tzinfo=None)
    workbook = xlsxwriter.Workbook(str(target), {"in_memory": True, "strings_to_numbers": False})
    workbook.set_properties(
        {"title": form.title, "author": unit_name, "company": unit_name, "created": created}
    )
    sheet = workbook.add_worksheet(form.code)
    title_fmt = workbook.add_format({"bold": True, "font_size": 14})
    head_fmt = workbook.add_format({"bold": True, "border": 1, "text_wrap": True})
    date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
    num_fmt = workbook.add_format({"num_format": "0.00"})
    year, mon = int(demo.month[:4]), int(demo.month[5:7])
    sheet.write_string(0, 0, f"{year}年{mon}月{form.title}", title_fmt)
    sheet.write_string(1, 0, f"填报单位：{unit_name}")
    sheet.write_string(1, 3, f"填报日期：{date_zh(demo.submitted_at.date())}")
    row = 2
    if demo.note:
        sheet.write_string(row, 0, demo.note)
        row += 1
    for col, header in enumerate(form.headers):
        sheet.write_string(row, col, header, head_fmt)
        sheet.set_column(col, col, max(10, len(header) * 2))
    for i, values in enumerate(demo.rows):
        r = row + 1 + i
        for col, value in enumerate(values):
            text = demo.text_cells.get((i, col))
            if text is not None:
                sheet.write_string(r, col, text)
            elif value is None:
                continue
            elif isinstance(value, date):
                sheet.write_datetime(r, col, datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, float):
                sheet.write_number(r, col, value, num_fmt if value != int(value) else None)
            elif isinstance(value, int):
                sheet.write_number(r, col, value)
            else:
                sheet.write_string(r, col, str(value))
    footer = row + 2 + len(demo.rows)
    sheet.write_string(footer, 0, f"填表人：{_person_name(rng)}    审核人：{_person_name(rng)}")
    workbook.close()


def write_csv(target: Path, demo: DemoFile) -> None:
    """Write `demo` as CSV (CRLF lines) in its encoding."""
    form = FORMS[demo.form_code]
    thousands = demo.encoding == "utf-8-sig"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(form.headers)
    for i, values in enumerate(demo.rows):
        cells = []
        for col, value in enumerate(values):
            text = demo.text_cells.get((i, col))
            cells.append(text if text is not None else cell_text(value, thousands))
        writer.writerow(cells)
    target.write_bytes(buffer.getvalue().encode(demo.encoding))


def write_file(landing: Path, demo: DemoFile, ref: Reference, seed: int) -> Path:
    """Write `demo` under `landing`, dated its submission time; return its path."""
    target = landing / demo.path
    target.parent.mkdir(parents=True, exist_ok=True)
    unit = ref.unit(demo.unit_code, first_day(demo.month))
    unit_name = unit.name if unit else demo.unit_code
    if demo.fmt == "xlsx":
        write_xlsx(target, demo, unit_name, random_stream(seed, "footer", demo.path))
    else:
        write_csv(target, demo)
    stamp = demo.submitted_at.timestamp()
    os.utime(target, (stamp, stamp))
    return target
