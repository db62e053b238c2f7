"""The validator: normalise the rows, then run every check of the form and collect every
problem (file-level checks, required/type/enumeration checks, the registry's rules)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from ..advice import FIX_ZH, type_fix_zh
from ..calendar import why_not_owed
from ..errors import Problem
from ..forms import Form
from ..readers import SheetData
from ..wording import cell_name, form_label, unit_label
from .context import Context, ValidationResult
from .lookups import prepare
from .problems import fetch_result, insert_problems, reset_problems, rule_branch, sql_text
from .rows import normalise
from .rules import FIELD_RULES, FORM_RULES, ROW_CONDITIONS

TYPE_WORDS = {
    "number": ("数字", "a number"),
    "integer": ("整数", "a whole number"),
    "date": ("日期（如 2019-06-30、2019/6/30、2019年6月30日）", "a date"),
}
"""How the type checks name each type (Chinese, English)."""


def generic_checks(form: Form) -> list[str]:
    """Required, type and enumeration checks of every field."""
    branches: list[str] = []
    for f in form.fields:
        c = f.code
        if f.type in TYPE_WORDS:
            zh, en = TYPE_WORDS[f.type]
            unit = f"（单位：{f.money_unit}）" if f.money_unit else ""
            branches.append(
                rule_branch(
                    "type",
                    f.header,
                    f"select _row, t_{c}, '应为{zh}{unit}', 'expected {en}' "
                    f"from _zw_n where not b_{c} and {c} is null",
                    type_fix_zh(f.type, f.money_unit),
                )
            )
        if f.required:
            unless = ""
            if f.required_unless:
                unless = f" and not ({ROW_CONDITIONS[f.required_unless]})"
            branches.append(
                rule_branch(
                    "required",
                    f.header,
                    f"select _row, null, '必填，不能为空', 'required, must not be empty' "
                    f"from _zw_n as n where b_{c}{unless}",
                )
            )
        if f.enum:
            allowed = ", ".join(sql_text(e) for e in f.enum)
            branches.append(
                rule_branch(
                    "enum",
                    f.header,
                    f"select _row, t_{c}, {sql_text('应为以下之一：' + '、'.join(f.enum))}, "
                    f"{sql_text('expected one of: ' + ', '.join(f.enum))} "
                    f"from _zw_n where {c} is not null and {c} not in ({allowed})",
                )
            )
    return branches


def file_problems(
    con: duckdb.DuckDBPyConnection, data: SheetData, form: Form, ctx: Context
) -> list[Problem]:
    """Whole-file problems: a submitter the calendar does not expect (saying why, such as the
    year's plan not accepted yet), no data rows where the form needs some, columns the form
    does not know (a warning)."""
    problems: list[Problem] = []
    unit, title = unit_label(ctx.ref, ctx.unit_code, ctx.month), form_label(form.code)
    reason = why_not_owed(con, ctx.month, ctx.unit_code, form.code, ctx.ref)
    if reason is not None:
        expected = f"{unit}本月不需要报送{title}：{reason.cause_zh}"
        problems.append(
            Problem(
                "error",
                "submitter_allowed",
                data.sheet,
                None,
                None,
                ctx.unit_code,
                f"{expected}。怎么办：{reason.action_zh}",
                f"unit {ctx.unit_code!r} does not submit form {form.code} for this month: "
                f"{reason.cause_en}; {reason.action_en}",
                expected_zh=expected,
                fix_zh=reason.action_zh,
            )
        )
    if data.num_rows == 0 and not form.allows_empty:
        expected = f"{title}没有数据行（只有表头）"
        problems.append(
            Problem(
                "error",
                "no_rows",
                data.sheet,
                None,
                None,
                None,
                f"{expected}。怎么改：{FIX_ZH['no_rows']}",
                f"form {form.code} has no data rows (header only)",
                expected_zh=expected,
                fix_zh=FIX_ZH["no_rows"],
            )
        )
    for h in data.extra_headers:
        letter = data.columns.get(h)
        cell = cell_name(letter, data.header_row)
        where = f"{cell} 单元格（第 {data.header_row} 行）" if cell else f"第 {data.header_row} 行"
        expected = f"列“{h}”不属于{title}，已忽略"
        problems.append(
            Problem(
                "warning",
                "extra_column",
                data.sheet,
                data.header_row,
                h,
                None,
                f"工作表“{data.sheet}”{where}：{expected}。怎么改：{FIX_ZH['extra_column']}",
                f"sheet {data.sheet!r}, row {data.header_row}: column {h!r} is not part of "
                f"form {form.code} and was ignored",
                cell=cell,
                expected_zh=expected,
                fix_zh=FIX_ZH["extra_column"],
            )
        )
    return problems


PLANNED_ROWS = 20_000
"""Files up to this many rows are checked without DuckDB's query optimizer: a form's checks
are some fifty small statements, and planning them costs more than running them (the
optimizer changes how a query runs, never what it returns)."""


@contextmanager
def _planning(con: duckdb.DuckDBPyConnection, rows: int) -> Iterator[None]:
    """Switch the optimizer off for a small file's statements, and back on after."""
    if rows > PLANNED_ROWS:
        yield
        return
    con.execute("set enable_optimizer = false")
    try:
        yield
    finally:
        con.execute("set enable_optimizer = true")


def validate(
    con: duckdb.DuckDBPyConnection, data: SheetData, form: Form, ctx: Context
) -> ValidationResult:
    """Check every rule of `form` over `data`; leaves `_zw_n` (rows) and `_zw_p` (problems),
    both temporary, so `con` may be read-only."""
    with _planning(con, data.num_rows):
        return _validate(con, data, form, ctx)


def _validate(
    con: duckdb.DuckDBPyConnection, data: SheetData, form: Form, ctx: Context
) -> ValidationResult:
    ctx.sheet = ctx.sheet or data.sheet
    normalise(con, data, form)
    reset_problems(con, file_problems(con, data, form, ctx))
    branches = generic_checks(form)
    prepare(con, form, ctx)
    for f in form.fields:
        for rule in f.rules:
            branches.append(rule_branch(rule, f.header, FIELD_RULES[rule](ctx, f)))
    for rule in form.form_rules:
        header, sql = FORM_RULES[rule](ctx, form)
        branches.append(rule_branch(rule, header, sql))
    insert_problems(con, branches, ctx.sheet, data.columns)
    return fetch_result(con)
