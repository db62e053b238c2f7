"""What the sections share: labels, phrases and the year-to-date label."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..model import Fig, is_missing

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
