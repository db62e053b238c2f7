"""一、主要经济指标: year to date, growth, target completion, city rank, change."""

from __future__ import annotations

from typing import Any

from ..data import BulletinData, Row
from ..model import Column, Fig, Section, Table, is_missing, trim, yi
from .common import pct_fig, ytd_label


def previous_growth(data: BulletinData, code: str, cluster: str) -> float | None:
    """The growth rate of the indicator's latest earlier report in the same year."""
    earlier = [
        r
        for r in data.indicators
        if r["indicator_code"] == code
        and (r["cluster"] or "") == cluster
        and r["month"] < data.month
    ]
    if not earlier:
        return None
    return max(earlier, key=lambda r: r["month"])["yoy_growth_pct"]


def _value_and_unit(row: Row) -> tuple[float | None, str]:
    """Money indicators in 亿元 (stored 万元); others in their own unit."""
    if row["unit"] == "万元":
        v = row["value_ytd"]
        return (None if is_missing(v) else v / 10000.0), "亿元"
    return row["value_ytd"], row["unit"]


def build(data: BulletinData) -> Section:
    """一、主要经济指标: year to date, growth, target completion, city rank, change."""
    s = Section("economy", "主要经济指标", "主要经济指标")
    order = {c["indicator_code"]: i for i, c in enumerate(data.catalog)}
    rows = sorted(
        (r for r in data.indicators if r["month"] == data.month and not r["cluster"]),
        key=lambda r: order.get(r["indicator_code"], 99),
    )
    table = Table(
        "economy",
        f"{ytd_label(data.month)}主要经济指标完成情况",
        [
            Column("指标"),
            Column("计量单位"),
            Column(f"{ytd_label(data.month)}累计", "num"),
            Column("同比增长(%)", "pct"),
            Column("较上期增速(百分点)", "pp"),
            Column("年度目标", "num"),
            Column("完成年度目标(%)", "pct"),
            Column("全市排名", "int"),
        ],
    )
    parts: list[Any] = [f"{ytd_label(data.month)}，"]
    for r in rows:
        code = r["indicator_code"]
        value, unit = _value_and_unit(r)
        target = r["annual_target"]
        if unit == "亿元" and not is_missing(target):
            target = target / 10000.0
        prev = previous_growth(data, code, "")
        change = (
            None
            if is_missing(prev) or is_missing(r["yoy_growth_pct"])
            else (r["yoy_growth_pct"] - prev)
        )
        table.rows.append(
            [
                r["indicator_name"],
                unit,
                value,
                r["yoy_growth_pct"],
                change,
                target,
                r["target_completion_pct"],
                r["city_rank"],
            ]
        )
        phrase: list[Any] = [r["indicator_name"]]
        if not is_missing(r["value_ytd"]):
            shown = (
                yi(r["value_ytd"])
                if r["unit"] == "万元"
                else (f"{trim(r['value_ytd'], 2)}{r['unit']}")
            )
            phrase.append(Fig(f"economy.{code}.value_ytd", r["value_ytd"], shown))
        if not is_missing(r["yoy_growth_pct"]):
            phrase += ["，同比增长", pct_fig(f"economy.{code}.growth", r["yoy_growth_pct"])]
        if not is_missing(r["city_rank"]):
            phrase += [
                "，增速居全市第",
                Fig(f"economy.{code}.rank", r["city_rank"], str(r["city_rank"])),
                "位",
            ]
        parts += phrase + ["；"]
    if rows:
        parts[-1] = "。"
        s.paragraphs.append(parts)
        firsts = [r["indicator_name"] for r in rows if r["city_rank"] == 1]
        if firsts:
            s.paragraphs.append(
                [
                    "增速居全市第一的指标：",
                    Fig.count("economy.first_count", len(firsts)),
                    "项（" + "、".join(firsts) + "）。",
                ]
            )
    else:
        s.paragraphs.append(["本月无主要经济指标数据。"])
    s.tables.append(table)
    clusters = sorted(
        (r for r in data.indicators if r["month"] == data.month and r["cluster"]),
        key=lambda r: (order.get(r["indicator_code"], 99), r["cluster"]),
    )
    if clusters:
        ct = Table(
            "economy_clusters",
            "分产业集群",
            [
                Column("指标"),
                Column("产业集群"),
                Column("计量单位"),
                Column(f"{ytd_label(data.month)}累计", "num"),
                Column("同比增长(%)", "pct"),
                Column("年度目标", "num"),
                Column("完成年度目标(%)", "pct"),
            ],
        )
        for r in clusters:
            value, unit = _value_and_unit(r)
            target = r["annual_target"]
            if unit == "亿元" and not is_missing(target):
                target = target / 10000.0
            ct.rows.append(
                [
                    r["indicator_name"],
                    data.cluster_names.get(r["cluster"], r["cluster"]),
                    unit,
                    value,
                    r["yoy_growth_pct"],
                    target,
                    r["target_completion_pct"],
                ]
            )
        s.tables.append(ct)
    return s
