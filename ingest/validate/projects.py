"""Rules of the project forms: key_project_plan, project_progress and project_issues
(units and towns, the plan in force, the year-to-date chain, issue dates)."""

from __future__ import annotations

from ..forms import Field, Form
from .common import unique
from .context import Context, FieldRule, FormRule
from .problems import sql_text


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


def r_plan_within_total(ctx: Context, f: Field) -> str:
    return """
        select _row, t_annual_plan,
            '应在 0 与总投资 ' || zw_shown(total_investment) || ' 亿元之间',
            'expected between 0 and the total investment, ' || zw_shown(total_investment) || ' 亿元'
        from _zw_n
        where annual_plan is not null
            and (annual_plan < 0 or (total_investment is not null
                and annual_plan > total_investment + 1e-9))
    """


def r_project_in_plan_of_submitter(ctx: Context, f: Field) -> str:
    u = sql_text(ctx.unit_code)
    return f"""
        select n._row, n.t_project_code,
            {sql_text(f"应为{ctx.month.year}年度重点项目计划中由{ctx.unit_label}负责的项目编号")},
            'expected a project of this year''s plan with ' || {u} || ' as responsible unit'
        from _zw_n as n
        where n.project_code is not null
            and exists (select 1 from _zw_plan)
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
                '1月的累计应等于本月完成投资 ' || zw_shown(invested_month) || ' 万元（误差不超过1万元）',
                'in January the year to date must equal this month, '
                    || zw_shown(invested_month) || ' 万元 (within 1 万元)'
            from _zw_n
            where invested_ytd is not null and invested_month is not null
                and abs(invested_ytd - invested_month) > 1 + 1e-9
        """
    return """
        select n._row, n.t_invested_ytd,
            '应等于上月累计 ' || zw_shown(p.invested_ytd) || ' + 本月 '
                || zw_shown(n.invested_month) || ' = '
                || zw_shown(p.invested_ytd + n.invested_month) || ' 万元（误差不超过1万元）',
            'expected last month''s year to date ' || zw_shown(p.invested_ytd) || ' + this month '
                || zw_shown(n.invested_month) || ' = '
                || zw_shown(p.invested_ytd + n.invested_month)
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
            '不应超过项目总投资 ' || zw_shown(p.total_investment * 10000) || ' 万元',
            'expected at most the total investment, '
                || zw_shown(p.total_investment * 10000) || ' 万元'
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


def r_project_in_progress(ctx: Context, f: Field) -> str:
    return """
        select _row, t_project_code, '应为本月进展月报或本年度计划中的项目编号',
            'expected a project of this month''s progress reports or of this year''s plan'
        from _zw_n
        where project_code is not null
            and exists (select 1 from _zw_plan)
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


def f_project_codes_unique(ctx: Context, form: Form) -> tuple[str, str]:
    return "项目编号", unique("project_code", "t_project_code")


def f_issue_codes_unique(ctx: Context, form: Form) -> tuple[str, str]:
    return "问题编号", unique("issue_code", "t_issue_code")


def f_every_plan_project_reported(ctx: Context, form: Form) -> tuple[str, str]:
    u = sql_text(ctx.unit_code)
    return (
        "项目编号",
        f"""
        select null, p.project_code,
            {sql_text(f"计划中由{ctx.unit_label}负责的项目“")} || p.project_name
                || '”缺少本月进展行',
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


FIELD_RULES: dict[str, FieldRule] = {
    "unit_known": r_unit_known,
    "town_known": r_town_known,
    "plan_within_total": r_plan_within_total,
    "project_in_plan_of_submitter": r_project_in_plan_of_submitter,
    "project_name_matches": r_project_name_matches,
    "ytd_chain": r_ytd_chain,
    "ytd_within_total": r_ytd_within_total,
    "not_after_month": r_not_after_month,
    "project_in_progress": r_project_in_progress,
    "due_after_raised": r_due_after_raised,
    "resolved_on_when_resolved": r_resolved_on_when_resolved,
}

FORM_RULES: dict[str, FormRule] = {
    "project_codes_unique": f_project_codes_unique,
    "issue_codes_unique": f_issue_codes_unique,
    "every_plan_project_reported": f_every_plan_project_reported,
}
