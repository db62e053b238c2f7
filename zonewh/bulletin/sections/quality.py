"""六、数据质量: the gate's warnings and the revisions this publication made."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..data import BulletinData
from ..model import Column, Fig, Section, Table, is_missing


def _revised(value: Any) -> list[str]:
    """publication_log.revised_months as a list of `YYYY-MM` (list, text or dates)."""
    if is_missing(value):
        return []
    if isinstance(value, list | tuple):
        items = value
    else:
        items = str(value).replace(";", ",").replace("[", "").replace("]", "").split(",")
    out = []
    for item in items:
        if isinstance(item, dt.date):
            out.append(f"{item:%Y-%m}")
        elif str(item).strip(" '\""):
            out.append(str(item).strip(" '\"")[:7])
    return out


def build(data: BulletinData) -> Section:
    """六、数据质量: the gate's warnings and the revisions this publication made."""
    s = Section("quality", "数据质量", "数据质量")
    published = [p for p in data.publications if p.get("published")]
    latest = max(published, key=lambda p: p["attempted_at"]) if published else None
    revised = _revised(latest.get("revised_months")) if latest else []
    warnings = data.gate_warnings
    logged = latest.get("warnings") if latest else None
    count = len(warnings) if data.gate_report else (logged or 0)
    s.paragraphs.append(
        [
            "本月数据通过质量校验后发布，提示性问题",
            Fig.count("quality.warnings", count),
            "项",
            "（不影响发布，请相关单位核实）。" if count else "。",
        ]
        + ([] if data.gate_report or not count else ["质量报告未找到，明细从略。"])
    )
    s.paragraphs.append(
        [
            "本次发布修订了以前月份数据：" + "、".join(revised) + "。"
            if revised
            else "本次发布未修订以前月份数据。"
        ]
    )
    t = Table(
        "quality_warnings",
        "提示性问题",
        [Column("编号"), Column("检查"), Column("说明"), Column("示例记录数", "int")],
    )
    for w in warnings:
        rows = w.get("examples", w.get("rows", w.get("count")))
        n = len(rows) if isinstance(rows, list) else rows
        t.rows.append(
            [
                str(w.get("code", w.get("id", ""))),
                str(w.get("check", w.get("name", w.get("title", "")))),
                str(w.get("message_zh", w.get("message", w.get("description", "")))),
                n if isinstance(n, int) and not isinstance(n, bool) else None,
            ]
        )
    s.tables.append(t)
    s.tables.append(
        Table("quality_revisions", "修订的月份", [Column("月份")], [[m] for m in revised])
    )
    return s
