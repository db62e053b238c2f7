"""Rules shared by several forms: signs of numbers, dates within the month, unique keys."""

from __future__ import annotations

from ..forms import Field
from .context import Context, FieldRule


def unique(key_sql: str, value_sql: str) -> str:
    """Rows repeating an earlier row's key (the first occurrence passes)."""
    return f"""
        select _row, {value_sql}, '与前面的行重复（同一键只能出现一次）',
            'duplicates an earlier row (the key must be unique)'
        from _zw_n
        where {key_sql} is not null
        qualify row_number() over (partition by {key_sql} order by _row) > 1
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


def r_within_month(ctx: Context, f: Field) -> str:
    c = f.code
    start, end = ctx.month.isoformat(), ctx.end.isoformat()
    return f"""
        select _row, t_{c}, '应在报告月内（{start} 至 {end}）',
            'expected a date within the report month ({start} to {end})'
        from _zw_n where {c} is not null and ({c} < date '{start}' or {c} > date '{end}')
    """


FIELD_RULES: dict[str, FieldRule] = {
    "positive": r_positive,
    "non_negative": r_non_negative,
    "within_month": r_within_month,
}
