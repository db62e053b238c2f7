"""The monthly bulletin (月度通报): HTML, Excel and (when Chromium is present) PDF.

`write_bulletin("2019-06")` reads the published file read-only and writes
`<home>/reports/2019-06/bulletin.html`, `bulletin.xlsx` and `bulletin.pdf`.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ingest.months import parse_month

from ..config import CST, Paths
from ..config import paths as default_paths
from . import charts, sections
from .data import BulletinData, BulletinError, load, published_months
from .render import render_html, write_excel, write_pdf

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
    if any(r["month"] == data.month for r in data.scores):
        by_key["campaigns"].charts.append(("考核得分排名", charts.campaign_ranking(data)))
    return built


def _meta(data: BulletinData) -> dict[str, str]:
    published = [p for p in data.publications if p.get("published")]
    if published:
        at = max(p["attempted_at"] for p in published)
        if isinstance(at, dt.datetime):
            at = at.astimezone(CST) if at.tzinfo else at
            issued = f"{at.year}年{at.month}月{at.day}日"
            note = f"发布于{at:%Y-%m-%d %H:%M}（北京时间）"
        else:
            issued, note = str(at), f"发布于{at}"
    else:
        issued, note = "", "发布记录缺失"
    return {"issued_on": issued, "source": "published/zone.duckdb", "published_note": note}


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
    xlsx_tmp = out / "bulletin.xlsx.part"
    write_excel(xlsx_tmp, first, built)
    xlsx = out / "bulletin.xlsx"
    os.replace(xlsx_tmp, xlsx)
    written = [html, xlsx]
    pdf = write_pdf(html, out / "bulletin.pdf")
    if pdf is not None:
        written.append(pdf)
    return written
