"""Temporary lookup tables the rules join against: reference data and what `raw` holds.

Each is built from the reference records or from the raw store on the same connection,
only for the forms whose rules use it (`prepare`). All are temp tables: they can be
created on a read-only connection.
"""

from __future__ import annotations

import weakref
from datetime import date

import duckdb

from ..calendar import current_plan_submission
from ..forms import Form
from ..months import add_months
from ..store import ACCEPTED
from .context import Context

PLAN_RULES = frozenset(
    {
        "project_in_plan_of_submitter",
        "project_name_matches",
        "ytd_within_total",
        "every_plan_project_reported",
        "project_in_progress",
    }
)
"""Rules that read the year's current plan (`_zw_plan`)."""

UNIT_RULES = frozenset({"unit_known", "town_known", "assessed_unit_known"})
"""Rules that read a unit column's resolved units (`_zw_u_<code>`)."""


def distinct_values(con: duckdb.DuckDBPyConnection, code: str) -> list[str]:
    """The distinct non-null values of a normalised column."""
    return [
        r[0]
        for r in con.execute(
            f"select distinct {code} from _zw_n where {code} is not null"
        ).fetchall()
    ]


def insert_columns(
    con: duckdb.DuckDBPyConnection, name: str, columns: list[tuple[list, str]]
) -> None:
    """Insert rows given column by column (values, SQL type) into table `name` (lists are
    bound as parameters and unnested side by side: no Arrow conversion of Python lists)."""
    if not columns or not columns[0][0]:
        return
    select = ", ".join(f"unnest(cast(? as {sql_type}[]))" for _, sql_type in columns)
    con.execute(f"insert into {name} select {select}", [values for values, _ in columns])


def lookup_table(name: str, con: duckdb.DuckDBPyConnection, rows: dict[str, dict]) -> None:
    """A temp table `name(key, ...)` from a key → record mapping (all columns varchar)."""
    keys = list(rows)
    names: list[str] = []
    for k in keys:
        for c in rows[k]:
            if c not in names:
                names.append(c)
    con.execute(
        f"create or replace temp table {name} ("
        + ", ".join(f"{c} varchar" for c in ["key", *names])
        + ")"
    )
    insert_columns(
        con,
        name,
        [(keys, "varchar")] + [([rows[k].get(c) for k in keys], "varchar") for c in names],
    )


def resolve_units(con: duckdb.DuckDBPyConnection, ctx: Context, code: str, name: str) -> None:
    """Temp table `name(key, unit_code, unit_type)` for the distinct values of a unit column."""
    rows = {}
    for text in distinct_values(con, code):
        unit = ctx.ref.resolve_unit(text, ctx.month)
        rows[text] = {
            "unit_code": unit.code if unit else None,
            "unit_type": unit.unit_type if unit else None,
        }
    lookup_table(name, con, rows)
    if not rows:
        con.execute(
            f"create or replace temp table {name} (key varchar, unit_code varchar, "
            "unit_type varchar)"
        )


def indicators(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    """`_zw_ind`: the indicator catalog."""
    con.execute(
        "create or replace temp table _zw_ind (indicator_code varchar, indicator_name varchar, "
        "unit varchar, kind varchar, growth_basis varchar, is_value_optional boolean, "
        "frequency varchar)"
    )
    inds = ctx.ref.indicators
    insert_columns(
        con,
        "_zw_ind",
        [
            ([i.code for i in inds], "varchar"),
            ([i.name for i in inds], "varchar"),
            ([i.unit for i in inds], "varchar"),
            ([i.kind for i in inds], "varchar"),
            ([i.growth_basis for i in inds], "varchar"),
            ([i.is_value_optional for i in inds], "boolean"),
            ([i.frequency for i in inds], "varchar"),
        ],
    )


def clusters(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    """`_zw_cl(key, cluster_code)`: the cluster each distinct cluster text names."""
    rows = {}
    for text in distinct_values(con, "cluster"):
        c = ctx.ref.cluster(text, ctx.month)
        rows[text] = {"cluster_code": c.code if c else None}
    con.execute("create or replace temp table _zw_cl (key varchar, cluster_code varchar)")
    if rows:
        con.executemany(
            "insert into _zw_cl values (?, ?)", [[k, v["cluster_code"]] for k, v in rows.items()]
        )


_PLAN_LOADED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Per connection: the (plan submission, month, reference) `_zw_plan` was last built for."""


def plan(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    """`_zw_plan(project_code, project_name, responsible_code, total_investment)`: the year's
    current plan (rebuilt only when the plan in force or the month changes: an accepted
    plan's rows never change)."""
    sid = current_plan_submission(con, ctx.month)
    key = (sid, ctx.month, id(ctx.ref))
    if sid is not None and _PLAN_LOADED.get(con) == key:
        return
    _PLAN_LOADED.pop(con, None)
    con.execute(
        "create or replace temp table _zw_plan (project_code varchar, project_name varchar, "
        "responsible_code varchar, total_investment double)"
    )
    if sid is None:
        return
    rows = con.execute(
        "select project_code, project_name, responsible_unit, total_investment "
        "from raw.key_project_plan where submission_id = ?",
        [sid],
    ).fetchall()
    cache: dict[str, str | None] = {}
    for _, _, resp, _ in rows:
        if resp not in cache:
            unit = ctx.ref.resolve_unit(resp or "", ctx.month)
            cache[resp] = unit.code if unit else None
    insert_columns(
        con,
        "_zw_plan",
        [
            ([r[0] for r in rows], "varchar"),
            ([r[1] for r in rows], "varchar"),
            ([cache[r[2]] for r in rows], "varchar"),
            ([r[3] for r in rows], "double"),
        ],
    )
    _PLAN_LOADED[con] = key


def progress_of(con: duckdb.DuckDBPyConnection, month: date, name: str) -> None:
    """`name(project_code, invested_ytd)`: the current accepted progress rows of `month`."""
    con.execute(
        f"""
        create or replace temp table {name} as
        with current_subs as (
            select submission_id
            from raw.submissions
            where form_code = 'project_progress'
                and status in {ACCEPTED}
                and month = ?
            qualify row_number() over (partition by unit_code order by version desc) = 1
        ),
        final as (
            select p.project_code, max(p.invested_ytd) as invested_ytd
            from raw.project_progress as p
            inner join current_subs using (submission_id)
            group by p.project_code
        )
        select * from final
        """,
        [month],
    )


def campaigns(con: duckdb.DuckDBPyConnection, ctx: Context) -> None:
    """`_zw_cmap(key, campaign_code, lead_unit, running, unit_groups, campaign_name)` and
    `_zw_crit`."""
    rows = []
    for text in distinct_values(con, "campaign_code"):
        camp = ctx.ref.campaign(text) or next(
            (c for c in ctx.ref.campaigns if c.name == text), None
        )
        rows.append(
            [
                text,
                camp.code if camp else None,
                camp.lead_unit if camp else None,
                bool(camp and camp.is_running(ctx.month)),
                "|".join(camp.unit_groups) if camp else None,
                camp.name if camp else None,
            ]
        )
    con.execute(
        "create or replace temp table _zw_cmap (key varchar, campaign_code varchar, "
        "lead_unit varchar, running boolean, unit_groups varchar, campaign_name varchar)"
    )
    if rows:
        con.executemany("insert into _zw_cmap values (?, ?, ?, ?, ?, ?)", rows)
    con.execute(
        "create or replace temp table _zw_crit (campaign_code varchar, unit_group varchar, "
        "criterion_code varchar, criterion_name varchar, max_score double)"
    )
    crit = [
        [c.campaign_code, c.unit_group, c.criterion_code, c.criterion_name, c.max_score]
        for c in ctx.ref.all_criteria
    ]
    if crit:
        con.executemany("insert into _zw_crit values (?, ?, ?, ?, ?)", crit)


def scored(con: duckdb.DuckDBPyConnection) -> None:
    """`_zw_scored`: each score row with its campaign, assessed unit and criterion resolved."""
    con.execute(
        """
        create or replace temp table _zw_scored as
        select n._row, c.campaign_code, u.unit_code, u.unit_type, n.t_assessed_unit,
            coalesce(k.criterion_code, n.criterion_code) as criterion, k.max_score,
            n.t_criterion_code
        from _zw_n as n
        left join _zw_cmap as c on c.key = n.campaign_code
        left join _zw_u_assessed_unit as u on u.key = n.assessed_unit
        left join _zw_crit as k
            on k.campaign_code = c.campaign_code
            and k.unit_group = u.unit_type
            and n.criterion_code in (k.criterion_code, k.criterion_name)
        """
    )


def prepare(con: duckdb.DuckDBPyConnection, form: Form, ctx: Context) -> None:
    """The lookup tables the form's rules use."""
    rules = {r for f in form.fields for r in f.rules} | set(form.form_rules)
    codes = {f.code for f in form.fields}
    if "indicator_code" in codes:
        indicators(con, ctx)
    if "cluster" in codes:
        clusters(con, ctx)
    for f in form.fields:
        if UNIT_RULES & set(f.rules):
            resolve_units(con, ctx, f.code, f"_zw_u_{f.code}")
    if rules & PLAN_RULES:
        plan(con, ctx)
    if "ytd_chain" in rules and ctx.month.month != 1:
        progress_of(con, add_months(ctx.month, -1), "_zw_prev")
    if "project_in_progress" in rules:
        progress_of(con, ctx.month, "_zw_cur")
    if "campaign_code" in codes:
        campaigns(con, ctx)
        scored(con)
