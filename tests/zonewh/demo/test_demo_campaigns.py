"""Campaign scores: Beautiful Village rewards and rankings, complete scores within maxima.

The files are read back with openpyxl and csv (`demo_readback`), independently of the intake
code.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from demo_readback import day, num

from ingest.reference import load_reference


def _mlxc_totals(current, month: str) -> dict[str, dict[str, float]]:
    ref = load_reference()
    on = date.fromisoformat(month + "-01")
    totals: dict[str, dict[str, float]] = {
        "town": defaultdict(float),
        "village": defaultdict(float),
    }
    for r in current[(month, "agr", "campaign_scores")].rows:
        if r["考核项目"] != "mlxc":
            continue
        unit = ref.resolve_unit(str(r["被考核单位"]), on)
        assert unit is not None, r["被考核单位"]
        totals[unit.unit_type][unit.code] += num(r["得分"])
    return totals


def _ranks(totals: dict[str, float]) -> dict[str, int]:
    values = sorted(totals.values(), reverse=True)
    return {u: values.index(v) + 1 for u, v in totals.items()}


def test_mlxc_rewards_aug_sep_2014_total_26_wan(current) -> None:
    paid = 0.0
    for month in ("2014-08", "2014-09"):
        totals = _mlxc_totals(current, month)
        assert len(totals["town"]) == 6 and len(totals["village"]) == 104
        towns, villages = _ranks(totals["town"]), _ranks(totals["village"])
        assert sorted(r for r in towns.values() if r <= 3) == [1, 2, 3]
        assert sum(1 for r in villages.values() if r <= 10) == 10
        paid += sum({1: 4, 2: 3, 3: 2}.get(r, 0) for r in towns.values())
        paid += sum(0.4 for r in villages.values() if r <= 10)
    assert round(paid, 2) == 26.0


def test_mlxc_has_a_tie_lower_down_and_a_clear_year_last_town(current) -> None:
    ties = 0
    averages: dict[str, list[float]] = defaultdict(list)
    for month in ("2014-08", "2014-09", "2014-10", "2014-11", "2014-12"):
        totals = _mlxc_totals(current, month)
        counts = Counter(_ranks(totals["village"]).values())
        ties += sum(1 for rank, n in counts.items() if n > 1 and rank > 11)
        for town, score in totals["town"].items():
            averages[town].append(score)
    assert ties >= 1
    means = sorted(sum(v) / len(v) for v in averages.values())
    assert means[0] < means[1]


def test_campaign_scores_are_complete_and_within_maxima(current) -> None:
    ref = load_reference()
    for (month, unit, form), f in current.items():
        if form != "campaign_scores":
            continue
        on = date.fromisoformat(month + "-01")
        end = (on + timedelta(days=32)).replace(day=1)
        scored: dict[tuple[str, str], set[str]] = defaultdict(set)
        for r in f.rows:
            campaign = ref.campaign(str(r["考核项目"]))
            assert campaign is not None and campaign.lead_unit == unit
            assessed = ref.resolve_unit(str(r["被考核单位"]), on)
            assert assessed is not None, r["被考核单位"]
            crit = {c.criterion_code: c for c in ref.criteria(campaign.code, assessed.unit_type)}
            c = crit[str(r["考核内容"])]
            assert 0 <= num(r["得分"]) <= c.max_score
            assert on <= day(r["检查日期"]) < end
            scored[(campaign.code, assessed.code)].add(c.criterion_code)
        for (campaign, code), got in scored.items():
            group = ref.unit(code, on).unit_type
            assert got == {c.criterion_code for c in ref.criteria(campaign, group)}
