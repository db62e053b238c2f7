"""Rendering the sections: HTML (jinja2), Excel (xlsxwriter) and PDF (headless Chromium)."""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2
import xlsxwriter

from ..config import CST
from ..excel_safety import write_cell
from .model import DECIMALS, Fig, Section, Table, display_value, fmt, number_zh

CHROMIUM = Path("/usr/bin/chromium")
ISSUER = "示范区重点工作督查工作领导小组办公室"
UNITS_NOTE = "金额单位见各表表头（1亿元＝10000万元）；增速为同比增速。"
SHORT_ROWS = 12
"""Tables of at most this many rows are never split across PDF pages."""

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
            published_note=meta.get("published_note", ""),
            units_note=UNITS_NOTE,
            recipients=meta.get("recipients") or {"main": "", "copy": "", "issuer": ""},
            short_rows=SHORT_ROWS,
            sections=numbered,
        )
    )


def _num_format(kind: str, value: Any = None) -> str | None:
    """The cell's number format: counts as integers, money with thousands separators and
    no trailing ".0" (a whole 万元 amount is written `7,900`)."""
    whole = isinstance(value, int | float) and float(value).is_integer()
    if kind == "int":
        return "#,##0"
    if kind == "wan":
        return "#,##0" if whole else "#,##0.0"
    if kind == "num":
        return "#,##0" if whole else "#,##0.0#"
    if kind == "yi":
        return "#,##0.00"
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


def _text_width(text: str) -> float:
    """Width in Excel character units (a Chinese character is about two)."""
    return sum(2.0 if ord(ch) > 0x2E80 else 1.1 for ch in text)


LANDSCAPE_WIDTH = 125.0
"""Sheets wider than this (Excel character units) print landscape; a portrait A4 page holds
about 100 at full size, so narrower ones shrink by a fifth at most."""


class _Sheet:
    """One worksheet being written: a cursor, its formats, and the print setup."""

    def __init__(self, wb: Any, name: str, heading: str, styles: dict[str, Any]) -> None:
        self.wb, self.styles = wb, styles
        self.ws = wb.add_worksheet(name)
        self.heading = heading
        self.row = 0
        self.widths: dict[int, float] = {}
        self.columns = 1
        self.prose: list[tuple[int, str, str]] = []

    def fit(self, col: int, text: str, cap: float = 36.0) -> None:
        self.widths[col] = min(cap, max(self.widths.get(col, 8.0), _text_width(text) + 2))

    def number_format(self, kind: str, value: Any) -> Any:
        nf = _num_format(kind, value)
        key = f"num:{nf}" if nf else "cell"
        if key not in self.styles:
            spec = {"border": 1, "valign": "top"}
            self.styles[key] = self.wb.add_format(
                {**spec, "num_format": nf} if nf else {**spec, "text_wrap": True}
            )
        return self.styles[key]

    def table(self, t: Table, rows: list[list[Any]]) -> int:
        """Write a table's title, header and rows; the header's row index."""
        ws = self.ws
        self.columns = max(self.columns, len(t.columns))
        write_cell(ws, self.row, 0, t.title, self.styles["sub"])
        self.row += 1
        header = self.row
        for c, col in enumerate(t.columns):
            write_cell(ws, self.row, c, col.header, self.styles["head"])
            self.fit(c, col.header, cap=14.0)
        self.row += 1
        for row in rows:
            for c, (value, col) in enumerate(zip(row, t.columns)):
                shown = _excel_value(value, col.kind)
                write_cell(ws, self.row, c, shown, self.number_format(col.kind, shown))
                self.fit(c, fmt(value, col.kind))
            self.row += 1
        if not rows:
            write_cell(ws, self.row, 0, "无")
            self.row += 1
        return header

    def text(self, paragraph: str, style: str = "text") -> None:
        """A paragraph across the sheet's width (merged once the width is known)."""
        self.prose.append((self.row, paragraph, style))
        self.row += 1

    def finish(self, repeat: tuple[int, int]) -> None:
        """Column widths, merged prose rows and the print setup (A4, fit to width,
        repeated heading rows, page numbers in the footer)."""
        ws = self.ws
        last = max(self.columns, 6) - 1
        widths = [self.widths.get(c, 10.0) for c in range(last + 1)]
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        total = sum(widths)
        ws.merge_range(0, 0, 0, last, "")
        write_cell(ws, 0, 0, self.heading, self.styles["title"])
        ws.set_row(0, 24)
        for r, paragraph, style in self.prose:
            ws.merge_range(r, 0, r, last, "")
            write_cell(ws, r, 0, paragraph, self.styles[style])
            lines = max(1, math.ceil(_text_width(paragraph) * 1.08 / max(total, 1.0)))
            ws.set_row(r, 16 * lines + 2)
        ws.set_paper(9)
        if total > LANDSCAPE_WIDTH:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
        ws.center_horizontally()
        ws.repeat_rows(*repeat)
        ws.set_footer("&C第 &P 页，共 &N 页")
        ws.set_header(f"&L&8{_header_text(self.heading)}")


def _header_text(text: str) -> str:
    return text.replace("&", "&&")


def annex_name(table: Table) -> str:
    """The sheet holding every row of a table the page shortens."""
    return table.annex or f"{table.title}清单"[:31]


def write_excel(path: Path, month: dt.date, sections: list[Section]) -> Path:
    """One sheet per section (its prose, then its tables, with the page's figures), then one
    sheet per shortened table with all its rows; every sheet set up to print on A4."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    try:
        styles: dict[str, Any] = {
            "title": wb.add_format({"bold": True, "font_size": 14, "valign": "vcenter"}),
            "sub": wb.add_format({"bold": True}),
            "head": wb.add_format(
                {
                    "bold": True,
                    "bg_color": "#F2E6E6",
                    "border": 1,
                    "text_wrap": True,
                    "align": "center",
                    "valign": "vcenter",
                }
            ),
            "text": wb.add_format({"text_wrap": True, "valign": "top"}),
            "note": wb.add_format({"text_wrap": True, "valign": "top", "font_color": "#444444"}),
        }
        annexes: list[tuple[str, Table]] = []
        for i, s in enumerate(sections, start=1):
            sheet = _Sheet(wb, s.sheet, f"{title(month)}　{number_zh(i)}、{s.title}", styles)
            sheet.row = 2
            for p in s.paragraphs:
                sheet.text(s.plain(p))
            sheet.row += 1
            for t in s.tables:
                sheet.table(t, t.shown_rows)
                if t.note:
                    sheet.text(t.note, "note")
                if len(t.shown_rows) < len(t.rows):
                    annexes.append((f"{title(month)}　{annex_name(t)}", t))
                sheet.row += 1
            sheet.finish((0, 0))
        for heading, t in annexes:
            sheet = _Sheet(wb, annex_name(t), heading, styles)
            sheet.row = 1
            header = sheet.table(replace(t, title=f"共{len(t.rows)}项"), t.rows)
            sheet.finish((0, header))
            sheet.ws.freeze_panes(header + 1, 0)
    finally:
        wb.close()
    return path


def figures(sections: list[Section]) -> dict[str, Any]:
    """Every tagged figure of the bulletin (key → raw value)."""
    out: dict[str, Any] = {}
    for s in sections:
        out.update(s.figures())
    return out


class PdfJob:
    """Chromium printing a page to PDF in the background (it runs on the other core while the
    Excel workbook is written)."""

    def __init__(self, html: Path, pdf: Path, timeout: float = 90) -> None:
        self.pdf, self.timeout = pdf, timeout
        self.profile = tempfile.mkdtemp(prefix="zonewh-chromium-")
        self.tmp = pdf.with_name(pdf.name + ".part")
        self.proc: subprocess.Popen | None = None
        try:
            self.proc = subprocess.Popen(
                [
                    str(CHROMIUM),
                    *CHROMIUM_FLAGS,
                    f"--user-data-dir={self.profile}",
                    "--no-pdf-header-footer",
                    f"--print-to-pdf={self.tmp}",
                    html.resolve().as_uri(),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env={**os.environ, "HOME": self.profile},
            )
        except OSError:
            self.proc = None

    def finish(self) -> Path | None:
        """Wait for the PDF; the file, or None when Chromium could not print it."""
        try:
            if self.proc is None:
                return None
            try:
                self.proc.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
            if not self.tmp.exists() or self.tmp.stat().st_size == 0:
                return None
            os.replace(self.tmp, self.pdf)
            return self.pdf
        finally:
            self.tmp.unlink(missing_ok=True)
            shutil.rmtree(self.profile, ignore_errors=True)


def start_pdf(html: Path, pdf: Path, timeout: float = 90) -> PdfJob | None:
    """Start printing the page to PDF with headless Chromium when it is installed; None
    otherwise. `ZONEWH_BULLETIN_PDF=0` in the environment turns the PDF off."""
    if not CHROMIUM.exists() or os.environ.get("ZONEWH_BULLETIN_PDF", "1") == "0":
        return None
    return PdfJob(html, pdf, timeout)


def write_pdf(html: Path, pdf: Path, timeout: float = 90) -> Path | None:
    """Print the page to PDF and wait for it (see `start_pdf`)."""
    job = start_pdf(html, pdf, timeout)
    return job.finish() if job is not None else None


__all__ = [
    "Fig",
    "PdfJob",
    "figures",
    "render_html",
    "start_pdf",
    "title",
    "write_excel",
    "write_pdf",
]
