"""Every rule of FORMS.md, run as set-based DuckDB SQL over the normalised rows.

`validate` registers the reader's text table, builds `_zw_n` (raw text `t_<code>` and the
typed value `<code>` for each field, plus `_row`) and collects every problem in the temp
table `_zw_p` (all of them; the receipt lists the first `PROBLEM_CAP`). Rules needing
data read the reference and the `raw` schema on the same connection.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import duckdb

from .calendar import ACCEPTED, add_months, current_plan_submission, month_end, submitters
from .errors import Problem
from .forms import MONEY_UNITS_WAN, Field, Form
from .normalize import WS_CODES, install_macros, money_wan
from .readers import SheetData
from .reference import Reference

PROBLEM_CAP = 1000
"""The most problems a receipt lists (all are counted and stored)."""

WARNING_RULES = frozenset({"indicator_name_matches", "project_name_matches", "extra_column"})
"""Rules whose problems do not reject the file."""

PROBLEM_COLUMNS = (
    'severity varchar, rule varchar, sheet varchar, "row" integer, "column" varchar, '
    "value varchar, message_zh varchar, message_en varchar"
)


@dataclass
class Context:
    """What the rules need besides the rows: who submitted what, for which month."""

    month: date
    unit_code: str
    ref: Reference
    sheet: str = ""

    @property
    def end(self) -> date:
        return month_end(self.month)


@dataclass
class ValidationResult:
    """Counts of problems and the first `PROBLEM_CAP` of them."""

    errors: int
    warnings: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.errors:
            return "rejected"
        return "accepted_with_warnings" if self.warnings else "accepted"


def _q(s: str) -> str:
    """A SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def typed_expr(f: Field, source: str | None = None) -> str:
    """SQL normalising the trimmed, non-blank text `tr_<code>` (blank flag `b_<code>`)."""
    c = source or f"tr_{f.code}"
    b = f"zw_is_blank_trimmed(tr_{f.code})" if source is None else f"zw_is_blank({source})"
    if source is not None:
        c = f"zw_trim({source})"
    if f.type == "number":
        wan = money_wan(f.money_unit)
        body = f"zw_number_trimmed({c}, {'null' if wan is None else repr(wan)})"
    elif f.type == "integer":
        body = f"zw_integer_of(zw_number_trimmed({c}, null))"
    elif f.type == "date":
        body = f"zw_date_trimmed({c})"
    else:
        body = c
    return f"case when {b} then null else {body} end"


# ---------------------------------------------------------------- problems table


def reset_problems(con: duckdb.DuckDBPyConnection, problems: list[Problem] = ()) -> None:
    """(Re)create `_zw_p` holding `problems`."""
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


def _branch(rule: str, header: str | None, sheet: str, select_sql: str) -> str:
    """A select yielding one rule's problems for `_insert`; `select_sql` yields
    (row, value, expected_zh, expected_en). `sheet` is named by `_insert`."""
    severity = "warning" if rule in WARNING_RULES else "error"
    column_zh = "" if header is None else "“" + header + "”列"
    column_en = "" if header is None else f", column {header!r}"
    return f"""
        select
            {_q(severity)} as severity,
            {_q(rule)} as rule,
            cast(r as integer) as r,
            {"cast(null as varchar)" if header is None else _q(header)} as col,
            cast(v as varchar) as v,
            {_q(column_zh)} as column_zh,
            {_q(column_en)} as column_en,
            cast(zh as varchar) as zh,
            cast(en as varchar) as en,
        from ({select_sql}) as q(r, v, zh, en)
    """


def _insert(con: duckdb.DuckDBPyConnection, branches: list[str], sheet: str = "") -> None:
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
            {_q(sheet)},
            r,
            col,
            v,
            '工作表“' || {_q(sheet)} || '”'
                || case when r is null then '' else '第 ' || r || ' 行' end
                || column_zh
                || case when v is null then '' else '的值“' || v || '”' end
                || '：' || zh,
            'sheet ' || {_q(repr(sheet))}
                || case when r is null then '' else ', row ' || r end
                || column_en
                || case when v is null then '' else ', value ''' || v || '''' end
                || ': ' || en,
        from q
        """
    )


# ---------------------------------------------------------------- lookups


def _distinct(con: duckdb.DuckDBPyConnection, code: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            f"select distinct {code} from _zw_n where {code} is not null"
        ).fetchall()
    ]


def _insert_columns(
    con: duckdb.DuckDBPyConnection, name: str, columns: list[tuple[list, str]]
) -> None:
    """Insert rows given column by column (values, SQL type) into table `name` (lists are
    bound as parameters and unnested side by side: no Arrow conversion of Python lists)."""
    if not columns or not columns[0][0]:
        return
    select = ", ".join(f"unnest(cast(? as {sql_type}[]))" for _, sql_type in columns)
    con.execute(f"insert into {name} select {select}", [values for values, _ in columns])


def _lookup_table(name: str, con: duckdb.DuckDBPyConnection, rows: dict[str, dict]) -> None:
    """A temp table `name(key, ...)` from a key → record mapping (all columns varchar)."""
    keys = list(rows)
    names: list[str] = []
    for k in keys:
        for c in rows[k]:
            if c not in names:
                names.append(c)
    con.execute(
        f"create or replace temp table {name} ("
        + ", ".join(f"{c} varchar" for c in ["key", *names])
        + ")"
    )
    _insert_columns(
        con,
        name,
        [(keys, "varchar")] + [([rows[k].get(c) for k in keys], "varchar") for c in names],
    )


def _resolve_units(con: duckdb.DuckDBPyConnection, ctx: Context, code: str, name: str) -> None:
    """Temp table `name(key, unit_code, unit_type)` for the distinct values of a unit column."""
    rows = {}
    for text in _distinct(con, code):
        unit = ctx.ref.resolve_unit(text, ctx.month)
        rows[text] = {
            "unit_code": unit.code if unit else None,
            "unit_type": unit.unit_type if unit else None,
        }
    if not rows:
        rows = {}
    _lookup_table(name, con, rows)
    if not rows:
        con.execute(
            f"create or replace temp table {name} (key varchar, unit_code varchar, "
            "unit_type varchar)"
        )


def _indicators(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    con.execute(
        "create or replace temp table _zw_ind (indicator_code varchar, indicator_name varchar, "
        "unit varchar, kind varchar, growth_basis varchar, is_value_optional boolean, "
        "frequency varchar)"
    )
    inds = ctx.ref.indicators
    _insert_columns(
        con,
        "_zw_ind",
        [
            ([i.code for i in inds], "varchar"),
            ([i.name for i in inds], "varchar"),
            ([i.unit for i in inds], "varchar"),
            ([i.kind for i in inds], "varchar"),
            ([i.growth_basis for i in inds], "varchar"),
            ([i.is_value_optional for i in inds], "boolean"),
            ([i.frequency for i in inds], "varchar"),
        ],
    )


def _clusters(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    rows = {}
    for text in _distinct(con, "cluster"):
        c = ctx.ref.cluster(text, ctx.month)
        rows[text] = {"cluster_code": c.code if c else None}
    con.execute("create or replace temp table _zw_cl (key varchar, cluster_code varchar)")
    if rows:
        con.executemany(
            "insert into _zw_cl values (?, ?)", [[k, v["cluster_code"]] for k, v in rows.items()]
        )


_PLAN_LOADED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Per connection: the (plan submission, month, reference) `_zw_plan` was last built for."""


def _plan(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    """`_zw_plan(project_code, project_name, responsible_code, total_investment)`: the year's
    current plan (rebuilt only when the plan in force or the month changes: an accepted
    plan's rows never change)."""
    sid = current_plan_submission(con, ctx.month)
    key = (sid, ctx.month, id(ctx.ref))
    if sid is not None and _PLAN_LOADED.get(con) == key:
        return
    _PLAN_LOADED.pop(con, None)
    con.execute(
        "create or replace temp table _zw_plan (project_code varchar, project_name varchar, "
        "responsible_code varchar, total_investment double)"
    )
    if sid is None:
        return
    rows = con.execute(
        "select project_code, project_name, responsible_unit, total_investment "
        "from raw.key_project_plan where submission_id = ?",
        [sid],
    ).fetchall()
    cache: dict[str, str | None] = {}
    for _, _, resp, _ in rows:
        if resp not in cache:
            unit = ctx.ref.resolve_unit(resp or "", ctx.month)
            cache[resp] = unit.code if unit else None
    _insert_columns(
        con,
        "_zw_plan",
        [
            ([r[0] for r in rows], "varchar"),
            ([r[1] for r in rows], "varchar"),
            ([cache[r[2]] for r in rows], "varchar"),
            ([r[3] for r in rows], "double"),
        ],
    )
    _PLAN_LOADED[con] = key


def _progress_of(con: duckdb.DuckDBPyConnection, month: date, name: str) -> None:
    """`name(project_code, invested_ytd)`: the current accepted progress rows of `month`."""
    con.execute(
        f"""
        create or replace temp table {name} as
        with current_subs as (
            select submission_id
            from raw.submissions
            where form_code = 'project_progress'
                and status in {ACCEPTED}
                and month = ?
            qualify row_number() over (partition by unit_code order by version desc) = 1
        ),
        final as (
            select p.project_code, max(p.invested_ytd) as invested_ytd
            from raw.project_progress as p
            inner join current_subs using (submission_id)
            group by p.project_code
        )
        select * from final
        """,
        [month],
    )


def _campaigns(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    """`_zw_cmap(key, campaign_code, lead_unit, running)` and `_zw_crit`."""
    rows = []
    for text in _distinct(con, "campaign_code"):
        camp = ctx.ref.campaign(text) or next(
            (c for c in ctx.ref.campaigns if c.name == text), None
        )
        rows.append(
            [
                text,
                camp.code if camp else None,
                camp.lead_unit if camp else None,
                bool(camp and camp.is_running(ctx.month)),
                "|".join(camp.unit_groups) if camp else None,
            ]
        )
    con.execute(
        "create or replace temp table _zw_cmap (key varchar, campaign_code varchar, "
        "lead_unit varchar, running boolean, unit_groups varchar)"
    )
    if rows:
        con.executemany("insert into _zw_cmap values (?, ?, ?, ?, ?)", rows)
    con.execute(
        "create or replace temp table _zw_crit (campaign_code varchar, unit_group varchar, "
        "criterion_code varchar, criterion_name varchar, max_score double)"
    )
    crit = [
        [c.campaign_code, c.unit_group, c.criterion_code, c.criterion_name, c.max_score]
        for c in ctx.ref.all_criteria
    ]
    if crit:
        con.executemany("insert into _zw_crit values (?, ?, ?, ?, ?)", crit)


# ---------------------------------------------------------------- rules

RuleSql = Callable[[Context, Field], str]


def _unique(key_sql: str, value_sql: str) -> str:
    return f"""
        select _row, {value_sql}, '与前面的行重复（同一键只能出现一次）',
            'duplicates an earlier row (the key must be unique)'
        from _zw_n
        where {key_sql} is not null
        qualify row_number() over (partition by {key_sql} order by _row) > 1
    """


def r_indicator_known(ctx: Context, f: Field) -> str:
    return """
        select _row, t_indicator_code, '应为指标目录中的指标代码',
            'expected an indicator code of the catalog'
        from _zw_n
        where indicator_code is not null
            and indicator_code not in (select indicator_code from _zw_ind)
    """


def r_indicator_name_matches(ctx: Context, f: Field) -> str:
    return """
        select n._row, n.t_indicator_name,
            '与指标目录名称“' || i.indicator_name || '”不一致',
            'differs from the catalog name ''' || i.indicator_name || ''''
        from _zw_n as n
        inner join _zw_ind as i using (indicator_code)
        where n.indicator_name is not null and n.indicator_name <> i.indicator_name
    """


def r_cluster_known(ctx: Context, f: Field) -> str:
    return """
        select n._row, n.t_cluster, '应为已知的产业集群代码或名称（空表示全区）',
            'expected a known cluster code or name (empty = whole zone)'
        from _zw_n as n
        left join _zw_cl as c on c.key = n.cluster
        where n.cluster is not null and c.cluster_code is null
    """


def r_unit_convertible(ctx: Context, f: Field) -> str:
    money = ", ".join(_q(u) for u in MONEY_UNITS_WAN)
    return f"""
        select n._row, n.t_unit, '应可换算为指标目录单位“' || i.unit || '”',
            'expected a unit convertible to the catalog unit ''' || i.unit || ''''
        from _zw_n as n
        inner join _zw_ind as i using (indicator_code)
        where n.unit is not null
            and n.unit <> i.unit
            and not (n.unit in ({money}) and i.unit in ({money}))
    """


def r_ytd_required_for_flow(ctx: Context, f: Field) -> str:
    return """
        select n._row, n.t_value_ytd, '流量指标必须填写1-本月累计值',
            'a flow indicator needs its year-to-date value'
        from _zw_n as n
        inner join _zw_ind as i using (indicator_code)
        where i.kind = 'flow' and not i.is_value_optional and n.b_value_ytd
    """


def r_growth_required(ctx: Context, f: Field) -> str:
    return """
        select n._row, n.t_yoy_growth_pct, '该指标必须填写同比增长(%)',
            'this indicator needs its year-on-year growth'
        from _zw_n as n
        inner join _zw_ind as i using (indicator_code)
        where i.growth_basis <> 'none' and n.b_yoy_growth_pct
    """


def r_nominal_growth_agrees(ctx: Context, f: Field) -> str:
    calc = "round((n.value_ytd / n.value_ytd_prior - 1) * 100, 2)"
    return f"""
        select n._row, n.t_yoy_growth_pct,
            '应与 1-本月累计 / 上年同期累计 计算的增长 ' || {calc} || '% 相差不超过0.1个百分点',
            'expected to agree within 0.1 points with the growth from the values, '
                || {calc} || '%'
        from _zw_n as n
        inner join _zw_ind as i using (indicator_code)
        where i.growth_basis = 'nominal'
            and n.value_ytd is not null
            and n.value_ytd_prior is not null
            and n.value_ytd_prior <> 0
            and n.yoy_growth_pct is not null
            and abs((n.value_ytd / n.value_ytd_prior - 1) * 100 - n.yoy_growth_pct) > 0.1 + 1e-9
    """


def r_city_rank_range(ctx: Context, f: Field) -> str:
    count = int(ctx.ref.setting("city_district_count"))
    return f"""
        select _row, t_city_rank, '应为 1 到 {count} 之间的整数',
            'expected a whole number from 1 to {count}'
        from _zw_n
        where city_rank is not null and (city_rank < 1 or city_rank > {count})
    """


def r_unit_known(ctx: Context, f: Field) -> str:
    c = f.code
    return f"""
        select n._row, n.t_{c}, '应为有效的单位代码或单位全称',
            'expected a unit code or the exact name of a unit valid this month'
        from _zw_n as n
        left join _zw_u_{c} as u on u.key = n.{c}
        where n.{c} is not null and u.unit_code is null
    """


def r_town_known(ctx: Context, f: Field) -> str:
    c = f.code
    return f"""
        select n._row, n.t_{c}, '应为已知的乡镇（街道）代码或名称',
            'expected a known town/subdistrict code or name'
        from _zw_n as n
        left join _zw_u_{c} as u on u.key = n.{c}
        where n.{c} is not null and coalesce(u.unit_type, '') <> 'town'
    """


def r_positive(ctx: Context, f: Field) -> str:
    c = f.code
    return f"""
        select _row, t_{c}, '应大于 0', 'expected a number greater than 0'
        from _zw_n where {c} is not null and {c} <= 0
    """


def r_non_negative(ctx: Context, f: Field) -> str:
    c = f.code
    return f"""
        select _row, t_{c}, '不能为负数', 'expected a number not below 0'
        from _zw_n where {c} is not null and {c} < 0
    """


def r_plan_within_total(ctx: Context, f: Field) -> str:
    return """
        select _row, t_annual_plan,
            '应在 0 与总投资 ' || total_investment || ' 亿元之间',
            'expected between 0 and the total investment, ' || total_investment || ' 亿元'
        from _zw_n
        where annual_plan is not null
            and (annual_plan < 0 or (total_investment is not null
                and annual_plan > total_investment + 1e-9))
    """


def r_project_in_plan_of_submitter(ctx: Context, f: Field) -> str:
    u = _q(ctx.unit_code)
    return f"""
        select n._row, n.t_project_code,
            '应为本年度重点项目计划中由 ' || {u} || ' 负责的项目编号',
            'expected a project of this year''s plan with ' || {u} || ' as responsible unit'
        from _zw_n as n
        where n.project_code is not null
            and n.project_code not in (
                select project_code from _zw_plan where responsible_code = {u}
            )
    """


def r_project_name_matches(ctx: Context, f: Field) -> str:
    return """
        select n._row, n.t_project_name, '与计划中的项目名称“' || p.project_name || '”不一致',
            'differs from the plan''s project name ''' || p.project_name || ''''
        from _zw_n as n
        inner join _zw_plan as p using (project_code)
        where n.project_name is not null and n.project_name <> p.project_name
    """


def r_ytd_chain(ctx: Context, f: Field) -> str:
    if ctx.month.month == 1:
        return """
            select _row, t_invested_ytd,
                '1月的累计应等于本月完成投资 ' || invested_month || ' 万元（误差不超过1万元）',
                'in January the year to date must equal this month, '
                    || invested_month || ' 万元 (within 1 万元)'
            from _zw_n
            where invested_ytd is not null and invested_month is not null
                and abs(invested_ytd - invested_month) > 1 + 1e-9
        """
    return """
        select n._row, n.t_invested_ytd,
            '应等于上月累计 ' || p.invested_ytd || ' + 本月 ' || n.invested_month || ' = '
                || (p.invested_ytd + n.invested_month) || ' 万元（误差不超过1万元）',
            'expected last month''s year to date ' || p.invested_ytd || ' + this month '
                || n.invested_month || ' = ' || (p.invested_ytd + n.invested_month)
                || ' 万元 (within 1 万元)'
        from _zw_n as n
        inner join _zw_prev as p using (project_code)
        where n.invested_ytd is not null and n.invested_month is not null
            and p.invested_ytd is not null
            and abs(n.invested_ytd - (p.invested_ytd + n.invested_month)) > 1 + 1e-9
    """


def r_ytd_within_total(ctx: Context, f: Field) -> str:
    return """
        select n._row, n.t_invested_ytd,
            '不应超过项目总投资 ' || (p.total_investment * 10000) || ' 万元',
            'expected at most the total investment, ' || (p.total_investment * 10000) || ' 万元'
        from _zw_n as n
        inner join _zw_plan as p using (project_code)
        where n.invested_ytd is not null and p.total_investment is not null
            and n.invested_ytd > p.total_investment * 10000 + 1e-6
    """


def r_not_after_month(ctx: Context, f: Field) -> str:
    c = f.code
    end = ctx.end.isoformat()
    return f"""
        select _row, t_{c}, '不能晚于报告月末 {end}', 'expected a date not after {end}'
        from _zw_n where {c} is not null and {c} > date '{end}'
    """


def r_within_month(ctx: Context, f: Field) -> str:
    c = f.code
    start, end = ctx.month.isoformat(), ctx.end.isoformat()
    return f"""
        select _row, t_{c}, '应在报告月内（{start} 至 {end}）',
            'expected a date within the report month ({start} to {end})'
        from _zw_n where {c} is not null and ({c} < date '{start}' or {c} > date '{end}')
    """


def r_project_in_progress(ctx: Context, f: Field) -> str:
    return """
        select _row, t_project_code, '应为本月进展月报或本年度计划中的项目编号',
            'expected a project of this month''s progress reports or of this year''s plan'
        from _zw_n
        where project_code is not null
            and project_code not in (select project_code from _zw_cur)
            and project_code not in (select project_code from _zw_plan)
    """


def r_due_after_raised(ctx: Context, f: Field) -> str:
    return """
        select _row, t_due_on, '解决时限不能早于提出日期 ' || raised_on,
            'expected a due date not before the date raised, ' || raised_on
        from _zw_n
        where due_on is not null and raised_on is not null and due_on < raised_on
    """


def r_resolved_on_when_resolved(ctx: Context, f: Field) -> str:
    return """
        select _row, t_resolved_on, '办理状态为“已解决”时必须填写解决日期',
            'a resolved issue (已解决) needs its resolution date'
        from _zw_n
        where status = '已解决' and b_resolved_on
    """


def r_campaign_led_by_submitter(ctx: Context, f: Field) -> str:
    u = _q(ctx.unit_code)
    return f"""
        select n._row, n.t_campaign_code,
            '应为本月正在开展、由 ' || {u} || ' 牵头的考核项目',
            'expected a campaign running this month that ' || {u} || ' leads'
        from _zw_n as n
        left join _zw_cmap as c on c.key = n.campaign_code
        where n.campaign_code is not null
            and (c.campaign_code is null or c.lead_unit <> {u} or not c.running)
    """


def r_assessed_unit_known(ctx: Context, f: Field) -> str:
    return """
        select n._row, n.t_assessed_unit,
            '应为该考核项目所考核的单位（单位代码，或“乡镇/村”形式的村名）',
            'expected a unit this campaign assesses (a unit code, or town/village)'
        from _zw_n as n
        left join _zw_u_assessed_unit as u on u.key = n.assessed_unit
        left join _zw_cmap as c on c.key = n.campaign_code
        where n.assessed_unit is not null
            and (u.unit_code is null
                or (c.campaign_code is not null
                    and not list_contains(string_split(c.unit_groups, '|'), u.unit_type)))
    """


def r_criterion_of_campaign(ctx: Context, f: Field) -> str:
    return """
        select n._row, n.t_criterion_code, '应为该考核项目（' || c.campaign_code || '）对“'
                || u.unit_type || '”组的考核内容代码或名称',
            'expected a criterion of campaign ' || c.campaign_code || ' for group '
                || u.unit_type
        from _zw_n as n
        inner join _zw_cmap as c on c.key = n.campaign_code
        inner join _zw_u_assessed_unit as u on u.key = n.assessed_unit
        left join _zw_crit as k
            on k.campaign_code = c.campaign_code
            and k.unit_group = u.unit_type
            and n.criterion_code in (k.criterion_code, k.criterion_name)
        where n.criterion_code is not null and c.campaign_code is not null
            and u.unit_type is not null and k.criterion_code is null
            and list_contains(string_split(c.unit_groups, '|'), u.unit_type)
    """


def r_score_within_max(ctx: Context, f: Field) -> str:
    return """
        select n._row, n.t_score, '应在 0 与该项满分 ' || k.max_score || ' 之间',
            'expected between 0 and the criterion''s maximum, ' || k.max_score
        from _zw_n as n
        inner join _zw_scored as k on k._row = n._row
        where n.score is not null and (n.score < 0 or n.score > k.max_score + 1e-9)
    """


FIELD_RULES: dict[str, RuleSql] = {
    "indicator_known": r_indicator_known,
    "indicator_name_matches": r_indicator_name_matches,
    "cluster_known": r_cluster_known,
    "unit_convertible": r_unit_convertible,
    "ytd_required_for_flow": r_ytd_required_for_flow,
    "growth_required": r_growth_required,
    "nominal_growth_agrees": r_nominal_growth_agrees,
    "city_rank_range": r_city_rank_range,
    "unit_known": r_unit_known,
    "town_known": r_town_known,
    "positive": r_positive,
    "non_negative": r_non_negative,
    "plan_within_total": r_plan_within_total,
    "project_in_plan_of_submitter": r_project_in_plan_of_submitter,
    "project_name_matches": r_project_name_matches,
    "ytd_chain": r_ytd_chain,
    "ytd_within_total": r_ytd_within_total,
    "not_after_month": r_not_after_month,
    "within_month": r_within_month,
    "project_in_progress": r_project_in_progress,
    "due_after_raised": r_due_after_raised,
    "resolved_on_when_resolved": r_resolved_on_when_resolved,
    "campaign_led_by_submitter": r_campaign_led_by_submitter,
    "assessed_unit_known": r_assessed_unit_known,
    "criterion_of_campaign": r_criterion_of_campaign,
    "score_within_max": r_score_within_max,
}
"""Column rules by name: each gives SQL yielding (row, value, expected_zh, expected_en)."""


def _indicator_key() -> str:
    return "n.indicator_code || '|' || coalesce(c.cluster_code, n.cluster, '')"


def f_indicator_rows_unique(ctx: Context, form: Form) -> tuple[str, str]:
    return (
        "指标代码",
        f"""
        select n._row, n.t_indicator_code, '同一指标（及产业集群）重复出现',
            'the same indicator (and cluster) appears more than once'
        from _zw_n as n
        left join _zw_cl as c on c.key = n.cluster
        where n.indicator_code is not null
        qualify row_number() over (partition by {_indicator_key()} order by n._row) > 1
    """,
    )


def f_quarterly_only_at_quarter_end(ctx: Context, form: Form) -> tuple[str, str]:
    return (
        "指标代码",
        f"""
        select n._row, n.t_indicator_code, '季度指标只在3、6、9、12月报送',
            'a quarterly indicator is reported in March, June, September and December only'
        from _zw_n as n
        inner join _zw_ind as i using (indicator_code)
        where i.frequency = 'quarterly' and {ctx.month.month} % 3 <> 0
    """,
    )


def f_project_codes_unique(ctx: Context, form: Form) -> tuple[str, str]:
    return "项目编号", _unique("project_code", "t_project_code")


def f_issue_codes_unique(ctx: Context, form: Form) -> tuple[str, str]:
    return "问题编号", _unique("issue_code", "t_issue_code")


def f_signing_codes_unique(ctx: Context, form: Form) -> tuple[str, str]:
    return "签约编号", _unique("signing_code", "t_signing_code")


def f_score_rows_unique(ctx: Context, form: Form) -> tuple[str, str]:
    return (
        "考核内容",
        """
        select _row, t_criterion_code, '同一考核项目、被考核单位和考核内容重复出现',
            'the same campaign, assessed unit and criterion appear more than once'
        from _zw_scored
        where campaign_code is not null and unit_code is not null and criterion is not null
        qualify row_number() over (
            partition by campaign_code, unit_code, criterion order by _row
        ) > 1
    """,
    )


def f_every_plan_project_reported(ctx: Context, form: Form) -> tuple[str, str]:
    u = _q(ctx.unit_code)
    return (
        "项目编号",
        f"""
        select null, p.project_code,
            '计划中由 ' || {u} || ' 负责的项目“' || p.project_name || '”缺少本月进展行',
            'the plan''s project ''' || p.project_name || ''' of ' || {u}
                || ' has no progress row'
        from _zw_plan as p
        where p.responsible_code = {u}
            and p.project_code not in (
                select project_code from _zw_n where project_code is not null
            )
        order by p.project_code
    """,
    )


def f_every_criterion_scored(ctx: Context, form: Form) -> tuple[str, str]:
    return (
        "考核内容",
        """
        with units as (
            select campaign_code, unit_code, unit_type, min(_row) as first_row,
                min(t_assessed_unit) as label
            from _zw_scored
            where campaign_code is not null and unit_code is not null
            group by all
        ),
        final as (
            select u.first_row, k.criterion_code, u.label, k.criterion_name
            from units as u
            inner join _zw_crit as k
                on k.campaign_code = u.campaign_code and k.unit_group = u.unit_type
            where not exists (
                select 1 from _zw_scored as s
                where s.campaign_code = u.campaign_code and s.unit_code = u.unit_code
                    and s.criterion = k.criterion_code
            )
        )
        select first_row, criterion_code,
            '被考核单位“' || label || '”缺少考核内容“' || criterion_name || '”的得分',
            'assessed unit ''' || label || ''' has no score for criterion '''
                || criterion_name || ''''
        from final
        order by first_row, criterion_code
    """,
    )


FORM_RULES: dict[str, Callable[[Context, Form], tuple[str, str]]] = {
    "indicator_rows_unique": f_indicator_rows_unique,
    "quarterly_only_at_quarter_end": f_quarterly_only_at_quarter_end,
    "project_codes_unique": f_project_codes_unique,
    "issue_codes_unique": f_issue_codes_unique,
    "signing_codes_unique": f_signing_codes_unique,
    "score_rows_unique": f_score_rows_unique,
    "every_plan_project_reported": f_every_plan_project_reported,
    "every_criterion_scored": f_every_criterion_scored,
}
"""Whole-file rules by name: each gives (column header, SQL)."""


# ---------------------------------------------------------------- driver


def _prepare(con: duckdb.DuckDBPyConnection, form: Form, ctx: Context) -> None:
    """The lookup tables the form's rules use."""
    rules = {r for f in form.fields for r in f.rules} | set(form.form_rules)
    codes = {f.code for f in form.fields}
    if "indicator_code" in codes:
        _indicators(con, ctx)
    if "cluster" in codes:
        _clusters(con, ctx)
    for f in form.fields:
        if {"unit_known", "town_known", "assessed_unit_known"} & set(f.rules):
            _resolve_units(con, ctx, f.code, f"_zw_u_{f.code}")
    if rules & {
        "project_in_plan_of_submitter",
        "project_name_matches",
        "ytd_within_total",
        "every_plan_project_reported",
        "project_in_progress",
    }:
        _plan(con, ctx)
    if "ytd_chain" in rules and ctx.month.month != 1:
        _progress_of(con, add_months(ctx.month, -1), "_zw_prev")
    if "project_in_progress" in rules:
        _progress_of(con, ctx.month, "_zw_cur")
    if "campaign_code" in codes:
        _campaigns(con, ctx)
        con.execute(
            """
            create or replace temp table _zw_scored as
            select n._row, c.campaign_code, u.unit_code, u.unit_type, n.t_assessed_unit,
                coalesce(k.criterion_code, n.criterion_code) as criterion, k.max_score,
                n.t_criterion_code
            from _zw_n as n
            left join _zw_cmap as c on c.key = n.campaign_code
            left join _zw_u_assessed_unit as u on u.key = n.assessed_unit
            left join _zw_crit as k
                on k.campaign_code = c.campaign_code
                and k.unit_group = u.unit_type
                and n.criterion_code in (k.criterion_code, k.criterion_name)
            """
        )


def _generic(form: Form, ctx: Context) -> list[str]:
    """Required, type and enumeration checks."""
    branches: list[str] = []
    for f in form.fields:
        c = f.code
        if f.type in ("number", "integer", "date"):
            what = {
                "number": ("数字", "a number"),
                "integer": ("整数", "a whole number"),
                "date": ("日期（如 2019-06-30、2019/6/30、2019年6月30日）", "a date"),
            }[f.type]
            unit = f"（单位：{f.money_unit}）" if f.money_unit else ""
            branches.append(
                _branch(
                    "type",
                    f.header,
                    ctx.sheet,
                    f"select _row, t_{c}, '应为{what[0]}{unit}', 'expected {what[1]}' "
                    f"from _zw_n where not b_{c} and {c} is null",
                )
            )
        if f.required:
            branches.append(
                _branch(
                    "required",
                    f.header,
                    ctx.sheet,
                    f"select _row, null, '必填，不能为空', 'required, must not be empty' "
                    f"from _zw_n where b_{c}",
                )
            )
        if f.enum:
            allowed = ", ".join(_q(e) for e in f.enum)
            branches.append(
                _branch(
                    "enum",
                    f.header,
                    ctx.sheet,
                    f"select _row, t_{c}, {_q('应为以下之一：' + '、'.join(f.enum))}, "
                    f"{_q('expected one of: ' + ', '.join(f.enum))} "
                    f"from _zw_n where {c} is not null and {c} not in ({allowed})",
                )
            )
    return branches


def _file_level(
    con: duckdb.DuckDBPyConnection, data: SheetData, form: Form, ctx: Context
) -> list[Problem]:
    problems: list[Problem] = []
    allowed = submitters(con, ctx.month, form.code, ctx.ref)
    if ctx.unit_code not in allowed:
        who = "、".join(sorted(allowed)) or "无"
        problems.append(
            Problem(
                "error",
                "submitter_allowed",
                data.sheet,
                None,
                None,
                ctx.unit_code,
                f"单位“{ctx.unit_code}”不报送“{form.title}”（{form.code}）；"
                f"本月应报送该表的单位：{who}",
                f"unit {ctx.unit_code!r} does not submit form {form.code} for this month; "
                f"expected from: {', '.join(sorted(allowed)) or 'nobody'}",
            )
        )
    if data.num_rows == 0 and not form.allows_empty:
        problems.append(
            Problem(
                "error",
                "no_rows",
                data.sheet,
                None,
                None,
                None,
                f"“{form.title}”没有数据行（只有表头）",
                f"form {form.code} has no data rows (header only)",
            )
        )
    for h in data.extra_headers:
        problems.append(
            Problem(
                "warning",
                "extra_column",
                data.sheet,
                data.header_row,
                h,
                None,
                f"工作表“{data.sheet}”第 {data.header_row} 行：列“{h}”不属于“{form.title}”，已忽略",
                f"sheet {data.sheet!r}, row {data.header_row}: column {h!r} is not part of "
                f"form {form.code} and was ignored",
            )
        )
    return problems


FAST_CHECK_ROWS = 50_000
"""Up to this many rows, `normalise` first asks which columns need no trimming and no slow
number/date parsing, and builds those with plain casts (for small files, binding the full
expressions costs more than running them)."""


def _simple_fields(con: duckdb.DuckDBPyConnection, form: Form) -> set[str]:
    """The fields of `_zw_in` whose every cell has nothing to trim and, for numbers and
    dates, is blank or read by the fast path (so the full expressions give the same)."""
    checks = []
    for f in form.fields:
        c = f.code
        ok = f"not bool_or(ord({c}) in ({WS_CODES}) or ord({c}[-1]) in ({WS_CODES}))"
        if f.type in ("number", "integer"):
            ok += (
                f" and bool_and(zw_is_blank_trimmed({c}) "
                f"or coalesce(isfinite(try_cast({c} as double)), false))"
            )
        elif f.type == "date":
            ok += f" and bool_and(zw_is_blank_trimmed({c}) or zw_date_fast({c}) is not null)"
        checks.append(f"coalesce({ok}, true)")
    row = con.execute(f"select {', '.join(checks)} from _zw_in").fetchall()[0]
    return {f.code for f, simple in zip(form.fields, row, strict=True) if simple}


def _simple_expr(f: Field) -> str:
    """`typed_expr(f)` for a field whose cells need no trimming and no slow path."""
    c = f"tr_{f.code}"
    if f.type == "number":
        body = f"try_cast({c} as double)"
    elif f.type == "integer":
        body = f"zw_integer_of(try_cast({c} as double))"
    else:
        body = f"zw_date_fast({c})"
    return f"case when zw_is_blank_trimmed({c}) then null else {body} end"


def normalise(con: duckdb.DuckDBPyConnection, data: SheetData, form: Form) -> None:
    """Create `_zw_n`: `_row`, then for each field its text `t_<code>`, its blank flag
    `b_<code>` (empty or a dash) and its typed value `<code>`.

    One pass over the reader's table fills `_zw_m`; `_zw_n` is a view over it. A text
    field's value is its trimmed text, stored only where trimming changed it (`tr_<code>`),
    so the text is not held twice."""
    install_macros(con)
    con.register("_zw_in", data.table)
    simple = _simple_fields(con, form) if data.num_rows <= FAST_CHECK_ROWS else set()
    inner = ", ".join(
        f"{f.code} as t_{f.code}, "
        + (f"{f.code}" if f.code in simple else f"zw_trim({f.code})")
        + f" as tr_{f.code}"
        for f in form.fields
    )
    stored = ["_row"]
    shown = ["_row"]
    for f in form.fields:
        c = f.code
        stored += [f"t_{c}", f"zw_is_blank_trimmed(tr_{c}) as b_{c}"]
        shown += [f"t_{c}", f"b_{c}"]
        if f.type in ("number", "integer", "date"):
            expr = _simple_expr(f) if c in simple else typed_expr(f)
            stored.append(f"{expr} as {c}")
            shown.append(c)
        else:
            changed = (
                "cast(null as varchar)"
                if c in simple
                else f"case when tr_{c} is distinct from t_{c} then tr_{c} end"
            )
            stored.append(f"{changed} as tr_{c}")
            shown.append(f"case when b_{c} then null else coalesce(tr_{c}, t_{c}) end as {c}")
    # the trimmed text is a projection of the subquery, computed once per cell
    con.execute(
        f"create or replace temp table _zw_m as select {', '.join(stored)} "
        f"from (select _row, {inner} from _zw_in) as _zw_s"
    )
    con.execute(f"create or replace temp view _zw_n as select {', '.join(shown)} from _zw_m")
    con.unregister("_zw_in")


def validate(
    con: duckdb.DuckDBPyConnection, data: SheetData, form: Form, ctx: Context
) -> ValidationResult:
    """Check every rule of `form` over `data`; leaves `_zw_n` (rows) and `_zw_p` (problems)."""
    ctx.sheet = ctx.sheet or data.sheet
    normalise(con, data, form)
    reset_problems(con, _file_level(con, data, form, ctx))
    branches = _generic(form, ctx)
    _prepare(con, form, ctx)
    for f in form.fields:
        for rule in f.rules:
            branches.append(_branch(rule, f.header, ctx.sheet, FIELD_RULES[rule](ctx, f)))
    for rule in form.form_rules:
        header, sql = FORM_RULES[rule](ctx, form)
        branches.append(_branch(rule, header, ctx.sheet, sql))
    _insert(con, branches, ctx.sheet)
    return fetch_result(con)
