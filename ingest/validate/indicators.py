"""Rules of the indicator forms: econ_indicators and annual_targets (catalog, clusters,
units, year-to-date and growth, city rank)."""

from __future__ import annotations

from ..forms import MONEY_UNITS_WAN, Field, Form
from .context import Context, FieldRule, FormRule
from .problems import sql_text


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


GROWTH_ONLY = "n.b_value_month and n.b_value_ytd and n.b_value_ytd_prior and not n.b_yoy_growth_pct"
"""A row of econ_indicators (`_zw_n as n`) carrying only the growth rate: no 本月, no
1-本月累计, no 上年同期累计, a 同比增长(%)."""

PERCENT_SIGNS = ("%", "％")


def r_unit_convertible(ctx: Context, f: Field) -> str:
    money = ", ".join(sql_text(u) for u in MONEY_UNITS_WAN)
    note_zh = note_en = exempt = ""
    if f.required_unless == "growth_only":
        percent = ", ".join(sql_text(s) for s in PERCENT_SIGNS)
        exempt = f"and not (n.unit in ({percent}) and {GROWTH_ONLY})"
        note_zh = "（只填同比增长的行可填“%”或留空）"
        note_en = " (a row carrying only the growth rate may say % or nothing)"
    return f"""
        select n._row, n.t_unit, '应可换算为指标目录单位“' || i.unit || '”{note_zh}',
            'expected a unit convertible to the catalog unit ''' || i.unit || '''{note_en}'
        from _zw_n as n
        inner join _zw_ind as i using (indicator_code)
        where n.unit is not null
            and n.unit <> i.unit
            and not (n.unit in ({money}) and i.unit in ({money}))
            {exempt}
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


ROW_CONDITIONS: dict[str, str] = {"growth_only": GROWTH_ONLY}
"""Row conditions (over `_zw_n as n`) under which a required column may be empty
(`forms.Field.required_unless`)."""

FIELD_RULES: dict[str, FieldRule] = {
    "indicator_known": r_indicator_known,
    "indicator_name_matches": r_indicator_name_matches,
    "cluster_known": r_cluster_known,
    "unit_convertible": r_unit_convertible,
    "ytd_required_for_flow": r_ytd_required_for_flow,
    "growth_required": r_growth_required,
    "nominal_growth_agrees": r_nominal_growth_agrees,
    "city_rank_range": r_city_rank_range,
}

FORM_RULES: dict[str, FormRule] = {
    "indicator_rows_unique": f_indicator_rows_unique,
    "quarterly_only_at_quarter_end": f_quarterly_only_at_quarter_end,
}
