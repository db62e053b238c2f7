"""Receipts speak to the clerk who filled the form: the JSON receipt and its page name the
unit and the form in Chinese, times in Beijing time, each problem's Excel cell with its
header, the value, what was expected and what to do, lateness, and how, where and by when
to resubmit; a progress file sent before the year's plan is accepted is told why."""

from __future__ import annotations

import html
import json
import os
import re
from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter
from conftest import ECON_JAN, PLAN_ROWS, PROGRESS_LCE_JAN, SIGNINGS_JAN, Landing, default_time

from ingest.forms import FORMS
from ingest.intake import check_file, ingest_month
from ingest.settings import CST, IntakePaths
from ingest.status import month_status
from ingest.store import open_store


def receipt(home: IntakePaths, rel: str) -> dict:
    return json.loads((home.receipts / f"{rel}.json").read_text("utf-8"))


def page(home: IntakePaths, rel: str) -> str:
    """The receipt page's text, tags taken out and entities decoded."""
    text = (home.receipts / f"{rel}.html").read_text("utf-8")
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def write_offset_workbook(path: Path, form_code: str, rows: list[list]) -> Path:
    """A workbook whose table starts in column B under two title rows (header on row 3),
    submitted on time: cells are named by the letters Excel shows, not by the reader's
    column positions."""
    form = FORMS[form_code]
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("进展")
    ws.write_string(0, 1, form.title)
    ws.write_string(1, 1, "填报单位：区国土建设环保局")
    for j, header in enumerate(form.headers):
        ws.write_string(2, 1 + j, header)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if isinstance(value, datetime):
                ws.write_string(3 + i, 1 + j, value.strftime("%Y-%m-%d"))
            elif isinstance(value, (int, float)):
                ws.write_number(3 + i, 1 + j, value)
            elif value is not None:
                ws.write_string(3 + i, 1 + j, value)
    wb.close()
    stamp = default_time("2019-01").timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_a_late_but_accepted_file_is_told_it_was_late(home: IntakePaths, landing: Landing) -> None:
    landing.drop(
        "2019-01",
        "ist",
        "investment_signings",
        SIGNINGS_JAN,
        at=datetime(2019, 2, 6, 10, 0, tzinfo=CST),
    )
    landing.drop(
        "2019-01", "drc", "econ_indicators", ECON_JAN, at=datetime(2019, 2, 5, 23, 59, tzinfo=CST)
    )
    ingest_month("2019-01", home)
    late = receipt(home, "2019-01/ist/investment_signings.xlsx")
    assert (late["status"], late["verdict_zh"], late["is_late"]) == ("accepted", "已受理", True)
    # the contract's fields stay as they were
    assert late["submitted_at"] == "2019-02-06T10:00:00+08:00"
    assert (late["unit_code"], late["form_code"], late["version"]) == (
        "ist",
        "investment_signings",
        1,
    )
    assert (late["unit_name"], late["form_name"]) == ("区招商局", "招商引资签约项目")
    assert late["submitted_at_zh"] == "2019年2月6日 10:00"
    assert (late["due_on"], late["due_on_zh"]) == ("2019-02-05", "2019年2月5日")
    notice = (
        "本表于2019年2月6日 10:00报送，晚于截止时间2019年2月5日 24:00（北京时间），已按逾期记录"
    )
    assert late["late_notice_zh"] == notice
    assert late["message_zh"].startswith(
        "区招商局（ist）报送的2019年1月招商引资签约项目（investment_signings）（第 1 版）已受理，"
        "载入 2 行。"
    )
    assert notice in late["message_zh"]
    text = page(home, "2019-01/ist/investment_signings.xlsx")
    for words in (
        "已受理",
        notice,
        "区招商局（ist）",
        "招商引资签约项目（investment_signings）",
        "2019年2月6日 10:00（北京时间）",
        "2019年2月5日 24:00（北京时间），本次报送晚于截止时间",
        "如需更正",
        "第 2 版",
    ):
        assert words in text, words
    # a file in at 23:59 of the due day is on time: no notice
    on_time = receipt(home, "2019-01/drc/econ_indicators.xlsx")
    assert (on_time["is_late"], on_time["late_notice_zh"]) == (False, None)
    assert "晚于截止时间" not in page(home, "2019-01/drc/econ_indicators.xlsx")


def test_a_late_correction_keeps_the_on_time_record(home: IntakePaths, landing: Landing) -> None:
    landing.drop("2019-01", "ist", "investment_signings", SIGNINGS_JAN)
    landing.drop(
        "2019-01",
        "ist",
        "investment_signings",
        SIGNINGS_JAN[:1],
        name="investment_signings_更正.xlsx",
        at=datetime(2019, 2, 8, 9, 0, tzinfo=CST),
    )
    ingest_month("2019-01", home)
    correction = receipt(home, "2019-01/ist/investment_signings_更正.xlsx")
    assert (correction["version"], correction["is_late"]) == (2, True)
    assert correction["late_notice_zh"] == (
        "本表于2019年2月8日 09:00报送，晚于截止时间2019年2月5日 24:00（北京时间），"
        "作为更正版本受理；本表已有按时受理的版本（第 1 版），仍按按时报送记录"
    )
    rows = {(r.unit_code, r.form_code): r for r in month_status("2019-01", home)}
    assert rows[("ist", "investment_signings")].status == "on_time"


def test_a_rejected_file_names_cell_header_value_expected_and_what_to_do(
    home: IntakePaths, landing: Landing
) -> None:
    landing.drop("2019-01", "drc", "key_project_plan", PLAN_ROWS)
    rows = [r[:] for r in PROGRESS_LCE_JAN]
    rows[1][3] = "3000万吨"
    write_offset_workbook(
        landing.path("2019-01", "lce", "project_progress.xlsx"), "project_progress", rows
    )
    ingest_month("2019-01", home)
    r = receipt(home, "2019-01/lce/project_progress.xlsx")
    assert (r["status"], r["verdict_zh"], r["errors"]) == ("rejected", "退回", 1)
    (p,) = r["problems"]
    # the table starts in column B: 1-本月累计完成投资(万元) is column E, the second data row 5
    assert (p["sheet"], p["row"], p["column"], p["value"], p["cell"]) == (
        "进展",
        5,
        "1-本月累计完成投资(万元)",
        "3000万吨",
        "E5",
    )
    assert p["expected_zh"] == "应为数字（单位：万元）"
    assert p["fix_zh"].startswith("请只填写数字")
    assert p["message_zh"] == (
        "工作表“进展”E5 单元格（第 5 行，“1-本月累计完成投资(万元)”列）填写的值“3000万吨”："
        "应为数字（单位：万元）。怎么改：" + p["fix_zh"]
    )
    assert "(cell E5)" in p["message_en"] and "expected a number" in p["message_en"]
    how = r["how_to_resubmit"]
    assert (how["where"], how["is_portal"]) == ("landing/2019-01/lce/", False)
    assert how["by_zh"] == "2019年2月5日 24:00（北京时间）前"
    assert "新版本（第 2 版）" in how["version_zh"]
    assert "project_progress_第2版.xlsx" in how["file_name_zh"]
    assert r["message_zh"] == (
        "区国土建设环保局（lce）报送的2019年1月重点项目建设进展月报（project_progress）（第 1 版）"
        "退回：发现 1 个错误，本表未入库。请按问题清单修改后重新报送"
        "（截止时间：2019年2月5日 24:00（北京时间）前）。"
    )
    text = page(home, "2019-01/lce/project_progress.xlsx")
    headings = ["单元格", "列", "填写的值", "问题", "怎么改"]
    assert re.search(r"\s+".join(headings), text)
    for words in (
        "退回",
        "E5",
        "3000万吨",
        "应为数字（单位：万元）",
        p["fix_zh"],
        "以下单元格都在工作表“进展”中",
        "怎么重新报送",
        "放入报送文件夹 landing/2019-01/lce/",
        "2019年2月5日 24:00（北京时间）前",
        "再次报送的文件是新版本（第 2 版）",
    ):
        assert words in text, words
    # the raw store keeps the message naming the cell
    with open_store(home, read_only=True) as con:
        stored = con.execute("select message_zh from raw.problems").fetchall()
    assert stored == [(p["message_zh"],)]


def test_a_checked_upload_sends_a_resubmission_to_the_portal(
    home: IntakePaths, landing: Landing, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZONEWH_PORTAL_URL", "https://tb.example.gov.cn/upload")
    rows = [r[:] for r in SIGNINGS_JAN]
    rows[0][4] = "-5"
    landing.drop("2019-01", "ist", "investment_signings", rows)
    r = check_file(home, "2019-01/ist/investment_signings.xlsx")
    assert (r["status"], r["loaded"], r["version"]) == ("rejected", False, None)
    (p,) = r["problems"]
    assert (p["cell"], p["column"], p["value"]) == ("E5", "协议投资额(亿元)", "-5")
    assert (p["expected_zh"], p["fix_zh"]) == ("应大于 0", "请填写大于 0 的数")
    how = r["how_to_resubmit"]
    assert (how["where"], how["is_portal"]) == ("https://tb.example.gov.cn/upload", True)
    text = page(home, "2019-01/ist/investment_signings.xlsx")
    assert (
        "登录报送平台 https://tb.example.gov.cn/upload 上传（报告月份 2019-01，报送单位 ist）"
        in text
    )
    assert "已校验，待入库" in text and "再次报送的文件是新版本" in text


def test_growth_only_rows_may_say_percent_or_nothing(home: IntakePaths, landing: Landing) -> None:
    rows = [r[:] for r in ECON_JAN]
    rows[1][3] = "%"  # 规模以上工业增加值: only its growth
    rows.append(
        ["va_high_tech", "高技术产业增加值", None, None, None, None, None, "12.5", None, None]
    )
    landing.drop("2019-01", "drc", "econ_indicators", rows)
    ingest_month("2019-01", home)
    r = receipt(home, "2019-01/drc/econ_indicators.xlsx")
    assert (r["status"], r["verdict_zh"], r["problems"]) == ("accepted", "已受理", [])
    assert "已受理，载入 5 行" in r["message_zh"]
    assert "已受理" in page(home, "2019-01/drc/econ_indicators.xlsx")
    with open_store(home, read_only=True) as con:
        units = con.execute(
            "select indicator_code, unit from raw.econ_indicators order by source_row"
        ).fetchall()
    assert ("va_industry", "%") in units and ("va_high_tech", None) in units

    # a row carrying values is not growth-only: "%" there is still refused
    rows[0][3] = "%"
    landing.drop(
        "2019-01",
        "drc",
        "econ_indicators",
        rows,
        name="econ_indicators_2.xlsx",
        at=datetime(2019, 2, 4, 9, 0, tzinfo=CST),
    )
    ingest_month("2019-01", home)
    bad = receipt(home, "2019-01/drc/econ_indicators_2.xlsx")
    (p,) = bad["problems"]
    assert (p["rule"], p["cell"], p["value"]) == ("unit_convertible", "D5", "%")
    assert p["expected_zh"] == "应可换算为指标目录单位“万元”（只填同比增长的行可填“%”或留空）"
    assert "D5 单元格（第 5 行，“计量单位”列）填写的值“%”" in p["message_zh"]
    assert "只填同比增长的行可填“%”或留空" in page(home, "2019-01/drc/econ_indicators_2.xlsx")


def test_a_progress_file_before_the_plan_is_accepted_is_told_why(
    home: IntakePaths, landing: Landing
) -> None:
    bad_plan = [r[:] for r in PLAN_ROWS]
    bad_plan[0][6] = "十亿"
    landing.drop("2021-01", "drc", "key_project_plan", bad_plan)
    landing.drop("2021-01", "lce", "project_progress", PROGRESS_LCE_JAN)
    landing.drop(
        "2021-01", "lce", "project_progress", PROGRESS_LCE_JAN, name="区国土局1月重点项目进展.xlsx"
    )
    ingest_month("2021-01", home)
    cause = (
        "2021年度重点项目计划尚未受理（区发展改革局（drc）报送的年度重点项目计划表"
        "（key_project_plan），2021年1月的报表，2021年2月5日截止；已报送 1 次，均被退回），"
        "所以2021年1月还没有单位需要报送重点项目建设进展月报（project_progress）和"
        "项目推进问题台账（project_issues）"
    )
    action = (
        "请等待区发展改革局（drc）报送2021年的年度重点项目计划表（key_project_plan）"
        "（或联系其尽快报送），计划受理后再重新报送本表"
    )
    r = receipt(home, "2021-01/lce/project_progress.xlsx")
    (p,) = r["problems"]  # the cause alone: no row is blamed for a plan that is missing
    assert (p["rule"], p["value"]) == ("submitter_allowed", "lce")
    assert p["expected_zh"] == (
        f"区国土建设环保局（lce）本月不需要报送重点项目建设进展月报（project_progress）：{cause}"
    )
    assert p["fix_zh"] == action
    assert p["message_zh"] == f"{p['expected_zh']}。怎么办：{action}"
    assert "本月应报送该表的单位：无" not in p["message_zh"]
    assert "has not been accepted yet" in p["message_en"]
    assert r["message_zh"] == (
        "区国土建设环保局（lce）报送的2021年1月重点项目建设进展月报（project_progress）（第 1 版）"
        f"退回，本表未入库：{p['expected_zh']}。怎么办：{action}。"
    )
    assert cause in page(home, "2021-01/lce/project_progress.xlsx")

    # named in Chinese, its header row is the progress form's: the same cause
    named = receipt(home, "2021-01/lce/区国土局1月重点项目进展.xlsx")
    (q,) = named["problems"]
    assert q["rule"] == "unknown_form" and named["form_code"] is None
    assert q["expected_zh"] == (
        "文件名“区国土局1月重点项目进展.xlsx”不以报表代码开头；表头行是重点项目建设进展月报"
        "（project_progress）的表头，但区国土建设环保局（lce）本月暂不需要报送该表：" + cause
    )
    assert q["fix_zh"] == action
    text = page(home, "2021-01/lce/区国土局1月重点项目进展.xlsx")
    assert cause in text and action in text and "未能识别" in text

    # the status rows say the same
    rows = {(s.unit_code, s.form_code): s for s in month_status("2021-01", home)}
    assert rows[("lce", "project_progress")].status == "rejected"
    assert rows[("drc", "key_project_plan")].status == "rejected"
    for key in (("lce", "project_progress"), ("plan_responsible", "project_issues")):
        assert rows[key].note_zh == f"{cause}。怎么办：{action}", key
    assert rows[("plan_responsible", "project_issues")].status == "not_owed"
    assert rows[("lce", "project_progress")].unit_name == "区国土建设环保局"
