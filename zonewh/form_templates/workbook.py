"""Writing one template workbook: formats, the data sheet, 上月累计, the footer, print
setup and the 填报说明 sheet (`write_form`)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Any

import xlsxwriter

from ingest.forms import Field, Form
from ingest.months import add_months, month_text
from ingest.wording import date_zh, month_zh

from ..excel_safety import write_cell
from .content import add_validations, dropdowns, number_format, prefilled_rows
from .context import Context
from .layout import (
    BLANK_ROWS,
    FIRST_DATA_ROW,
    FOOTER_LINES,
    FREE_ROWS,
    HEADER_ROW,
    INSTRUCTIONS_SHEET,
    LANDSCAPE_WIDTH,
    PAPER_A4,
    PREVIOUS_YTD_LABEL,
    RULES_ZH,
    TYPE_ZH,
)

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
                "num_format": number_format(f),
                "border": 1,
                "border_color": "#BFBFBF",
                "locked": False,
            }
        )
        fmts["col_" + f.code] = wb.add_format({"num_format": number_format(f), "locked": False})
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
        add_validations(wb, ws, ctx, form, unit_code, lists, prefill, last_data)
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
