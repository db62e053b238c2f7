"""The deliberate imperfections are really in the files.

The files are read back with openpyxl and csv (`demo_readback`), independently of the intake
code.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from demo_readback import Submitted, num

from zonewh.config import CST
from zonewh.demo import (
    CORRECTED_FILE,
    DEMO_IMPERFECTIONS,
    LATE_FILE,
    REJECTED_FILE,
    STALLED_PROJECT_2019,
)


def test_imperfections_are_real(landing: Path, files: list[Submitted]) -> None:
    by_rel = {f.rel: f for f in files}
    assert {i.path for i in DEMO_IMPERFECTIONS} <= set(by_rel)
    late = by_rel[LATE_FILE]
    assert late.mtime == datetime(2014, 4, 8, 10, 23, tzinfo=CST)
    gb = landing / "2014-06/ist/investment_signings.csv"
    with pytest.raises(UnicodeDecodeError):
        gb.read_bytes().decode("utf-8")
    assert "签约编号" in gb.read_bytes().decode("gb18030")
    bom = (landing / "2014-10/drc/econ_indicators.csv").read_bytes()
    assert bom.startswith(b"\xef\xbb\xbf")
    text = bom.decode("utf-8-sig")
    assert re.search(r'"\d{1,3}(,\d{3})+', text) and re.search(r"\d%", text)
    signings = by_rel["2019-06/ist/investment_signings.xlsx"].rows
    assert any(re.fullmatch(r"2019年6月30日", str(r["签约日期"])) for r in signings)
    assert any(str(r["协议投资额(亿元)"]) == "5000万元" for r in signings)
    progress = by_rel["2019-04/lwj/project_progress.xlsx"].rows
    assert any(str(r["本月完成投资(万元)"]).endswith("亿元") for r in progress)
    econ = by_rel["2014-04/drc/econ_indicators.xlsx"].rows
    assert any(r["指标名称"] == "规上工业总产值" for r in econ)
    for rel in ("2014-02/ist/investment_signings.xlsx", "2014-07/ist/investment_signings.xlsx"):
        assert by_rel[rel].rows == []


def test_the_rejected_file_has_its_errors_and_the_correction_does_not(
    files: list[Submitted], current
) -> None:
    by_rel = {f.rel: f for f in files}
    bad, good = by_rel[REJECTED_FILE], by_rel[CORRECTED_FILE]
    assert good.mtime > bad.mtime
    assert current[("2014-05", "lce", "project_progress")].rel == CORRECTED_FILE
    april = {
        r["项目编号"]: num(r["1-本月累计完成投资(万元)"])
        for r in by_rel["2014-04/lce/project_progress.xlsx"].rows
    }
    chain_errors, missing = 0, 0
    for r in bad.rows:
        if r["本月完成投资(万元)"] in (None, ""):
            missing += 1
            continue
        expected = april[r["项目编号"]] + num(r["本月完成投资(万元)"])
        chain_errors += abs(expected - num(r["1-本月累计完成投资(万元)"])) > 1
    assert (chain_errors, missing) == (1, 1)
    for r in good.rows:
        expected = april[r["项目编号"]] + num(r["本月完成投资(万元)"])
        assert abs(expected - num(r["1-本月累计完成投资(万元)"])) < 1e-6


def test_one_2019_project_stalls_in_spring(current) -> None:
    rows = {
        month: next(
            r
            for r in current[(month, "trn", "project_progress")].rows
            if r["项目编号"] == STALLED_PROJECT_2019
        )
        for month in ("2019-03", "2019-04", "2019-05", "2019-06")
    }
    for month in ("2019-03", "2019-04", "2019-05"):
        assert num(rows[month]["本月完成投资(万元)"]) == 0
        assert rows[month]["项目状态"] == "在建"
    assert num(rows["2019-06"]["本月完成投资(万元)"]) > 0
