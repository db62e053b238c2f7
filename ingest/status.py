"""Who submitted what for a month: on time, late, rejected, missing or waived.

Same semantics as the mart `submission_status`: for each expected (unit, form) and each
unexpected one that arrived, `on_time` when the first accepted version arrived by the end
of the due day (CST), `late` when accepted after, `rejected` when only rejected versions
arrived, `waived` when a waiver covers a form with nothing accepted (a waiver of the seed
`waivers.csv`, or the latest row of `raw.waivers` for it when not revoked), `missing`
otherwise. Read from the raw store, read-only (holding its lock shared).

Rows name the unit and the form in Chinese (`unit_name`, `form_name`). While the year's
key-project plan is not accepted, no unit owes the plan's forms (progress and issues): each
such form gets a row of its own, `not_owed` for the plan's responsible units
(`unit_code` `plan_responsible`, not expected), and every row of such a form carries a note
saying why and what to do (`note_zh`, `note_en`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from .calendar import due_on as calendar_due_on
from .calendar import expected_submissions, is_on_time, plan_forms, plan_missing, plan_state
from .months import parse_month
from .reference import Reference, load_reference
from .settings import IntakePaths
from .store import ACCEPTED, open_store
from .waivers import waived as recorded_waivers
from .wording import form_name

PLAN_UNITS = "plan_responsible"
"""The unit code of the row standing for the plan's responsible units (not known until the
plan is accepted)."""
PLAN_UNITS_ZH = "重点项目责任单位（计划受理后确定）"


@dataclass
class StatusRow:
    """The submission status of one (unit, form) for a month."""

    unit_code: str
    unit_name: str
    form_code: str
    due_on: date
    status: str
    """on_time | late | rejected | missing | waived, or not_owed (the plan's forms while the
    year's plan is not accepted)"""
    versions: int
    errors: int
    """Errors of the latest version."""
    warnings: int
    """Warnings of the latest version."""
    first_received_at: datetime | None
    accepted_at: datetime | None
    """When the first accepted version arrived."""
    expected: bool = True
    form_name: str = ""
    """The form's Chinese title."""
    note_zh: str | None = None
    """Why a form is not owed (the year's plan not accepted yet) and what to do."""
    note_en: str | None = None


def statuses(
    con: duckdb.DuckDBPyConnection, month: str | date, ref: Reference | None = None
) -> list[StatusRow]:
    """The status rows of `month` from the `raw` schema on `con`."""
    ref = ref or load_reference()
    first = parse_month(month)
    expected = {(u, f): d for u, f, d in expected_submissions(first, con, ref)}
    rows = con.execute(
        f"""
        with subs as (
            select *
            from raw.submissions
            where month = ? and form_code is not null
        ),
        final as (
            select
                unit_code,
                form_code,
                count(*) as versions,
                arg_max(errors, version) as errors,
                arg_max(warnings, version) as warnings,
                min(submitted_at) as first_received_at,
                min(submitted_at) filter (where status in {ACCEPTED}) as accepted_at,
            from subs
            group by all
        )
        select * from final
        """,
        [first],
    ).fetchall()
    seen = {(r[0], r[1]): r for r in rows}
    waived = {(w.unit_code, w.form_code) for w in ref.waivers(first)}
    waived |= recorded_waivers(con, first)
    out: list[StatusRow] = []
    notes: dict[str, tuple[str, str]] = {}
    dependent = plan_forms(first, ref)
    state = plan_state(con, first) if dependent else None
    if state is not None and not state.is_accepted:
        why = plan_missing(first, dependent, state, ref)
        for code in dependent:
            notes[code] = (
                f"{why.cause_zh}。怎么办：{why.action_zh}",
                f"{why.cause_en}; {why.action_en}",
            )
            if not any(k[1] == code for k in seen):
                out.append(_not_owed(first, code, ref, notes[code]))
    for key in sorted(set(expected) | set(seen)):
        unit_code, form_code = key
        due = expected.get(key) or calendar_due_on(first, form_code, ref)
        r = seen.get(key)
        versions, errors, warnings, first_at, accepted_at = r[2:] if r else (0, 0, 0, None, None)
        if accepted_at is not None:
            status = "on_time" if is_on_time(accepted_at, due) else "late"
        elif key in waived:
            status = "waived"
        elif versions:
            status = "rejected"
        else:
            status = "missing"
        unit = ref.unit(unit_code, first)
        out.append(
            StatusRow(
                unit_code,
                unit.name if unit else unit_code,
                form_code,
                due,
                status,
                int(versions),
                int(errors or 0),
                int(warnings or 0),
                first_at,
                accepted_at,
                key in expected,
                form_name(form_code) or form_code,
                *notes.get(form_code, (None, None)),
            )
        )
    return out


def _not_owed(first: date, form_code: str, ref: Reference, note: tuple[str, str]) -> StatusRow:
    """The row of a plan form no unit owes yet (the year's plan not accepted)."""
    return StatusRow(
        PLAN_UNITS,
        PLAN_UNITS_ZH,
        form_code,
        calendar_due_on(first, form_code, ref),
        "not_owed",
        0,
        0,
        0,
        None,
        None,
        False,
        form_name(form_code) or form_code,
        *note,
    )


def month_status(month: str, paths: IntakePaths, ref: Reference | None = None) -> list[StatusRow]:
    """The submission status of every expected (unit, form) of `month`, and of any
    unexpected form that arrived, from the raw store of `paths` (opened read-only)."""
    con = open_store(paths, read_only=True)
    try:
        return statuses(con, month, ref)
    finally:
        con.close()
