"""The demo generator: deterministic, complete, and calibrated to the seed facts.

Every figure is recomputed here from the written files (read back with openpyxl and csv),
independently of the intake code.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from ingest.forms import FORMS
from ingest.reference import load_reference
from zonewh.config import CST
from zonewh.demo import (
    CORRECTED_FILE,
    DEMO_IMPERFECTIONS,
    DEMO_MONTHS,
    LATE_FILE,
    REJECTED_FILE,
    STALLED_PROJECT_2019,
    demo_files,
    write_demo,
)

MONEY = {"亿元": 10_000.0, "万元": 1.0, "元": 0.0001}


@dataclass
class Submitted:
    """One landing file read back: its rows as {header: cell}."""

    rel: str
    month: str
    unit: str
    form: str
    headers: list[str]
    rows: list[dict[str, object]]
    mtime: datetime


def _read_xlsx(path: Path) -> tuple[list[str], list[list[object]]]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    values = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return _table(values)


def _table(values: list[list[object]]) -> tuple[list[str], list[list[object]]]:
    """The header row (found by a known first header) and the data rows below it."""
    firsts = {f.headers[0] for f in FORMS.values()}
    start = next(i for i, r in enumerate(values) if r and r[0] in firsts)
    headers = [str(h) for h in values[start] if h not in (None, "")]
    data = []
    for r in values[start + 1 :]:
        cells = list(r) + [None] * (len(headers) - len(r))
        if all(c in (None, "") for c in cells):
            continue
        if isinstance(cells[0], str) and cells[0].startswith("填表人"):
            continue
        data.append(cells[: len(headers)])
    return headers, data


def _read_csv(path: Path) -> tuple[list[str], list[list[object]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    return _table([list(r) for r in csv.reader(io.StringIO(text))])


def _read_all(landing: Path) -> list[Submitted]:
    out = []
    for path in sorted(landing.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(landing).as_posix()
        month, unit, name = rel.split("/")
        form = next(c for c in sorted(FORMS, key=len, reverse=True) if name.startswith(c))
        headers, data = _read_xlsx(path) if path.suffix == ".xlsx" else _read_csv(path)
        rows = [dict(zip(headers, r)) for r in data]
        mtime = datetime.fromtimestamp(path.stat().st_mtime, CST)
        out.append(Submitted(rel, month, unit, form, headers, rows, mtime))
    return out


def num(value: object, unit: str | None = None) -> float | None:
    """A cell as a number: thousands separators, %, and 亿元/万元 suffixes (to `unit`)."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).replace(",", "").strip()
    m = re.fullmatch(r"([-+]?[\d.]+)(%|亿元|万元|元)?", text)
    assert m, f"not a number: {value!r}"
    n = float(m.group(1))
    if m.group(2) in MONEY:
        assert unit is not None, f"money suffix without a unit: {value!r}"
        n = n * MONEY[m.group(2)] / MONEY[unit]
    return n


def day(value: object) -> date:
    """A cell as a date: Excel date, ISO text or `2019年6月30日`."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?", text)
    assert m, f"not a date: {value!r}"
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "landing"
    months = write_demo(root)
    assert months == list(DEMO_MONTHS)
    return root


@pytest.fixture(scope="module")
def files(landing: Path) -> list[Submitted]:
    return _read_all(landing)


@pytest.fixture(scope="module")
def current(files: list[Submitted]) -> dict[tuple[str, str, str], Submitted]:
    """The current version of each (month, unit, form): the latest file not rejected."""
    out: dict[tuple[str, str, str], Submitted] = {}
    for f in sorted(files, key=lambda f: f.mtime):
        if f.rel != REJECTED_FILE:
            out[(f.month, f.unit, f.form)] = f
    return out


def _form_rows(current, month: str, form: str) -> list[dict[str, object]]:
    return [r for (m, _, fc), f in current.items() if m == month and fc == form for r in f.rows]


def _plan(current, year: int) -> list[dict[str, object]]:
    return current[(f"{year}-01", "drc", "key_project_plan")].rows


# ---------------------------------------------------------------- determinism and layout


def _digest(root: Path) -> dict[str, tuple[str, int]]:
    return {
        p.relative_to(root).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_two_runs_write_identical_bytes_and_times(landing: Path, tmp_path: Path) -> None:
    write_demo(tmp_path / "again")
    first, second = _digest(landing), _digest(tmp_path / "again")
    assert len(first) > 400
    assert first == second


def test_another_seed_changes_the_data_but_not_the_facts() -> None:
    def plan(seed: int) -> list[list[object]]:
        return next(
            f.rows for f in demo_files(seed) if f.path == "2014-01/drc/key_project_plan.xlsx"
        )

    other, default = plan(7), plan(2014)
    col = FORMS["key_project_plan"].headers.index("总投资(亿元)")
    assert round(sum(r[col] for r in other), 2) == 245.79
    assert [r[col] for r in other] != [r[col] for r in default]


def test_every_file_has_the_registry_headers_and_a_known_place(files: list[Submitted]) -> None:
    ref = load_reference()
    for f in files:
        assert tuple(f.headers) == FORMS[f.form].headers, f.rel
        assert f.month in DEMO_MONTHS
        assert ref.unit(f.unit, date.fromisoformat(f.month + "-01")) is not None, f.rel


def test_xlsx_files_carry_title_unit_and_footer_rows(landing: Path) -> None:
    path = landing / "2014-11/drc/econ_indicators.xlsx"
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = [r for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    assert rows[0][0] == "2014年11月主要经济指标完成情况"
    assert str(rows[1][0]).startswith("填报单位：区发展改革局")
    assert any(str(c).startswith("填报日期：") for c in rows[1] if c)
    assert str(rows[-1][0]).startswith("填表人：") and "审核人：" in str(rows[-1][0])


def test_every_expected_submission_is_present_and_on_time(files: list[Submitted], current) -> None:
    ref = load_reference()
    late = {i.path for i in DEMO_IMPERFECTIONS if i.kind == "late"}
    for f in files:
        first = date.fromisoformat(f.month + "-01")
        due = (first + timedelta(days=32)).replace(day=5)
        end_of_due = datetime(due.year, due.month, due.day, 23, 59, 59, tzinfo=CST)
        if f.rel in late:
            assert f.mtime > end_of_due, f.rel
        else:
            assert f.mtime <= end_of_due, f.rel
            assert f.mtime.date() >= first, f.rel
    for month in DEMO_MONTHS:
        on = date.fromisoformat(month + "-01")
        year = on.year
        expected = {("drc", "econ_indicators"), ("ist", "investment_signings")}
        if on.month == 1:
            expected |= {("drc", "key_project_plan"), ("drc", "annual_targets")}
        for c in ref.campaigns_running(on):
            expected.add((c.lead_unit, "campaign_scores"))
        for r in _plan(current, year):
            unit = ref.resolve_unit(str(r["责任单位"]), on)
            expected |= {(unit.code, "project_progress"), (unit.code, "project_issues")}
        found = {(u, fc) for (m, u, fc) in current if m == month}
        assert found == expected, month


# ---------------------------------------------------------------- 2014 seed facts


def test_2014_11_key_projects(current) -> None:
    plan = _plan(current, 2014)
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
    progress = _form_rows(current, "2014-11", "project_progress")
    assert sorted(r["项目编号"] for r in progress) == sorted(r["项目编号"] for r in plan)
    ytd = sum(num(r["1-本月累计完成投资(万元)"], "万元") for r in progress)
    assert round(ytd / annual_wan * 100, 1) == 85.0


def test_2014_11_issue_ledger(current) -> None:
    ref = load_reference()
    rows = _form_rows(current, "2014-11", "project_issues")
    assert len(rows) == 51
    assert len({r["问题编号"] for r in rows}) == 51
    owners = {ref.resolve_unit(str(r["责任部门"]), date(2014, 11, 1)) for r in rows}
    assert all(u is not None and u.unit_type == "department" for u in owners)
    assert len({u.code for u in owners}) == 16
    assert Counter(r["办理状态"] for r in rows) == {"已解决": 44, "解决中": 6, "未解决": 1}


def test_issue_ledgers_are_consistent_every_month(current) -> None:
    seen: dict[str, tuple[object, object]] = {}
    for (month, unit, form), f in sorted(current.items()):
        if form != "project_issues":
            continue
        progress = {r["项目编号"] for r in current[(month, unit, "project_progress")].rows}
        end = (date.fromisoformat(month + "-01") + timedelta(days=32)).replace(day=1)
        for r in f.rows:
            assert r["项目编号"] in progress, (f.rel, r)
            raised = day(r["提出日期"])
            assert raised < end
            assert day(r["解决时限"]) >= raised
            if r["办理状态"] == "已解决":
                assert raised <= day(r["解决日期"]) < end
            else:
                assert r["解决日期"] in (None, "")
            key = str(r["问题编号"])
            assert seen.setdefault(key, (r["项目编号"], raised)) == (r["项目编号"], raised)


def test_2014_12_cluster_output_meets_targets(current) -> None:
    econ = current[("2014-12", "drc", "econ_indicators")].rows
    targets = current[("2014-01", "drc", "annual_targets")].rows
    ref = load_reference()

    def cluster(text: object) -> str:
        return "" if text in (None, "") else ref.cluster(str(text)).code

    def by(rows, indicator, value_col):
        return {
            cluster(r["产业集群"]): (
                num(r[value_col], r["计量单位"] if r["计量单位"] in MONEY else None)
                * (MONEY.get(str(r["计量单位"]), 1.0)),
                r,
            )
            for r in rows
            if r["指标代码"] == indicator
        }

    out = by(econ, "industry_output", "1-本月累计")
    want = {
        "equipment": (1_800_000, 18.5),
        "materials": (300_000, 44.0),
        "electronics": (10_000, None),
        "food": (700_000, 16.7),
        "": (2_810_000, 20.9),
    }
    units = set()
    for c, (value, growth) in want.items():
        got, row = out[c]
        units.add(row["计量单位"])
        assert round(got) == value, c
        if growth is not None:
            assert num(row["同比增长(%)"]) == growth, c
        prior = num(row["上年同期累计"], None) * MONEY[str(row["计量单位"])]
        assert abs((got / prior - 1) * 100 - num(row["同比增长(%)"])) <= 0.1
    assert units == {"亿元", "万元"}
    assert sum(v for c, (v, _) in out.items() if c) <= out[""][0] * 1.005
    for indicator in ("industry_output", "new_enterprises_above", "enterprises_above"):
        col = "1-本月累计" if indicator != "enterprises_above" else "本月"
        got = {c: v for c, (v, _) in by(econ, indicator, col).items()}
        target = {c: v for c, (v, _) in by(targets, indicator, "年度目标值").items()}
        assert {c: round(v, 4) for c, v in got.items()} == {
            c: round(v, 4) for c, v in target.items()
        }, indicator
    new = {c: v for c, (v, _) in by(econ, "new_enterprises_above", "1-本月累计").items()}
    assert new == {"": 18, "equipment": 12, "materials": 3, "electronics": 1, "food": 2}
    above = by(econ, "enterprises_above", "本月")
    assert above[""][0] == 87
    assert sum(v for c, (v, _) in above.items() if c) <= 87


def _mlxc_totals(current, month: str) -> dict[str, dict[str, float]]:
    ref = load_reference()
    on = date.fromisoformat(month + "-01")
    totals: dict[str, dict[str, float]] = {
        "town": defaultdict(float),
        "village": defaultdict(float),
    }
    for r in current[(month, "agr", "campaign_scores")].rows:
        if r["考核项目"] != "mlxc":
            continue
        unit = ref.resolve_unit(str(r["被考核单位"]), on)
        assert unit is not None, r["被考核单位"]
        totals[unit.unit_type][unit.code] += num(r["得分"])
    return totals


def _ranks(totals: dict[str, float]) -> dict[str, int]:
    values = sorted(totals.values(), reverse=True)
    return {u: values.index(v) + 1 for u, v in totals.items()}


def test_mlxc_rewards_aug_sep_2014_total_26_wan(current) -> None:
    paid = 0.0
    for month in ("2014-08", "2014-09"):
        totals = _mlxc_totals(current, month)
        assert len(totals["town"]) == 6 and len(totals["village"]) == 104
        towns, villages = _ranks(totals["town"]), _ranks(totals["village"])
        assert sorted(r for r in towns.values() if r <= 3) == [1, 2, 3]
        assert sum(1 for r in villages.values() if r <= 10) == 10
        paid += sum({1: 4, 2: 3, 3: 2}.get(r, 0) for r in towns.values())
        paid += sum(0.4 for r in villages.values() if r <= 10)
    assert round(paid, 2) == 26.0


def test_mlxc_has_a_tie_lower_down_and_a_clear_year_last_town(current) -> None:
    ties = 0
    averages: dict[str, list[float]] = defaultdict(list)
    for month in ("2014-08", "2014-09", "2014-10", "2014-11", "2014-12"):
        totals = _mlxc_totals(current, month)
        counts = Counter(_ranks(totals["village"]).values())
        ties += sum(1 for rank, n in counts.items() if n > 1 and rank > 11)
        for town, score in totals["town"].items():
            averages[town].append(score)
    assert ties >= 1
    means = sorted(sum(v) / len(v) for v in averages.values())
    assert means[0] < means[1]


def test_campaign_scores_are_complete_and_within_maxima(current) -> None:
    ref = load_reference()
    for (month, unit, form), f in current.items():
        if form != "campaign_scores":
            continue
        on = date.fromisoformat(month + "-01")
        end = (on + timedelta(days=32)).replace(day=1)
        scored: dict[tuple[str, str], set[str]] = defaultdict(set)
        for r in f.rows:
            campaign = ref.campaign(str(r["考核项目"]))
            assert campaign is not None and campaign.lead_unit == unit
            assessed = ref.resolve_unit(str(r["被考核单位"]), on)
            assert assessed is not None, r["被考核单位"]
            crit = {c.criterion_code: c for c in ref.criteria(campaign.code, assessed.unit_type)}
            c = crit[str(r["考核内容"])]
            assert 0 <= num(r["得分"]) <= c.max_score
            assert on <= day(r["检查日期"]) < end
            scored[(campaign.code, assessed.code)].add(c.criterion_code)
        for (campaign, code), got in scored.items():
            group = ref.unit(code, on).unit_type
            assert got == {c.criterion_code for c in ref.criteria(campaign, group)}


# ---------------------------------------------------------------- chains and growth


def test_project_ytd_chains_are_exact(current) -> None:
    ref = load_reference()
    for year, months in ((2014, DEMO_MONTHS[:12]), (2019, DEMO_MONTHS[12:])):
        total = {r["项目编号"]: num(r["总投资(亿元)"]) * 10_000 for r in _plan(current, year)}
        last: dict[str, float] = {}
        for month in months:
            for r in _form_rows(current, month, "project_progress"):
                code = r["项目编号"]
                invested = num(r["本月完成投资(万元)"], "万元")
                ytd = num(r["1-本月累计完成投资(万元)"], "万元")
                assert invested >= 0
                assert abs(last.get(code, 0.0) + invested - ytd) < 1e-6, (month, code)
                assert ytd <= total[code]
                last[code] = ytd
        for r in _plan(current, year):
            assert 0 <= num(r["年度计划投资(亿元)"]) <= num(r["总投资(亿元)"])
            assert ref.resolve_unit(str(r["责任单位"]), date(year, 1, 1)) is not None


def test_indicators_follow_the_calendar_chains_and_growth_rules(current) -> None:
    ref = load_reference()
    last: dict[tuple[str, str], float] = {}
    for month in DEMO_MONTHS:
        on = date.fromisoformat(month + "-01")
        if on.month == 1:
            last.clear()
        rows = current[(month, "drc", "econ_indicators")].rows
        keys = [(r["指标代码"], r["产业集群"] or "") for r in rows]
        assert len(keys) == len(set(keys))
        for r in rows:
            ind = ref.indicator(str(r["指标代码"]))
            assert ind.is_reported_in(on), (month, ind.code)
            unit = str(r["计量单位"])
            scale = MONEY.get(unit, 1.0)
            ytd = num(r["1-本月累计"], unit if unit in MONEY else None)
            if ind.kind == "flow" and not ind.is_value_optional:
                assert ytd is not None, (month, ind.code)
            if ytd is not None and ind.kind == "flow":
                key = (ind.code, str(r["产业集群"] or ""))
                assert ytd * scale >= last.get(key, 0.0), (month, key)
                last[key] = ytd * scale
            growth = num(r["同比增长(%)"])
            if ind.growth_basis != "none":
                assert growth is not None, (month, ind.code)
            prior = num(r["上年同期累计"], unit if unit in MONEY else None)
            if ind.growth_basis == "nominal" and ytd is not None:
                assert abs((ytd / prior - 1) * 100 - growth) <= 0.1, (month, ind.code)
            if r["全市排名"] not in (None, ""):
                assert 1 <= num(r["全市排名"]) <= 11


def test_2019_06_indicators(current) -> None:
    rows = {
        r["指标代码"]: r
        for r in current[("2019-06", "drc", "econ_indicators")].rows
        if not r["产业集群"]
    }

    def wan(code: str) -> float:
        r = rows[code]
        return num(r["1-本月累计"], str(r["计量单位"])) * MONEY[str(r["计量单位"])]

    assert round(wan("gdp")) == 740_000
    assert (num(rows["gdp"]["同比增长(%)"]), num(rows["gdp"]["全市排名"])) == (8.7, 2)
    assert (num(rows["va_tertiary"]["同比增长(%)"]), num(rows["va_tertiary"]["全市排名"])) == (
        10.5,
        1,
    )
    assert (num(rows["va_industry"]["同比增长(%)"]), num(rows["va_industry"]["全市排名"])) == (
        9.2,
        1,
    )
    assert rows["va_industry"]["1-本月累计"] in (None, "")
    assert (num(rows["fai"]["同比增长(%)"]), num(rows["fai"]["全市排名"])) == (19.5, 1)
    assert num(rows["retail"]["同比增长(%)"]) == 11.0
    assert round(wan("budget_revenue")) == 62_300
    assert num(rows["budget_revenue"]["同比增长(%)"]) == 8.0


def test_2019_06_key_projects(current) -> None:
    plan = _plan(current, 2019)
    assert len(plan) == 119
    assert Counter(r["项目级别"] for r in plan) == {"省重点": 1, "市重点": 16, "区重点": 102}
    assert round(sum(num(r["总投资(亿元)"]) for r in plan), 2) == 417.0
    annual = {r["项目编号"]: num(r["年度计划投资(亿元)"]) * 10_000 for r in plan}
    progress = _form_rows(current, "2019-06", "project_progress")
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
    codes_2014 = {r["项目编号"] for r in _plan(current, 2014)}
    assert codes_2014 & set(annual), "some 2014 projects continue under the same code"


def test_2019_h1_signings(current) -> None:
    amounts = []
    for month in DEMO_MONTHS[12:]:
        on = date.fromisoformat(month + "-01")
        for r in current[(month, "ist", "investment_signings")].rows:
            assert day(r["签约日期"]).replace(day=1) == on
            amounts.append(num(r["协议投资额(亿元)"], "亿元"))
    assert len(amounts) == 25
    assert round(sum(amounts), 2) == 125.0
    assert sum(a >= 10 for a in amounts) == 5
    assert sum(1 <= a < 10 for a in amounts) == 10
    assert sum(a < 1 for a in amounts) == 10


# ---------------------------------------------------------------- imperfections


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
