"""What the sections share: display orders, labels, phrases and the year-to-date label.

The bulletin reads only the published file: the orders of 级别 and 类别 and the fallback
form names are its own (values it does not know are shown after the known ones).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ..data import BulletinData
from ..model import Fig, is_missing, trim

LEVELS = ("省重点", "市重点", "区重点")
"""Project levels in display order."""
CATEGORIES = ("工业", "服务业", "基础设施", "社会事业", "房地产", "农业")
"""Project categories in display order."""
FORM_NAMES = {
    "econ_indicators": "主要经济指标完成情况",
    "key_project_plan": "年度重点项目计划表",
    "annual_targets": "年度目标",
    "project_progress": "重点项目建设进展月报",
    "project_issues": "项目推进问题台账",
    "campaign_scores": "考核评分表",
    "investment_signings": "招商引资签约项目",
}
"""Form names used only when the published file has no marts.submissions.form_name."""

SIZE_BANDS = (">=10亿", "1-10亿", "<1亿")
SIZE_BAND_LABELS = {">=10亿": "10亿元以上", "1-10亿": "1亿元至10亿元", "<1亿": "1亿元以下"}
GROUP_LABELS = {"town": "乡镇（街道）", "village": "行政村", "department": "区直部门"}
STATUS_LABELS = {
    "on_time": "按时报送",
    "late": "逾期报送",
    "rejected": "退回未重报",
    "missing": "未报送",
    "waived": "免报",
}
LIST_LABELS = {"red": "红榜", "black": "黑榜"}


def pct_fig(key: str, value: float | None) -> Fig:
    return Fig(key, value, "—" if is_missing(value) else f"{value:.1f}%")


def pp_phrase(key: str, gap: float) -> list[Any]:
    """`超时间进度0.4个百分点` / `低于时间进度3.0个百分点` / `与时间进度持平`."""
    rounded = round(gap, 1)
    if rounded > 0:
        return ["超时间进度", Fig(key, gap, f"{rounded:.1f}"), "个百分点"]
    if rounded < 0:
        return ["低于时间进度", Fig(key, gap, f"{-rounded:.1f}"), "个百分点"]
    return ["与时间进度持平", Fig(key, gap, "")]


def ytd_label(month: dt.date) -> str:
    """`1-6月` (`1月` in January)."""
    return "1月" if month.month == 1 else f"1-{month.month}月"


def ordered(values: Iterable[str | None], order: tuple[str, ...]) -> list[str]:
    """The distinct values in display order: the known ones first, then the rest sorted."""
    present = {v for v in values if v}
    return [v for v in order if v in present] + sorted(present - set(order))


def form_name(data: BulletinData, code: str | None) -> str:
    """A form's name: as published, else the bulletin's own name, else the code."""
    if not code:
        return ""
    return data.form_names.get(code) or FORM_NAMES.get(code) or code


def lagging_points(data: BulletinData) -> str:
    """The lagging threshold as written in prose: `10` for −10 points."""
    return trim(abs(data.lagging_threshold_pp), 1)
