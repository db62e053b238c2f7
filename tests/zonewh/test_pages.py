"""The pages people read, in a real browser at a desk (1280 px) and on a phone (390 px): the
gate report of a blocked month and of a passed one, the receipt of a rejected file, and Great
Expectations' Data Docs, which must work with no network and say which month each validation
covers."""

from __future__ import annotations

import os
from datetime import datetime

import pytest
import xlsxwriter
from browser import open_pages
from gate_marts import gate_build, make_warehouse

from zonewh import gate
from zonewh.gate.suites import build_data_docs

MONTH = "2019-06"


@pytest.fixture(scope="module")
def judged(tmp_path_factory):
    from zonewh.config import Paths

    root = tmp_path_factory.mktemp("pages") / "home"
    p = Paths(home=root, landing=root / "landing").ensure()
    make_warehouse(p.warehouse, ["2019-05", MONTH])
    missing = [
        {"month": f"{MONTH}-01", "unit_code": unit, "form_code": form, "status": "missing"}
        for unit, form in [
            ("lce", "project_progress"),
            ("soc", "project_progress"),
            ("drc", "econ_indicators"),
            ("agr", "campaign_scores"),
        ]
    ]
    blocked = gate.check(MONTH, p, build=gate_build(p.warehouse, MONTH, {"B1": missing}))
    passed = gate.check(MONTH, p, build=gate_build(p.warehouse, MONTH))
    return p, blocked, passed


def test_gate_reports_read_well_at_a_desk_and_on_a_phone(judged, tmp_path):
    _, blocked, passed = judged
    visit = open_pages([blocked.report_html.as_uri(), passed.report_html.as_uri()], tmp_path)
    assert visit.outside == [] and visit.failed == []
    for seen in visit.pages:
        assert seen.screenshot.stat().st_size > 10_000
        assert seen.narrow_cells == [], seen.narrow_cells[:5]
        if seen.width == 390:
            assert seen.scroll_width <= 392  # wide tables scroll in their own box
    blocked_text, passed_text = visit.pages[0].text, visit.pages[2].text
    assert "未通过" in blocked_text and "必报报表齐全" in blocked_text
    assert "区国土建设环保局（lce）" in blocked_text and "怎么办" in blocked_text
    assert "通过：2019年6月的数据可以发布" in passed_text
    assert "已通过的检查（15 项）" in passed_text


def test_data_docs_work_offline_and_name_the_month(judged, tmp_path):
    p, _, _ = judged
    index = build_data_docs(p)
    pages = [index.as_uri()]
    validations = sorted((index.parent / "validations").rglob("*.html"))
    assert validations
    pages.append(validations[0].as_uri())
    visit = open_pages(pages, tmp_path, widths=(1280,))
    assert visit.outside == [], visit.outside
    assert visit.failed == [], visit.failed
    assert f"{MONTH} " in visit.pages[0].text  # each validation run named by its month
    assert "marts_" in visit.pages[1].text


def test_the_receipt_of_a_rejected_file_reads_well_at_a_desk_and_on_a_phone(home, tmp_path):
    """A clerk opens the receipt of a rejected progress report: the verdict first, the
    problems as a table at a desk and as cards on a phone (nothing to scroll sideways to),
    how to resubmit."""
    from ingest.forms import FORMS
    from ingest.intake import ingest_month
    from ingest.settings import CST

    def drop(unit: str, form_code: str, rows: list[list]) -> None:
        path = home.landing / "2019-01" / unit / f"{form_code}.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        wb = xlsxwriter.Workbook(str(path))
        ws = wb.add_worksheet()
        ws.write_row(0, 0, FORMS[form_code].headers)
        for i, row in enumerate(rows, start=1):
            ws.write_row(i, 0, row)
        wb.close()
        stamp = datetime(2019, 2, 6, 9, 30, tzinfo=CST).timestamp()
        os.utime(path, (stamp, stamp))

    drop(
        "drc",
        "key_project_plan",
        [
            ["P001", "蒙牛乳业扩建项目", "省重点", "工业", "lce", "sjz", 10, 3, "2019-03-01"],
            ["P002", "文昌路改造", "区重点", "基础设施", "lce", "文昌街道", 5, 2, "2019-04-01"],
        ],
    )
    drop(
        "lce",
        "project_progress",
        [
            ["P001", "蒙牛乳业扩建项目", 1200, "一千二百", "在建", "2019-01-10", "主体施工", ""],
            ["P009", "不在计划中的项目", -5, 0, "施工中", "", "", "征地未完成，等待区里协调"],
        ],
    )
    ingest_month("2019-01", home)
    receipt = home.receipts / "2019-01" / "lce" / "project_progress.xlsx.html"
    visit = open_pages([receipt.as_uri()], tmp_path)
    assert visit.outside == [] and visit.failed == []
    for seen in visit.pages:
        assert seen.screenshot.stat().st_size > 10_000
        assert seen.narrow_cells == [], seen.narrow_cells[:5]
        text = seen.text
        if seen.width == 390:
            assert seen.scroll_width <= 392
            assert seen.cut_cells == [], seen.cut_cells[:5]  # every problem's cell on screen
            assert "单元格：D2" in text and "怎么改：" in text  # each line of a card says what
        else:
            assert "单元格：" not in text  # the table's header says it
        assert text.index("退回") < text.index("问题清单") < text.index("怎么重新报送")
        for words in (
            "退回：发现 6 个错误，本表未入库",
            "区国土建设环保局（lce）",
            "重点项目建设进展月报（project_progress）",
            "2019年2月6日 09:30（北京时间）",
            "D2",
            "一千二百",
            "应为数字（单位：万元）",
            "怎么改",
            "放入报送文件夹 landing/2019-01/lce/",
            "再次报送的文件是新版本（第 2 版）",
        ):
            assert words in text, (seen.width, words)
