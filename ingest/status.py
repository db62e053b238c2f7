"""Who submitted what for a month: on time, late, rejected, missing or waived.

Same semantics as the mart `submission_status`: for each expected (unit, form) and each
unexpected one that arrived, `on_time` when the first accepted version arrived by the end
of the due day (CST), `late` when accepted after, `rejected` when only rejected versions
arrived, `waived` when a waiver covers a form with nothing accepted (a waiver of the seed
`waivers.csv`, or the latest row of `raw.waivers` for it when not revoked), `missing`
otherwise. Read from the raw store, read-only (holding its lock shared).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from .calendar import due_on as calendar_due_on
from .calendar import expected_submissions, is_on_time
from .months import parse_month
from .reference import Reference, load_reference
from .settings import IntakePaths
from .store import ACCEPTED, open_store
from .waivers import waived as recorded_waivers


@dataclass
class StatusRow:
    """The submission status of one (unit, form) for a month."""

    unit_code: str
    unit_name: str
    form_code: str
    due_on: date
    status: str
    """on_time | late | rejected | missing | waived"""
    versions: int
    errors: int
    """Errors of the latest version."""
    warnings: int
    """Warnings of the latest version."""
    first_received_at: datetime | None
    accepted_at: datetime | None
    """When the first accepted version arrived."""
    expected: bool = True


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
            )
        )
    return out


def month_status(month: str, paths: IntakePaths, ref: Reference | None = None) -> list[StatusRow]:
    """The submission status of every expected (unit, form) of `month`, and of any
    unexpected form that arrived, from the raw store of `paths` (opened read-only)."""
    con = open_store(paths, read_only=True)
    try:
        return statuses(con, month, ref)
    finally:
        con.close()
