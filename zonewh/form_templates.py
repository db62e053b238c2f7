"""The Excel forms each unit fills for a month: one workbook per form it owes.

`write_templates("2019-06", None, out)` writes `<out>/<unit>/<form_code>.xlsx` for every
(unit, form) the submission calendar expects that month. The data sheet comes first: a
title row, the unit/month row, the form's exact headers (`ingest.forms`), the pre-filled
rows (the unit's projects, the month's indicators, the units a campaign scores), blank
rows, then 填报人/审核人/联系电话 lines, which the reader skips as a footer. Every data
column has an Excel data validation with Chinese input and error messages; the header
rows are protected and the data cells unlocked; the sheet prints on A4, one page wide,
with the header rows on every page and page numbers in the footer.

The progress form shows each project's 上月累计 (the year to date of the last accepted
month of the year, 0 in January) in a grey read-only column whose header cell in the
header row is empty, so the reader ignores it. A 填报说明 sheet says where to hand the
file in (the portal at `ZONEWH_PORTAL_URL`, else the landing folder), under which name
and by when; a hidden list sheet holds long dropdowns. Filled in, a workbook is
submitted as is.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from ingest.calendar import current_plan_submission, expected_submissions
from ingest.forms import FORMS, MONEY_UNITS_WAN, Field, Form
from ingest.months import add_months, month_end, month_text, parse_month
from ingest.reference import Reference, load_reference
from ingest.settings import portal_url
from ingest.store import ACCEPTED, StoreBusy, open_store
from ingest.wording import date_zh, month_zh

from .config import Paths
from .config import paths as default_paths
from .excel_safety import write_cell

log = logging.getLogger(__name__)

HEADER_ROW = 2
"""0-based row of the header (row 3 in Excel): title row, unit/month row, header."""
FIRST_DATA_ROW = HEADER_ROW + 1
BLANK_ROWS = 5
"""Blank rows below the pre-filled ones."""
FREE_ROWS = 20
"""Blank rows of a form with nothing pre-filled (more are inserted above the last one)."""
FOOTER_LINES = ("填报人：", "审核人：", "联系电话：")
"""Lines below the data: the reader skips rows starting with them (`ingest.readers`)."""
INLINE_LIST_LIMIT = 255
"""Excel's limit on an inline dropdown list (characters, comma-separated)."""
LIST_SHEET = "lists"
INSTRUCTIONS_SHEET = "填报说明"
QUANTITY_UNITS = ("家", "件", "个", "人", "%")
"""The web portal's address; when set, the instructions send the file there."""
PAPER_A4 = 9
LANDSCAPE_WIDTH = 90
"""A sheet whose columns are wider than this (in Excel character units) prints landscape."""
PREVIOUS_YTD_LABEL = "参考：上月累计完成投资(万元)\n（只读，不报送）"
"""The label above the 上月累计 column (rows 2-3 merged: the header row cell is empty)."""
NUMBER_LIMIT = 1e12
"""The bound of a number column without a rule of its own."""

TYPE_ZH = {
    "text": "文本",
    "enum": "下拉选择",
    "number": "数字",
    "integer": "整数",
    "date": "日期（如 2019-06-30）",
}
RULES_ZH = {
    "indicator_known": "须为指标目录中的指标代码",
    "indicator_name_matches": "与目录名称不一致时给出提示",
    "cluster_known": "空白表示全区；否则为已知产业集群（代码或名称）",
    "unit_convertible": "须能换算为目录单位（亿元、万元、元之间可换算）",
    "ytd_required_for_flow": "流量指标必填（可只报增速的指标除外）",
    "growth_required": "有增速口径的指标必填；现价增速须与累计值一致（误差0.1个百分点）",
    "nominal_growth_agrees": "现价增速须与 1-本月累计 / 上年同期累计 一致",
    "city_rank_range": "1 至全市县区数之间的整数",
    "unit_known": "单位代码或单位全称",
    "town_known": "所在乡镇（街道）名称",
    "positive": "须大于0",
    "non_negative": "不得为负数",
    "plan_within_total": "不得超过总投资",
    "project_in_plan_of_submitter": "本单位负责的年度计划项目编号",
    "project_name_matches": "与计划名称不一致时给出提示",
    "ytd_chain": "须等于上月累计加本月完成（误差1万元；1月从零起算）",
    "ytd_within_total": "不得超过总投资",
    "not_after_month": "不得晚于报告月份",
    "within_month": "须在报告月份内",
    "project_in_progress": "本月进展月报中的项目编号",
    "due_after_raised": "不得早于提出日期",
    "resolved_on_when_resolved": "办理状态为“已解决”时必填",
    "campaign_led_by_submitter": "本单位牵头的考核项目代码",
    "assessed_unit_known": "单位代码，或“乡镇/村”形式的村名（如 李万街道/杨庄村）",
    "criterion_of_campaign": "该考核项目的考核内容代码",
    "score_within_max": "0 至该项满分之间",
}
AT_LEAST_ZERO = ("non_negative", "plan_within_total", "ytd_chain", "ytd_within_total")
"""Rules that make a number ≥ 0 (a year to date sums non-negative monthly figures)."""


class TemplateError(ValueError):
    """No template can be written: the cause and what to do, in Chinese and English."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en


@dataclass(frozen=True)
class PlanProject:
    """A project of the year's plan, as the templates need it."""

    code: str
    name: str
    responsible_unit: str


@dataclass(frozen=True)
class PlanSource:
    """Where the month's plan came from (or why there is none), for the messages."""

    kind: Literal["store", "published", "none", "unreadable"] = "none"
    month: dt.date | None = None
    """The month of the plan: submitted for (store), latest published, or latest rejected."""
    version: int | None = None
    rejected: int = 0
    """Rejected plan files of the year up to the month (kind `none`)."""
    reason: str = ""
    """Why the raw store could not be read (kind `unreadable`)."""


@dataclass(frozen=True)
class PreviousYtd:
    """A project's 1-本月累计 before the report month, as the template shows it."""

    invested_ytd_wan: float
    month: dt.date | None
    """The accepted month it comes from; None in January (the year starts at 0)."""


@dataclass
class Context:
    """Everything the templates of one month need, read once."""

    month: dt.date
    ref: Reference
    expected: list[tuple[str, str, dt.date]]
    plan: list[PlanProject] = field(default_factory=list)
    previous_ytd: dict[str, PreviousYtd] = field(default_factory=dict)
    """By project code: the year to date of the last accepted month of the year."""
    plan_source: PlanSource = field(default_factory=PlanSource)
    portal_url: str | None = None
    landing: str = "landing"
    """The landing folder as a submitter is told it (relative to the home when inside it)."""

    def unit_name(self, code: str) -> str:
        unit = self.ref.unit(code, month_end(self.month)) or self.ref.unit(code)
        return unit.name if unit else code

    def last_ytd(self, project_code: str) -> PreviousYtd | None:
        """0 in January; else the last accepted month's figure of the year, None when none."""
        if self.month.month == 1:
            return PreviousYtd(0.0, None)
        return self.previous_ytd.get(project_code)

    def landing_folder(self, unit_code: str) -> str:
        """`landing/2021-01/lce/`: where the unit's files for the month go."""
        return f"{self.landing}/{month_text(self.month)}/{unit_code}/"


# ------------------------------------------------------------------ what is expected


def _plan_from_store(
    con: duckdb.DuckDBPyConnection, month: dt.date, ref: Reference
) -> tuple[list[PlanProject], PlanSource]:
    """The year's plan in force in the raw store, and where it came from."""
    try:
        sid = current_plan_submission(con, month)
        if sid is None:
            rejected, last = con.execute(
                f"""
                select count(*), max(month) from raw.submissions
                where form_code = 'key_project_plan' and status not in {ACCEPTED}
                    and year(month) = ? and month <= ?
                """,
                [month.year, month],
            ).fetchall()[0]
            return [], PlanSource("none", month=last, rejected=int(rejected or 0))
        plan_month, version = con.execute(
            "select month, version from raw.submissions where submission_id = ?", [sid]
        ).fetchall()[0]
        rows = con.execute(
            "select project_code, project_name, responsible_unit from raw.key_project_plan "
            "where submission_id = ? order by source_row",
            [sid],
        ).fetchall()
    except duckdb.Error as exc:
        return [], PlanSource("unreadable", reason=str(exc).splitlines()[0])
    plan = []
    for code, name, unit_text in rows:
        unit = ref.resolve_unit(unit_text or "", month_end(month))
        plan.append(PlanProject(code, name or "", unit.code if unit else (unit_text or "")))
    return plan, PlanSource("store", month=plan_month, version=version)


def _previous_ytd_from_store(
    con: duckdb.DuckDBPyConnection, month: dt.date
) -> dict[str, PreviousYtd]:
    """Per project, the year to date of the latest earlier month of the year that has it in
    an accepted progress report (the current version of each unit and month)."""
    if month.month == 1:
        return {}
    try:
        rows = con.execute(
            f"""
            with current_subs as (
                select submission_id, month
                from raw.submissions
                where form_code = 'project_progress'
                    and status in {ACCEPTED}
                    and year(month) = ?
                    and month < ?
                qualify row_number() over (
                    partition by month, unit_code order by version desc
                ) = 1
            ),
            by_month as (
                select p.project_code, s.month, max(p.invested_ytd) as invested_ytd
                from raw.project_progress as p
                inner join current_subs as s using (submission_id)
                group by p.project_code, s.month
            )
            select project_code, month, invested_ytd
            from by_month
            where invested_ytd is not null
            qualify row_number() over (partition by project_code order by month desc) = 1
            """,
            [month.year, month],
        ).fetchall()
    except duckdb.Error:
        return {}
    return {code: PreviousYtd(float(ytd), m) for code, m, ytd in rows}


def _plan_from_published(
    published: Path, month: dt.date
) -> tuple[list[PlanProject], dict[str, PreviousYtd], dt.date | None]:
    """The projects of the year's latest published month up to `month`, their year to date
    before `month`, and that published month; empty when there is none."""
    if not published.exists():
        return [], {}, None
    try:
        con = duckdb.connect(str(published), read_only=True)
    except duckdb.Error:
        return [], {}, None
    try:
        latest = con.execute(
            "select max(month) from marts.project_investment where year(month) = ? and month <= ?",
            [month.year, month],
        ).fetchall()[0][0]
        if latest is None:
            return [], {}, None
        rows = con.execute(
            "select project_code, project_name, responsible_unit from marts.project_investment "
            "where month = ? order by project_code",
            [latest],
        ).fetchall()
        previous = con.execute(
            """
            select project_code, month, invested_ytd_wan
            from marts.project_investment
            where year(month) = ? and month < ? and invested_ytd_wan is not null
            qualify row_number() over (partition by project_code order by month desc) = 1
            """,
            [month.year, month],
        ).fetchall()
    except duckdb.Error:
        return [], {}, None
    finally:
        con.close()
    plan = [PlanProject(c, n or "", u or "") for c, n, u in rows]
    return plan, {c: PreviousYtd(float(v), m) for c, m, v in previous}, latest


def _landing_label(p: Paths) -> str:
    """The landing folder relative to the home (`landing`), or in full when outside it."""
    try:
        return p.landing.relative_to(p.home).as_posix()
    except ValueError:
        return p.landing.as_posix()


def load_context(month: str, p: Paths | None = None, ref: Reference | None = None) -> Context:
    """The (unit, form) pairs expected for `month`, with the plan they refer to.

    The plan and the previous year to date come from the raw store (read-only), else
    from the published file's latest month of the year.
    """
    p = p or default_paths()
    ref = ref or load_reference()
    first = parse_month(month)
    plan: list[PlanProject] = []
    previous: dict[str, PreviousYtd] = {}
    try:
        con = open_store(p, read_only=True)
    except (StoreBusy, duckdb.Error) as exc:
        source = PlanSource("unreadable", reason=str(exc).splitlines()[0])
        con = duckdb.connect()
    else:
        plan, source = _plan_from_store(con, first, ref)
        if plan:
            previous = _previous_ytd_from_store(con, first)
    try:
        expected = expected_submissions(first, con, ref)
    finally:
        con.close()
    if not plan:
        plan, previous, latest = _plan_from_published(p.published, first)
        if plan:
            source = PlanSource("published", month=latest)
            responsible = sorted({pp.responsible_unit for pp in plan if pp.responsible_unit})
            for c in ref.calendar:
                if c.submitter == "plan_responsible" and c.applies_to(first):
                    expected += [(u, c.form_code, c.due_on(first)) for u in responsible]
    return Context(
        first,
        ref,
        sorted(set(expected)),
        plan,
        previous,
        source,
        portal_url(),
        _landing_label(p),
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


def _number_format(f: Field) -> str:
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


def _validate(
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


# ------------------------------------------------------------------ writing


def _formats(wb: Any, form: Form) -> dict[str, Any]:
    """The cell formats of the data sheet, by name (data formats by field code)."""
    head = {
        "bold": True,
        "bg_color": "#DDEBF7",
        "border": 1,
        "align": "center",
        "valign": "vcenter",
        "text_wrap": True,
        "locked": True,
    }
    fmts = {
        "title": wb.add_format(
            {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}
        ),
        "meta": wb.add_format({"font_color": "#444444"}),
        "head": wb.add_format(head),
        "required": wb.add_format({**head, "bg_color": "#FCE4D6"}),
        "helper_head": wb.add_format(
            {**head, "bg_color": "#EDEDED", "font_color": "#595959", "italic": True}
        ),
        "helper": wb.add_format(
            {
                "num_format": "#,##0.00##",
                "bg_color": "#EDEDED",
                "font_color": "#595959",
                "border": 1,
                "locked": True,
            }
        ),
        "free": wb.add_format({"locked": False}),
        "footer_label": wb.add_format({"bold": True, "align": "right"}),
        "footer_value": wb.add_format({"num_format": "@", "bottom": 1, "locked": False}),
    }
    for f in form.fields:
        fmts[f.code] = wb.add_format(
            {
                "num_format": _number_format(f),
                "border": 1,
                "border_color": "#BFBFBF",
                "locked": False,
            }
        )
        fmts["col_" + f.code] = wb.add_format({"num_format": _number_format(f), "locked": False})
    return fmts


def _display_width(text: str) -> int:
    """The width of text in Excel character units (a Chinese character counts two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _column_width(f: Field, prefill: list[dict[str, Any]]) -> int:
    """A column wide enough for its header and its pre-filled values (10 to 40)."""
    if f.code in (
        "project_name",
        "description",
        "progress_note",
        "issues_note",
        "assessed_unit",
        "investor",
    ):
        return 28
    values = [row[f.code] for row in prefill if isinstance(row.get(f.code), str)]
    widest = max((_display_width(v) for v in values), default=0)
    return max(10, min(40, max(_display_width(f.header), widest) + 2))


def _write_previous_ytd(
    ws: Any,
    fmts: dict[str, Any],
    ctx: Context,
    prefill: list[dict[str, Any]],
    col: int,
    last_row: int,
) -> None:
    """The grey 上月累计 column: a label over rows 2-3 (the header row cell stays empty, so
    the reader ignores the column), each project's figure, a note when it is older."""
    ws.merge_range(1, col, HEADER_ROW, col, "", fmts["helper_head"])
    write_cell(ws, 1, col, PREVIOUS_YTD_LABEL, fmts["helper_head"])
    ws.set_column(col, col, 18)
    previous_month = add_months(ctx.month, -1)
    for r in range(FIRST_DATA_ROW, last_row + 1):
        i = r - FIRST_DATA_ROW
        code = prefill[i].get("project_code") if i < len(prefill) else None
        last = ctx.last_ytd(code) if code else None
        write_cell(ws, r, col, last.invested_ytd_wan if last else None, fmts["helper"])
        if last is not None and last.month is not None and last.month != previous_month:
            ws.write_comment(
                r,
                col,
                f"取自{month_zh(last.month)}通过校验的月报："
                f"{month_zh(previous_month)}没有本项目通过校验的数据。",
            )


def _write_footer(ws: Any, fmts: dict[str, Any], first: int, last_col: int) -> int:
    """填报人/审核人/联系电话 lines from row `first`; the last row written."""
    r = first
    for r, label in enumerate(FOOTER_LINES, start=first):
        write_cell(ws, r, 0, label, fmts["footer_label"])
        right = min(2, last_col)
        if right > 1:
            ws.merge_range(r, 1, r, right, "", fmts["footer_value"])
        else:
            write_cell(ws, r, 1, None, fmts["footer_value"])
        ws.set_row(r, 20)
    return r


def _header_footer_text(text: str) -> str:
    """Text for an Excel page header/footer (`&` doubled)."""
    return text.replace("&", "&&")


def _print_setup(
    ws: Any, title: str, unit_label: str, last_row: int, last_col: int, width: float
) -> None:
    """A4, landscape when wide, one page wide, header rows on every page, page numbers."""
    ws.set_paper(PAPER_A4)
    if width > LANDSCAPE_WIDTH:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, HEADER_ROW)
    ws.print_area(0, 0, last_row, last_col)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.7)
    ws.center_horizontally()
    ws.set_footer(
        f"&L{_header_footer_text(title)}&C第 &P 页，共 &N 页&R{_header_footer_text(unit_label)}",
        {"margin": 0.3},
    )


def _instructions(
    ws: Any,
    wb: Any,
    ctx: Context,
    form: Form,
    unit_code: str,
    due: dt.date,
    lists: dict[str, list[str]],
) -> None:
    bold = wb.add_format({"bold": True, "font_size": 14})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
    ws.set_column(0, 0, 26)
    ws.set_column(1, 2, 12)
    ws.set_column(3, 3, 60)
    month = ctx.month
    if ctx.portal_url:
        place = f"报送方式：登录报送平台 {ctx.portal_url} ，上传本文件（报告月份 {month_text(month)}）。"
    else:
        place = f"报送位置：将本文件放入报送文件夹 {ctx.landing_folder(unit_code)}" + (
            "（在数据仓库主目录下）。" if not Path(ctx.landing).is_absolute() else "。"
        )
    lines = [
        f"{form.title}（{form.code}）填报说明",
        "",
        f"填报单位：{ctx.unit_name(unit_code)}（{unit_code}）",
        f"报告月份：{month_zh(month)}（{month_text(month)}）",
        f"报送截止：{date_zh(due)}24时（北京时间）前",
        place,
        (
            f"文件名：{form.code}.xlsx（可在后面加说明，如 {form.code}_第二版.xlsx；"
            f"文件名须以“{form.code}”开头，不要改为中文名）。"
        ),
        (
            f"填写方法：只在第一个工作表第{FIRST_DATA_ROW + 1}行起填写数据，表头行不可修改；"
            "带下拉箭头的列请从下拉列表中选择；选中单元格可看到该列的填写要求。"
        ),
        "行数不够时：选中最后一个空白行，右键“插入”所需行数，插入的行保留下拉列表和校验。",
        "表格下方填写填报人、审核人和联系电话（这几行不作为数据读取）。",
        "金额单位以表头为准（亿元或万元）；数字可带千分位，空白或“-”表示无。",
        "日期写作 2019-06-30、2019/6/30 或 2019年6月30日。",
        "同一月份再次报送视为新版本，以最后一次通过校验的版本为准；每次报送都会收到回执。",
    ]
    if form.code == "project_progress":
        lines.append(
            "灰色“上月累计”列是各项目上月通过校验的1-本月累计完成投资（1月为0），只读，不报送；"
            "“1-本月累计完成投资(万元)”应填 上月累计 + 本月完成投资（误差不超过1万元）。"
            "该列空白表示本年此前没有该项目通过校验的月报。"
        )
    if form.allows_empty:
        lines.append("本月无数据时，报送只有表头的空表即可。")
    for r, text in enumerate(lines):
        write_cell(ws, r, 0, text, bold if r == 0 else None)
    r = len(lines) + 1
    for c, h in enumerate(("列名（表头）", "是否必填", "类型", "填写要求")):
        write_cell(ws, r, c, h, head)
    for f in form.fields:
        r += 1
        rules = "；".join(RULES_ZH.get(x, x) for x in f.rules)
        if f.enum:
            rules = (rules + "；" if rules else "") + "可选值：" + "、".join(f.enum)
        elif f.code in lists and len(lists[f.code]) <= 30:
            rules = (rules + "；" if rules else "") + "可选值：" + "、".join(lists[f.code])
        if f.money_unit:
            rules = (rules + "；" if rules else "") + f"金额单位：{f.money_unit}"
        write_cell(ws, r, 0, f.header, wrap)
        write_cell(ws, r, 1, "必填" if f.required else "选填", wrap)
        write_cell(ws, r, 2, TYPE_ZH[f.type], wrap)
        write_cell(ws, r, 3, rules or "—", wrap)
    if form.code == "campaign_scores":
        r += 2
        write_cell(ws, r, 0, "考核内容代码与满分", head)
        for c in ctx.ref.campaigns_running(ctx.month):
            if c.lead_unit != unit_code:
                continue
            for group in c.unit_groups:
                for k in ctx.ref.criteria(c.code, group):
                    r += 1
                    write_cell(ws, r, 0, f"{c.code} {c.name}", wrap)
                    write_cell(ws, r, 1, group, wrap)
                    write_cell(ws, r, 2, k.criterion_code, wrap)
                    write_cell(ws, r, 3, f"{k.criterion_name}，满分 {k.max_score:g} 分", wrap)
    if form.code in ("econ_indicators", "annual_targets"):
        r += 2
        write_cell(ws, r, 0, "指标目录", head)
        for ind in ctx.ref.indicators:
            r += 1
            write_cell(ws, r, 0, ind.code, wrap)
            write_cell(ws, r, 1, ind.unit, wrap)
            write_cell(ws, r, 2, "季报" if ind.frequency == "quarterly" else "月报", wrap)
            write_cell(ws, r, 3, ind.name, wrap)
    ws.set_paper(PAPER_A4)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.set_footer("&C第 &P 页，共 &N 页", {"margin": 0.3})


def write_form(path: Path, ctx: Context, form: Form, unit_code: str, due: dt.date) -> Path:
    """Write one template workbook for (unit, form)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    wb = xlsxwriter.Workbook(
        str(tmp),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    try:
        ws = wb.add_worksheet(form.title)
        ws_help = wb.add_worksheet(INSTRUCTIONS_SHEET)
        lists = dropdowns(ctx, form, unit_code)
        prefill = prefilled_rows(ctx, form, unit_code)
        fmts = _formats(wb, form)
        last = len(form.fields) - 1
        helper = last + 1 if form.code == "project_progress" else None
        right = last if helper is None else helper
        last_data = FIRST_DATA_ROW + len(prefill) + (BLANK_ROWS if prefill else FREE_ROWS) - 1
        month = ctx.month
        unit_label = f"{ctx.unit_name(unit_code)}（{unit_code}）"

        ws.merge_range(0, 0, 0, right, "", fmts["title"])
        title = f"焦作城乡一体化示范区 {form.title}（{month_zh(month)}）"
        write_cell(ws, 0, 0, title, fmts["title"])
        ws.set_row(0, 28)
        ws.merge_range(1, 0, 1, last, "", fmts["meta"])
        write_cell(
            ws,
            1,
            0,
            f"填报单位：{unit_label}　报告月份：{month_text(month)}　截止日期：{date_zh(due)}"
            f"　（橙色表头为必填列，填写要求见“{INSTRUCTIONS_SHEET}”）",
            fmts["meta"],
        )
        ws.set_row(HEADER_ROW, 32)
        width = 0.0
        for c, f in enumerate(form.fields):
            write_cell(ws, HEADER_ROW, c, f.header, fmts["required" if f.required else "head"])
            ws.set_column(c, c, _column_width(f, prefill), fmts["col_" + f.code])
            width += _column_width(f, prefill)
        for r in range(FIRST_DATA_ROW, last_data + 1):
            row = prefill[r - FIRST_DATA_ROW] if r - FIRST_DATA_ROW < len(prefill) else {}
            for c, f in enumerate(form.fields):
                write_cell(ws, r, c, row.get(f.code), fmts[f.code])
        if helper is not None:
            _write_previous_ytd(ws, fmts, ctx, prefill, helper, last_data)
            width += 18
        ws.set_column(right + 1, 16383, None, fmts["free"])
        _validate(wb, ws, ctx, form, unit_code, lists, prefill, last_data)
        last_row = _write_footer(ws, fmts, last_data + 2, last)
        _print_setup(ws, f"{form.title}（{month_text(month)}）", unit_label, last_row, right, width)
        ws.freeze_panes(FIRST_DATA_ROW, 0)
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW, last)
        ws.protect(
            "",
            {
                "insert_rows": True,
                "delete_rows": True,
                "format_columns": True,
                "format_rows": True,
                "sort": True,
                "autofilter": True,
            },
        )
        _instructions(ws_help, wb, ctx, form, unit_code, due, lists)
        ws.activate()
    finally:
        wb.close()
    tmp.replace(path)
    return path


# ------------------------------------------------------------------ the month's templates


def _plan_month(ctx: Context) -> dt.date:
    """The month the year's plan is due for (January in the default calendar)."""
    entry = ctx.ref.calendar_entry("key_project_plan")
    for m in range(1, 13):
        first = dt.date(ctx.month.year, m, 1)
        if entry is None or entry.applies_to(first):
            return first
    return dt.date(ctx.month.year, 1, 1)


def nothing_due(ctx: Context, unit_code: str) -> TemplateError:
    """Why nothing is due from a unit this month, and what to do, in Chinese and English."""
    month, ref, src = ctx.month, ctx.ref, ctx.plan_source
    m = month_text(month)
    unit = f"{ctx.unit_name(unit_code)}（{unit_code}）"
    head_zh, head_en = (
        f"{unit}在 {m} 无需报送任何报表",
        f"nothing is due from unit {unit_code} for {m}",
    )
    plan_forms = [
        c.form_code
        for c in ref.calendar
        if c.submitter == "plan_responsible" and c.applies_to(month)
    ]
    forms_zh = "和".join(f"{FORMS[c].title}（{c}）" for c in plan_forms if c in FORMS)
    forms_en = "/".join(plan_forms)
    plan_entry = ref.calendar_entry("key_project_plan")
    planner = plan_entry.submitter if plan_entry else "drc"
    plan_month = _plan_month(ctx)
    plan_m = month_text(plan_month)
    if plan_forms and src.kind == "unreadable":
        return TemplateError(
            f"无法判断{unit}在 {m} 应报送哪些报表：原始库读不出来（{src.reason}），"
            f"因此读不到{month.year}年度重点项目计划，不知道本单位是否要报送{forms_zh}。"
            "处理办法：等占用原始库的程序（如正在运行的入库）结束后，再运行本命令。",
            f"cannot tell what unit {unit_code} owes for {m}: the raw store cannot be read "
            f"({src.reason}), so the {month.year} key-project plan is unknown. Run this command "
            "again when the process using the store (an intake run) has finished.",
        )
    if plan_forms and not ctx.plan:
        due = plan_entry.due_on(plan_month) if plan_entry else plan_month
        if src.rejected:
            state_zh = (
                f"已报送 {src.rejected} 次但都未通过校验（退回原因见回执 "
                f"receipts/{month_text(src.month or plan_month)}/{planner}/）"
            )
            state_en = (
                f"was submitted {src.rejected} time(s) but rejected (see the receipts under "
                f"receipts/{month_text(src.month or plan_month)}/{planner}/)"
            )
        else:
            state_zh, state_en = "尚未报送入库", "has not been submitted and ingested"
        return TemplateError(
            f"{head_zh}：{month.year}年度重点项目计划表（key_project_plan：{ctx.unit_name(planner)}"
            f"（{planner}）报送的{month_zh(plan_month)}报表，{date_zh(due)}截止）{state_zh}，"
            f"计划中的责任单位因此暂不需要报送{forms_zh}。"
            f"处理办法：请{ctx.unit_name(planner)}报送{month.year}年度重点项目计划表"
            f"（模板：zonewh templates --month {plan_m} --unit {planner}），"
            f"通过校验入库（zonewh ingest --month {plan_m}）后，再运行本命令生成本单位的模板。",
            f"{head_en} yet: the {month.year} key-project plan ({planner}'s key_project_plan "
            f"for {plan_m}, due {due:%Y-%m-%d}) {state_en}, so the plan's responsible units owe "
            f"no {forms_en} forms yet. {planner} submits the plan (template: zonewh templates "
            f"--month {plan_m} --unit {planner}); once it is accepted (zonewh ingest --month "
            f"{plan_m}), run this command again.",
        )
    if plan_forms:
        if src.kind == "published" and src.month:
            which_zh = f"（{month_zh(src.month)}已发布数据中的计划）"
            which_en = f" (as published for {month_text(src.month)})"
        elif src.month:
            which_zh = f"（{month_zh(src.month)}报送的第 {src.version} 版）"
            which_en = f" (submitted for {month_text(src.month)}, version {src.version})"
        else:
            which_zh = which_en = ""
        responsible = sorted({pp.responsible_unit for pp in ctx.plan})
        return TemplateError(
            f"{head_zh}：本单位不是{month.year}年度重点项目计划{which_zh}中任何项目的责任单位"
            f"（共 {len(ctx.plan)} 个项目，责任单位：{'、'.join(responsible)}），"
            "本月也没有其他报表由本单位报送。处理办法：如本单位应报送项目进展，请"
            f"{ctx.unit_name(planner)}报送修订的重点项目计划表（key_project_plan），在“责任单位”列"
            "写明本单位，入库后再运行本命令。",
            f"{head_en}: it is responsible for no project of the {month.year} key-project "
            f"plan{which_en} ({len(ctx.plan)} projects; responsible units: "
            f"{', '.join(responsible)}) and submits no other form this month. If it should "
            f"report progress, {planner} submits a revised key_project_plan naming it as 责任单位.",
        )
    owed: dict[str, list[str]] = {}
    for u, form_code, _ in ctx.expected:
        owed.setdefault(form_code, []).append(u)
    listing_zh = "；".join(
        f"{FORMS[f].title}：{'、'.join(us)}" for f, us in owed.items() if f in FORMS
    )
    listing_en = "; ".join(f"{f}: {', '.join(us)}" for f, us in owed.items())
    return TemplateError(
        f"{head_zh}：按报送日历，本月的报表由以下单位报送——{listing_zh or '无'}。"
        "如本单位确应报送，请联系管理员核对报送日历（submission_calendar.csv）。",
        f"{head_en}: the submission calendar expects, this month, {listing_en or 'nothing'}. "
        "If the unit should submit, check submission_calendar.csv.",
    )


def write_templates(
    month: str, unit: str | None, out: Path, paths: Paths | None = None
) -> list[Path]:
    """Write `<out>/<unit>/<form_code>.xlsx` for every form expected in `month`.

    `unit` (a code or exact unit name) limits the output to that unit; TemplateError, saying
    why and what to do, when it is unknown or nothing is expected from it that month.
    """
    ctx = load_context(month, paths)
    wanted = ctx.expected
    day = month_end(ctx.month)
    if unit is not None:
        found = ctx.ref.unit(unit, day) or ctx.ref.resolve_unit(unit, day)
        if found is None:
            m = month_text(ctx.month)
            raise TemplateError(
                f"未知单位“{unit}”：{m} 有效的单位中没有这个代码或全称。"
                "请写单位代码（如 lce）或单位全称（如 区国土建设环保局）。",
                f"unknown unit {unit!r}: no unit valid in {m} has this code or exact name; "
                "give a unit code (lce) or the exact name (区国土建设环保局).",
            )
        wanted = [w for w in wanted if w[0] == found.code]
        if not wanted:
            raise nothing_due(ctx, found.code)
    elif not ctx.plan:
        log.warning(
            "no key-project plan for %s: no progress or issues templates written (%s)",
            month_text(ctx.month),
            ctx.plan_source.reason or "the year's plan has not been accepted yet",
        )
    written = []
    for unit_code, form_code, due in wanted:
        form = FORMS.get(form_code)
        if form is None:
            continue
        written.append(
            write_form(Path(out) / unit_code / f"{form_code}.xlsx", ctx, form, unit_code, due)
        )
    return written
