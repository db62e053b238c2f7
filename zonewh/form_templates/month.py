"""The month's templates: every (unit, form) the calendar expects (`write_templates`), and
why a unit owes nothing when that is the answer (`nothing_due`)."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from ingest.forms import FORMS
from ingest.months import month_end, month_text
from ingest.wording import date_zh, month_zh

from ..config import Paths
from .context import Context, TemplateError, load_context
from .workbook import write_form

log = logging.getLogger(__name__)

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
