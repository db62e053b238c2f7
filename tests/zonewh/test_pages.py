"""The pages people read, in a real browser at a desk (1280 px) and on a phone (390 px): the
gate report of a blocked month and of a passed one, and Great Expectations' Data Docs, which
must work with no network and say which month each validation covers."""

from __future__ import annotations

import pytest
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
