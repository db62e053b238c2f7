"""Months and submission times of the demo, in China Standard Time.

Returns for month M arrive in working hours in the first days of M+1, before the due day
(the 5th); the year's plan and targets arrive on 24 January. The one late file and the
rejected and corrected files have their own times (see `imperfections`).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from ..config import CST


def first_day(month: str) -> date:
    """The first day of a `YYYY-MM` month."""
    return date(int(month[:4]), int(month[5:7]), 1)


def last_day(year: int, month: int) -> date:
    """The last day of a month."""
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def submitted_at(rng: random.Random, month: str, day_from: int = 1, day_to: int = 4) -> datetime:
    """A working-hours time in the first days of the month after `month` (CST)."""
    year, mon = int(month[:4]), int(month[5:7])
    following = date(year + (mon == 12), mon % 12 + 1, 1)
    day = following.replace(day=rng.randint(day_from, day_to))
    return datetime(
        day.year,
        day.month,
        day.day,
        rng.randint(8, 17),
        rng.randint(0, 59),
        rng.randint(0, 59),
        tzinfo=CST,
    )


def plan_submitted_at(rng: random.Random, year: int) -> datetime:
    """When the year's key-project plan arrives: 24 January, in the 9 o'clock hour."""
    return datetime(year, 1, 24, 9, rng.randint(0, 59), rng.randint(0, 59), tzinfo=CST)


def targets_submitted_at(rng: random.Random, year: int) -> datetime:
    """When the year's annual targets arrive: 24 January, in the 10 o'clock hour."""
    return datetime(year, 1, 24, 10, rng.randint(0, 59), 0, tzinfo=CST)
