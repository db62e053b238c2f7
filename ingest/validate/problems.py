"""The problems table `_zw_p`: one row per problem, messages naming sheet, row, column, value.

Rules yield (row, value, expected_zh, expected_en); `rule_branch` wraps one rule's SQL
and `insert_problems` formats the bilingual messages once over the union of all of them.
Every table here is temporary: validation writes nothing to the store.
"""

from __future__ import annotations

import duckdb

from ..errors import Problem
from .context import ValidationResult

PROBLEM_CAP = 1000
"""The most problems a receipt lists (all are counted and stored)."""

WARNING_RULES = frozenset({"indicator_name_matches", "project_name_matches", "extra_column"})
"""Rules whose problems do not reject the file."""

PROBLEM_COLUMNS = (
    'severity varchar, rule varchar, sheet varchar, "row" integer, "column" varchar, '
    "value varchar, message_zh varchar, message_en varchar"
)


def sql_text(s: str) -> str:
    """A SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def reset_problems(con: duckdb.DuckDBPyConnection, problems: list[Problem] = ()) -> None:
    """(Re)create the temp table `_zw_p` holding `problems`."""
    con.execute(f"create or replace temp table _zw_p ({PROBLEM_COLUMNS})")
    if problems:
        con.executemany(
            "insert into _zw_p values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [p.severity, p.rule, p.sheet, p.row, p.column, p.value, p.message_zh, p.message_en]
                for p in problems
            ],
        )


def fetch_result(con: duckdb.DuckDBPyConnection) -> ValidationResult:
    """Counts and the first `PROBLEM_CAP` problems of `_zw_p` (errors first, then by row)."""
    errors, warnings = con.execute(
        "select count(*) filter (where severity = 'error'), "
        "count(*) filter (where severity = 'warning') from _zw_p"
    ).fetchall()[0]
    rows = con.execute(
        f"""
        select * from _zw_p
        order by severity = 'warning', "row" nulls first, rule, "column"
        limit {PROBLEM_CAP}
        """
    ).fetchall()
    return ValidationResult(int(errors), int(warnings), [Problem(*r) for r in rows])


def rule_branch(rule: str, header: str | None, select_sql: str) -> str:
    """A select yielding one rule's problems for `insert_problems`; `select_sql` yields
    (row, value, expected_zh, expected_en). The sheet is named by `insert_problems`."""
    severity = "warning" if rule in WARNING_RULES else "error"
    column_zh = "" if header is None else "“" + header + "”列"
    column_en = "" if header is None else f", column {header!r}"
    return f"""
        select
            {sql_text(severity)} as severity,
            {sql_text(rule)} as rule,
            cast(r as integer) as r,
            {"cast(null as varchar)" if header is None else sql_text(header)} as col,
            cast(v as varchar) as v,
            {sql_text(column_zh)} as column_zh,
            {sql_text(column_en)} as column_en,
            cast(zh as varchar) as zh,
            cast(en as varchar) as en,
        from ({select_sql}) as q(r, v, zh, en)
    """


def insert_problems(con: duckdb.DuckDBPyConnection, branches: list[str], sheet: str = "") -> None:
    """Insert the problems of many rules in one statement; the messages naming the sheet,
    row, column and value are formatted once, over all of them."""
    if not branches:
        return
    union = "\nunion all\n".join(branches)
    con.execute(
        f"""
        insert into _zw_p
        with q as ({union})
        select
            severity,
            rule,
            {sql_text(sheet)},
            r,
            col,
            v,
            '工作表“' || {sql_text(sheet)} || '”'
                || case when r is null then '' else '第 ' || r || ' 行' end
                || column_zh
                || case when v is null then '' else '的值“' || v || '”' end
                || '：' || zh,
            'sheet ' || {sql_text(repr(sheet))}
                || case when r is null then '' else ', row ' || r end
                || column_en
                || case when v is null then '' else ', value ''' || v || '''' end
                || ': ' || en,
        from q
        """
    )
