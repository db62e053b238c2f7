"""Economic indicators (主要经济指标) and annual targets (年度目标).

Each series of `calibration` (an indicator, perhaps by industrial cluster) is laid out month
by month so that its anchor month (2014-12, 2019-06) shows the calibrated value, growth and
rank: year-to-date chains rise, cluster values add up to the zone total, nominal growth
agrees with the values, quarterly indicators appear at quarter ends only.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ingest.reference import Reference

from .calibration import SEASON, TARGET_IS_OUTCOME, Series
from .draw import random_stream
from .files import Cell


@dataclass
class SeriesPath:
    """A series month by month: YTD value (catalog unit), month value, growth, rank."""

    series: Series
    ytd: dict[int, float | None]
    month_value: dict[int, float | None]
    prior: dict[int, float | None]
    growth: dict[int, float | None]
    rank: dict[int, int | None]


def cumulative_shares(rng: random.Random, months: int) -> list[float]:
    """The share of the year's total reached by each month, seasonal with some noise."""
    weights = [SEASON[m] * rng.uniform(0.85, 1.15) for m in range(months)]
    total = sum(weights)
    acc, out = 0.0, []
    for w in weights:
        acc += w
        out.append(acc / total)
    return out


def path_order(series: Sequence[Series]) -> list[Series]:
    """Clusters before their zone total; new enterprises before the enterprise counts."""
    by_cluster = {s.indicator for s in series if s.cluster}

    def key(s: Series) -> tuple[int, int]:
        return (s.indicator == "enterprises_above", s.cluster == "" and s.indicator in by_cluster)

    return sorted(series, key=key)


def series_paths(
    series: Sequence[Series], ref: Reference, year: int, anchor: int, seed: int
) -> list[SeriesPath]:
    """Monthly paths of every series of a year, consistent with its anchor-month figures."""
    rng = random_stream(seed, "econ", year)
    by_key: dict[tuple[str, str], SeriesPath] = {}
    months = range(1, anchor + 1)
    for s in path_order(series):
        ind = ref.indicator(s.indicator)
        if ind is None:
            raise ValueError(f"demo: indicator {s.indicator!r} not in the catalog")
        ytd: dict[int, float | None] = {m: None for m in months}
        month_value: dict[int, float | None] = {m: None for m in months}
        parts = [p for (i, c), p in by_key.items() if i == s.indicator and c]
        if s.final is None:
            pass
        elif s.indicator == "enterprises_above":
            new = by_key.get(("new_enterprises_above", s.cluster))
            base = int(s.final) - (int(new.ytd[anchor] or 0) if new else 0)
            for m in months:
                ytd[m] = month_value[m] = base + (int(new.ytd[m] or 0) if new else 0)
        elif s.cluster == "" and parts:
            for m in months:
                ytd[m] = sum(p.ytd[m] or 0 for p in parts)
                month_value[m] = sum(p.month_value[m] or 0 for p in parts)
        else:
            integer = ind.unit in ("家", "件")
            final = int(s.final)
            full = cumulative_shares(rng, 12)
            values = [round(final * x / full[anchor - 1]) for x in full[:anchor]]
            values[-1] = final
            prev = 0
            for m, v in zip(months, values):
                v = max(v, prev)
                ytd[m] = v if integer else float(v)
                month_value[m] = (v - prev) if ind.frequency == "monthly" else None
                prev = v
        growth: dict[int, float | None] = {}
        prior: dict[int, float | None] = {}
        rank: dict[int, int | None] = {}
        drift = rng.uniform(-3.0, 3.0)
        for m in months:
            g = None
            if s.growth is not None:
                g = round(s.growth + drift * (anchor - m) / anchor + rng.uniform(-0.6, 0.6), 1)
                if m == anchor:
                    g = s.growth
            value = ytd[m]
            prior[m] = None
            if g is not None and value:
                if ind.unit in ("家", "件"):
                    prior[m] = max(1, round(value / (1 + g / 100)))
                else:
                    prior[m] = round(value / (1 + g / 100), 2)
                g = round((value / prior[m] - 1) * 100, 1)
            growth[m] = g
            if s.cluster or s.growth is None:
                rank[m] = None
            elif m == anchor and s.rank is not None:
                rank[m] = s.rank
            else:
                rank[m] = rng.randint(1, 6)
        by_key[(s.indicator, s.cluster)] = SeriesPath(s, ytd, month_value, prior, growth, rank)
    return [by_key[(s.indicator, s.cluster)] for s in series]


def in_unit(value: float | None, unit: str) -> float | int | None:
    """A catalog-unit value expressed in the written unit (亿元 from 万元)."""
    if value is None:
        return None
    if unit == "亿元":
        return round(value / 10_000, 6)
    return value


def econ_rows(paths: list[SeriesPath], ref: Reference, month: int, on: date) -> list[list[Cell]]:
    """The indicator rows drc submits for `month`: every series the catalog reports then,
    clusters by name or code, money in the series' written unit."""
    rows: list[list[Cell]] = []
    for k, path in enumerate(paths):
        s = path.series
        ind = ref.indicator(s.indicator)
        assert ind is not None
        if not ind.is_reported_in(on):
            continue
        name = ind.name
        cluster = ""
        if s.cluster:
            c = ref.cluster(s.cluster, on)
            if c is None:
                continue
            cluster = c.name if (month + k) % 2 else c.code
        unit = s.written_unit
        note = None
        if s.indicator == "gdp" and month % 3 == 0:
            note = f"1-{month}月数据为季度核算数"
        rows.append(
            [
                s.indicator,
                name,
                cluster,
                unit,
                in_unit(path.month_value[month], unit),
                in_unit(path.ytd[month], unit),
                in_unit(path.prior[month], unit),
                path.growth[month],
                path.rank[month],
                note,
            ]
        )
    return rows


def targets_rows(paths: list[SeriesPath], ref: Reference, year: int) -> list[list[Cell]]:
    """Annual targets: 2014 output, new and total enterprises equal the year's outcome;
    other targets a little above it (2019: twice the first half, plus a little)."""
    rows: list[list[Cell]] = []
    on = date(year, 1, 1)
    for path in paths:
        s = path.series
        last = path.ytd[max(path.ytd)]
        if last is None or (s.cluster and ref.cluster(s.cluster, on) is None):
            continue
        if year == 2014 and s.indicator in TARGET_IS_OUTCOME:
            target: float = last
        else:
            scale = 12 / max(path.ytd)
            target = last * scale * 1.03 if s.indicator != "enterprises_above" else last + 3
            target = round(target, -2) if target > 10_000 else round(target)
        rows.append(
            [
                s.indicator,
                s.cluster,
                s.written_unit,
                in_unit(target, s.written_unit),
                s.growth,
            ]
        )
    return rows
