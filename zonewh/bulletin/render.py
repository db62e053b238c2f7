"""Rendering the sections: HTML (jinja2), Excel (xlsxwriter) and PDF (headless Chromium)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import jinja2
import xlsxwriter

from ..config import CST
from ..excel_safety import write_cell
from .model import DECIMALS, Fig, Section, display_value, number_zh

CHROMIUM = Path("/usr/bin/chromium")
ISSUER = "示范区重点工作督查工作领导小组办公室"

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
"""Flags for an offline headless Chromium (nothing is resolved or fetched)."""


def title(month: dt.date) -> str:
    """`焦作城乡一体化示范区2019年6月份重点工作月度通报`."""
    return f"焦作城乡一体化示范区{month.year}年{month.month}月份重点工作月度通报"


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("zonewh.bulletin", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["zh"] = number_zh
    env.globals["zip"] = zip
    return env


def render_html(month: dt.date, sections: list[Section], meta: dict[str, Any]) -> str:
    """The bulletin page: self-contained, no external resource of any kind."""
    numbered = []
    chart_no = 0
    for i, s in enumerate(sections, start=1):
        charts = []
        for caption, svg in s.charts:
            chart_no += 1
            charts.append((f"图{chart_no}　{caption}", svg))
        numbered.append(
            {
                "key": s.key,
                "title": s.title,
                "number": number_zh(i),
                "paragraphs": s.paragraphs,
                "tables": s.tables,
                "charts": charts,
            }
        )
    return (
        _env()
        .get_template("bulletin.html.j2")
        .render(
            title=title(month),
            issue=f"{month.year}年第{month.month}期",
            issuer=ISSUER,
            issued_on=meta.get("issued_on", ""),
            source=meta.get("source", ""),
            published_note=meta.get("published_note", ""),
            sections=numbered,
        )
    )


def _num_format(kind: str) -> str | None:
    if kind == "int":
        return "0"
    if kind == "pp":
        return "+0.0;-0.0;0.0"
    if kind in DECIMALS:
        return "0." + "0" * DECIMALS[kind]
    if kind == "date":
        return "yyyy-mm-dd"
    if kind == "datetime":
        return "yyyy-mm-dd hh:mm"
    return None


def _excel_value(value: Any, kind: str) -> Any:
    """The cell value: numbers in the displayed unit and precision; timestamps without zone."""
    if kind in DECIMALS:
        return display_value(value, kind)  # type: ignore[arg-type]
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(CST).replace(tzinfo=None)
    return value


def write_excel(path: Path, month: dt.date, sections: list[Section]) -> Path:
    """One sheet per section: its prose, then its tables, with the HTML's figures."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    try:
        bold = wb.add_format({"bold": True, "font_size": 14})
        sub = wb.add_format({"bold": True})
        head = wb.add_format(
            {
                "bold": True,
                "bg_color": "#F2E6E6",
                "border": 1,
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
            }
        )
        text = wb.add_format({"text_wrap": True, "valign": "top"})
        formats: dict[str, Any] = {}
        for i, s in enumerate(sections, start=1):
            ws = wb.add_worksheet(s.sheet)
            ws.set_column(0, 0, 26)
            ws.set_column(1, 9, 15)
            write_cell(ws, 0, 0, f"{title(month)}　{number_zh(i)}、{s.title}", bold)
            r = 2
            for p in s.paragraphs:
                ws.merge_range(r, 0, r, 7, "")
                write_cell(ws, r, 0, s.plain(p), text)
                ws.set_row(r, 15 * max(1, len(s.plain(p)) // 60 + 1))
                r += 1
            r += 1
            for t in s.tables:
                write_cell(ws, r, 0, t.title, sub)
                r += 1
                for c, col in enumerate(t.columns):
                    write_cell(ws, r, c, col.header, head)
                r += 1
                for row in t.rows:
                    for c, (value, col) in enumerate(zip(row, t.columns)):
                        nf = _num_format(col.kind)
                        if nf and nf not in formats:
                            formats[nf] = wb.add_format({"num_format": nf, "border": 1})
                        fmt = formats.get(nf) if nf else None
                        write_cell(ws, r, c, _excel_value(value, col.kind), fmt)
                    r += 1
                if not t.rows:
                    write_cell(ws, r, 0, "无")
                    r += 1
                r += 1
    finally:
        wb.close()
    return path


def figures(sections: list[Section]) -> dict[str, Any]:
    """Every tagged figure of the bulletin (key → raw value)."""
    out: dict[str, Any] = {}
    for s in sections:
        out.update(s.figures())
    return out


def write_pdf(html: Path, pdf: Path, timeout: float = 90) -> Path | None:
    """Print the page to PDF with headless Chromium when it is installed; None otherwise.

    `ZONEWH_BULLETIN_PDF=0` in the environment turns the PDF off (it takes a few seconds).
    """
    if not CHROMIUM.exists() or os.environ.get("ZONEWH_BULLETIN_PDF", "1") == "0":
        return None
    profile = tempfile.mkdtemp(prefix="zonewh-chromium-")
    tmp = pdf.with_name(pdf.name + ".part")
    try:
        subprocess.run(
            [
                str(CHROMIUM),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={tmp}",
                html.resolve().as_uri(),
            ],
            check=False,
            capture_output=True,
            timeout=timeout,
            env={**os.environ, "HOME": profile},
        )
        if not tmp.exists() or tmp.stat().st_size == 0:
            return None
        os.replace(tmp, pdf)
        return pdf
    except (OSError, subprocess.TimeoutExpired):
        return None
    finally:
        tmp.unlink(missing_ok=True)
        shutil.rmtree(profile, ignore_errors=True)


__all__ = ["Fig", "figures", "render_html", "title", "write_excel", "write_pdf"]
