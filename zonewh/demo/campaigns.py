"""Campaign scores (考核评分): each lead office's monthly scores of the units it assesses.

Every running campaign scores its units per criterion, within each criterion's maximum.
Totals are drawn so the ranks that carry rewards are never tied: Beautiful Village (mlxc)
ranks its top three towns and top ten villages cleanly, keeps `YEAR_LAST_TOWN` last every
month and has one tie lower down; its villages of the year's creation list sit clearly in
the demonstration, standard or neither band.
"""

from __future__ import annotations

import random
from datetime import date

from ingest.reference import Reference, Unit

from .calibration import YEAR_LAST_TOWN
from .draw import random_stream, split_total_capped
from .files import Cell
from .names import DEDUCTIONS
from .timing import first_day, last_day

ZDGZ_UNITS = ("drc", "ist", "lce", "soc", "agr", "ucm")
"""The lead departments of the six key works (六项重点工作), assessed by ins."""


def _split_score(total_tenths: int, maxima: list[float], rng: random.Random) -> list[float]:
    """Split a total score (in tenths) over criteria, each within 0..its maximum."""
    caps = [round(mx * 10) for mx in maxima]
    parts = split_total_capped(total_tenths, [mx * rng.uniform(0.9, 1.1) for mx in maxima], caps)
    return [p / 10 for p in parts]


def _distinct_top(totals: dict[str, int], top: int) -> bool:
    """Whether ranks 1 to top+1 are held by distinct totals."""
    ranked = sorted(totals.values(), reverse=True)
    return len(set(ranked[: top + 1])) == min(top + 1, len(ranked))


def _campaign_totals(
    units: list[str],
    base: dict[str, float],
    rng: random.Random,
    top: int,
    last: str | None,
    tie_at: int | None = None,
) -> dict[str, int]:
    """Monthly totals (tenths) per unit: no ties at ranks 1..top+1, `last` strictly last,
    and (optionally) one tie lower down at rank `tie_at`."""
    for _ in range(200):
        totals = {
            u: round(min(99.5, max(55.0, base[u] + rng.gauss(0, 1.6))) * 2) * 5 for u in units
        }
        if last is not None:
            others = min(v for u, v in totals.items() if u != last)
            totals[last] = min(totals[last], others - 5)
        if tie_at is not None and len(units) > tie_at + 2:
            ranked = sorted(totals, key=lambda u: -totals[u])
            totals[ranked[tie_at]] = totals[ranked[tie_at - 1]]
        ranked_values = sorted(totals.values(), reverse=True)
        if _distinct_top(totals, top) and (last is None or ranked_values[-1] < ranked_values[-2]):
            return totals
    raise ValueError("demo: could not draw untied campaign totals")


def campaign_rows(
    ref: Reference, month: str, lead: str, seed: int, village_bases: dict[str, float]
) -> list[list[Cell]]:
    """Every row a lead office submits for the month: all its running campaigns."""
    on = first_day(month)
    end = last_day(on.year, on.month)
    rows: list[list[Cell]] = []
    for campaign in ref.campaigns_running(on):
        if campaign.lead_unit != lead:
            continue
        rng = random_stream(seed, "campaign", campaign.code, month)
        inspected = on.replace(day=rng.randint(18, min(27, end.day)))
        for group in campaign.unit_groups:
            criteria = ref.criteria(campaign.code, group)
            units = _campaign_units(ref, campaign.code, group, on)
            maxima = [c.max_score for c in criteria]
            grng = random_stream(seed, "bases", campaign.code, group)
            base = {u.code: grng.uniform(76, 92) for u in units}
            last = None
            top = 1
            tie = None
            if campaign.code == "mlxc" and group == "town":
                top, last = 3, YEAR_LAST_TOWN
            elif campaign.code == "mlxc" and group == "village":
                base = {u.code: village_bases[u.code] for u in units}
                top, tie = 10, len(units) // 2
            else:
                top, last = 1, min(base, key=lambda c: base[c])
            totals = _campaign_totals([u.code for u in units], base, rng, top, last, tie)
            for k, unit in enumerate(units):
                scores = _split_score(totals[unit.code], maxima, rng)
                label = _assessed_label(ref, unit, on, k)
                for crit, score in zip(criteria, scores):
                    reason = (
                        DEDUCTIONS.get(crit.criterion_code) if score < crit.max_score - 2 else None
                    )
                    rows.append(
                        [
                            campaign.code,
                            label,
                            crit.criterion_code,
                            score,
                            reason,
                            inspected,
                            (rng.randint(1, 4) if reason else 0),
                        ]
                    )
    return rows


def _campaign_units(ref: Reference, campaign: str, group: str, on: date) -> list[Unit]:
    """The units a campaign assesses in a group (town, village or department) on a day."""
    if group == "town":
        return ref.towns(on)
    if group == "village":
        return ref.villages(on)
    lead = ref.campaign(campaign).lead_unit  # type: ignore[union-attr]
    departments = [u for u in ref.departments(on) if u.code != lead]
    if campaign == "zdgz":
        return [u for u in departments if u.code in ZDGZ_UNITS]
    return departments


def _assessed_label(ref: Reference, unit: Unit, on: date, k: int) -> str:
    """An assessed unit as the lead office writes it: by name or code, varying by row."""
    if unit.unit_type == "village":
        return unit.code if k % 7 == 3 else ref.village_label(unit, on)
    return unit.name if k % 2 == 0 else unit.code


def village_bases(ref: Reference, seed: int, year: int) -> dict[str, float]:
    """Each village's level for the year: creation-list villages split across the December
    bars (≥90 demonstration, 80–90 standard, below 80), clear of the boundaries."""
    rng = random_stream(seed, "villages", year)
    listed = sorted(ref.creation_list(year, "mlxc"))
    bases: dict[str, float] = {}
    for u in ref.villages(date(year, 1, 1)):
        bases[u.code] = rng.uniform(72, 88)
    for i, code in enumerate(listed):
        band = i % 3
        bases[code] = (rng.uniform(93, 96), rng.uniform(83.5, 87), rng.uniform(72, 76.5))[band]
    return bases
