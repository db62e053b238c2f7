"""The candidate file: built from what the gate judged, audited, then renamed into place.

A candidate holds the previous publication's months as they were published, the months of
this publication copied from the gate's snapshot, the reference data of the snapshot, and the
publication log (every attempt so far, and this one). It is written with DuckDB's
`v1.0.0` storage, so DuckDB 1.0 and every later release (and the BI tools bundling one) can
read it, and every table and column carries its comment from the contract.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from .. import contract

STORAGE_VERSION = "v1.0.0"
"""The oldest DuckDB storage that holds our types and comments: readable by DuckDB ≥ 1.0."""


class AuditFailed(RuntimeError):
    """The candidate is not exactly what was checked (an operational fault, not data)."""


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _comment(label_zh: str, description: str) -> str:
    parts = [x for x in (label_zh.strip(), description.strip()) if x]
    return " — ".join(parts)


def _tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = ? and table_schema = ? and table_type = 'BASE TABLE' "
        "order by table_name",
        [catalog, schema],
    ).fetchall()
    return [r[0] for r in rows]


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_catalog = ? and table_schema = 'marts' and table_name = ?",
            [catalog, table],
        ).fetchall()
    }


def _typed(mart: contract.Mart, present: set[str]) -> str:
    """The contract's columns in order, each cast to its type; NULL where absent."""
    parts = []
    for c in mart.columns:
        source = f'"{c.name}"' if c.name in present else "null"
        parts.append(f'cast({source} as {c.data_type or "varchar"}) as "{c.name}"')
    return ", ".join(parts)


def _firsts(months: list[str]) -> list[str]:
    return [f"{m}-01" for m in months]


def _log_table(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> None:
    """marts.publication_log of the contract, filled with the log rows."""
    log = contract.publication_log()
    con.execute(log.ddl(schema="cand.marts"))
    if rows:
        marks = ", ".join(f"cast(? as {c.data_type})" for c in log.columns)
        con.executemany(
            f"insert into cand.marts.publication_log values ({marks})",
            [[_log_value(r.get(c.name)) for c in log.columns] for r in rows],
        )


def _log_value(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int | float) else str(value)


def write_candidate(
    candidate: Path,
    snapshot: Path,
    previous: Path | None,
    months: list[str],
    log_rows: list[dict[str, Any]],
) -> None:
    """Fill a fresh candidate file (see the module docstring)."""
    firsts = _firsts(months)
    marks = ", ".join("?::date" for _ in firsts)
    con = duckdb.connect()
    try:
        con.execute(
            f"attach {_sql_text(str(candidate))} as cand (storage_version '{STORAGE_VERSION}')"
        )
        con.execute(f"attach {_sql_text(str(snapshot))} as snap (read_only)")
        old: list[str] = []
        if previous is not None:
            con.execute(f"attach {_sql_text(str(previous))} as prev (read_only)")
            old = _tables(con, "prev", "marts")
        con.execute("create schema cand.marts")
        con.execute("create schema cand.reference")
        for mart in contract.monthly_marts().values():
            # every column cast to the contract's type (an older publication's DOUBLE money
            # comes back DECIMAL); a column the older publication lacks (the contract grew)
            # is NULL for its months
            sql = (
                f"select {_typed(mart, _columns(con, 'snap', mart.name))} "
                f"from snap.marts.{mart.name} where month in ({marks})"
            )
            params: list[Any] = list(firsts)
            if mart.name in old:
                sql += (
                    f" union all select {_typed(mart, _columns(con, 'prev', mart.name))} "
                    f"from prev.marts.{mart.name} where month not in ({marks})"
                )
                params += firsts
            con.execute(
                f"create table cand.marts.{mart.name} as {sql} "
                f"order by {', '.join(mart.keys) or 'all'}",
                params,
            )
        _log_table(con, log_rows)
        for table in _tables(con, "snap", "reference"):
            con.execute(
                f"create table cand.reference.{table} as select * from snap.reference.{table}"
            )
        _add_views(con)
        _add_comments(con)
        con.execute("detach snap")
        if previous is not None:
            con.execute("detach prev")
        con.execute("checkpoint cand")
        con.execute("detach cand")
    finally:
        con.close()


def _add_views(con: duckdb.DuckDBPyConnection) -> None:
    """Views readers ask for: the organisation units valid today."""
    if "org_units" in _tables(con, "cand", "reference"):
        con.execute(
            "create view cand.reference.org_units_current as "
            "select * from reference.org_units "
            "where valid_from <= current_date and (valid_to is null or valid_to >= current_date)"
        )


def _add_comments(con: duckdb.DuckDBPyConnection) -> None:
    """Every table and column of the contract (and of the reference data) gets its comment."""
    described = {**contract.tables(), **contract.reference_tables()}
    for schema in ("marts", "reference"):
        for table in _tables(con, "cand", schema):
            spec = described.get(table)
            if spec is None:
                continue
            con.execute(
                f"comment on table cand.{schema}.{table} is "
                f"{_sql_text(_comment(spec.label_zh, spec.description))}"
            )
            have = {
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_catalog = 'cand' and table_schema = ? and table_name = ?",
                    [schema, table],
                ).fetchall()
            }
            for column in spec.columns:
                if column.name in have:
                    con.execute(
                        f'comment on column cand.{schema}.{table}."{column.name}" is '
                        f"{_sql_text(_comment(column.label_zh, column.description))}"
                    )


def audit(
    candidate: Path, snapshot: Path, previous: Path | None, months: list[str], publication_id: str
) -> dict[str, int]:
    """Check the candidate read-only: every contract column present, keys unique, the months
    published identical to the snapshot the gate judged, the other months identical to the
    previous publication, and this publication in its log. Returns the months' row counts."""
    problems: list[str] = []
    counts: dict[str, int] = {}
    firsts = _firsts(months)
    marks = ", ".join("?::date" for _ in firsts)
    con = duckdb.connect(str(candidate), read_only=True)
    try:
        con.execute(f"attach {_sql_text(str(snapshot))} as snap (read_only)")
        prev_tables: list[str] = []
        if previous is not None:
            con.execute(f"attach {_sql_text(str(previous))} as prev (read_only)")
            prev_tables = _tables(con, "prev", "marts")
        for mart in contract.tables().values():
            have = [
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns where table_catalog = "
                    "current_database() and table_schema = 'marts' and table_name = ? "
                    "order by ordinal_position",
                    [mart.name],
                ).fetchall()
            ]
            absent = [c for c in mart.column_names if c not in have]
            if absent:
                problems.append(f"marts.{mart.name} lacks {', '.join(absent)}")
                continue
            if not mart.is_monthly:
                continue
            keys = ", ".join(mart.keys)
            dupes = con.execute(
                f"select count(*) from (select {keys} from marts.{mart.name} "
                f"group by all having count(*) > 1)"
            ).fetchone()[0]
            if dupes:
                problems.append(f"marts.{mart.name}: {dupes} duplicated keys ({keys})")
            mine = _typed(mart, set(have))
            for side, where in (
                ("snap", f"month in ({marks})"),
                ("prev", f"month not in ({marks})"),
            ):
                if side == "prev" and mart.name not in prev_tables:
                    continue
                theirs = _typed(mart, _columns(con, side, mart.name))
                diff = con.execute(
                    f"select count(*) from ((select {mine} from marts.{mart.name} where {where} "
                    f"except all select {theirs} from {side}.marts.{mart.name} where {where}) "
                    f"union all (select {theirs} from {side}.marts.{mart.name} where {where} "
                    f"except all select {mine} from marts.{mart.name} where {where}))",
                    firsts * 4,
                ).fetchone()[0]
                if diff:
                    what = "the checked snapshot" if side == "snap" else "the previous publication"
                    problems.append(f"marts.{mart.name}: {diff} row(s) differ from {what}")
            for month, first in zip(months, firsts, strict=True):
                counts[f"{mart.name}:{month}"] = con.execute(
                    f"select count(*) from marts.{mart.name} where month = ?::date", [first]
                ).fetchone()[0]
        logged = con.execute(
            "select count(*) from marts.publication_log where publication_id = ? and published",
            [publication_id],
        ).fetchone()[0]
        if logged != 1:
            problems.append(f"marts.publication_log lacks publication {publication_id}")
    finally:
        con.close()
    if problems:
        raise AuditFailed("; ".join(problems))
    return counts


def export_parquet(candidate: Path, folder: Path) -> list[Path]:
    """Every table of schema marts as `<folder>/<mart>.parquet`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    con = duckdb.connect(str(candidate), read_only=True)
    try:
        for table in _tables(con, current_catalog(con), "marts"):
            target = folder / f"{table}.parquet"
            con.execute(
                f"copy (select * from marts.{table}) to {_sql_text(str(target))} "
                "(format parquet, compression zstd)"
            )
            written.append(target)
    finally:
        con.close()
    return written


def current_catalog(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select current_database()").fetchone()[0]
