"""Key projects: each year's plan (calibrated), the plan file and the monthly progress rows.

2014 has the 34 projects and 2019 the 119 projects of the seed facts (`calibration`); each
project carries its investment month by month, so the plan, progress and issue files agree.
The 2019 plan's one amount written in 亿元 and its stalled project are finished by
`imperfections.prepare_projects_2019`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from ingest.reference import Reference

from .calibration import (
    CALIBRATION,
    KEY_2019_DONE_PCT,
    KEY_2019_TOTAL_SHARE,
    MENGNIU_2019_PLAN_C,
    MENGNIU_2019_TOTAL_C,
    PLAN_2019_CATEGORIES,
    SEASON,
)
from .draw import random_stream, split_total, split_total_capped
from .files import Cell, DemoFile
from .imperfections import STALLED_PROJECT_2019
from .names import (
    AGRI_NAMES,
    ESTATE_NAMES,
    INDUSTRY_FIRMS,
    INDUSTRY_WORKS,
    INFRA_NAMES,
    PROGRESS_NOTES,
    SERVICE_NAMES,
    SOCIAL_NAMES,
)
from .timing import first_day, plan_submitted_at


@dataclass
class Project:
    """One key project of a year's plan, with its monthly investment (万元)."""

    code: str
    name: str
    level: str
    category: str
    responsible: str
    town: str | None
    total_c: int
    """Total investment in hundredths of 亿元."""
    plan_c: int
    """Annual planned investment in hundredths of 亿元."""
    planned_start: date
    start_month: int
    monthly: list[int] = field(default_factory=list)
    """Investment per month (万元), index 0 = January."""
    done_month: int | None = None
    """From this month the status is 竣工 (infrastructure) or 投产 (industry)."""
    yi_month: int | None = None
    """The month whose amount the submitter writes in 亿元 (`0.8亿元`)."""
    stalled: bool = False
    """在建 with no investment for three months running (a W2 warning)."""

    def ytd(self, month: int) -> int:
        """Investment from January through `month` (万元)."""
        return sum(self.monthly[:month])

    def status(self, month: int) -> str:
        """前期, 在建, 竣工 or 投产 in `month`."""
        if month < self.start_month:
            return "前期"
        if self.done_month is not None and month >= self.done_month:
            return "投产" if self.category == "工业" else "竣工"
        return "在建"


def project_name(category: str, index: int, rng: random.Random) -> str:
    """A project name from the category's pool; later phases when the pool runs out."""
    if category == "工业":
        firm = INDUSTRY_FIRMS[index % len(INDUSTRY_FIRMS)]
        return f"{firm}{rng.choice(INDUSTRY_WORKS)}项目"
    pools = {
        "服务业": SERVICE_NAMES,
        "基础设施": INFRA_NAMES,
        "社会事业": SOCIAL_NAMES,
        "房地产": ESTATE_NAMES,
        "农业": AGRI_NAMES,
    }
    pool = pools[category]
    base = pool[index % len(pool)]
    phase = index // len(pool)
    return f"{base}{'' if phase == 0 else f'（{phase + 1}期）'}项目"


RESPONSIBLE = {
    "工业": ("towns", "drc"),
    "服务业": ("towns", "drc", "ist"),
    "基础设施": ("lce", "ucm", "trn", "wat"),
    "社会事业": ("soc", "hfp", "edu"),
    "房地产": ("lce", "cvr"),
    "农业": ("agr", "towns"),
}
"""Who takes a project of each category, in turn (`towns`: the town it lies in)."""


def assign_responsible(
    category: str, index: int, towns: list[str], rng: random.Random
) -> tuple[str, str | None]:
    """(responsible unit, town) of a project."""
    choices = RESPONSIBLE[category]
    pick = choices[index % len(choices)]
    town = towns[rng.randrange(len(towns))]
    if pick == "towns":
        return town, town
    return pick, (town if category in ("工业", "房地产", "农业") else None)


def planned_start(year: int, start_month: int, rng: random.Random) -> date:
    """The planned start: the year before for projects already under way in January."""
    if start_month == 1:
        return date(year - 1, rng.randint(3, 11), rng.randint(1, 28))
    return date(year, start_month, rng.randint(1, 10))


def projects_2014(ref: Reference, seed: int) -> list[Project]:
    """The 34 key projects of 2014, calibrated to the 2014-11 seed facts."""
    rng = random_stream(seed, "projects2014")
    towns = [u.code for u in ref.towns(date(2014, 1, 1))]
    cats = [c for c, n in CALIBRATION["plan_2014_categories"].items() for _ in range(n)]
    projects: list[Project] = []
    counters: dict[str, int] = {}
    for i, cat in enumerate(cats):
        k = counters.get(cat, 0)
        counters[cat] = k + 1
        unit, town = assign_responsible(cat, k, towns, rng)
        if cat == "基础设施":
            unit, town = "lce", None
        if cat == "房地产":
            unit = "lce"
        start = 1 if rng.random() < 0.8 else rng.randint(2, 4)
        if cat == "房地产" or cat == "基础设施":
            start = 1
        projects.append(
            Project(
                code=f"XM2014{i + 1:03d}",
                name=project_name(cat, k, rng),
                level=rng.choice(("市重点", "区重点", "区重点")) if i else "省重点",
                category=cat,
                responsible=unit,
                town=town,
                total_c=0,
                plan_c=0,
                planned_start=planned_start(2014, start, rng),
                start_month=start,
            )
        )
    weights = [rng.uniform(4, 14) if p.category == "工业" else rng.uniform(2, 10) for p in projects]
    totals = split_total(round(CALIBRATION["plan_2014_total_yi"] * 100), weights, minimum=60)
    caps = [int(t * 0.6) for t in totals]
    plans = split_total_capped(
        round(CALIBRATION["plan_2014_annual_plan_yi"] * 100),
        [t * rng.uniform(0.15, 0.35) for t in totals],
        caps,
        minimum=20,
    )
    ytd_nov = split_total_capped(
        CALIBRATION["ytd_2014_11_wan"],
        [p * 100 * rng.uniform(0.7, 1.0) for p in plans],
        [t * 80 for t in totals],  # leave room for December within the total investment
        minimum=200,
    )
    for p, total, plan, done in zip(projects, totals, plans, ytd_nov):
        p.total_c, p.plan_c = total, plan
        months = list(range(p.start_month, 12))
        parts = split_total(
            done, [SEASON[m - 1] * rng.uniform(0.6, 1.4) for m in months], minimum=5
        )
        p.monthly = [0] * 12
        for m, v in zip(months, parts):
            p.monthly[m - 1] = v
        p.monthly[11] = round(plan * 100 * rng.uniform(0.08, 0.16))
        if p.category == "工业" and rng.random() < 0.25:
            p.done_month = rng.randint(9, 12)
    return projects


def projects_2019(ref: Reference, seed: int, old: list[Project]) -> list[Project]:
    """The 119 key projects of 2019, calibrated to the 2019-06 seed facts.

    `imperfections.prepare_projects_2019` then rounds the amount written in 亿元 and stalls
    `STALLED_PROJECT_2019` in spring; the June figures stay exact either way.
    """
    rng = random_stream(seed, "projects2019")
    towns = [u.code for u in ref.towns(date(2019, 1, 1))]
    count = CALIBRATION["plan_2019_count"]
    cats = [c for c, n in PLAN_2019_CATEGORIES.items() for _ in range(n)]
    levels = [lv for lv, n in CALIBRATION["plan_2019_levels"].items() for _ in range(n)]
    key_count = count - levels.count("区重点")
    order = list(range(1, count))
    rng.shuffle(order)
    # Mengniu first (工业, 省重点); the 16 city projects spread over the categories.
    cat_of = {0: "工业"}
    rest = cats[1:]
    for slot, idx in enumerate(order):
        cat_of[idx] = rest[slot]
    carry = [p for p in old if p.category in ("工业", "服务业")][1:5]
    projects: list[Project] = []
    counters: dict[str, int] = {"工业": 28}
    n_new = 0
    for i in range(count):
        cat = cat_of[i]
        k = counters.get(cat, 0)
        counters[cat] = k + 1
        unit, town = assign_responsible(cat, k, towns, rng)
        if i == 0:
            code, name, unit, town = (
                "XM2019001",
                "蒙牛乳业（焦作）有限公司智能化扩建项目",
                "lwj",
                "lwj",
            )
            n_new = 1
        elif carry and cat in ("工业", "服务业") and levels[i] == "区重点":
            prev = carry.pop(0)
            code, name, unit, town = prev.code, prev.name, prev.responsible, prev.town
            cat = prev.category
        else:
            n_new += 1
            code, name = f"XM2019{n_new:03d}", project_name(cat, k + 7, rng)
        start = 1 if (levels[i] != "区重点" or rng.random() < 0.75) else rng.randint(2, 4)
        projects.append(
            Project(
                code=code,
                name=name,
                level=levels[i],
                category=cat,
                responsible=unit,
                town=town,
                total_c=0,
                plan_c=0,
                planned_start=planned_start(2019, start, rng),
                start_month=start,
            )
        )
    stalled = projects[-1]  # a district road project that stalls in spring (`imperfections`)
    if stalled.code != STALLED_PROJECT_2019 or stalled.level != "区重点":
        raise ValueError(f"demo: expected {STALLED_PROJECT_2019} last, got {stalled.code}")
    stalled.category, stalled.responsible, stalled.town = "基础设施", "trn", None
    stalled.name, stalled.start_month = "纬三路东延道路工程项目", 1
    stalled.planned_start = planned_start(2019, 1, rng)
    names = {p.name for p in projects}
    if len(names) != len(projects):
        for j, p in enumerate(projects):
            if sum(q.name == p.name for q in projects[:j]):
                p.name = p.name.replace("项目", f"（{p.code[-3:]}）项目")
    total_c = round(CALIBRATION["plan_2019_total_yi"] * 100)

    other = projects[key_count:]
    key_totals = [MENGNIU_2019_TOTAL_C] + split_total(
        round(total_c * KEY_2019_TOTAL_SHARE) - MENGNIU_2019_TOTAL_C,
        [rng.uniform(3, 8) for _ in range(key_count - 1)],
        minimum=150,
    )
    other_totals = split_total(
        total_c - sum(key_totals), [rng.uniform(0.5, 3) for _ in other], minimum=40
    )
    key_plan_c = round(CALIBRATION["key_2019_annual_plan_yi"] * 100)
    key_plans = [MENGNIU_2019_PLAN_C] + split_total_capped(
        key_plan_c - MENGNIU_2019_PLAN_C,
        [t * rng.uniform(0.3, 0.5) for t in key_totals[1:]],
        [int(t * 0.7) for t in key_totals[1:]],
        minimum=50,
    )
    other_plans = split_total_capped(
        round(CALIBRATION["plan_2019_annual_plan_yi"] * 100) - key_plan_c,
        [t * rng.uniform(0.2, 0.45) for t in other_totals],
        [int(t * 0.7) for t in other_totals],
        minimum=10,
    )
    key_ytd = [plan * KEY_2019_DONE_PCT for plan in key_plans]  # exact percentage (万元)
    other_ytd = split_total_capped(
        CALIBRATION["ytd_2019_06_wan"] - sum(key_ytd),
        [p * rng.uniform(0.5, 1.5) for p in other_plans],
        [t * 90 for t in other_totals],
        minimum=60,
    )
    for p, total, plan, done in zip(
        projects, key_totals + other_totals, key_plans + other_plans, key_ytd + other_ytd
    ):
        p.total_c, p.plan_c = total, plan
        months = list(range(p.start_month, 7))
        parts = split_total(
            done, [SEASON[m - 1] * rng.uniform(0.6, 1.4) for m in months], minimum=5
        )
        p.monthly = [0] * 12
        for m, v in zip(months, parts):
            p.monthly[m - 1] = v
    return projects


def unit_label(ref: Reference, code: str, on: date, use_name: bool) -> str:
    """A unit as submitters write it: its name or its code."""
    unit = ref.unit(code, on)
    if unit is None:
        raise ValueError(f"demo: unit {code!r} not valid on {on}")
    return unit.name if use_name else code


def plan_file(ref: Reference, month: str, projects: list[Project], rng: random.Random) -> DemoFile:
    """The year's key-project plan (drc, January), amounts in 亿元."""
    on = first_day(month)
    rows: list[list[Cell]] = []
    for i, p in enumerate(projects):
        town = ref.unit(p.town, on).name if p.town else None
        rows.append(
            [
                p.code,
                p.name,
                p.level,
                p.category,
                unit_label(ref, p.responsible, on, use_name=i % 5 == 3),
                town,
                round(p.total_c / 100, 2),
                round(p.plan_c / 100, 2),
                p.planned_start,
            ]
        )
    return DemoFile(
        f"{month}/drc/key_project_plan.xlsx",
        "key_project_plan",
        "drc",
        month,
        rows,
        plan_submitted_at(rng, on.year),
        note="金额单位：亿元",
    )


def progress_rows(
    projects: list[Project], month: int, year: int, rng: random.Random, open_issue: dict[str, str]
) -> list[list[Cell]]:
    """One progress row per project for `month`: amounts in 万元, status, note, open issue."""
    rows: list[list[Cell]] = []
    for p in projects:
        status = p.status(month)
        start = None
        if p.start_month <= month:
            start = date(year, p.start_month, 3 + (int(p.code[-3:]) % 20))
            if p.start_month == 1 and p.planned_start.year < year:
                start = p.planned_start
        rows.append(
            [
                p.code,
                p.name,
                p.monthly[month - 1],
                p.ytd(month),
                status,
                start,
                rng.choice(PROGRESS_NOTES[status]),
                open_issue.get(p.code),
            ]
        )
    return rows
