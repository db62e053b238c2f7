"""The monthly bulletin (月度通报): HTML, Excel and (when Chromium is present) PDF.

`write_bulletin("2019-06")` reads the published file read-only (and the gate report of the
attempt that published the month) and writes `<home>/reports/2019-06/bulletin.html`,
`bulletin.xlsx` and `bulletin.pdf`. The flow: `data` (read) → `sections` (one module per
section) → `charts` → `render` (HTML, Excel, PDF).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from ingest.months import parse_month

from ..config import Paths
from ..config import paths as default_paths
from . import charts, sections
from .data import BulletinData, BulletinError, load, published_months
from .model import as_beijing
from .render import render_html, start_pdf, write_excel

RECIPIENTS = {
    "bulletin_main_recipients": "管委会各部门、各乡镇（街道）",
    "bulletin_copy_recipients": "管委会领导",
    "bulletin_issuer": "示范区管委会督查室",
}
"""The closing block's defaults (主送, 抄送, 印发), used when reference.settings has no value."""

__all__ = ["BulletinError", "build_sections", "published_months", "write_bulletin"]


def build_sections(data: BulletinData) -> list[sections.Section]:
    """The six sections with their charts attached."""
    built = sections.build(data)
    by_key = {s.key: s for s in built}
    if data.indicators:
        by_key["economy"].charts.append(("主要经济指标同比增速", charts.indicator_growth(data)))
    if data.projects:
        by_key["projects"].charts.append(
            ("重点项目完成年度计划与时间进度", charts.project_progress(data))
        )
    if any(r["month"] == data.month and r["unit_group"] != "village" for r in data.scores):
        by_key["campaigns"].charts.append(("考核得分排名", charts.campaign_ranking(data)))
    return built


def _meta(data: BulletinData) -> dict[str, Any]:
    """The publication's date (Beijing time) and the closing block's recipients."""
    publication = data.publication
    at = publication["attempted_at"] if publication else None
    if isinstance(at, dt.datetime):
        at = as_beijing(at)
        issued = f"{at.year}年{at.month}月{at.day}日"
        note = f"{issued}{at:%H:%M}（北京时间）发布"
    elif at is not None:
        issued, note = str(at), f"{at}发布"
    else:
        issued, note = "", "发布记录缺失"
    main, copy, issuer = (data.setting(key, default) for key, default in RECIPIENTS.items())
    return {
        "issued_on": issued,
        "published_note": note,
        "recipients": {"main": main, "copy": copy, "issuer": issuer},
    }


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_bulletin(month: str, paths: Paths | None = None) -> list[Path]:
    """Write the month's bulletin from the published file; return the files written.

    Raises BulletinError when there is no published file or the month is not published.
    """
    p = paths or default_paths()
    first = parse_month(month)
    data = load(first, p.published, p.reports)
    built = build_sections(data)
    out = p.reports / f"{first:%Y-%m}"
    out.mkdir(parents=True, exist_ok=True)
    html = out / "bulletin.html"
    _write_text(html, render_html(first, built, _meta(data)))
    printing = start_pdf(html, out / "bulletin.pdf")  # Chromium works while Excel is written
    xlsx_tmp = out / "bulletin.xlsx.part"
    write_excel(xlsx_tmp, first, built)
    xlsx = out / "bulletin.xlsx"
    os.replace(xlsx_tmp, xlsx)
    written = [html, xlsx]
    pdf = printing.finish() if printing is not None else None
    if pdf is not None:
        written.append(pdf)
    return written
