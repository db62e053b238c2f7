"""The issue ledger (问题台账): each project's blocking issues, raised, worked on, resolved.

An issue's status in a month follows from when it was raised, worked on and resolved; the
2014 plan of issues gives November's ledger of the seed facts (51 issues of 16 owning
departments: 44 resolved, 6 being resolved, 1 open).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ingest.reference import Reference

from .calibration import CALIBRATION
from .draw import random_stream
from .files import Cell
from .names import ISSUE_TEXTS
from .projects import Project, unit_label
from .timing import last_day


@dataclass
class Issue:
    """One issue of a project: raised, worked on, perhaps resolved."""

    code: str
    project: Project
    description: str
    owner: str
    raised_on: date
    due_on: date
    working_month: int
    resolved_on: date | None

    def status(self, month: int) -> str | None:
        """Its status in the ledger as of `month` (None: not raised yet)."""
        if self.raised_on.month > month:
            return None
        if self.resolved_on is not None and self.resolved_on.month <= month:
            return "已解决"
        return "解决中" if self.working_month <= month else "未解决"


def draw_issues(
    projects: list[Project],
    owners: tuple[str, ...],
    year: int,
    plan: list[tuple[int, int, int]],
    seed: int,
) -> list[Issue]:
    """Issues from a plan of (raised month, resolved month or 0, status at the reference month)."""
    rng = random_stream(seed, "issues", year)
    started = [p for p in projects if p.start_month <= 3]
    drawn: list[Issue] = []
    for i, (raised_m, resolved_m, working_m) in enumerate(plan):
        project = started[(i * 7) % len(started)]
        raised = date(year, raised_m, rng.randint(2, 26))
        due = raised + timedelta(days=rng.randint(15, 75))
        resolved = None
        if resolved_m:
            last = last_day(year, resolved_m)
            first = max(raised + timedelta(days=3), date(year, resolved_m, 1))
            resolved = first + timedelta(days=rng.randint(0, max(0, (last - first).days)))
            resolved = min(resolved, last)
        drawn.append(
            Issue(
                code=f"WT{year}{i + 1:03d}",
                project=project,
                description=ISSUE_TEXTS[(i * 3 + year) % len(ISSUE_TEXTS)],
                owner=owners[i % len(owners)],
                raised_on=raised,
                due_on=due,
                working_month=working_m,
                resolved_on=resolved,
            )
        )
    return drawn


def issue_plan_2014(seed: int) -> list[tuple[int, int, int]]:
    """(raised, resolved or 0, working-from) for the 2014 issues: by November 51 raised,
    44 resolved, 6 being resolved, 1 open; December adds three and resolves two."""
    rng = random_stream(seed, "issueplan2014")
    november = CALIBRATION["issues_2014_11"]
    plan: list[tuple[int, int, int]] = []
    for _ in range(november["已解决"]):
        raised = rng.randint(1, 10)
        resolved = rng.randint(raised, min(11, raised + 3))
        plan.append((raised, resolved, raised if resolved == raised else raised + 1))
    for j in range(november["解决中"]):
        raised = rng.randint(7, 11)
        resolved = 12 if j < 2 else 0
        plan.append((raised, resolved, raised))
    for _ in range(november["未解决"]):
        plan.append((11, 0, 12))  # open in November, worked on from December
    plan += [(12, 0, 12), (12, 0, 13), (12, 12, 12)]
    return plan


def issue_plan_2019(seed: int) -> list[tuple[int, int, int]]:
    """(raised, resolved or 0, working-from) for the 30 issues of 2019 H1."""
    rng = random_stream(seed, "issueplan2019")
    plan = []
    for _ in range(30):
        raised = rng.randint(1, 6)
        resolved = rng.choice((0, raised, raised + 1, raised + 2))
        resolved = resolved if resolved <= 6 else 0
        plan.append((raised, resolved, raised + rng.randint(0, 1)))
    return plan


def issue_rows(issues: list[Issue], month: int, on: date, ref: Reference) -> list[list[Cell]]:
    """The ledger rows of `month`: every issue raised by then, with its status that month."""
    rows: list[list[Cell]] = []
    for k, issue in enumerate(issues):
        status = issue.status(month)
        if status is None:
            continue
        owner = unit_label(ref, issue.owner, on, use_name=k % 4 == 1)
        rows.append(
            [
                issue.code,
                issue.project.code,
                f"{issue.project.name}：{issue.description}",
                owner,
                issue.raised_on,
                issue.due_on,
                status,
                issue.resolved_on if status == "已解决" else None,
            ]
        )
    return rows
