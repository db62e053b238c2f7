"""The bulletin as leaders get it: the PDF (pypdf), the page in headless Chromium at desk and
phone widths (Playwright over Debian's Chromium), the Excel print setup (openpyxl)."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from bulletin_fixture import ATTEMPT, REPORT, build_published
from openpyxl.utils import get_column_letter
from pypdf import PdfReader

from zonewh.bulletin import charts, write_bulletin
from zonewh.bulletin.data import load
from zonewh.bulletin.model import Column, Section, Table
from zonewh.bulletin.render import CHROMIUM, CHROMIUM_FLAGS, LANDSCAPE_WIDTH, write_excel
from zonewh.config import Paths

MAX_PDF_PAGES = 8
"""The fixture month prints on 7 pages (A4); the demo's 2019-06 on 7 (18 before)."""


class Headings(HTMLParser):
    """The texts of the page's h2 and h3 headings."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("h2", "h3"):
            self._open = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h2", "h3") and self._open is not None:
            self.items.append("".join(self._open).strip())
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)


RADICALS = str.maketrans("⻚⻝⻓⻔⻅⻋⻢⻛⻜⻉⻆⻓⻩⻬⻮⻰", "页食长门见车马风飞贝角长黄齐齿龟")
"""Radicals a PDF's text layer may give for simplified characters (NFKC keeps them)."""


def squeeze(text: str) -> str:
    """PDF text compared as read: compatibility forms folded (⼀ → 一, ⻚ → 页), no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(RADICALS))


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, dict[str, Path]]:
    """The 2019-06 fixture month with the gate's warnings: HTML, Excel and PDF."""
    home = tmp_path_factory.mktemp("output") / "home"
    p = Paths(home=home, landing=home / "landing").ensure()
    build_published(p.published, publication_id=ATTEMPT)
    gate = p.reports / "2019-06" / "gate"
    gate.mkdir(parents=True)
    (gate / f"{ATTEMPT}.json").write_text(json.dumps(REPORT, ensure_ascii=False), "utf-8")
    files = {f.suffix: f for f in write_bulletin("2019-06", p)}
    assert set(files) == {".html", ".xlsx", ".pdf"}
    return p, files


# --------------------------------------------------------------------------- PDF


def test_pdf_pages_numbered_and_bounded(written: tuple[Paths, dict[str, Path]]) -> None:
    _, files = written
    pages = PdfReader(files[".pdf"]).pages
    n = len(pages)
    assert 3 <= n <= MAX_PDF_PAGES, n
    for i, page in enumerate(pages, start=1):
        assert f"第{i}页/共{n}页" in squeeze(page.extract_text()), i


def test_pdf_has_no_file_path(written: tuple[Paths, dict[str, Path]]) -> None:
    p, files = written
    text = "".join(page.extract_text() for page in PdfReader(files[".pdf"]).pages)
    assert "file:" not in text and "://" not in text
    assert str(p.home) not in text and "/tmp" not in text and ".html" not in text
    assert "zone.duckdb" not in text


def test_pdf_no_heading_ends_a_page(written: tuple[Paths, dict[str, Path]]) -> None:
    _, files = written
    parser = Headings()
    parser.feed(files[".html"].read_text(encoding="utf-8"))
    headings = {squeeze(h) for h in parser.items}
    assert "一、主要经济指标" in headings and len(headings) > 20
    for i, page in enumerate(PdfReader(files[".pdf"]).pages, start=1):
        lines = [squeeze(line) for line in page.extract_text().splitlines()]
        lines = [line for line in lines if line and not re.fullmatch(r"第\d+页/共\d+页", line)]
        assert lines, f"page {i} is empty"
        assert lines[-1] not in headings, f"page {i} ends with the heading {lines[-1]}"
    last = [squeeze(line) for line in PdfReader(files[".pdf"]).pages[-1].extract_text().split("\n")]
    assert any(line.startswith("主送") for line in last)
    assert not any(line.startswith("主送") for line in last[:1]), "a page of the footer alone"


def test_pdf_last_page_is_more_than_the_closing_block(
    written: tuple[Paths, dict[str, Path]],
) -> None:
    _, files = written
    text = squeeze(PdfReader(files[".pdf"]).pages[-1].extract_text())
    before = text.split("数据来源")[0]
    assert len(before) > 20, "the last page holds only the closing block"


# --------------------------------------------------------------------------- page


MEASURE = """() => [...document.querySelectorAll('td, th')].map(c => {
    const s = getComputedStyle(c);
    const inner = c.getBoundingClientRect().width - parseFloat(s.paddingLeft)
        - parseFloat(s.paddingRight) - parseFloat(s.borderLeftWidth)
        - parseFloat(s.borderRightWidth);
    return {text: c.textContent, chars: inner / parseFloat(s.fontSize)};
})"""


def test_page_on_desk_and_phone(written: tuple[Paths, dict[str, Path]], tmp_path: Path) -> None:
    """1280 and 390 px wide: screenshots, no request leaves the machine, at 390 px no table
    cell narrower than two characters and no sideways scrolling of the page itself."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "install chromium (apt-get install -y chromium)"
    _, files = written
    outside: list[str] = []

    def route(r) -> None:
        url = r.request.url
        if url.startswith(("file:", "data:")):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    flags = [f for f in CHROMIUM_FLAGS if f != "--headless"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=flags, headless=True)
        try:
            for width in (1280, 390):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.route("**/*", route)
                page.goto(files[".html"].as_uri())
                shot = tmp_path / f"bulletin-{width}.png"
                page.screenshot(path=str(shot), full_page=True)
                assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
                cells = page.evaluate(MEASURE)
                assert len(cells) > 300
                narrow = [c for c in cells if c["chars"] < 1.8]
                assert narrow == [], narrow[:5]
                if width == 390:
                    assert page.evaluate("document.documentElement.scrollWidth") <= 392
                    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
                    assert size >= 15
                    scrolls = page.evaluate(
                        "[...document.querySelectorAll('.scroll')]"
                        ".filter(b => b.scrollWidth > b.clientWidth).length"
                    )
                    assert scrolls > 0  # wide tables scroll inside their own box
                page.close()
            # the same routing sees a page that does reach out
            canary = tmp_path / "canary.html"
            canary.write_text('<img src="http://bulletin-canary.invalid/x.png">', "utf-8")
            page = browser.new_page()
            page.route("**/*", route)
            page.goto(canary.as_uri())
            page.close()
        finally:
            browser.close()
    assert outside == ["http://bulletin-canary.invalid/x.png"]


# --------------------------------------------------------------------------- Excel


def test_excel_counts_money_and_print_setup(written: tuple[Paths, dict[str, Path]]) -> None:
    _, files = written
    wb = openpyxl.load_workbook(files[".xlsx"])
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # one page wide (1 is the file format's default, left out), as many pages tall as needed
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows, ws.title
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    orientation = {}
    for ws in wb.worksheets:
        columns = range(1, max(ws.max_column, 6) + 1)
        # the file stores each width with about 0.71 of cell padding added
        width = sum(ws.column_dimensions[get_column_letter(c)].width - 0.71 for c in columns)
        orientation[ws.title] = ws.page_setup.orientation
        assert (width > LANDSCAPE_WIDTH) == (ws.page_setup.orientation == "landscape"), ws.title
    assert orientation["重点项目"] == "portrait"  # narrow enough in this month

    assert wb["进度滞后项目清单"].print_title_rows == "$1:$3"

    def column(sheet: str, title: str, header: str) -> list:
        rows = list(wb[sheet].iter_rows())
        start = next(i for i, r in enumerate(rows) if r[0].value == title) + 1
        c = [cell.value for cell in rows[start]].index(header)
        out = []
        for r in rows[start + 1 :]:
            if r[0].value is None:
                break
            out.append(r[c])
        return out

    counts = column("重点项目", "按项目级别", "项目个数")
    assert [c.value for c in counts] == [1, 16, 102]
    assert {c.number_format for c in counts} == {"#,##0"}
    money = column("重点项目", "按项目级别", "总投资(亿元)")
    assert {c.number_format for c in money} == {"#,##0.00"}
    rewards = column("考核排名", "本月奖惩兑现（罚款记为负数）", "本月(万元)")
    formats = {c.value: c.number_format for c in rewards}
    assert formats[4] == "#,##0" and formats[0.4] == "#,##0.0"
    enterprises = next(
        r for r in wb["主要经济指标"].iter_rows() if r[0].value == "规模以上工业企业数"
    )
    assert enterprises[2].value == 96 and enterprises[2].number_format == "#,##0"


def test_excel_wide_sheets_print_landscape(tmp_path: Path) -> None:
    wide = Section("wide", "宽表", "宽表")
    columns = [Column(f"第{i}列较长的表头文字") for i in range(10)]
    wide.tables.append(Table("wide", "宽表", columns, [[f"单位名称{i}" for i in range(10)]]))
    narrow = Section("narrow", "窄表", "窄表")
    narrow.tables.append(
        Table("narrow", "窄表", [Column("单位"), Column("个数", "int")], [["a", 1]])
    )
    path = write_excel(tmp_path / "wide.xlsx", dt.date(2019, 6, 1), [wide, narrow])
    wb = openpyxl.load_workbook(path)
    assert wb["宽表"].page_setup.orientation == "landscape"
    assert wb["窄表"].page_setup.orientation == "portrait"


# --------------------------------------------------------------------------- chart


def test_previous_rate_tick_does_not_cover_the_labels(
    written: tuple[Paths, dict[str, Path]],
) -> None:
    """Each value label starts right of its bar and of the previous-period tick."""
    p, _ = written
    data = load(dt.date(2019, 6, 1), p.published, p.reports)
    fig = charts.indicator_growth.__wrapped__(data)
    ax = fig.axes[0]
    ticks = ax.collections[0].get_offsets()
    previous = {round(float(y)): float(x) for x, y in ticks}
    assert any(x > 10 for x in previous.values())  # fai 21.3 → 19.5: the tick is past the bar
    labels = [t for t in ax.texts if t.get_text().endswith("%")]
    assert len(labels) == len(ax.patches)
    for label, bar in zip(labels, ax.patches):
        x, y = label.get_position()
        row = round(y)
        assert x > bar.get_width(), label.get_text()
        if row in previous:
            assert x > previous[row], label.get_text()
