"""Whose file is it, and which form: the unit folder and the form of a landing file.

The unit is the folder the file sits in and must be a unit valid in the report month.
The form is the one its name starts with. A name that starts with no form code (people
name files in Chinese: 区国土局7月重点项目进展.xlsx) is identified by its header row when
that row matches exactly one form the unit owes this month (the sandbox reads the file and
says which forms' header rows it holds, `readers.identify_forms`); otherwise it is
rejected here, and only here, listing the forms the unit owes (names and codes) and, when
the year's key-project plan is not accepted yet, saying so.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from pathlib import Path

import duckdb

from .calendar import NotOwed, forms_owed, plan_forms, plan_missing, plan_state, why_not_owed
from .errors import FileRejected, Problem
from .forms import FORMS, Form
from .landing import LandingFile
from .reference import Reference, Unit, load_reference
from .wording import forms_zh, unit_label


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


def form_of(
    con: duckdb.DuckDBPyConnection,
    f: LandingFile,
    month: date,
    ref: Reference,
    header_forms: Collection[str] = (),
) -> Form:
    """The form `f` belongs to: the one its name starts with; else the one form the unit
    owes for `month` among `header_forms` (the forms whose header row the file holds);
    otherwise rejected with the forms the unit owes."""
    form = f.form
    if form is not None:
        return form
    owed = forms_owed(con, month, f.unit_code, ref)
    hits = [code for code in owed if code in header_forms]
    if len(hits) == 1:
        return FORMS[hits[0]]
    raise unknown_form(
        f.path.name,
        f.unit_code,
        owed,
        header_forms=[c for c in FORMS if c in header_forms],
        month=month,
        ref=ref,
        con=con,
    )


def unknown_form(
    name: str,
    unit_code: str,
    owed: list[str],
    *,
    header_forms: list[str] | None = None,
    month: date | None = None,
    ref: Reference | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> FileRejected:
    """The rejection of a file whose name starts with no form code and whose header row
    matches no single form the unit owes, listing `owed` (names and codes).

    `header_forms` are the forms the header row matches (None: it was not looked at).
    With `con` and `month`, a form not owed because the year's key-project plan is not
    accepted yet says so, and what to do."""
    ref = ref or load_reference()
    unit = unit_label(ref, unit_code, month)
    matched = header_forms or []
    others = [c for c in matched if c not in owed]
    hits = [c for c in matched if c in owed]
    cause = None
    if con is not None and month is not None:
        cause = _plan_cause(con, month, unit_code, others, owed, ref)
    example = f"{owed[0]}_{Path(name).stem}{Path(name).suffix}" if owed else ""
    if owed:
        owes_zh = f"{unit}本月应报送：{forms_zh(owed)}"
        owes_en = (
            f"unit {unit_code!r} owes these forms this month: {', '.join(owed)}; "
            f"name the file after one of them (e.g. {example})"
        )
        fix = (
            f"请将文件名改为以对应的报表代码开头（如 {example}），"
            "或按该表的模板保留表头行，然后重新报送"
        )
    else:
        owes_zh = f"{unit}本月没有应报送的报表"
        owes_en = f"unit {unit_code!r} owes no form this month"
        fix = "请核对报告月份和单位文件夹是否正确"
    head = f"文件名“{name}”不以报表代码开头"
    if others and cause is not None:
        expected = (
            f"{head}；表头行是{forms_zh(others)}的表头，但{unit}本月暂不需要报送该表："
            f"{cause.cause_zh}" + (f"；{owes_zh}" if owed else "")
        )
        header_en = f"; its header row is that of {', '.join(others)}"
        owes_en = f"{cause.cause_en}; {owes_en}"
        fix = cause.action_zh
    elif others and not hits:
        expected = f"{head}；表头行是{forms_zh(others)}的表头，但{unit}本月不报送该表；{owes_zh}"
        header_en = f"; its header row is that of {', '.join(others)}, which the unit does not owe"
    elif len(hits) > 1:
        expected = f"{head}，表头行同时符合{forms_zh(hits)}，无法确定是哪张报表；{owes_zh}"
        header_en = f" and its header row matches several forms ({', '.join(hits)})"
    else:
        looked = "表头行也不是任何报表的表头" if header_forms is not None else "无法从文件名识别"
        expected = f"{head}，{looked}，无法确定是哪张报表；{owes_zh}"
        header_en = " and its header row is that of no form" if header_forms is not None else ""
        if cause is not None:
            expected += f"（{cause.cause_zh}）"
            owes_en += f" ({cause.cause_en})"
            fix = cause.action_zh
    return FileRejected(
        Problem(
            "error",
            "unknown_form",
            None,
            None,
            None,
            name,
            f"{expected}。怎么改：{fix}",
            f"file name {name!r} does not start with a form code{header_en}; {owes_en}",
            expected_zh=expected,
            fix_zh=fix,
        )
    )


def _plan_cause(
    con: duckdb.DuckDBPyConnection,
    month: date,
    unit_code: str,
    others: list[str],
    owed: list[str],
    ref: Reference,
) -> NotOwed | None:
    """The year's plan not accepted yet, when that is why a form the header matches is not
    owed, or (the unit owing nothing) why the plan's forms are owed by no one; else None."""
    for code in others:
        reason = why_not_owed(con, month, unit_code, code, ref)
        if reason is not None and reason.kind == "plan_missing":
            return reason
    if owed or others:
        return None
    state = plan_state(con, month)
    forms = plan_forms(month, ref)
    if not state.is_accepted and forms:
        return plan_missing(month, forms, state, ref)
    return None
