"""The problems table `_zw_p`: one row per problem, messages naming the sheet, the cell, the
column, the value, what was expected and what to do.

Rules yield (row, value, expected_zh, expected_en); `rule_branch` wraps one rule's SQL with
its advice and `insert_problems` formats the bilingual messages once over the union of all
of them. Every table here is temporary: validation writes nothing to the store.
"""

from __future__ import annotations

import duckdb

from ..advice import fix_of
from ..errors import Problem
from .context import ValidationResult

PROBLEM_CAP = 1000
"""The most problems a receipt lists (all are counted and stored)."""

WARNING_RULES = frozenset({"indicator_name_matches", "project_name_matches", "extra_column"})
"""Rules whose problems do not reject the file."""

PROBLEM_COLUMNS = (
    'severity varchar, rule varchar, sheet varchar, "row" integer, "column" varchar, '
    "value varchar, message_zh varchar, message_en varchar, cell varchar, "
    "expected_zh varchar, fix_zh varchar"
)
"""The columns of `_zw_p`, in the order of the fields of `errors.Problem`."""

STORED_COLUMNS = 'severity, rule, sheet, "row", "column", value, message_zh, message_en'
"""The columns of `_zw_p` that `raw.problems` keeps (its messages name the cell)."""


def sql_text(s: str) -> str:
    """A SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def reset_problems(con: duckdb.DuckDBPyConnection, problems: list[Problem] = ()) -> None:
    """(Re)create the temp table `_zw_p` holding `problems`."""
    con.execute(f"create or replace temp table _zw_p ({PROBLEM_COLUMNS})")
    if problems:
        con.executemany(
            "insert into _zw_p values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    p.severity,
                    p.rule,
                    p.sheet,
                    p.row,
                    p.column,
                    p.value,
                    p.message_zh,
                    p.message_en,
                    p.cell,
                    p.expected_zh,
                    p.fix_zh,
                ]
                for p in problems
            ],
        )


def fetch_result(con: duckdb.DuckDBPyConnection) -> ValidationResult:
    """Counts and the first `PROBLEM_CAP` problems of `_zw_p` (errors first, then by row
    and column, as the sheet reads)."""
    errors, warnings = con.execute(
        "select count(*) filter (where severity = 'error'), "
        "count(*) filter (where severity = 'warning') from _zw_p"
    ).fetchall()[0]
    rows = con.execute(
        f"""
        select * from _zw_p
        order by severity = 'warning', "row" nulls first, length(cell), cell, rule, "column"
        limit {PROBLEM_CAP}
        """
    ).fetchall()
    return ValidationResult(int(errors), int(warnings), [Problem(*r) for r in rows])


def rule_branch(rule: str, header: str | None, select_sql: str, fix_zh: str | None = None) -> str:
    """A select yielding one rule's problems for `insert_problems`; `select_sql` yields
    (row, value, expected_zh, expected_en). `fix_zh` says what to do (default: the rule's
    advice, `advice.FIX_ZH`). The sheet and the cell are named by `insert_problems`."""
    severity = "warning" if rule in WARNING_RULES else "error"
    return f"""
        select
            {sql_text(severity)} as severity,
            {sql_text(rule)} as rule,
            cast(r as integer) as r,
            {"cast(null as varchar)" if header is None else sql_text(header)} as col,
            cast(v as varchar) as v,
            cast(zh as varchar) as zh,
            cast(en as varchar) as en,
            {sql_text(fix_zh or fix_of(rule))} as fix,
        from ({select_sql}) as q(r, v, zh, en)
    """


def letter_sql(letters: dict[str, str]) -> str:
    """SQL giving the Excel column letter of the header `col` (null when not in the file)."""
    if not letters:
        return "cast(null as varchar)"
    whens = " ".join(f"when {sql_text(h)} then {sql_text(x)}" for h, x in letters.items())
    return f"case col {whens} end"


PLACE_ZH = """
    case
        when r is not null and letter is not null
            then letter || r || ' 单元格（第 ' || r || ' 行，“' || col || '”列）'
        when r is not null and col is not null then '第 ' || r || ' 行“' || col || '”列'
        when r is not null then '第 ' || r || ' 行'
        when letter is not null then '“' || col || '”列（' || letter || ' 列）'
        when col is not null then '“' || col || '”列'
        else ''
    end
"""
"""SQL naming where a problem is, in Chinese: the cell with its row and header."""

PLACE_EN = """
    case when r is null then '' else ', row ' || r end
    || case when col is null then '' else ', column ''' || col || '''' end
    || case
        when letter is null then ''
        when r is null then ' (column ' || letter || ')'
        else ' (cell ' || letter || r || ')'
    end
"""
"""SQL naming where a problem is, in English (row, column, cell)."""


def insert_problems(
    con: duckdb.DuckDBPyConnection,
    branches: list[str],
    sheet: str = "",
    letters: dict[str, str] | None = None,
) -> None:
    """Insert the problems of many rules in one statement. The messages name the sheet, the
    cell (the column letter from the header → letter map `letters`, and the row), the
    column, the value, what was expected and what to do; formatted once, over all of them."""
    if not branches:
        return
    union = "\nunion all\n".join(branches)
    con.execute(
        f"""
        insert into _zw_p
        with q as ({union}),
        placed as (
            select *, {letter_sql(letters or {})} as letter from q
        )
        select
            severity,
            rule,
            {sql_text(sheet)},
            r,
            col,
            v,
            '工作表“' || {sql_text(sheet)} || '”' || {PLACE_ZH}
                || case
                    when v is null then ''
                    when r is null then '，涉及“' || v || '”'
                    else '填写的值“' || v || '”'
                end
                || '：' || zh || '。怎么改：' || fix,
            'sheet ' || {sql_text(repr(sheet))} || {PLACE_EN}
                || case when v is null then '' else ', value ''' || v || '''' end
                || ': ' || en,
            case when r is not null and letter is not null then letter || r end,
            zh,
            fix,
        from placed
        """
    )
