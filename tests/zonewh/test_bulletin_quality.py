"""The data-quality section told in plain Chinese from the gate report of the publishing attempt."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from bulletin_fixture import ATTEMPT, REPORT, build_published

from zonewh.bulletin import write_bulletin
from zonewh.bulletin.data import load
from zonewh.bulletin.gate_report import read_gate_report
from zonewh.bulletin.sections import quality
from zonewh.config import Paths

MONTH = dt.date(2019, 6, 1)
ENGINEER_WORDS = ("w2_project_idle", "w3_", "w4_", "w5_", "failing row", "dbt", "warn:")


EARLIER_FORMAT = {
    "month": "2019-06",
    "attempt_id": ATTEMPT,
    "passed": True,
    "failures": [],
    "warnings": [
        {
            "code": "W2",
            "name": "w2_project_idle",
            "source": "dbt",
            "message": "dbt test w2_project_idle warn: 1 failing row(s)",
            "examples": [
                {
                    "month": "2019-06-01",
                    "unit_code": "lce",
                    "form_code": "project_progress",
                    "project_code": "XM2019002",
                    "status": "在建",
                    "invested_ytd_wan": 1200.0,
                }
            ],
        },
        {
            "code": "W5",
            "name": "revisions",
            "source": "gate",
            "message": "resubmissions changed published months: 2019-05",
            "examples": [{"month": "2019-05"}],
        },
    ],
}


def _home(tmp_path: Path, reports: dict[str, dict], **options) -> Paths:
    """A published fixture whose 2019-06 publication is ATTEMPT, with these gate reports
    written in order (each a second newer than the one before)."""
    p = Paths(home=tmp_path / "home", landing=tmp_path / "home" / "landing").ensure()
    build_published(p.published, publication_id=ATTEMPT, **options)
    folder = p.reports / "2019-06" / "gate"
    folder.mkdir(parents=True)
    for i, (name, report) in enumerate(reports.items()):
        path = folder / f"{name}.json"
        path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
        os.utime(path, (1_600_000_000 + i, 1_600_000_000 + i))
    return p


def _text(p: Paths) -> str:
    section = quality.build(load(MONTH, p.published, p.reports))
    return "\n".join(section.plain(par) for par in section.paragraphs)


def test_each_warning_names_its_cases_in_plain_chinese(tmp_path: Path) -> None:
    later = {"attempt_id": "20190709T000000Z-zzzzzz", "passed": True, "warnings": []}
    p = _home(tmp_path, {ATTEMPT: REPORT, "20190709T000000Z-zzzzzz": later})
    text = _text(p)
    # W2: the title, then the unit, the project (name and code) and what is wrong
    assert "在建项目连续三个月无投资，共2处" in text
    assert (
        "区国土建设环保局负责的“示范区重点项目002”（XM2019002）状态为在建，已连续三个月无投资"
        in text
    )
    assert "苏家作乡负责的“示范区重点项目005”（XM2019005）状态为在建" in text
    assert "请项目责任单位说明停滞原因" in text
    # W3: the unit, the form, the name written and the catalog's
    assert "指标名称与目录不一致" in text
    assert (
        "区发展改革局报送的“主要经济指标完成情况”中，指标“地区生产总值”（gdp）的名称填写为"
        "“GDP总量”，与指标目录不一致"
    ) in text
    # W4: the unit, the form, due and received in Beijing time; a form named from the file
    assert "区招商局的“招商引资签约项目”逾期报送（截止7月5日，7月8日16:00接收）" in text
    assert "区卫计委的“重点项目建设进展月报”逾期报送" in text
    # W5: the revised month named, by whom
    assert (
        "已发布的2019年5月数据收到更正：区发展改革局重新报送“主要经济指标完成情况”（第2版）" in text
    )
    assert "本次发布同时更正了2019年5月的数据" in text
    # passed checks are not warnings; nothing of the engineers' wording
    assert "增速较上月变动超过15个百分点" not in text and "项目累计投资前后衔接" not in text
    for word in ENGINEER_WORDS:
        assert word not in text.lower(), word
    section = quality.build(load(MONTH, p.published, p.reports))
    assert section.figures()["quality.warnings"] == 4
    table = section.tables[0]
    assert [r[0] for r in table.rows] == ["W2", "W3", "W4", "W5"]
    assert [r[3] for r in table.rows] == [2, 1, 2, 1]
    assert table.rows[0][1] == "在建项目连续三个月无投资"


def test_the_page_says_it_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZONEWH_BULLETIN_PDF", "0")
    p = _home(tmp_path, {ATTEMPT: REPORT})
    html, xlsx = write_bulletin("2019-06", p)
    page = html.read_text(encoding="utf-8")
    assert "“示范区重点项目002”（XM2019002）状态为在建，已连续三个月无投资" in page
    for word in ENGINEER_WORDS:
        assert word not in page.lower(), word
    import openpyxl

    cells = [
        c
        for row in openpyxl.load_workbook(xlsx)["数据质量"].iter_rows(values_only=True)
        for c in row
        if isinstance(c, str)
    ]
    assert any("已连续三个月无投资" in c for c in cells)
    assert not any("w2_project_idle" in c for c in cells)


def test_earlier_report_format_in_plain_chinese(tmp_path: Path) -> None:
    p = _home(tmp_path, {ATTEMPT: EARLIER_FORMAT})
    text = _text(p)
    assert "在建项目连续三个月无投资，共1处" in text
    assert "区国土建设环保局负责的“示范区重点项目002”（XM2019002）" in text
    assert "已发布月份被更正" in text and "已发布的2019年5月数据收到更正报表" in text
    for word in ENGINEER_WORDS:
        assert word not in text.lower(), word


def test_the_report_of_the_publishing_attempt(tmp_path: Path) -> None:
    """The publication's own report, not the latest passing one; that one as a fallback."""
    later = {"attempt_id": "20190709T000000Z-zzzzzz", "passed": True, "warnings": []}
    failed = {"attempt_id": "20190710T000000Z-yyyyyy", "passed": False, "warnings": []}
    p = _home(
        tmp_path,
        {ATTEMPT: REPORT, "20190709T000000Z-zzzzzz": later, "20190710T000000Z-yyyyyy": failed},
    )
    chosen = read_gate_report(p.reports, "2019-06", ATTEMPT)
    assert chosen is not None and chosen.attempt_id == ATTEMPT
    assert [w.code for w in chosen.warnings] == ["W2", "W3", "W4", "W5"]
    assert chosen.revised_months == ["2019-05"]
    fallback = read_gate_report(p.reports, "2019-06", "20190601T000000Z-gone00")
    assert fallback is not None and fallback.attempt_id == "20190709T000000Z-zzzzzz"
    assert read_gate_report(p.reports, "2019-06", "../../etc/passwd").attempt_id == (
        "20190709T000000Z-zzzzzz"
    )
    assert read_gate_report(p.reports, "2019-07", ATTEMPT) is None


def test_an_unreadable_report_gives_no_warnings(tmp_path: Path) -> None:
    p = _home(tmp_path, {ATTEMPT: REPORT})
    (p.reports / "2019-06" / "gate" / f"{ATTEMPT}.json").write_text("{not json", "utf-8")
    text = _text(p)
    assert "质量报告未找到" in text  # the log counts 3 warnings, the report is gone
