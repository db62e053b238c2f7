"""The demo's deliberate imperfections: real months are imperfect, and so is the demo.

- `2014-03/ist/investment_signings.xlsx` arrives on 2014-04-08 (CST): accepted, but late.
- `2014-05/lce/project_progress.xlsx` has a broken year-to-date chain in one row and an
  empty 本月完成投资 in another: rejected. `2014-05/lce/project_progress_更正.xlsx`, sent two
  days later, is correct and becomes version 2.
- `2014-06/ist/investment_signings.csv` is a CSV in GB18030.
- `2014-10/drc/econ_indicators.csv` is a UTF-8 CSV with a BOM, thousands separators
  (`2,456,000`) and growth rates with a trailing `%`.
- `2014-04/drc/econ_indicators.xlsx` names 规模以上工业总产值 `规上工业总产值`: a warning.
- `2014-02` and `2014-07` `ist/investment_signings.xlsx` hold the header only ("none").
- `2019-03/soc/project_issues.csv` is a plain UTF-8 CSV.
- `2019-04/lwj/project_progress.xlsx` gives one month's investment in 亿元 (`0.8亿元`) in
  the 万元 column.
- `2019-05/trn/project_progress.xlsx`: project XM2019115 has been 在建 with nothing invested
  since March: accepted, but the gate warns (W2).
- `2019-06/ist/investment_signings.xlsx` writes a date as `2019年6月30日` and an amount as
  `5000万元` in the 亿元 column.

`DEMO_IMPERFECTIONS` lists each file and what intake should make of it. The generators write
regular files; `imperfect_month` turns a month's regular files into these, and
`prepare_projects_2019` shapes the two 2019 projects involved (the amount in 亿元, the stall).
The header-only signing months are drawn empty by `signings`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ingest.forms import FORMS

from ..config import CST
from .files import DemoFile, date_zh, number_text

if TYPE_CHECKING:
    from .projects import Project


@dataclass(frozen=True)
class Imperfection:
    """One deliberately imperfect demo file and what intake should make of it."""

    path: str
    """Relative to the landing folder, `/`-separated."""
    kind: str
    expected_status: str
    """accepted | accepted_with_warnings | rejected"""
    description: str


DEMO_IMPERFECTIONS: tuple[Imperfection, ...] = (
    Imperfection(
        "2014-03/ist/investment_signings.xlsx",
        "late",
        "accepted",
        "submitted 2014-04-08 10:23 CST, after the due day (2014-04-05)",
    ),
    Imperfection(
        "2014-05/lce/project_progress.xlsx",
        "rejected",
        "rejected",
        "year-to-date chain broken (+300 万元) in the first row; 本月完成投资 empty in the second",
    ),
    Imperfection(
        "2014-05/lce/project_progress_更正.xlsx",
        "resubmission",
        "accepted",
        "the corrected file, two days later: version 2 supersedes the rejected version 1",
    ),
    Imperfection(
        "2014-06/ist/investment_signings.csv",
        "gb18030",
        "accepted",
        "CSV encoded in GB18030",
    ),
    Imperfection(
        "2014-10/drc/econ_indicators.csv",
        "utf8_bom",
        "accepted",
        "UTF-8 CSV with BOM; numbers with thousands separators, growth rates with a trailing %",
    ),
    Imperfection(
        "2014-04/drc/econ_indicators.xlsx",
        "name_mismatch",
        "accepted_with_warnings",
        "indicator_name 规上工业总产值 differs from the catalog's 规模以上工业总产值",
    ),
    Imperfection(
        "2014-02/ist/investment_signings.xlsx",
        "header_only",
        "accepted",
        "header only: no signings this month",
    ),
    Imperfection(
        "2014-07/ist/investment_signings.xlsx",
        "header_only",
        "accepted",
        "header only: no signings this month",
    ),
    Imperfection(
        "2019-03/soc/project_issues.csv",
        "csv",
        "accepted",
        "plain UTF-8 CSV without BOM",
    ),
    Imperfection(
        "2019-04/lwj/project_progress.xlsx",
        "unit_suffix",
        "accepted",
        "one 本月完成投资(万元) cell written in 亿元 (`0.8亿元` style), a round 1000 万元 multiple",
    ),
    Imperfection(
        "2019-05/trn/project_progress.xlsx",
        "stalled",
        "accepted",
        "project XM2019115 在建 with no investment in March, April and May: gate warning W2",
    ),
    Imperfection(
        "2019-06/ist/investment_signings.xlsx",
        "chinese_date",
        "accepted",
        "签约日期 written `2019年6月30日`; one amount written `5000万元` in the 亿元 column",
    ),
)
"""Every deliberately imperfect file of the demo."""

STALLED_PROJECT_2019 = "XM2019115"
"""A 2019 district project 在建 with no investment from March to May (gate warning W2)."""
LATE_FILE = "2014-03/ist/investment_signings.xlsx"
"""The late file: accepted, but submitted after its due day."""
LATE_AT = datetime(2014, 4, 8, 10, 23, 0, tzinfo=CST)
"""When the late file arrives: after the 5th, the due day of the month it reports."""
REJECTED_FILE = "2014-05/lce/project_progress.xlsx"
"""The rejected file; its regular content is sent again, two days later, as `CORRECTED_FILE`."""
CORRECTED_FILE = "2014-05/lce/project_progress_更正.xlsx"
HEADER_ONLY_SIGNING_MONTHS_2014 = (2, 7)
"""2014 months without investment signings: the file holds the header only."""
INDUSTRY_OUTPUT_VARIANT = "规上工业总产值"
"""The 2014-04 name of 规模以上工业总产值 (industry_output): a warning, not an error."""
AMOUNT_IN_YI_UNIT = "lwj"
"""The unit whose April 2019 progress file writes one amount in 亿元 in the 万元 column."""


def prepare_projects_2019(projects: list[Project]) -> None:
    """Shape the 2019 plan for its imperfections, keeping every June figure exact.

    One lwj April amount is written in 亿元 (`0.8亿元`): it is rounded to 1000 万元 and the
    difference moved to May and June. `STALLED_PROJECT_2019` invests nothing from March to
    May: those amounts move to June.
    """
    lwj = [p for p in projects if p.responsible == AMOUNT_IN_YI_UNIT and p.start_month == 1]
    target = max(lwj, key=lambda p: p.monthly[3])
    new = max(1000, round(target.monthly[3], -3))
    delta = new - target.monthly[3]
    target.monthly[3] = new
    for later in (4, 5):
        take = min(delta, target.monthly[later] - 1)
        target.monthly[later] -= take
        delta -= take
    if delta:
        raise ValueError("demo: cannot round the April amount of the lwj project")
    target.yi_month = 4
    stalled = next(p for p in projects if p.code == STALLED_PROJECT_2019)
    stalled.monthly[5] += sum(stalled.monthly[2:5])
    stalled.monthly[2:5] = [0, 0, 0]
    stalled.stalled = True


def imperfect_month(month: str, files: list[DemoFile], projects: list[Project]) -> list[DemoFile]:
    """A month's regular files with its imperfections applied, in the same order (the
    rejected file just before its correction)."""
    out: list[DemoFile] = []
    for demo in files:
        if demo.form_code == "project_progress":
            _amounts_in_yi(demo, int(month[5:7]), projects)
        if demo.path == REJECTED_FILE:
            out.append(_rejected_progress(demo))
            demo.path = CORRECTED_FILE
            demo.submitted_at = demo.submitted_at.replace(day=4, hour=15)
        elif demo.path in _CHANGES:
            _CHANGES[demo.path](demo)
        out.append(demo)
    return out


def _amounts_in_yi(progress: DemoFile, month: int, projects: list[Project]) -> None:
    """Write a project's amount of its `yi_month` in 亿元 (`0.8亿元`)."""
    written_in_yi = {p.code: p for p in projects if p.yi_month == month}
    col = FORMS["project_progress"].headers.index("本月完成投资(万元)")
    for i, row in enumerate(progress.rows):
        project = written_in_yi.get(str(row[0]))
        if project is not None:
            progress.text_cells[(i, col)] = (
                f"{number_text(project.monthly[month - 1] / 10_000)}亿元"
            )


def _rejected_progress(good: DemoFile) -> DemoFile:
    """The first 2014-05 lce progress file: a broken YTD chain and a missing amount."""
    headers = FORMS["project_progress"].headers
    month_col = headers.index("本月完成投资(万元)")
    ytd_col = headers.index("1-本月累计完成投资(万元)")
    rows = [list(r) for r in good.rows]
    rows[0][ytd_col] = int(rows[0][ytd_col]) + 300  # type: ignore[arg-type]
    rows[1][month_col] = None
    return DemoFile(
        REJECTED_FILE,
        good.form_code,
        good.unit_code,
        good.month,
        rows,
        good.submitted_at.replace(day=2, hour=11),
        note=good.note,
    )


def _late(signings: DemoFile) -> None:
    signings.submitted_at = LATE_AT


def _name_variant(econ: DemoFile) -> None:
    for row in econ.rows:
        if row[0] == "industry_output":
            row[1] = INDUSTRY_OUTPUT_VARIANT


def _as_gb18030_csv(demo: DemoFile) -> None:
    demo.path, demo.fmt, demo.encoding = _csv_path(demo), "csv", "gb18030"


def _as_plain_csv(demo: DemoFile) -> None:
    demo.path, demo.fmt = _csv_path(demo), "csv"


def _as_bom_csv_with_percent(econ: DemoFile) -> None:
    """UTF-8 with BOM (the writer then adds thousands separators); growth as `8.7%`."""
    econ.path, econ.fmt, econ.encoding = _csv_path(econ), "csv", "utf-8-sig"
    growth_col = FORMS["econ_indicators"].headers.index("同比增长(%)")
    for i, row in enumerate(econ.rows):
        growth = row[growth_col]
        if growth is not None:
            econ.text_cells[(i, growth_col)] = f"{number_text(growth)}%"  # type: ignore[arg-type]


def _chinese_date_and_wan(signings: DemoFile) -> None:
    """The last 签约日期 as `2019年6月30日`; the 0.5 亿 signing as `5000万元`."""
    headers = FORMS["investment_signings"].headers
    d_col, a_col = headers.index("签约日期"), headers.index("协议投资额(亿元)")
    last = len(signings.rows) - 1
    signings.text_cells[(last, d_col)] = date_zh(signings.rows[last][d_col])  # type: ignore[arg-type]
    j = next(k for k, r in enumerate(signings.rows) if r[a_col] == 0.5)
    signings.text_cells[(j, a_col)] = "5000万元"


def _csv_path(demo: DemoFile) -> str:
    return demo.path.removesuffix(".xlsx") + ".csv"


_CHANGES: dict[str, Callable[[DemoFile], None]] = {
    LATE_FILE: _late,
    "2014-04/drc/econ_indicators.xlsx": _name_variant,
    "2014-06/ist/investment_signings.xlsx": _as_gb18030_csv,
    "2014-10/drc/econ_indicators.xlsx": _as_bom_csv_with_percent,
    "2019-03/soc/project_issues.xlsx": _as_plain_csv,
    "2019-06/ist/investment_signings.xlsx": _chinese_date_and_wan,
}
"""What becomes of each imperfect file, by its regular path (the rejected file apart)."""
