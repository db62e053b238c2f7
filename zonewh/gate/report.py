"""The gate's report of one attempt: `reports/YYYY-MM/gate/<attempt>.json` and `.html`.

The JSON is for programs (the bulletin, the portal, the DAG's next task); the page is for the
supervision office: one entry per check with its Chinese title, what it asks and what to do,
the failing rows grouped by unit with names, sorted; a passed month lists the checks run.
"""

from __future__ import annotations

import functools
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from ..config import CST, Paths
from .outcome import CheckOutcome, GateResult

OUTCOME_ZH = {
    "passed": "通过",
    "failed": "未通过",
    "warned": "警告",
    "error": "未能运行",
    "not_run": "未运行",
}

LABELS = {
    "unit_code": "单位代码",
    "unit_name": "单位",
    "form_code": "报表代码",
    "form_name": "报表",
    "status": "状态",
    "due_on": "截止日",
    "versions": "报送次数",
    "accepted_at": "接收时间",
    "project_code": "项目编号",
    "project_name": "项目名称",
    "responsible_unit": "责任单位代码",
    "responsible_unit_name": "责任单位",
    "owner_unit": "责任部门代码",
    "owner_unit_name": "责任部门",
    "indicator_code": "指标代码",
    "indicator_name": "指标名称",
    "cluster": "产业集群代码",
    "cluster_name": "产业集群",
    "issue_code": "问题编号",
    "signing_code": "签约编号",
    "campaign_code": "考核项目代码",
    "campaign_name": "考核项目",
    "criterion_code": "考核内容",
    "rule_code": "奖惩规则",
    "month": "月份",
    "mart": "成果表",
    "value_ytd": "1-本月累计",
    "invested_ytd_wan": "累计完成投资(万元)",
    "invested_month_wan": "本月完成投资(万元)",
    "expected_ytd_wan": "应为(万元)",
    "total_investment_wan": "总投资(万元)",
    "yoy_growth_pct": "同比增长(%)",
    "score": "得分",
    "max_score": "满分",
    "amount_wan": "金额(万元)",
    "expected_amount_wan": "应为(万元)",
    "duplicate_rows": "重复行数",
}
HIDDEN = {"month", "unit_code", "unit_name"}
"""Shown in the unit heading or the page title, not in every row."""

PAIRS = {
    "form_code": ("form_name", "报表"),
    "project_code": ("project_name", "项目"),
    "indicator_code": ("indicator_name", "指标"),
    "campaign_code": ("campaign_name", "考核项目"),
    "cluster": ("cluster_name", "产业集群"),
    "responsible_unit": ("responsible_unit_name", "责任单位"),
    "owner_unit": ("owner_unit_name", "责任部门"),
}
"""A code and its name shown as one column: 名称（code）."""


def _show(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return str(value)


def _unit_heading(row: dict[str, Any]) -> str:
    code = row.get("unit_code") or row.get("responsible_unit") or row.get("owner_unit")
    name = row.get("unit_name") or row.get("responsible_unit_name") or row.get("owner_unit_name")
    if name and code and name != code:
        return f"{name}（{code}）"
    return str(name or code or "未指明单位")


def table(rows: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Column labels and cell texts of a group of failing rows: codes beside their names,
    the unit and month left to the heading."""
    keys = [k for k in dict.fromkeys(k for r in rows for k in r) if k not in HIDDEN]
    names = {name for name, _ in PAIRS.values()}
    keys = [k for k in keys if k not in names]
    headers = [PAIRS[k][1] if k in PAIRS else LABELS.get(k, k) for k in keys]
    body = []
    for r in rows:
        cells = []
        for k in keys:
            if k in PAIRS and r.get(PAIRS[k][0]) and r.get(PAIRS[k][0]) != r.get(k):
                cells.append(f"{r[PAIRS[k][0]]}（{r.get(k)}）")
            else:
                cells.append(_show(r.get(k)))
        body.append(cells)
    return headers, body


def grouped(check: CheckOutcome) -> list[tuple[str, list[str], list[list[str]]]]:
    """The check's failing rows by unit (sorted by unit, then row): heading, labels, cells."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in check.examples:
        groups.setdefault(_unit_heading(row), []).append(row)
    out = []
    for heading in sorted(groups, key=lambda h: (h == "未指明单位", h)):
        headers, body = table(groups[heading])
        out.append((heading, headers, sorted(body)))
    return out


@functools.cache
def _template() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "pages"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2")


def month_zh(month: str) -> str:
    year, mon = month.split("-")
    return f"{int(year)}年{int(mon)}月"


def time_zh(iso: str) -> str:
    """An ISO time as 2019年7月6日 08:31 in Beijing time."""
    at = datetime.fromisoformat(iso).astimezone(CST)
    return f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"


def render_html(result: GateResult, docs: str | None = None) -> str:
    """The report page."""
    return _template().render(
        r=result,
        month_zh=month_zh(result.month),
        checked_at_zh=time_zh(result.checked_at),
        failures=result.failures,
        warnings=result.warnings,
        passed=[c for c in result.checks if c.outcome == "passed"],
        outcome_zh=OUTCOME_ZH,
        grouped=grouped,
        docs=docs,
    )


def report_folder(p: Paths, month: str) -> Path:
    return p.reports / month / "gate"


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_report(result: GateResult, p: Paths) -> tuple[Path, Path]:
    """Write the attempt's JSON and HTML report (each attempt its own files)."""
    folder = report_folder(p, result.month)
    folder.mkdir(parents=True, exist_ok=True)
    result.report_json = folder / f"{result.attempt_id}.json"
    result.report_html = folder / f"{result.attempt_id}.html"
    docs = os.path.relpath(p.home / "gx" / "data_docs" / "local_site" / "index.html", folder)
    _write(result.report_json, json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    _write(result.report_html, render_html(result, docs))
    return result.report_json, result.report_html


def read_report(path: Path) -> GateResult:
    """A gate result back from its JSON report."""
    data = json.loads(Path(path).read_text("utf-8"))
    return GateResult.from_dict(data, Path(path).parent)
