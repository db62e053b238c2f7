"""Economic indicators and targets: the 2014-12 cluster output, the 2019-06 figures, and
the calendar, chain and growth rules every month.

The files are read back with openpyxl and csv (`demo_readback`), independently of the intake
code.
"""

from __future__ import annotations

from datetime import date

from demo_readback import MONEY, num

from ingest.reference import load_reference
from zonewh.demo import DEMO_MONTHS


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
