"""What a month's templates rest on: the plan in force, last month's year to date, the
reference data, the due day and where to hand files in (`load_context`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb

from ingest.calendar import current_plan_submission, expected_submissions
from ingest.months import month_end, month_text, parse_month
from ingest.reference import Reference, load_reference
from ingest.settings import portal_url
from ingest.store import ACCEPTED, StoreBusy, open_store

from ..config import Paths
from ..config import paths as default_paths


class TemplateError(ValueError):
    """No template can be written: the cause and what to do, in Chinese and English."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en


@dataclass(frozen=True)
class PlanProject:
    """A project of the year's plan, as the templates need it."""

    code: str
    name: str
    responsible_unit: str


@dataclass(frozen=True)
class PlanSource:
    """Where the month's plan came from (or why there is none), for the messages."""

    kind: Literal["store", "published", "none", "unreadable"] = "none"
    month: dt.date | None = None
    """The month of the plan: submitted for (store), latest published, or latest rejected."""
    version: int | None = None
    rejected: int = 0
    """Rejected plan files of the year up to the month (kind `none`)."""
    reason: str = ""
    """Why the raw store could not be read (kind `unreadable`)."""


@dataclass(frozen=True)
class PreviousYtd:
    """A project's 1-本月累计 before the report month, as the template shows it."""

    invested_ytd_wan: float
    month: dt.date | None
    """The accepted month it comes from; None in January (the year starts at 0)."""


@dataclass
class Context:
    """Everything the templates of one month need, read once."""

    month: dt.date
    ref: Reference
    expected: list[tuple[str, str, dt.date]]
    plan: list[PlanProject] = field(default_factory=list)
    previous_ytd: dict[str, PreviousYtd] = field(default_factory=dict)
    """By project code: the year to date of the last accepted month of the year."""
    plan_source: PlanSource = field(default_factory=PlanSource)
    portal_url: str | None = None
    landing: str = "landing"
    """The landing folder as a submitter is told it (relative to the home when inside it)."""

    def unit_name(self, code: str) -> str:
        unit = self.ref.unit(code, month_end(self.month)) or self.ref.unit(code)
        return unit.name if unit else code

    def last_ytd(self, project_code: str) -> PreviousYtd | None:
        """0 in January; else the last accepted month's figure of the year, None when none."""
        if self.month.month == 1:
            return PreviousYtd(0.0, None)
        return self.previous_ytd.get(project_code)

    def landing_folder(self, unit_code: str) -> str:
        """`landing/2021-01/lce/`: where the unit's files for the month go."""
        return f"{self.landing}/{month_text(self.month)}/{unit_code}/"


# ------------------------------------------------------------------ what is expected


def _plan_from_store(
    con: duckdb.DuckDBPyConnection, month: dt.date, ref: Reference
) -> tuple[list[PlanProject], PlanSource]:
    """The year's plan in force in the raw store, and where it came from."""
    try:
        sid = current_plan_submission(con, month)
        if sid is None:
            rejected, last = con.execute(
                f"""
                select count(*), max(month) from raw.submissions
                where form_code = 'key_project_plan' and status not in {ACCEPTED}
                    and year(month) = ? and month <= ?
                """,
                [month.year, month],
            ).fetchall()[0]
            return [], PlanSource("none", month=last, rejected=int(rejected or 0))
        plan_month, version = con.execute(
            "select month, version from raw.submissions where submission_id = ?", [sid]
        ).fetchall()[0]
        rows = con.execute(
            "select project_code, project_name, responsible_unit from raw.key_project_plan "
            "where submission_id = ? order by source_row",
            [sid],
        ).fetchall()
    except duckdb.Error as exc:
        return [], PlanSource("unreadable", reason=str(exc).splitlines()[0])
    plan = []
    for code, name, unit_text in rows:
        unit = ref.resolve_unit(unit_text or "", month_end(month))
        plan.append(PlanProject(code, name or "", unit.code if unit else (unit_text or "")))
    return plan, PlanSource("store", month=plan_month, version=version)


def _previous_ytd_from_store(
    con: duckdb.DuckDBPyConnection, month: dt.date
) -> dict[str, PreviousYtd]:
    """Per project, the year to date of the latest earlier month of the year that has it in
    an accepted progress report (the current version of each unit and month)."""
    if month.month == 1:
        return {}
    try:
        rows = con.execute(
            f"""
            with current_subs as (
                select submission_id, month
                from raw.submissions
                where form_code = 'project_progress'
                    and status in {ACCEPTED}
                    and year(month) = ?
                    and month < ?
                qualify row_number() over (
                    partition by month, unit_code order by version desc
                ) = 1
            ),
            by_month as (
                select p.project_code, s.month, max(p.invested_ytd) as invested_ytd
                from raw.project_progress as p
                inner join current_subs as s using (submission_id)
                group by p.project_code, s.month
            )
            select project_code, month, invested_ytd
            from by_month
            where invested_ytd is not null
            qualify row_number() over (partition by project_code order by month desc) = 1
            """,
            [month.year, month],
        ).fetchall()
    except duckdb.Error:
        return {}
    return {code: PreviousYtd(float(ytd), m) for code, m, ytd in rows}


def _plan_from_published(
    published: Path, month: dt.date
) -> tuple[list[PlanProject], dict[str, PreviousYtd], dt.date | None]:
    """The projects of the year's latest published month up to `month`, their year to date
    before `month`, and that published month; empty when there is none."""
    if not published.exists():
        return [], {}, None
    try:
        con = duckdb.connect(str(published), read_only=True)
    except duckdb.Error:
        return [], {}, None
    try:
        latest = con.execute(
            "select max(month) from marts.project_investment where year(month) = ? and month <= ?",
            [month.year, month],
        ).fetchall()[0][0]
        if latest is None:
            return [], {}, None
        rows = con.execute(
            "select project_code, project_name, responsible_unit from marts.project_investment "
            "where month = ? order by project_code",
            [latest],
        ).fetchall()
        previous = con.execute(
            """
            select project_code, month, invested_ytd_wan
            from marts.project_investment
            where year(month) = ? and month < ? and invested_ytd_wan is not null
            qualify row_number() over (partition by project_code order by month desc) = 1
            """,
            [month.year, month],
        ).fetchall()
    except duckdb.Error:
        return [], {}, None
    finally:
        con.close()
    plan = [PlanProject(c, n or "", u or "") for c, n, u in rows]
    return plan, {c: PreviousYtd(float(v), m) for c, m, v in previous}, latest


def _landing_label(p: Paths) -> str:
    """The landing folder relative to the home (`landing`), or in full when outside it."""
    try:
        return p.landing.relative_to(p.home).as_posix()
    except ValueError:
        return p.landing.as_posix()


def load_context(month: str, p: Paths | None = None, ref: Reference | None = None) -> Context:
    """The (unit, form) pairs expected for `month`, with the plan they refer to.

    The plan and the previous year to date come from the raw store (read-only), else
    from the published file's latest month of the year.
    """
    p = p or default_paths()
    ref = ref or load_reference()
    first = parse_month(month)
    plan: list[PlanProject] = []
    previous: dict[str, PreviousYtd] = {}
    try:
        con = open_store(p, read_only=True)
    except (StoreBusy, duckdb.Error) as exc:
        source = PlanSource("unreadable", reason=str(exc).splitlines()[0])
        con = duckdb.connect()
    else:
        plan, source = _plan_from_store(con, first, ref)
        if plan:
            previous = _previous_ytd_from_store(con, first)
    try:
        expected = expected_submissions(first, con, ref)
    finally:
        con.close()
    if not plan:
        plan, previous, latest = _plan_from_published(p.published, first)
        if plan:
            source = PlanSource("published", month=latest)
            responsible = sorted({pp.responsible_unit for pp in plan if pp.responsible_unit})
            for c in ref.calendar:
                if c.submitter == "plan_responsible" and c.applies_to(first):
                    expected += [(u, c.form_code, c.due_on(first)) for u in responsible]
    return Context(
        first,
        ref,
        sorted(set(expected)),
        plan,
        previous,
        source,
        portal_url(),
        _landing_label(p),
    )
