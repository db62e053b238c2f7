"""Investment signings (招商引资签约): the projects the zone signs each month.

2014's signings are drawn (none in the header-only months of `imperfections`); 2019 H1
takes the 25 calibrated amounts of `calibration.SIGNINGS_2019` (125 亿 in all). A few
large 2019 signings name the plan project they became.
"""

from __future__ import annotations

import random
from datetime import date

from .draw import random_stream
from .files import Cell
from .imperfections import HEADER_ONLY_SIGNING_MONTHS_2014
from .names import INDUSTRIES, INVESTORS, SIGNING_NAMES
from .projects import Project
from .timing import last_day


def signings_2014(seed: int) -> dict[int, tuple[float, ...]]:
    """The 2014 signing amounts (亿元) by month."""
    rng = random_stream(seed, "signings2014")
    out: dict[int, tuple[float, ...]] = {}
    for m in range(1, 13):
        n = 0 if m in HEADER_ONLY_SIGNING_MONTHS_2014 else rng.randint(1, 4)
        out[m] = tuple(
            round(rng.choice((0.3, 0.8, 1.5, 2.0, 3.5, 5.0, 8.0, 12.0)) * rng.uniform(0.8, 1.2), 2)
            for _ in range(n)
        )
    return out


def signing_rows(
    year: int, month: int, amounts: tuple[float, ...], rng: random.Random, plan: list[Project]
) -> list[list[Cell]]:
    """The signing rows of one month, one per amount, dated within the month."""
    rows: list[list[Cell]] = []
    last = last_day(year, month).day
    days = sorted(rng.randint(1, last) for _ in amounts)
    if year == 2019 and month == 6 and days:
        days[-1] = 30  # written `2019年6月30日` (`imperfections`)
    for i, (amount, day) in enumerate(zip(amounts, days)):
        n = (month * 7 + i * 5 + year) % len(SIGNING_NAMES)
        landed = None
        if amount >= 10 and plan and year == 2019:
            landed = plan[(month * 11) % len(plan)].code if month in (1, 3) else None
        rows.append(
            [
                f"QY{year}{month:02d}{i + 1:02d}",
                f"{SIGNING_NAMES[n]}项目",
                INVESTORS[(n + i + month) % len(INVESTORS)],
                date(year, month, day),
                amount,
                INDUSTRIES[n % len(INDUSTRIES)],
                landed,
            ]
        )
    return rows
