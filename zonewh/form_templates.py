"""Excel templates each unit fills for a month: one workbook per expected form.

`write_templates("2019-06", None, out)` writes `<out>/<unit>/<form_code>.xlsx` for every
(unit, form) the submission calendar expects that month. A template has the data sheet
first (title row, the unit/month row, then the form's exact headers from `ingest.forms`),
dropdowns for every enumerated column, number/date/text formats, the header rows
protected and the data cells unlocked, a 填报说明 sheet and a hidden list sheet for long
dropdowns. Filled in, it can be dropped into `<landing>/<YYYY-MM>/<unit>/` as is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from ingest.calendar import current_plan_submission, expected_submissions
from ingest.forms import FORMS, MONEY_UNITS_WAN, Field, Form
from ingest.months import month_end, parse_month
from ingest.reference import Reference, load_reference
from ingest.store import StoreBusy, open_store

from .config import Paths
from .config import paths as default_paths
from .excel_safety import write_cell

HEADER_ROW = 2
"""0-based row of the header (row 3 in Excel): title row, unit/month row, header."""
FIRST_DATA_ROW = HEADER_ROW + 1
EXTRA_ROWS = 300
"""Rows with dropdowns below the pre-filled ones."""
INLINE_LIST_LIMIT = 255
"""Excel's limit on an inline dropdown list (characters, comma-separated)."""
LIST_SHEET = "lists"
INSTRUCTIONS_SHEET = "填报说明"
QUANTITY_UNITS = ("家", "件", "个", "人", "%")

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


class TemplateError(ValueError):
    """No template can be written (unknown unit, or nothing due from it that month)."""


@dataclass(frozen=True)
class PlanProject:
    """A project of the year's plan, as the templates need it."""

    code: str
    name: str
    responsible_unit: str


@dataclass
class Context:
    """Everything the templates of one month need, read once."""

    month: dt.date
    ref: Reference
    expected: list[tuple[str, str, dt.date]]
    plan: list[PlanProject] = field(default_factory=list)

    def unit_name(self, code: str) -> str:
        unit = self.ref.unit(code, month_end(self.month)) or self.ref.unit(code)
        return unit.name if unit else code


# ------------------------------------------------------------------ what is expected


def _plan_from_store(p: Paths, month: dt.date, ref: Reference) -> list[PlanProject]:
    """The year's current plan in the raw store (read-only); [] when none or unreadable."""
    try:
        con = open_store(p, read_only=True)
    except (StoreBusy, duckdb.Error):
        return []
    try:
        sid = current_plan_submission(con, month)
        if sid is None:
            return []
        rows = con.execute(
            "select project_code, project_name, responsible_unit from raw.key_project_plan "
            "where submission_id = ? order by source_row",
            [sid],
        ).fetchall()
    except duckdb.Error:
        return []
    finally:
        con.close()
    plan = []
    for code, name, unit_text in rows:
        unit = ref.resolve_unit(unit_text or "", month_end(month))
        plan.append(PlanProject(code, name or "", unit.code if unit else (unit_text or "")))
    return plan


def _plan_from_published(published: Path, month: dt.date) -> list[PlanProject]:
    """The projects of the year's latest published month up to `month`; [] when none."""
    if not published.exists():
        return []
    try:
        con = duckdb.connect(str(published), read_only=True)
    except duckdb.Error:
        return []
    try:
        rows = con.execute(
            """
            with latest as (
                select max(month) as month
                from marts.project_investment
                where year(month) = ? and month <= ?
            )
            select project_code, project_name, responsible_unit
            from marts.project_investment
            where month = (select month from latest)
            order by project_code
            """,
            [month.year, month],
        ).fetchall()
    except duckdb.Error:
        return []
    finally:
        con.close()
    return [PlanProject(c, n or "", u or "") for c, n, u in rows]


def load_context(month: str, p: Paths | None = None, ref: Reference | None = None) -> Context:
    """The (unit, form) pairs expected for `month`, with the plan they refer to."""
    p = p or default_paths()
    ref = ref or load_reference()
    first = parse_month(month)
    plan = _plan_from_store(p, first, ref)
    con = None
    if plan:
        try:
            con = open_store(p, read_only=True)
        except (StoreBusy, duckdb.Error):
            con = None
    try:
        expected = expected_submissions(first, con or duckdb.connect(), ref)
    finally:
        if con is not None:
            con.close()
    if not plan:
        plan = _plan_from_published(p.published, first)
        responsible = sorted({pp.responsible_unit for pp in plan if pp.responsible_unit})
        for c in ref.calendar:
            if c.submitter == "plan_responsible" and c.applies_to(first):
                expected += [(u, c.form_code, c.due_on(first)) for u in responsible]
    return Context(first, ref, sorted(set(expected)), plan)


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
    every assessed unit × criterion of its campaigns."""
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
                            }
                        )
    return rows


# ------------------------------------------------------------------ writing


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
    lines = [
        f"{form.title}（{form.code}）填报说明",
        "",
        f"填报单位：{ctx.unit_name(unit_code)}（{unit_code}）",
        f"报告月份：{month.year}年{month.month}月（{month:%Y-%m}）",
        f"报送截止：{due.year}年{due.month}月{due.day}日24时（北京时间）前",
        f"报送位置：<landing>/{month:%Y-%m}/{unit_code}/{form.code}.xlsx（文件名须以“{form.code}”开头）",
        "填写方法：只在第一个工作表第4行起填写数据，表头行不可修改；带下拉箭头的列请从下拉列表中选择。",
        "金额单位以表头为准（亿元或万元）；数字可带千分位，空白或“-”表示无。",
        "日期写作 2019-06-30、2019/6/30 或 2019年6月30日。",
        "同一月份再次报送视为新版本，以最后一次通过校验的版本为准；每次报送都会收到回执。",
    ]
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
        title_fmt = wb.add_format(
            {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter", "locked": True}
        )
        meta_fmt = wb.add_format({"font_color": "#444444", "locked": True})
        head_fmt = wb.add_format(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "locked": True,
            }
        )
        req_fmt = wb.add_format(
            {
                "bold": True,
                "bg_color": "#FCE4D6",
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "locked": True,
            }
        )
        data_fmts = {
            f.code: wb.add_format({"num_format": _number_format(f), "locked": False})
            for f in form.fields
        }
        free = wb.add_format({"locked": False})
        last = len(form.fields) - 1
        month = ctx.month
        ws.merge_range(0, 0, 0, last, "", title_fmt)
        write_cell(
            ws,
            0,
            0,
            f"焦作城乡一体化示范区 {form.title}（{month.year}年{month.month}月）",
            title_fmt,
        )
        ws.set_row(0, 28)
        ws.merge_range(1, 0, 1, last, "", meta_fmt)
        write_cell(
            ws,
            1,
            0,
            f"填报单位：{ctx.unit_name(unit_code)}（{unit_code}）　报告月份：{month:%Y-%m}"
            f"　截止日期：{due:%Y-%m-%d}　（橙色表头为必填列，填写要求见“{INSTRUCTIONS_SHEET}”）",
            meta_fmt,
        )
        ws.set_row(HEADER_ROW, 32)
        for c, f in enumerate(form.fields):
            write_cell(ws, HEADER_ROW, c, f.header, req_fmt if f.required else head_fmt)
            width = max(10, min(40, 2 * len(f.header) + 2))
            if f.code in (
                "project_name",
                "description",
                "progress_note",
                "issues_note",
                "assessed_unit",
                "investor",
            ):
                width = 28
            ws.set_column(c, c, width, data_fmts[f.code])
        ws.set_column(last + 1, 16383, None, free)
        for r, row in enumerate(prefill, start=FIRST_DATA_ROW):
            for c, f in enumerate(form.fields):
                if row.get(f.code) is not None:
                    write_cell(ws, r, c, row[f.code], data_fmts[f.code])
        end_row = FIRST_DATA_ROW + len(prefill) + EXTRA_ROWS
        ws_lists = None
        for c, f in enumerate(form.fields):
            if f.code not in lists:
                if f.type == "date":
                    ws.data_validation(
                        FIRST_DATA_ROW,
                        c,
                        end_row,
                        c,
                        {
                            "validate": "date",
                            "criteria": "between",
                            "minimum": dt.date(2000, 1, 1),
                            "maximum": dt.date(2099, 12, 31),
                            "error_type": "warning",
                            "error_title": "日期",
                            "error_message": "请填写日期，如 2019-06-30",
                        },
                    )
                continue
            if ws_lists is None:
                ws_lists = wb.add_worksheet(LIST_SHEET)
                ws_lists.hide()
            source = _list_source(ws_lists, lists[f.code], c)
            ws.data_validation(
                FIRST_DATA_ROW,
                c,
                end_row,
                c,
                {
                    "validate": "list",
                    "source": source,
                    "error_type": "stop" if f.enum else "warning",
                    "error_title": f.header[:32],
                    "error_message": f"请从下拉列表中选择“{f.header}”"[:255],
                    "input_title": f.header[:32],
                    "input_message": ("必填" if f.required else "选填")[:255],
                },
            )
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


def write_templates(
    month: str, unit: str | None, out: Path, paths: Paths | None = None
) -> list[Path]:
    """Write `<out>/<unit>/<form_code>.xlsx` for every form expected in `month`.

    `unit` (a code or exact unit name) limits the output to that unit; TemplateError when it
    is unknown or nothing is expected from it that month.
    """
    ctx = load_context(month, paths)
    wanted = ctx.expected
    if unit is not None:
        found = ctx.ref.unit(unit, month_end(ctx.month)) or ctx.ref.resolve_unit(
            unit, month_end(ctx.month)
        )
        if found is None:
            raise TemplateError(f"未知单位“{unit}” / unknown unit {unit!r}")
        wanted = [w for w in wanted if w[0] == found.code]
        if not wanted:
            raise TemplateError(
                f"{found.name}（{found.code}）在 {ctx.month:%Y-%m} 无需报送任何报表 / "
                f"nothing is due from unit {found.code} for {ctx.month:%Y-%m}"
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
