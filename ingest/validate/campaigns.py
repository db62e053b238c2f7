"""Rules of campaign_scores: the campaign and its lead office, the assessed unit, the
criteria of its group and their maxima, and every criterion scored."""

from __future__ import annotations

from ..forms import Field, Form
from ..wording import GROUP_ZH
from .context import Context, FieldRule, FormRule
from .problems import sql_text


def r_campaign_led_by_submitter(ctx: Context, f: Field) -> str:
    u = sql_text(ctx.unit_code)
    return f"""
        select n._row, n.t_campaign_code,
            {sql_text(f"应为本月正在开展、由{ctx.unit_label}牵头的考核项目")},
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
    group_zh = (
        "case u.unit_type "
        + " ".join(f"when {sql_text(k)} then {sql_text(v)}" for k, v in GROUP_ZH.items())
        + " else u.unit_type end"
    )
    return f"""
        select n._row, n.t_criterion_code, '应为考核项目“' || c.campaign_name || '”（'
                || c.campaign_code || '）对' || {group_zh} || '的考核内容代码或名称',
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
        select n._row, n.t_score, '应在 0 与该项满分 ' || zw_shown(k.max_score) || ' 之间',
            'expected between 0 and the criterion''s maximum, ' || zw_shown(k.max_score)
        from _zw_n as n
        inner join _zw_scored as k on k._row = n._row
        where n.score is not null and (n.score < 0 or n.score > k.max_score + 1e-9)
    """


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


FIELD_RULES: dict[str, FieldRule] = {
    "campaign_led_by_submitter": r_campaign_led_by_submitter,
    "assessed_unit_known": r_assessed_unit_known,
    "criterion_of_campaign": r_criterion_of_campaign,
    "score_within_max": r_score_within_max,
}

FORM_RULES: dict[str, FormRule] = {
    "score_rows_unique": f_score_rows_unique,
    "every_criterion_scored": f_every_criterion_scored,
}
