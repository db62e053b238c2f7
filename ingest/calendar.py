"""Which (unit, form) a month expects, when each is due, and whether a file was on time.

Follows `submission_calendar.csv`: `drc`/`ist` are unit codes; `plan_responsible` means
the responsible units of the year's current key-project plan (in `raw`); `campaign_lead`
means the lead offices of the campaigns running that month. Deadlines are judged at the
end of the due day in China Standard Time.
"""

from __future__ import annotations

import weakref
from datetime import date, datetime, time, timedelta

import duckdb

from .months import add_months, parse_month
from .reference import Reference, load_reference
from .settings import CST
from .store import ACCEPTED

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
