"""The normalised rows of a file: `_zw_n`, text, blank flag and typed value of every field.

Built in one pass from the reader's Arrow table into the temp table `_zw_m`, with `_zw_n`
a temp view over it; the typing is done by the `zw_*` macros of `ingest.normalize`.
"""

from __future__ import annotations

import duckdb

from ..forms import Field, Form
from ..normalize import WS_CODES, install_macros, money_wan
from ..readers import SheetData

FAST_CHECK_ROWS = 50_000
"""Up to this many rows, `normalise` first asks which columns need no trimming and no slow
number/date parsing, and builds those with plain casts (for small files, binding the full
expressions costs more than running them)."""


def typed_expr(f: Field, source: str | None = None) -> str:
    """SQL normalising the trimmed, non-blank text `tr_<code>` (blank flag `b_<code>`)."""
    c = source or f"tr_{f.code}"
    b = f"zw_is_blank_trimmed(tr_{f.code})" if source is None else f"zw_is_blank({source})"
    if source is not None:
        c = f"zw_trim({source})"
    if f.type == "number":
        wan = money_wan(f.money_unit)
        body = f"zw_number_trimmed({c}, {'null' if wan is None else repr(wan)})"
    elif f.type == "integer":
        body = f"zw_integer_of(zw_number_trimmed({c}, null))"
    elif f.type == "date":
        body = f"zw_date_trimmed({c})"
    else:
        body = c
    return f"case when {b} then null else {body} end"


def simple_fields(con: duckdb.DuckDBPyConnection, form: Form) -> set[str]:
    """The fields of `_zw_in` whose every cell has nothing to trim and, for numbers and
    dates, is blank or read by the fast path (so the full expressions give the same)."""
    checks = []
    for f in form.fields:
        c = f.code
        ok = f"not bool_or(ord({c}) in ({WS_CODES}) or ord({c}[-1]) in ({WS_CODES}))"
        if f.type in ("number", "integer"):
            ok += (
                f" and bool_and(zw_is_blank_trimmed({c}) "
                f"or coalesce(isfinite(try_cast({c} as double)), false))"
            )
        elif f.type == "date":
            ok += f" and bool_and(zw_is_blank_trimmed({c}) or zw_date_fast({c}) is not null)"
        checks.append(f"coalesce({ok}, true)")
    row = con.execute(f"select {', '.join(checks)} from _zw_in").fetchall()[0]
    return {f.code for f, simple in zip(form.fields, row, strict=True) if simple}


def simple_expr(f: Field) -> str:
    """`typed_expr(f)` for a field whose cells need no trimming and no slow path."""
    c = f"tr_{f.code}"
    if f.type == "number":
        body = f"try_cast({c} as double)"
    elif f.type == "integer":
        body = f"zw_integer_of(try_cast({c} as double))"
    else:
        body = f"zw_date_fast({c})"
    return f"case when zw_is_blank_trimmed({c}) then null else {body} end"


def normalise(con: duckdb.DuckDBPyConnection, data: SheetData, form: Form) -> None:
    """Create `_zw_n`: `_row`, then for each field its text `t_<code>`, its blank flag
    `b_<code>` (empty or a dash) and its typed value `<code>`.

    One pass over the reader's table fills `_zw_m`; `_zw_n` is a view over it. A text
    field's value is its trimmed text, stored only where trimming changed it (`tr_<code>`),
    so the text is not held twice."""
    install_macros(con)
    con.register("_zw_in", data.table)
    simple = simple_fields(con, form) if data.num_rows <= FAST_CHECK_ROWS else set()
    inner = ", ".join(
        f"{f.code} as t_{f.code}, "
        + (f"{f.code}" if f.code in simple else f"zw_trim({f.code})")
        + f" as tr_{f.code}"
        for f in form.fields
    )
    stored = ["_row"]
    shown = ["_row"]
    for f in form.fields:
        c = f.code
        stored += [f"t_{c}", f"zw_is_blank_trimmed(tr_{c}) as b_{c}"]
        shown += [f"t_{c}", f"b_{c}"]
        if f.type in ("number", "integer", "date"):
            expr = simple_expr(f) if c in simple else typed_expr(f)
            stored.append(f"{expr} as {c}")
            shown.append(c)
        else:
            changed = (
                "cast(null as varchar)"
                if c in simple
                else f"case when tr_{c} is distinct from t_{c} then tr_{c} end"
            )
            stored.append(f"{changed} as tr_{c}")
            shown.append(f"case when b_{c} then null else coalesce(tr_{c}, t_{c}) end as {c}")
    # the trimmed text is a projection of the subquery, computed once per cell
    con.execute(
        f"create or replace temp table _zw_m as select {', '.join(stored)} "
        f"from (select _row, {inner} from _zw_in) as _zw_s"
    )
    con.execute(f"create or replace temp view _zw_n as select {', '.join(shown)} from _zw_m")
    con.unregister("_zw_in")


def empty_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Make `_zw_n` an empty view (a file rejected before its rows were read)."""
    con.execute("create or replace temp view _zw_n as select 1 as _row where false")
