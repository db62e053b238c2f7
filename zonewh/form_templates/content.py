"""What a template holds for one unit: dropdown values, pre-filled rows, and the Excel data
validation of every data column."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from ingest.forms import MONEY_UNITS_WAN, Field, Form
from ingest.months import month_end
from ingest.reference import Reference
from ingest.wording import date_zh

from ..excel_safety import write_cell
from .context import Context
from .layout import (
    AT_LEAST_ZERO,
    FIRST_DATA_ROW,
    INLINE_LIST_LIMIT,
    LIST_SHEET,
    NUMBER_LIMIT,
    RULES_ZH,
    TYPE_ZH,
)

# ------------------------------------------------------------------ dropdown values


def _unit_label(ref: Reference, code: str, day: dt.date) -> str:
    unit = ref.unit(code, day)
    if unit is None:
        return code
    return ref.village_label(unit, day) if unit.unit_type == "village" else unit.name


def dropdowns(ctx: Context, form: Form, unit_code: str) -> dict[str, list[str]]:
    """The allowed values of each enumerated or reference-bound column, by field code."""
    ref, day = ctx.ref, month_end(ctx.month)
    lists: dict[str, list[str]] = {f.code: list(f.enum) for f in form.fields if f.enum}
    non_villages = [u.name for u in ref.units_valid_on(day) if u.unit_type != "village"]
    if form.code in ("econ_indicators", "annual_targets"):
        lists["indicator_code"] = [i.code for i in ref.indicators]
        lists["cluster"] = [c.name for c in ref.clusters if c.is_valid_on(day)]
        lists["unit"] = list(MONEY_UNITS_WAN) + [
            u for u in dict.fromkeys(i.unit for i in ref.indicators) if u not in MONEY_UNITS_WAN
        ]
    if form.code == "key_project_plan":
        lists["responsible_unit"] = non_villages
        lists["town"] = [t.name for t in ref.towns(day)]
    if form.code in ("project_progress", "project_issues"):
        lists["project_code"] = [pp.code for pp in ctx.plan if pp.responsible_unit == unit_code]
    if form.code == "project_issues":
        lists["owner_unit"] = non_villages
    if form.code == "campaign_scores":
        led = [c for c in ref.campaigns_running(ctx.month) if c.lead_unit == unit_code]
        lists["campaign_code"] = [c.code for c in led]
        groups = {g for c in led for g in c.unit_groups}
        lists["assessed_unit"] = [
            _unit_label(ref, u.code, day) for u in ref.units_valid_on(day) if u.unit_type in groups
        ]
        lists["criterion_code"] = list(
            dict.fromkeys(
                k.criterion_code for c in led for k in ref.all_criteria if k.campaign_code == c.code
            )
        )
    return {k: v for k, v in lists.items() if v}


# ------------------------------------------------------------------ pre-filled rows


def prefilled_rows(ctx: Context, form: Form, unit_code: str) -> list[dict[str, Any]]:
    """Rows filled in advance (by field code): the unit's projects, the month's indicators,
    every assessed unit × criterion of its campaigns (with the criterion's `_max_score`)."""
    ref, day = ctx.ref, month_end(ctx.month)
    rows: list[dict[str, Any]] = []
    if form.code in ("econ_indicators", "annual_targets"):
        clusters = [c for c in ref.clusters if c.is_valid_on(day)]
        for ind in ref.indicators:
            if form.code == "econ_indicators" and not ind.is_reported_in(ctx.month):
                continue
            for cluster in [None, *(clusters if ind.is_by_cluster else [])]:
                row = {
                    "indicator_code": ind.code,
                    "unit": ind.unit,
                    "cluster": cluster.name if cluster else None,
                }
                if form.code == "econ_indicators":
                    row["indicator_name"] = ind.name
                rows.append(row)
    elif form.code == "project_progress":
        rows = [
            {"project_code": pp.code, "project_name": pp.name}
            for pp in ctx.plan
            if pp.responsible_unit == unit_code
        ]
    elif form.code == "campaign_scores":
        for c in ref.campaigns_running(ctx.month):
            if c.lead_unit != unit_code:
                continue
            for group in c.unit_groups:
                if group == "department":
                    continue  # the office chooses which departments it scores
                for u in ref.units_valid_on(day):
                    if u.unit_type != group:
                        continue
                    for k in ref.criteria(c.code, group):
                        rows.append(
                            {
                                "campaign_code": c.code,
                                "assessed_unit": _unit_label(ref, u.code, day),
                                "criterion_code": k.criterion_code,
                                "_max_score": k.max_score,
                            }
                        )
    return rows


# ------------------------------------------------------------------ validations


def number_format(f: Field) -> str:
    return {
        "number": "#,##0.00##",
        "integer": "0",
        "date": "yyyy-mm-dd",
    }.get(f.type, "@")


def _list_source(ws_lists: Any, values: list[str], column: int) -> str | list[str]:
    """An inline list when it fits in 255 characters; else a range on the hidden sheet."""
    if len(",".join(values)) <= INLINE_LIST_LIMIT and not any("," in v for v in values):
        return values
    for r, v in enumerate(values):
        write_cell(ws_lists, r, column, v)
    col = xl_col_to_name(column)
    return f"='{LIST_SHEET}'!${col}$1:${col}${len(values)}"


def field_help(f: Field) -> str:
    """What a column takes, in Chinese: required or not, type, rules, money unit."""
    parts = ["必填" if f.required else "选填", TYPE_ZH[f.type]]
    parts += [RULES_ZH.get(x, x) for x in f.rules]
    if f.money_unit:
        parts.append(f"金额单位：{f.money_unit}")
    return "；".join(parts)


def _messages(f: Field, error: str, error_type: str) -> dict[str, Any]:
    """The Chinese input and error messages of a column's validation (Excel's lengths)."""
    return {
        "input_title": f.header[:32],
        "input_message": field_help(f)[:255],
        "error_title": f"{f.header}填写有误"[:32],
        "error_message": error[:255],
        "error_type": error_type,
    }


def value_validation(ctx: Context, f: Field, maximum: float | None = None) -> dict[str, Any]:
    """The Excel data validation of a number, integer, date or text column.

    Numbers and integers stop a value out of range (≥ 0, > 0, 1..city districts, 0..the
    criterion's `maximum`, as the column's rules say); a date out of range only warns (a
    date typed as text is still read); text columns show their input message only.
    """
    name = f"“{f.header}”"
    if f.type in ("number", "integer"):
        what = "数字" if f.type == "number" else "整数"
        unit = f"（单位：{f.money_unit}）" if f.money_unit else ""
        rules = set(f.rules)
        bounds: dict[str, Any]
        if "city_rank_range" in rules:
            count = int(ctx.ref.setting("city_district_count"))
            bounds = {"criteria": "between", "minimum": 1, "maximum": count}
            text = f"1 至 {count} 之间的{what}"
        elif "score_within_max" in rules and maximum is not None:
            bounds = {"criteria": "between", "minimum": 0, "maximum": maximum}
            text = f"0 至 {maximum:g} 之间的{what}（满分 {maximum:g} 分）"
        elif "positive" in rules:
            bounds = {"criteria": ">", "value": 0}
            text = f"大于 0 的{what}"
        elif rules & {"score_within_max", *AT_LEAST_ZERO}:
            bounds = {"criteria": ">=", "value": 0}
            text = f"不小于 0 的{what}"
        else:
            bounds = {"criteria": "between", "minimum": -NUMBER_LIMIT, "maximum": NUMBER_LIMIT}
            text = what
        return {
            "validate": "decimal" if f.type == "number" else "integer",
            **bounds,
            **_messages(f, f"{name}须为{text}{unit}；没有请留空。", "stop"),
        }
    if f.type == "date":
        end = month_end(ctx.month)
        low, high, text = dt.date(2000, 1, 1), dt.date(2099, 12, 31), "日期"
        if "within_month" in f.rules:
            low, high = ctx.month, end
            text = f"报告月份内的日期（{date_zh(ctx.month)}至{date_zh(end)}）"
        elif "not_after_month" in f.rules:
            high, text = end, f"不晚于{date_zh(end)}的日期"
        return {
            "validate": "date",
            "criteria": "between",
            "minimum": low,
            "maximum": high,
            **_messages(f, f"{name}须为{text}，如 {end:%Y-%m-%d}。", "warning"),
        }
    return {"validate": "any", "input_title": f.header[:32], "input_message": field_help(f)[:255]}


def list_validation(f: Field, source: str | list[str]) -> dict[str, Any]:
    """A dropdown: an enumeration stops other values, a reference list only warns."""
    if f.enum:
        error = f"“{f.header}”只能从下拉列表中选择：{'、'.join(f.enum)}。"
    else:
        error = f"“{f.header}”不在下拉列表中，请从下拉列表中选择。"
    return {
        "validate": "list",
        "source": source,
        **_messages(f, error, "stop" if f.enum else "warning"),
    }


def _cell_ranges(col: int, rows: list[int]) -> str:
    """`D4:D7 D9` for the rows (0-based) of one column, consecutive rows joined."""
    parts: list[str] = []
    start = prev = rows[0]
    for r in [*rows[1:], None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        first, last = xl_rowcol_to_cell(start, col), xl_rowcol_to_cell(prev, col)
        parts.append(first if start == prev else f"{first}:{last}")
        if r is not None:
            start = prev = r
    return " ".join(parts)


def _score_maximum(ctx: Context, unit_code: str) -> float | None:
    """The highest maximum among the criteria of the campaigns the unit leads this month."""
    maxima = [
        k.max_score
        for c in ctx.ref.campaigns_running(ctx.month)
        if c.lead_unit == unit_code
        for k in ctx.ref.all_criteria
        if k.campaign_code == c.code
    ]
    return max(maxima) if maxima else None


def add_validations(
    wb: Any,
    ws: Any,
    ctx: Context,
    form: Form,
    unit_code: str,
    lists: dict[str, list[str]],
    prefill: list[dict[str, Any]],
    last_row: int,
) -> None:
    """Data validation on every data column from the first data row to `last_row`."""
    ws_lists = None
    for c, f in enumerate(form.fields):
        if f.code in lists:
            if ws_lists is None:
                ws_lists = wb.add_worksheet(LIST_SHEET)
                ws_lists.hide()
            options = list_validation(f, _list_source(ws_lists, lists[f.code], c))
        elif "score_within_max" in f.rules:
            # each pre-filled row within its criterion's maximum, other rows the highest one
            highest = _score_maximum(ctx, unit_code)
            by_max: dict[float | None, list[int]] = {}
            for r in range(FIRST_DATA_ROW, last_row + 1):
                i = r - FIRST_DATA_ROW
                maximum = prefill[i].get("_max_score") if i < len(prefill) else None
                by_max.setdefault(highest if maximum is None else maximum, []).append(r)
            for maximum, rows in by_max.items():
                options = value_validation(ctx, f, maximum)
                multi = {"multi_range": _cell_ranges(c, rows)}
                ws.data_validation(rows[0], c, rows[-1], c, {**options, **multi})
            continue
        else:
            options = value_validation(ctx, f)
        ws.data_validation(FIRST_DATA_ROW, c, last_row, c, options)
