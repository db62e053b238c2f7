"""The demo put together: each year's data, then every file of every month.

A year's data (projects, issues, indicator paths, signings, village levels) is drawn once;
each month then takes from it the files the submission calendar expects: drc's indicators
(and in January the plan and the targets), every responsible unit's progress and issues,
ist's signings and every lead office's campaign scores. `imperfections` then makes the
month's deliberate mistakes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from ingest.reference import Reference

from .calibration import (
    ISSUE_OWNERS_2014,
    MONTHS_2014,
    MONTHS_2019,
    SERIES_2014,
    SERIES_2019,
    SIGNINGS_2019,
)
from .campaigns import campaign_rows, village_bases
from .draw import random_stream
from .files import DemoFile
from .imperfections import imperfect_month, prepare_projects_2019
from .indicators import SeriesPath, econ_rows, series_paths, targets_rows
from .issues import Issue, draw_issues, issue_plan_2014, issue_plan_2019, issue_rows
from .projects import Project, plan_file, progress_rows, projects_2014, projects_2019
from .signings import signing_rows, signings_2014
from .timing import first_day, submitted_at, targets_submitted_at


@dataclass
class YearData:
    """Everything drawn once for a demo year, from which its months' files are cut."""

    year: int
    months: tuple[str, ...]
    projects: list[Project]
    issues: list[Issue]
    paths: list[SeriesPath]
    signings: dict[int, tuple[float, ...]]
    village_bases: dict[str, float]


def year_data(ref: Reference, seed: int) -> tuple[YearData, YearData]:
    """The data of 2014 and of 2019 (whose plan carries some 2014 projects on)."""
    p2014 = projects_2014(ref, seed)
    p2019 = projects_2019(ref, seed, p2014)
    prepare_projects_2019(p2019)
    owners_2019 = tuple(
        u.code for u in ref.departments(date(2019, 1, 1)) if u.code in ISSUE_OWNERS_2014
    )
    for code in ISSUE_OWNERS_2014:
        if ref.unit(code, date(2014, 1, 1)) is None or ref.unit(code, date(2014, 12, 31)) is None:
            raise ValueError(f"demo: issue owner {code!r} is not a department all of 2014")
    y2014 = YearData(
        2014,
        MONTHS_2014,
        p2014,
        draw_issues(p2014, ISSUE_OWNERS_2014, 2014, issue_plan_2014(seed), seed),
        series_paths(SERIES_2014, ref, 2014, 12, seed),
        signings_2014(seed),
        village_bases(ref, seed, 2014),
    )
    y2019 = YearData(
        2019,
        MONTHS_2019,
        p2019,
        draw_issues(p2019, owners_2019, 2019, issue_plan_2019(seed), seed),
        series_paths(SERIES_2019, ref, 2019, 6, seed),
        dict(SIGNINGS_2019),
        village_bases(ref, seed, 2019),
    )
    return y2014, y2019


def month_files(ref: Reference, data: YearData, month: str, seed: int) -> list[DemoFile]:
    """Every file of one month, imperfections included."""
    on = first_day(month)
    m = on.month
    files: list[DemoFile] = []
    rng = random_stream(seed, "times", month)
    files.append(
        DemoFile(
            f"{month}/drc/econ_indicators.xlsx",
            "econ_indicators",
            "drc",
            month,
            econ_rows(data.paths, ref, m, on),
            submitted_at(rng, month),
        )
    )
    if m == 1:
        files.append(plan_file(ref, month, data.projects, rng))
        files.append(
            DemoFile(
                f"{month}/drc/annual_targets.xlsx",
                "annual_targets",
                "drc",
                month,
                targets_rows(data.paths, ref, on.year),
                targets_submitted_at(rng, on.year),
            )
        )
    for unit in _responsible_units(data.projects):
        files.extend(_unit_project_files(ref, data, month, unit, rng, seed))
    signing_rng = random_stream(seed, "signings", month)
    files.append(
        DemoFile(
            f"{month}/ist/investment_signings.xlsx",
            "investment_signings",
            "ist",
            month,
            signing_rows(on.year, m, data.signings.get(m, ()), signing_rng, data.projects),
            submitted_at(rng, month),
        )
    )
    for lead in sorted({c.lead_unit for c in ref.campaigns_running(on)}):
        files.append(
            DemoFile(
                f"{month}/{lead}/campaign_scores.xlsx",
                "campaign_scores",
                lead,
                month,
                campaign_rows(ref, month, lead, seed, data.village_bases),
                submitted_at(rng, month),
            )
        )
    return imperfect_month(month, files, data.projects)


def _unit_project_files(
    ref: Reference, data: YearData, month: str, unit: str, rng: random.Random, seed: int
) -> list[DemoFile]:
    """A responsible unit's progress and issue files for the month."""
    on = first_day(month)
    m = on.month
    mine = [p for p in data.projects if p.responsible == unit]
    issues = [i for i in data.issues if i.project.responsible == unit]
    open_note = {
        i.project.code: i.description for i in issues if i.status(m) in ("未解决", "解决中")
    }
    progress_rng = random_stream(seed, "progress", month, unit)
    progress = DemoFile(
        f"{month}/{unit}/project_progress.xlsx",
        "project_progress",
        unit,
        month,
        progress_rows(mine, m, on.year, progress_rng, open_note),
        submitted_at(rng, month),
        note="金额单位：万元",
    )
    ledger = DemoFile(
        f"{month}/{unit}/project_issues.xlsx",
        "project_issues",
        unit,
        month,
        issue_rows(issues, m, on, ref),
        submitted_at(rng, month),
    )
    return [progress, ledger]


def _responsible_units(projects: list[Project]) -> list[str]:
    """The units responsible for projects, in the order of their first project."""
    seen: list[str] = []
    for p in projects:
        if p.responsible not in seen:
            seen.append(p.responsible)
    return seen
