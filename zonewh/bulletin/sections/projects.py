"""二、重点项目: counts and investment, completion against time progress, laggards, issues."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from ..data import BulletinData, Row
from ..model import Column, Fig, Section, Table, is_missing, yi
from .common import CATEGORIES, LEVELS, lagging_points, ordered, pct_fig, pp_phrase, ytd_label

LAGGING_SHOWN = 15
"""Lagging projects listed in the page and the PDF (the worst first); Excel lists them all."""
LAGGING_SHEET = "进度滞后项目清单"
ISSUES_SHOWN = 15
"""Open issues listed in the page (overdue first); Excel lists them all."""


def project_totals(rows: list[Row]) -> tuple[int, float, float, float, float | None]:
    """count, total investment, annual plan, invested year to date (万元), completion %."""
    total = sum(r["total_investment_wan"] or 0 for r in rows)
    plan = sum(r["annual_plan_wan"] or 0 for r in rows)
    ytd = sum(r["invested_ytd_wan"] or 0 for r in rows)
    return len(rows), total, plan, ytd, (ytd / plan * 100 if plan else None)


def _group_table(
    key: str, title: str, label: str, groups: list[tuple[str, list[Row]]], time_progress: float
) -> Table:
    t = Table(
        key,
        title,
        [
            Column(label),
            Column("项目个数", "int"),
            Column("总投资(亿元)", "yi"),
            Column("年度计划投资(亿元)", "yi"),
            Column("累计完成投资(亿元)", "yi"),
            Column("完成年度计划(%)", "pct"),
            Column("与时间进度差(百分点)", "pp"),
        ],
    )
    for name, rows in groups:
        if not rows:
            continue
        n, total, plan, ytd, pct = project_totals(rows)
        t.rows.append(
            [name, n, total, plan, ytd, pct, None if pct is None else pct - time_progress]
        )
    return t


def build(data: BulletinData) -> Section:
    """二、重点项目: counts and investment, completion against time progress, laggards, issues."""
    s = Section("projects", "重点项目建设", "重点项目")
    rows = data.projects
    time_progress = data.month.month / 12 * 100
    if rows and not is_missing(rows[0]["time_progress_pct"]):
        time_progress = rows[0]["time_progress_pct"]
    n, total, _plan, ytd, pct = project_totals(rows)
    if not rows:
        s.paragraphs.append(["本月无重点项目数据。"])
        return s
    para: list[Any] = [
        "全区实施省、市、区三级重点项目",
        Fig.count("projects.count", n),
        "个，总投资",
        Fig("projects.total_wan", total, yi(total)),
        f"，{ytd_label(data.month)}完成投资",
        Fig("projects.ytd_wan", ytd, yi(ytd)),
        "，完成年度计划的",
        pct_fig("projects.completion", pct),
        "，",
    ]
    para += pp_phrase("projects.gap", (pct or 0) - time_progress)
    para += ["（时间进度", pct_fig("projects.time_progress", time_progress), "）。"]
    s.paragraphs.append(para)
    by_level = [
        (lv, [r for r in rows if r["level"] == lv])
        for lv in ordered((r["level"] for r in rows), LEVELS)
    ]
    level_para: list[Any] = ["其中，"]
    for lv, lrows in by_level:
        if not lrows:
            continue
        ln, _, _, _, lpct = project_totals(lrows)
        key = f"projects.level.{lv}"
        level_para += [
            lv,
            "项目",
            Fig(f"{key}.count", ln, str(ln)),
            "个，完成年度计划的",
            pct_fig(f"{key}.completion", lpct),
            "，",
        ]
        level_para += pp_phrase(f"{key}.gap", (lpct or 0) - time_progress) + ["；"]
    level_para[-1] = "。"
    s.paragraphs.append(level_para)
    s.tables.append(
        _group_table("projects_by_level", "按项目级别", "项目级别", by_level, time_progress)
    )
    categories = ordered((r["category"] for r in rows), CATEGORIES)
    s.tables.append(
        _group_table(
            "projects_by_category",
            "按项目类别",
            "项目类别",
            [(c, [r for r in rows if r["category"] == c]) for c in categories],
            time_progress,
        )
    )
    lagging = sorted(
        (r for r in rows if r["is_lagging"]),
        key=lambda r: (r["progress_gap_pp"], r["project_code"]),
    )
    s.paragraphs.append(_lagging_paragraph(data, lagging))
    lt = Table(
        "projects_lagging",
        "进度滞后项目"
        + (f"（差距最大的{LAGGING_SHOWN}个）" if len(lagging) > LAGGING_SHOWN else ""),
        [
            Column("项目编号"),
            Column("项目名称"),
            Column("项目级别"),
            Column("责任单位"),
            Column("年度计划(亿元)", "yi"),
            Column("累计完成(亿元)", "yi"),
            Column("完成计划(%)", "pct"),
            Column("与时间进度差(百分点)", "pp"),
        ],
        limit=LAGGING_SHOWN,
        annex=LAGGING_SHEET,
    )
    if len(lagging) > LAGGING_SHOWN:
        lt.note = (
            f"进度滞后项目共{len(lagging)}个，上表列出与时间进度差距最大的{LAGGING_SHOWN}个；"
            f"完整名单见本通报Excel附件“{LAGGING_SHEET}”工作表。"
        )
    for r in lagging:
        lt.rows.append(
            [
                r["project_code"],
                r["project_name"],
                r["level"],
                data.unit(r["responsible_unit"]),
                r["annual_plan_wan"],
                r["invested_ytd_wan"],
                r["plan_completion_pct"],
                r["progress_gap_pp"],
            ]
        )
    s.tables.append(lt)
    _issues(data, s)
    return s


def _lagging_paragraph(data: BulletinData, lagging: list[Row]) -> list[Any]:
    """How many projects lag, by responsible unit, with the threshold of the settings."""
    para: list[Any] = [
        f"进度滞后（低于时间进度{lagging_points(data)}个百分点以上）的项目",
        Fig.count("projects.lagging", len(lagging)),
    ]
    if not lagging:
        return [*para, "个。"]
    by_unit: dict[str, int] = defaultdict(int)
    for r in lagging:
        by_unit[data.unit(r["responsible_unit"])] += 1
    units = sorted(by_unit.items(), key=lambda kv: (-kv[1], kv[0]))
    return [
        *para,
        "个，涉及",
        "、".join(f"{name}{n}个" for name, n in units),
        "，请责任单位加快推进。",
    ]


def _issues(data: BulletinData, s: Section) -> None:
    issues = data.issues
    names = {r["project_code"]: r["project_name"] for r in data.projects}
    counts = defaultdict(int)
    for i in issues:
        counts[i["status"]] += 1
    overdue = [i for i in issues if i["is_overdue"]]
    s.paragraphs.append(
        [
            "项目推进问题台账共有问题",
            Fig.count("issues.count", len(issues)),
            "个，其中已解决",
            Fig.count("issues.resolved", counts["已解决"]),
            "个、解决中",
            Fig.count("issues.in_progress", counts["解决中"]),
            "个、未解决",
            Fig.count("issues.open", counts["未解决"]),
            "个；超过解决时限仍未解决的",
            Fig.count("issues.overdue", len(overdue)),
            "个。",
        ]
    )
    by_owner: dict[str, list[Row]] = defaultdict(list)
    for i in issues:
        by_owner[i["owner_unit"]].append(i)
    ot = Table(
        "issues_by_owner",
        "问题按责任部门",
        [
            Column("责任部门"),
            Column("问题数", "int"),
            Column("已解决", "int"),
            Column("未办结", "int"),
            Column("其中超期", "int"),
        ],
    )
    for owner, items in sorted(
        by_owner.items(),
        key=lambda kv: (
            -sum(bool(i["is_overdue"]) for i in kv[1]),
            -sum(i["status"] != "已解决" for i in kv[1]),
            kv[0],
        ),
    ):
        ot.rows.append(
            [
                data.unit(owner),
                len(items),
                sum(i["status"] == "已解决" for i in items),
                sum(i["status"] != "已解决" for i in items),
                sum(bool(i["is_overdue"]) for i in items),
            ]
        )
    with_open = sum(1 for r in ot.rows if r[3])
    if with_open < len(ot.rows):
        ot.limit, ot.annex = with_open, "问题按责任部门"
        ot.title = "有未办结问题的责任部门"
        ot.note = (
            f"其余{len(ot.rows) - with_open}个部门的问题均已解决，"
            f"全部部门见本通报Excel附件“{ot.annex}”工作表。"
        )
    s.tables.append(ot)
    it = Table(
        "issues_open",
        "未办结问题（超期在前）",
        [
            Column("问题编号"),
            Column("项目"),
            Column("责任部门"),
            Column("提出日期", "date"),
            Column("解决时限", "date"),
            Column("办理状态"),
            Column("是否超期"),
            Column("已历时(天)", "int"),
        ],
        limit=ISSUES_SHOWN,
        annex="未办结问题清单",
    )
    for i in sorted(
        (i for i in issues if i["status"] != "已解决"),
        key=lambda i: (not i["is_overdue"], i["due_on"] or dt.date.max, i["issue_code"]),
    ):
        it.rows.append(
            [
                i["issue_code"],
                names.get(i["project_code"], i["project_code"]),
                data.unit(i["owner_unit"]),
                i["raised_on"],
                i["due_on"],
                i["status"],
                "超期" if i["is_overdue"] else "",
                i["days_open"],
            ]
        )
    if len(it.rows) > ISSUES_SHOWN:
        it.note = (
            f"未办结问题共{len(it.rows)}个，上表列出前{ISSUES_SHOWN}个；"
            f"完整清单见本通报Excel附件“{it.annex}”工作表。"
        )
    s.tables.append(it)
