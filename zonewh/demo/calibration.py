"""The seed facts the demo reproduces, and every number tuned to reproduce them.

The seed facts are those of `docs/DOMAIN.md`. Publishing the demo months yields them, exactly
where a figure is exact (the demo tests recompute each one from the written files):

| month | seed fact | tuned by |
| --- | --- | --- |
| 2014-11 | 34 key projects: 工业 18, 服务业 10, 基础设施 1, 社会事业 3, 房地产 2; total investment 245.79 亿元; 85% of the year's plan done | `CALIBRATION` plan_2014_*, ytd_2014_11_wan |
| 2014-11 | their issues: 51, owned by 16 departments; 44 resolved, 6 being resolved, 1 open | `CALIBRATION` issues_2014_11, `ISSUE_OWNERS_2014` |
| 2014-12 | cluster output: 装备 180 亿 +18.5%, 新材料 30 亿 +44%, 电子信息 1 亿, 食品 70 亿 +16.7%; total 281 亿 +20.9%, met at 100% of target; 18 new above-scale enterprises (12/3/1/2), 87 in all | `SERIES_2014`, `TARGET_IS_OUTCOME` |
| 2014-08, 2014-09 | Beautiful Village rankings; rewards over the two months 26 万元 | `CALIBRATION` mlxc_rewards_2014_08_09_wan, `YEAR_LAST_TOWN` |
| 2019-06 | H1: GDP 74 亿 +8.7% (rank 2); tertiary VA +10.5%, industrial VA +9.2%, FAI +19.5% (rank 1 each); retail +11%; budget revenue 6.23 亿 +8% | `SERIES_2019` |
| 2019-06 | 119 key projects (省 1, 市 16, 区 102), 417 亿; 65.2 亿 done in H1 = 50.4% of plan; Mengniu and the 16 city projects at 84%, 34 points ahead of time progress | `CALIBRATION` plan_2019_*, key_2019_*, ytd_2019_06_wan; `PLAN_2019_CATEGORIES`, `MENGNIU_2019_*`, `KEY_2019_*` |
| 2019-06 | H1 signings: 25 projects, 125 亿; 5 of ≥ 10 亿, 10 of 1–10 亿, 10 below 1 亿 | `CALIBRATION` signings_2019_h1, `SIGNINGS_2019` |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MONTHS_2014 = tuple(f"2014-{m:02d}" for m in range(1, 13))
MONTHS_2019 = tuple(f"2019-{m:02d}" for m in range(1, 7))
DEMO_MONTHS: tuple[str, ...] = MONTHS_2014 + MONTHS_2019
"""The 18 demo months, in order."""

CALIBRATION: dict[str, Any] = {
    "plan_2014_categories": {"工业": 18, "服务业": 10, "基础设施": 1, "社会事业": 3, "房地产": 2},
    "plan_2014_total_yi": 245.79,
    "plan_2014_annual_plan_yi": 62.40,
    "ytd_2014_11_wan": 530400,
    "issues_2014_11": {"total": 51, "departments": 16, "已解决": 44, "解决中": 6, "未解决": 1},
    "plan_2019_count": 119,
    "plan_2019_levels": {"省重点": 1, "市重点": 16, "区重点": 102},
    "plan_2019_total_yi": 417.00,
    "plan_2019_annual_plan_yi": 129.37,
    "ytd_2019_06_wan": 652000,
    "key_2019_annual_plan_yi": 40.00,
    "key_2019_ytd_wan": 336000,
    "signings_2019_h1": {"count": 25, "total_yi": 125.0, ">=10亿": 5, "1-10亿": 10, "<1亿": 10},
    "mlxc_rewards_2014_08_09_wan": 26.0,
}
"""The figures the demo is built to reproduce (the tests recompute them from the files)."""

SEASON = (0.35, 0.45, 0.85, 0.95, 1.0, 1.05, 0.9, 0.95, 1.05, 1.1, 1.1, 1.25)
"""Monthly weights of flow values (Spring Festival low, year-end rush)."""

# ---------------------------------------------------------------- key projects

PLAN_2019_CATEGORIES = {
    "工业": 44,
    "服务业": 25,
    "基础设施": 22,
    "社会事业": 12,
    "房地产": 8,
    "农业": 8,
}
"""The 119 projects of 2019 by category (Mengniu, the first, is 工业)."""

MENGNIU_2019_TOTAL_C = 1500
"""Mengniu's total investment, in hundredths of 亿元 (15 亿)."""
MENGNIU_2019_PLAN_C = 500
"""Mengniu's 2019 planned investment, in hundredths of 亿元 (5 亿)."""
KEY_2019_TOTAL_SHARE = 0.34
"""The share of the 2019 plan's total investment held by Mengniu and the 16 city projects."""
KEY_2019_DONE_PCT = 84
"""Mengniu and every city project have done exactly this percentage of their plan by June."""

# ---------------------------------------------------------------- issues

ISSUE_OWNERS_2014 = (
    "lce",
    "pla",
    "ucm",
    "pol",
    "trn",
    "wat",
    "cvr",
    "fin",
    "drc",
    "hfp",
    "edu",
    "soc",
    "mkt",
    "saf",
    "hrs",
    "fio",
)
"""The 16 departments that own the 2014 issues."""

# ---------------------------------------------------------------- campaigns

YEAR_LAST_TOWN = "ymz"
"""The town that scores lowest in every Beautiful Village month (the year's last)."""

# ---------------------------------------------------------------- signings

SIGNINGS_2019 = (
    (1, (12.0, 3.8, 0.35)),
    (2, (6.5, 0.5)),
    (3, (15.0, 5.0, 4.2, 0.45, 0.6)),
    (4, (10.0, 8.0, 3.0, 0.4)),
    (5, (18.0, 5.5, 2.5, 0.35, 0.5)),
    (6, (20.0, 4.0, 3.0, 0.5, 0.4, 0.45)),
)
"""2019 H1 signings (亿元) by month: 25 in all, 125 亿; 5 ≥ 10, 10 in 1–10, 10 below 1."""

# ---------------------------------------------------------------- economic indicators


@dataclass(frozen=True)
class Series:
    """An indicator (× cluster) in one year: its value and growth at the anchor month."""

    indicator: str
    cluster: str
    final: float | None
    """value_ytd at the anchor (catalog unit); None = growth only."""
    growth: float | None
    rank: int | None = None
    written_unit: str = "万元"


_YI = "亿元"

SERIES_2014: tuple[Series, ...] = (
    Series("gdp", "", 1_150_000, 10.2, 3),
    Series("va_tertiary", "", 420_000, 9.6, 2),
    Series("va_industry", "", 610_000, 13.5, 2),
    Series("fai", "", 1_620_000, 22.4, 1),
    Series("retail", "", 305_000, 12.8, 4),
    Series("budget_revenue", "", 52_000, 10.6, 3),
    Series("industry_output", "", 2_810_000, 20.9, 2, _YI),
    Series("industry_output", "equipment", 1_800_000, 18.5, None, _YI),
    Series("industry_output", "materials", 300_000, 44.0),
    Series("industry_output", "electronics", 10_000, 25.0),
    Series("industry_output", "food", 700_000, 16.7, None, _YI),
    Series("enterprises_above", "", 87, None, None, "家"),
    Series("enterprises_above", "equipment", 40, None, None, "家"),
    Series("enterprises_above", "materials", 14, None, None, "家"),
    Series("enterprises_above", "electronics", 5, None, None, "家"),
    Series("enterprises_above", "food", 22, None, None, "家"),
    Series("new_enterprises_above", "", 18, None, None, "家"),
    Series("new_enterprises_above", "equipment", 12, None, None, "家"),
    Series("new_enterprises_above", "materials", 3, None, None, "家"),
    Series("new_enterprises_above", "electronics", 1, None, None, "家"),
    Series("new_enterprises_above", "food", 2, None, None, "家"),
    Series("va_high_tech", "", None, 16.3, None),
    Series("patent_applications", "", 326, 18.0, None, "件"),
    Series("tech_contracts", "", 8_600, 24.0, None),
)
"""Every 2014 series at its December anchor (values in the catalog unit, 万元 for money)."""

SERIES_2019: tuple[Series, ...] = (
    Series("gdp", "", 740_000, 8.7, 2, _YI),
    Series("va_tertiary", "", 312_000, 10.5, 1),
    Series("va_industry", "", None, 9.2, 1),
    Series("fai", "", None, 19.5, 1),
    Series("retail", "", 186_000, 11.0, 3),
    Series("budget_revenue", "", 62_300, 8.0, 2, _YI),
    Series("industry_output", "", 1_720_000, 9.8, 2, _YI),
    Series("industry_output", "equipment", 960_000, 10.2, None, _YI),
    Series("industry_output", "materials", 230_000, 12.5),
    Series("industry_output", "electronics", 36_000, 15.0),
    Series("industry_output", "food", 410_000, 6.3, None, _YI),
    Series("industry_output", "biomed", 84_000, 21.0),
    Series("enterprises_above", "", 104, None, None, "家"),
    Series("enterprises_above", "equipment", 48, None, None, "家"),
    Series("enterprises_above", "materials", 16, None, None, "家"),
    Series("enterprises_above", "electronics", 7, None, None, "家"),
    Series("enterprises_above", "food", 21, None, None, "家"),
    Series("enterprises_above", "biomed", 5, None, None, "家"),
    Series("new_enterprises_above", "", 7, None, None, "家"),
    Series("new_enterprises_above", "equipment", 3, None, None, "家"),
    Series("new_enterprises_above", "materials", 1, None, None, "家"),
    Series("new_enterprises_above", "electronics", 1, None, None, "家"),
    Series("new_enterprises_above", "food", 1, None, None, "家"),
    Series("new_enterprises_above", "biomed", 1, None, None, "家"),
    Series("va_high_tech", "", None, 14.1, None),
    Series("patent_applications", "", 188, 21.3, None, "件"),
    Series("tech_contracts", "", 5_200, 18.0, None),
)
"""Every 2019 series at its June anchor (values in the catalog unit, 万元 for money)."""

TARGET_IS_OUTCOME = ("industry_output", "new_enterprises_above", "enterprises_above")
"""Indicators whose 2014 targets equal the 2014 outcome (the seed: targets met, 100%)."""
