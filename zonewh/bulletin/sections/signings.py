"""三、招商引资签约: this month and year to date, by size band."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..data import BulletinData
from ..model import Column, Fig, Section, Table, yi
from .common import SIZE_BAND_LABELS, SIZE_BANDS, ytd_label


def build(data: BulletinData) -> Section:
    """三、招商引资签约: this month and year to date, by size band."""
    s = Section("signings", "招商引资签约", "招商引资签约")
    month_rows = [r for r in data.signings if r["month"] == data.month]
    ytd_rows = data.signings
    total = sum(r["agreed_investment_wan"] or 0 for r in ytd_rows)
    mtotal = sum(r["agreed_investment_wan"] or 0 for r in month_rows)
    band_count = {b: sum(r["size_band"] == b for r in ytd_rows) for b in SIZE_BANDS}
    para: list[Any] = [
        f"{ytd_label(data.month)}，全区签约项目",
        Fig.count("signings.ytd_count", len(ytd_rows)),
        "个，协议总投资",
        Fig("signings.ytd_wan", total, yi(total)),
        "，其中投资10亿元以上项目",
        Fig.count("signings.band.>=10亿", band_count[">=10亿"]),
        "个、1亿元至10亿元项目",
        Fig.count("signings.band.1-10亿", band_count["1-10亿"]),
        "个、1亿元以下项目",
        Fig.count("signings.band.<1亿", band_count["<1亿"]),
        f"个。{data.month.month}月签约项目",
        Fig.count("signings.month_count", len(month_rows)),
        "个，协议投资",
        Fig("signings.month_wan", mtotal, yi(mtotal)),
        "。",
    ]
    s.paragraphs.append(para)
    bt = Table(
        "signings_by_band",
        "按投资规模",
        [
            Column("投资规模"),
            Column("本月个数", "int"),
            Column("本月协议投资(亿元)", "yi"),
            Column("累计个数", "int"),
            Column("累计协议投资(亿元)", "yi"),
        ],
    )
    for b in SIZE_BANDS:
        m = [r for r in month_rows if r["size_band"] == b]
        y = [r for r in ytd_rows if r["size_band"] == b]
        bt.rows.append(
            [
                SIZE_BAND_LABELS[b],
                len(m),
                sum(r["agreed_investment_wan"] for r in m),
                len(y),
                sum(r["agreed_investment_wan"] for r in y),
            ]
        )
    bt.rows.append(["合计", len(month_rows), mtotal, len(ytd_rows), total])
    s.tables.append(bt)
    lt = Table(
        "signings_month",
        f"{data.month.month}月签约项目",
        [
            Column("签约编号"),
            Column("项目名称"),
            Column("投资方"),
            Column("签约日期", "date"),
            Column("协议投资(亿元)", "yi"),
            Column("落地项目编号"),
        ],
    )
    for r in sorted(month_rows, key=lambda r: (r["signed_on"] or dt.date.min, r["signing_code"])):
        lt.rows.append(
            [
                r["signing_code"],
                r["project_name"],
                r["investor"],
                r["signed_on"],
                r["agreed_investment_wan"],
                r["project_code"] or "",
            ]
        )
    s.tables.append(lt)
    return s
