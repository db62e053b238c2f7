"""Which (unit, form) a month expects, when each is due, and whether a file was on time.

Follows `submission_calendar.csv`: `drc`/`ist` are unit codes; `plan_responsible` means
the responsible units of the year's current key-project plan (in `raw`); `campaign_lead`
means the lead offices of the campaigns running that month. Deadlines are judged at the
end of the due day in China Standard Time.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import duckdb

from .months import add_months, parse_month
from .reference import Reference, load_reference
from .settings import CST
from .store import ACCEPTED
from .wording import date_zh, form_label, month_zh, unit_label, units_zh

_HAS_SUBMISSIONS: weakref.WeakSet = weakref.WeakSet()
"""Connections known to see `raw.submissions` (intake creates it and never drops it)."""


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    known = (schema, table) == ("raw", "submissions")
    if known and con in _HAS_SUBMISSIONS:
        return True
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()[0]
    found = bool(row and row[0])
    if found and known:
        _HAS_SUBMISSIONS.add(con)
    return found


_RESPONSIBLE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Per connection: the responsible units of the last (plan submission, month, reference)
asked for (an accepted plan's rows never change)."""


def current_plan_submission(con: duckdb.DuckDBPyConnection, month: date) -> str | None:
    """The submission_id of the key-project plan in force for `month`: the latest accepted
    plan revision of the same year with month ≤ `month`."""
    if not _has_table(con, "raw", "submissions"):
        return None
    row = con.execute(
        f"""
        select submission_id
        from raw.submissions
        where form_code = 'key_project_plan'
            and status in {ACCEPTED}
            and year(month) = ?
            and month <= ?
        order by month desc, version desc
        limit 1
        """,
        [month.year, month],
    ).fetchall()
    return row[0][0] if row else None


def plan_responsible_units(
    con: duckdb.DuckDBPyConnection, month: date, ref: Reference | None = None
) -> set[str]:
    """Unit codes responsible for a project of the year's current plan."""
    ref = ref or load_reference()
    sid = current_plan_submission(con, month)
    if sid is None:
        return set()
    key = (sid, month, id(ref))
    cached = _RESPONSIBLE.get(con)
    if cached is not None and cached[0] == key:
        return set(cached[1])
    texts = con.execute(
        "select distinct responsible_unit from raw.key_project_plan where submission_id = ?",
        [sid],
    ).fetchall()
    codes = set()
    for (text,) in texts:
        unit = ref.resolve_unit(text or "", month)
        if unit is not None:
            codes.add(unit.code)
    _RESPONSIBLE[con] = (key, frozenset(codes))
    return codes


def campaign_leads(month: date, ref: Reference | None = None) -> set[str]:
    """Lead offices of the campaigns running in `month`."""
    ref = ref or load_reference()
    return {c.lead_unit for c in ref.campaigns_running(month)}


def submitters(
    con: duckdb.DuckDBPyConnection, month: date, form_code: str, ref: Reference | None = None
) -> set[str]:
    """The units the calendar lets submit `form_code` for `month` (any month of the year)."""
    ref = ref or load_reference()
    entry = ref.calendar_entry(form_code)
    if entry is None:
        return set()
    if entry.submitter == "plan_responsible":
        return plan_responsible_units(con, month, ref)
    if entry.submitter == "campaign_lead":
        return campaign_leads(month, ref)
    return {entry.submitter}


def due_on(month: str | date, form_code: str, ref: Reference | None = None) -> date:
    """The due date of `form_code` for report month `month` (the 5th of the next month)."""
    ref = ref or load_reference()
    first = parse_month(month)
    entry = ref.calendar_entry(form_code)
    if entry is None:
        return date(add_months(first, 1).year, add_months(first, 1).month, 5)
    return entry.due_on(first)


def is_on_time(submitted_at: datetime, due: date) -> bool:
    """True when `submitted_at` is no later than the end of the due day in CST."""
    if submitted_at.tzinfo is None:
        submitted_at = submitted_at.replace(tzinfo=CST)
    deadline = datetime.combine(due + timedelta(days=1), time(0), tzinfo=CST)
    return submitted_at < deadline


def expected_submissions(
    month: str | date, con: duckdb.DuckDBPyConnection, ref: Reference | None = None
) -> list[tuple[str, str, date]]:
    """Every (unit_code, form_code, due_on) the calendar expects for `month`, sorted."""
    ref = ref or load_reference()
    first = parse_month(month)
    out: list[tuple[str, str, date]] = []
    for entry in ref.calendar:
        if not entry.applies_to(first):
            continue
        for unit in sorted(submitters(con, first, entry.form_code, ref)):
            out.append((unit, entry.form_code, entry.due_on(first)))
    return sorted(out)


def forms_owed(
    con: duckdb.DuckDBPyConnection, month: str | date, unit_code: str, ref: Reference | None = None
) -> list[str]:
    """The form codes the calendar expects from `unit_code` for `month`, in calendar order."""
    ref = ref or load_reference()
    first = parse_month(month)
    return [
        entry.form_code
        for entry in ref.calendar
        if entry.applies_to(first) and unit_code in submitters(con, first, entry.form_code, ref)
    ]


# ---------------------------------------------------------------- why a form is not owed


@dataclass(frozen=True)
class PlanState:
    """Whether the year's key-project plan is in force for a month."""

    month: date
    submission_id: str | None
    """The plan in force (`current_plan_submission`), None when none was accepted."""
    rejected: int = 0
    """Plan files of the year up to the month that were rejected."""

    @property
    def is_accepted(self) -> bool:
        return self.submission_id is not None


def plan_state(con: duckdb.DuckDBPyConnection, month: str | date) -> PlanState:
    """The key-project plan in force for `month`, or how many of the year's plans were
    rejected when there is none."""
    first = parse_month(month)
    sid = current_plan_submission(con, first)
    if sid is not None or not _has_table(con, "raw", "submissions"):
        return PlanState(first, sid)
    rejected = con.execute(
        f"""
        select count(*) from raw.submissions
        where form_code = 'key_project_plan' and status not in {ACCEPTED}
            and year(month) = ? and month <= ?
        """,
        [first.year, first],
    ).fetchall()[0][0]
    return PlanState(first, None, int(rejected or 0))


def plan_forms(month: str | date, ref: Reference | None = None) -> list[str]:
    """The forms the plan's responsible units owe for `month` (progress and issues)."""
    ref = ref or load_reference()
    first = parse_month(month)
    return [
        e.form_code
        for e in ref.calendar
        if e.submitter == "plan_responsible" and e.applies_to(first)
    ]


@dataclass(frozen=True)
class NotOwed:
    """Why a unit does not owe a form for a month, and what to do, in both languages."""

    kind: str
    """`plan_missing` (the year's plan is not accepted yet), `not_in_plan`, `not_lead`,
    `other_unit` or `not_this_month`."""
    cause_zh: str
    cause_en: str
    action_zh: str
    action_en: str


def plan_missing(
    month: str | date, form_codes: list[str], state: PlanState, ref: Reference | None = None
) -> NotOwed:
    """The year's plan is not accepted yet, so no unit owes `form_codes` for `month`."""
    ref = ref or load_reference()
    first = parse_month(month)
    entry = ref.calendar_entry("key_project_plan")
    planner = entry.submitter if entry else "drc"
    plan_month = next(
        (
            date(first.year, m, 1)
            for m in range(1, 13)
            if entry and entry.applies_to(date(first.year, m, 1))
        ),
        date(first.year, 1, 1),
    )
    due = entry.due_on(plan_month) if entry else plan_month
    who = unit_label(ref, planner, plan_month)
    rejected_zh = f"；已报送 {state.rejected} 次，均被退回" if state.rejected else ""
    rejected_en = f" ({state.rejected} version(s) rejected)" if state.rejected else ""
    owed_zh = "和".join(form_label(c) for c in form_codes) or form_label("project_progress")
    return NotOwed(
        "plan_missing",
        f"{first.year}年度重点项目计划尚未受理（{who}报送的{form_label('key_project_plan')}，"
        f"{month_zh(plan_month)}的报表，{date_zh(due)}截止{rejected_zh}），"
        f"所以{month_zh(first)}还没有单位需要报送{owed_zh}",
        f"the {first.year} key-project plan ({planner}'s key_project_plan for "
        f"{plan_month:%Y-%m}, due {due:%Y-%m-%d}) has not been accepted yet{rejected_en}, so "
        f"no unit owes {' or '.join(form_codes) or 'project_progress'} for {first:%Y-%m}",
        f"请等待{who}报送{first.year}年的{form_label('key_project_plan')}（或联系其尽快报送），"
        "计划受理后再重新报送本表",
        f"wait for {planner} to submit the {first.year} plan (or ask {planner} for it), then "
        "resubmit once it is accepted",
    )


def why_not_owed(
    con: duckdb.DuckDBPyConnection,
    month: str | date,
    unit_code: str,
    form_code: str,
    ref: Reference | None = None,
) -> NotOwed | None:
    """Why `unit_code` does not owe `form_code` for `month` (None when it does)."""
    ref = ref or load_reference()
    first = parse_month(month)
    entry = ref.calendar_entry(form_code)
    allowed = submitters(con, first, form_code, ref)
    if entry is not None and entry.applies_to(first) and unit_code in allowed:
        return None
    label, form = unit_label(ref, unit_code, first), form_label(form_code)
    if entry is None or not entry.applies_to(first):
        months = "、".join(entry.months.split("|")) if entry else ""
        return NotOwed(
            "not_this_month",
            f"{form}只在{months}月报送，{month_zh(first)}不需要报送",
            f"{form_code} is due for month(s) {months} only, not for {first:%Y-%m}",
            "请核对报告月份（文件所在的月份文件夹）是否正确",
            "check the report month (the month folder of the file)",
        )
    if entry.submitter == "plan_responsible":
        state = plan_state(con, first)
        if not state.is_accepted:
            return plan_missing(first, plan_forms(first, ref), state, ref)
        return NotOwed(
            "not_in_plan",
            f"{label}不是{first.year}年度重点项目计划中任何项目的责任单位；"
            f"本月应报送{form}的单位：{units_zh(ref, allowed, first)}",
            f"unit {unit_code!r} is responsible for no project of the {first.year} plan; "
            f"expected from: {', '.join(sorted(allowed)) or 'nobody'}",
            "如本单位确应报送，请联系区发展改革局修订重点项目计划表，在“责任单位”列写明本单位",
            "if the unit should report, drc revises the plan naming it as 责任单位",
        )
    kind = "not_lead" if entry.submitter == "campaign_lead" else "other_unit"
    return NotOwed(
        kind,
        f"本月应报送{form}的单位：{units_zh(ref, allowed, first)}",
        f"expected from: {', '.join(sorted(allowed)) or 'nobody'}",
        "请核对文件是否放在了本单位的文件夹中；本单位不需要报送该表",
        "check that the file is in the right unit's folder",
    )
