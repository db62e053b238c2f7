"""Whose file is it, and which form: the unit folder and the form of a landing file.

The unit is the folder the file sits in and must be a unit valid in the report month.
The form is the one its name starts with; a file named otherwise is rejected here, and
only here, with the list of the forms the unit owes that month.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from .calendar import forms_owed
from .errors import FileRejected
from .forms import FORMS, Form
from .landing import LandingFile
from .reference import Reference, Unit


def unit_of(f: LandingFile, month: date, ref: Reference) -> Unit:
    """The unit whose folder `f` is in; rejects a folder that names no unit valid in `month`."""
    unit = ref.unit(f.unit_code, month)
    if unit is None:
        raise FileRejected.reason(
            "unknown_unit",
            f"报送文件夹“{f.unit_code}”不是本月有效的单位代码",
            f"folder {f.unit_code!r} is not the code of a unit valid this month",
            value=f.unit_code,
        )
    return unit


def form_of(con: duckdb.DuckDBPyConnection, f: LandingFile, month: date, ref: Reference) -> Form:
    """The form `f` belongs to: the one its name starts with; otherwise rejected with the
    forms the unit owes for `month`."""
    form = f.form
    if form is not None:
        return form
    raise unknown_form(f.path.name, f.unit_code, forms_owed(con, month, f.unit_code, ref))


def unknown_form(name: str, unit_code: str, owed: list[str]) -> FileRejected:
    """The rejection of a file whose name starts with no form code, listing `owed`."""
    if owed:
        listed_zh = "、".join(f"{code}（{FORMS[code].title}）" for code in owed)
        example = f"{owed[0]}_{Path(name).stem}{Path(name).suffix}"
        owes_zh = (
            f"本月单位 {unit_code} 应报送：{listed_zh}；请将文件名改为以对应的报表代码开头"
            f"（如 {example}）后重新报送"
        )
        owes_en = (
            f"unit {unit_code!r} owes these forms this month: {', '.join(owed)}; "
            f"name the file after one of them (e.g. {example})"
        )
    else:
        owes_zh = f"本月单位 {unit_code} 没有应报送的报表"
        owes_en = f"unit {unit_code!r} owes no form this month"
    return FileRejected.reason(
        "unknown_form",
        f"文件名“{name}”不以报表代码开头，无法确定是哪张报表；{owes_zh}",
        f"file name {name!r} does not start with a form code; {owes_en}",
        value=name,
    )
