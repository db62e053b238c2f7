"""Key projects: the 2014-11 and 2019-06 seed facts, and exact year-to-date chains.

The files are read back with openpyxl and csv (`demo_readback`), independently of the intake
code.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from demo_readback import form_rows, num, plan_rows

from ingest.reference import load_reference
from zonewh.demo import DEMO_MONTHS


def test_2014_11_key_projects(current) -> None:
    plan = plan_rows(current, 2014)
    assert len(plan) == 34
    assert Counter(r["项目类别"] for r in plan) == {
        "工业": 18,
        "服务业": 10,
        "基础设施": 1,
        "社会事业": 3,
        "房地产": 2,
    }
    assert round(sum(num(r["总投资(亿元)"]) for r in plan), 2) == 245.79
    annual_wan = sum(num(r["年度计划投资(亿元)"]) for r in plan) * 10_000
    progress = form_rows(current, "2014-11", "project_progress")
    assert sorted(r["项目编号"] for r in progress) == sorted(r["项目编号"] for r in plan)
    ytd = sum(num(r["1-本月累计完成投资(万元)"], "万元") for r in progress)
    assert round(ytd / annual_wan * 100, 1) == 85.0


def test_project_ytd_chains_are_exact(current) -> None:
    ref = load_reference()
    for year, months in ((2014, DEMO_MONTHS[:12]), (2019, DEMO_MONTHS[12:])):
        total = {r["项目编号"]: num(r["总投资(亿元)"]) * 10_000 for r in plan_rows(current, year)}
        last: dict[str, float] = {}
        for month in months:
            for r in form_rows(current, month, "project_progress"):
                code = r["项目编号"]
                invested = num(r["本月完成投资(万元)"], "万元")
                ytd = num(r["1-本月累计完成投资(万元)"], "万元")
                assert invested >= 0
                assert abs(last.get(code, 0.0) + invested - ytd) < 1e-6, (month, code)
                assert ytd <= total[code]
                last[code] = ytd
        for r in plan_rows(current, year):
            assert 0 <= num(r["年度计划投资(亿元)"]) <= num(r["总投资(亿元)"])
            assert ref.resolve_unit(str(r["责任单位"]), date(year, 1, 1)) is not None


def test_2019_06_key_projects(current) -> None:
    plan = plan_rows(current, 2019)
    assert len(plan) == 119
    assert Counter(r["项目级别"] for r in plan) == {"省重点": 1, "市重点": 16, "区重点": 102}
    assert round(sum(num(r["总投资(亿元)"]) for r in plan), 2) == 417.0
    annual = {r["项目编号"]: num(r["年度计划投资(亿元)"]) * 10_000 for r in plan}
    progress = form_rows(current, "2019-06", "project_progress")
    ytd = {r["项目编号"]: num(r["1-本月累计完成投资(万元)"], "万元") for r in progress}
    assert set(ytd) == set(annual)
    assert round(sum(ytd.values())) == 652_000
    assert round(sum(ytd.values()) / sum(annual.values()) * 100, 1) == 50.4
    key = [r["项目编号"] for r in plan if r["项目级别"] in ("省重点", "市重点")]
    mengniu = [r for r in plan if r["项目级别"] == "省重点"]
    assert "蒙牛" in str(mengniu[0]["项目名称"])
    done = sum(ytd[c] for c in key) / sum(annual[c] for c in key) * 100
    assert round(done, 1) == 84.0
    assert round(done - 50, 1) == 34.0
    codes_2014 = {r["项目编号"] for r in plan_rows(current, 2014)}
    assert codes_2014 & set(annual), "some 2014 projects continue under the same code"
