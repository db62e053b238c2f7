"""六、数据质量: the gate's warnings told in plain Chinese, and the months this publication revised.

Each warning is named by its Chinese title (`zonewh.gate.checks`), then each case names the
unit, the project / indicator / form (name and code) and what is wrong, from the example
rows of the gate report; what to do follows. Nothing of the engineers' wording (test
names, "failing rows") reaches the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ..data import BulletinData, Row
from ..gate_report import GateWarning
from ..model import Column, Fig, Section, Table, as_beijing, is_missing, number_zh, trim
from .common import form_name

CASES_SHOWN = 5
"""Cases told per warning; the count says how many there are in all."""


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


def month_zh(value: Any) -> str:
    """`2019-05` or `2019-05-01` → `2019年5月` (other text unchanged)."""
    text = str(value or "")
    try:
        d = dt.date.fromisoformat(text[:7] + "-01")
    except ValueError:
        return text
    return f"{d.year}年{d.month}月"


def _date_zh(value: Any) -> str:
    try:
        d = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value or "")
    return f"{d.month}月{d.day}日"


def _when_zh(value: Any) -> str:
    """An ISO timestamp as Beijing time: `7月8日16:00`."""
    try:
        at = as_beijing(dt.datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value or "")
    return f"{at.month}月{at.day}日{at:%H:%M}"


def _number(value: Any) -> float | None:
    try:
        return None if value is None or isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        return None


class _Case:
    """The names a case mentions, looked up in the example row, then the published file."""

    def __init__(self, data: BulletinData, row: Row) -> None:
        self.data, self.row = data, row

    def get(self, key: str) -> str:
        value = self.row.get(key)
        return "" if value is None else str(value).strip()

    @property
    def unit(self) -> str:
        code = self.get("unit_code")
        name = self.get("unit_name") or (self.data.unit(code) if code else "")
        if not name and self.get("project_code"):
            project = _project(self.data, self.get("project_code"))
            name = self.data.unit(project.get("responsible_unit")) if project else ""
        return name or "有关单位"

    @property
    def form(self) -> str:
        name = self.get("form_name") or form_name(self.data, self.get("form_code"))
        return f"“{name}”" if name else "报表"

    @property
    def project(self) -> str:
        code = self.get("project_code")
        name = self.get("project_name")
        if not name and code:
            name = (_project(self.data, code) or {}).get("project_name") or ""
        if name and code:
            return f"“{name}”（{code}）"
        return f"“{name}”" if name else (f"项目{code}" if code else "")

    @property
    def indicator(self) -> str:
        code = self.get("indicator_code")
        name = self.get("indicator_name") or self.get("catalog_name")
        if not name and code:
            name = _indicator_names(self.data).get(code, "")
        text = f"{name}（{code}）" if name and code else (name or code)
        cluster = self.get("cluster")
        if text and cluster:
            text += f"（{self.data.cluster_names.get(cluster, cluster)}）"
        return text


def _project(data: BulletinData, code: str) -> Row | None:
    return next((r for r in data.projects if r["project_code"] == code), None)


def _indicator_names(data: BulletinData) -> dict[str, str]:
    names = {c["indicator_code"]: c.get("indicator_name") or "" for c in data.catalog}
    for r in data.indicators:
        names.setdefault(r["indicator_code"], r.get("indicator_name") or "")
    return names


def _w1(c: _Case) -> str:
    now, before = _number(c.row.get("yoy_growth_pct")), _number(c.row.get("previous_growth_pct"))
    what = f"{c.unit}报送的{c.indicator or '指标'}同比增速"
    if now is None or before is None:
        return what + "较上月变动超过15个百分点"
    return (
        f"{what}由上月{trim(before, 1)}%变为本月{trim(now, 1)}%，"
        f"变动{trim(abs(now - before), 1)}个百分点"
    )


def _w2(c: _Case) -> str:
    months = _number(c.row.get("months_idle"))
    n = int(months) if months else 3
    count = number_zh(n) if 1 <= n <= 10 else str(n)
    return f"{c.unit}负责的{c.project or '项目'}状态为在建，已连续{count}个月无投资"


def _w3(c: _Case) -> str:
    reported = c.get("indicator_name_reported")
    code = c.get("indicator_code")
    catalog = c.get("catalog_name") or _indicator_names(c.data).get(code, "")
    named = f"指标“{catalog}”（{code}）" if catalog else f"指标{code}"
    return f"{c.unit}报送的{c.form}中，{named}的名称填写为“{reported}”，与指标目录不一致"


def _w4(c: _Case) -> str:
    text = f"{c.unit}的{c.form}逾期报送"
    due, at = c.get("due_on"), c.get("accepted_at") or c.get("first_received_at")
    details = ([f"截止{_date_zh(due)}"] if due else []) + ([f"{_when_zh(at)}接收"] if at else [])
    return text + (f"（{'，'.join(details)}）" if details else "")


def _w5(c: _Case) -> str:
    month = month_zh(c.get("month"))
    if not (c.get("unit_code") or c.get("unit_name")):
        return f"已发布的{month}数据收到更正报表"
    version = c.get("version")
    again = f"（第{version}版）" if version else ""
    return f"已发布的{month}数据收到更正：{c.unit}重新报送{c.form}{again}"


def _other(c: _Case) -> str:
    parts = [c.unit if (c.get("unit_code") or c.get("unit_name")) else ""]
    if c.get("form_code") or c.get("form_name"):
        parts.append(c.form)
    parts += [c.project, c.indicator]
    return "，".join(p for p in parts if p)


CASE_TEXT: dict[str, Callable[[_Case], str]] = {
    "W1": _w1,
    "W2": _w2,
    "W3": _w3,
    "W4": _w4,
    "W5": _w5,
}
"""How a case of each warning is told."""


def case_text(data: BulletinData, warning: GateWarning, row: Row) -> str:
    """One case of a warning in plain Chinese (empty when the row names nothing)."""
    return CASE_TEXT.get(warning.code, _other)(_Case(data, row))


def _warning_paragraph(data: BulletinData, n: int, w: GateWarning) -> list[Any]:
    count = w.count
    cases = [t for t in (case_text(data, w, e) for e in w.examples[:CASES_SHOWN]) if t]
    head = f"（{number_zh(n) if n <= 10 else n}）{w.title_zh}"
    if count:
        head += f"，共{count}处"
        if len(cases) < count and cases:
            head += f"，列举{len(cases)}处"
    body = "；".join(cases) if cases else (w.message_zh or w.explanation_zh)
    text = head + ("：" + body.rstrip("。；") + "。" if body else "。")
    if w.action_zh:
        text += w.action_zh
    return [text]


def build(data: BulletinData) -> Section:
    """六、数据质量: the gate's warnings and the revisions this publication made."""
    s = Section("quality", "数据质量", "数据质量")
    latest = data.publication
    revised = _revised(latest.get("revised_months")) if latest else []
    if data.gate:
        revised = sorted(set(revised) | set(data.gate.revised_months))
    warnings = data.gate_warnings
    logged = latest.get("warnings") if latest else None
    count = len(warnings) if data.gate else int(logged or 0)
    s.paragraphs.append(
        [
            "本月数据通过质量校验后发布，提示性问题",
            Fig.count("quality.warnings", count),
            "项",
            "（不影响发布，请相关单位核实）。" if count else "。",
        ]
        + ([] if data.gate or not count else ["质量报告未找到，明细从略。"])
    )
    for n, w in enumerate(warnings, start=1):
        s.paragraphs.append(_warning_paragraph(data, n, w))
    s.paragraphs.append(
        [
            "本次发布同时更正了"
            + "、".join(month_zh(m) for m in revised)
            + "的数据，以本次发布为准。"
            if revised
            else "本次发布未修订以前月份数据。"
        ]
    )
    t = Table(
        "quality_warnings",
        "提示性问题一览",
        [Column("编号"), Column("问题"), Column("说明"), Column("涉及条数", "int")],
    )
    for w in warnings:
        t.rows.append([w.code, w.title_zh, w.message_zh or w.explanation_zh, w.count])
    s.tables.append(t)
    s.tables.append(
        Table("quality_revisions", "修订的月份", [Column("月份")], [[m] for m in revised])
    )
    return s
