"""Waivers the office records in the raw store: `raw.waivers`, append-only.

A waiver excuses a unit from one form for one month (the reason and who approved it are
kept). Nothing is updated or deleted: revoking a waiver is a new row with `revoked = true`,
and for each (month, unit, form) the latest row decides. The seed `waivers.csv` (reference
data) holds the waivers decided before; `ingest.status` honours both.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date, datetime

import duckdb

from .forms import FORMS
from .months import month_text, parse_month
from .reference import Reference, load_reference
from .settings import CST, IntakePaths
from .store import StoreConnection, has_table, open_store


@dataclass(frozen=True)
class WaiverRecord:
    """One row of `raw.waivers` (field order = column order)."""

    month: date
    unit_code: str
    form_code: str
    reason: str
    approved_by: str
    recorded_by: str
    recorded_at: datetime
    revoked: bool


LATEST_SQL = """
select month, unit_code, form_code, reason, approved_by, recorded_by, recorded_at, revoked
from raw.waivers
where month = ?
qualify row_number() over (
    partition by month, unit_code, form_code order by recorded_at desc, rowid desc
) = 1
"""


def latest_waivers(
    con: duckdb.DuckDBPyConnection | StoreConnection, month: str | date
) -> list[WaiverRecord]:
    """The latest `raw.waivers` row of each (unit, form) of `month` (revoked ones too);
    [] for a store written before the table existed."""
    if not has_table(con, "waivers"):
        return []
    rows = con.execute(LATEST_SQL, [parse_month(month)]).fetchall()
    return [WaiverRecord(*r) for r in rows]


def waived(
    con: duckdb.DuckDBPyConnection | StoreConnection, month: str | date
) -> set[tuple[str, str]]:
    """(unit_code, form_code) that a recorded waiver, not revoked, excuses in `month`."""
    return {(w.unit_code, w.form_code) for w in latest_waivers(con, month) if not w.revoked}


def record_waiver(
    paths: IntakePaths,
    month: str,
    unit_code: str,
    form_code: str,
    reason: str,
    approved_by: str,
    recorded_by: str,
    ref: Reference | None = None,
) -> WaiverRecord:
    """Append a waiver of `form_code` for `unit_code` in `month`; the row written.

    ValueError (English) for an unknown form, a unit not valid in the month, or an empty
    reason, approver or recorder; `MonthError` for a malformed month."""
    return _append(paths, month, unit_code, form_code, reason, approved_by, recorded_by, ref, False)


def revoke_waiver(
    paths: IntakePaths,
    month: str,
    unit_code: str,
    form_code: str,
    reason: str,
    approved_by: str,
    recorded_by: str,
    ref: Reference | None = None,
) -> WaiverRecord:
    """Append the revocation of the waiver of `form_code` for `unit_code` in `month` (a new
    row with `revoked = true`); the row written. ValueError as `record_waiver`, and when no
    waiver of that form is in force."""
    return _append(paths, month, unit_code, form_code, reason, approved_by, recorded_by, ref, True)


def _append(
    paths: IntakePaths,
    month: str,
    unit_code: str,
    form_code: str,
    reason: str,
    approved_by: str,
    recorded_by: str,
    ref: Reference | None,
    revoked: bool,
) -> WaiverRecord:
    first = parse_month(month)
    ref = ref or load_reference()
    if form_code not in FORMS:
        raise ValueError(f"unknown form {form_code!r}; forms: {', '.join(FORMS)}")
    if ref.unit(unit_code, first) is None:
        raise ValueError(f"{unit_code!r} is not a unit valid in {month_text(first)}")
    for name, value in (
        ("reason", reason),
        ("approved_by", approved_by),
        ("recorded_by", recorded_by),
    ):
        if not (value or "").strip():
            raise ValueError(f"{name} must not be empty")
    record = WaiverRecord(
        first,
        unit_code,
        form_code,
        reason.strip(),
        approved_by.strip(),
        recorded_by.strip(),
        datetime.now(CST),
        revoked,
    )
    with open_store(paths) as con:
        if revoked and (unit_code, form_code) not in waived(con, first):
            raise ValueError(
                f"no waiver of {form_code} for {unit_code} in {month_text(first)} to revoke"
            )
        con.execute(
            "insert into raw.waivers values (?, ?, ?, ?, ?, ?, ?, ?)", list(astuple(record))
        )
    return record
