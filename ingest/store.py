"""The raw store: intake's own DuckDB file, `<home>/warehouse/raw.duckdb`, schema `raw`.

`raw.<form>` holds the typed rows of accepted files with their lineage,
`raw.submissions` one row per landing file seen (rejected ones too), `raw.problems`
every problem found. Only intake writes the store; everything else opens it read-only.
DuckDB allows one process to write a file: when another process holds it, opening
fails with `StoreBusy`, a message naming the store and the holder.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from .forms import FORMS, raw_table_ddl
from .settings import IntakePaths

SUBMISSIONS_DDL = """
create table if not exists raw.submissions (
    submission_id VARCHAR,
    file_path VARCHAR,
    file_name VARCHAR,
    sha256 VARCHAR,
    size_bytes BIGINT,
    unit_code VARCHAR,
    form_code VARCHAR,
    month DATE,
    version INTEGER,
    submitted_at TIMESTAMPTZ,
    ingested_at TIMESTAMPTZ,
    status VARCHAR,
    errors INTEGER,
    warnings INTEGER,
    rows_loaded INTEGER,
    receipt_path VARCHAR,
    quarantine_path VARCHAR,
    archive_path VARCHAR,
    reason_zh VARCHAR,
    reason_en VARCHAR
)
"""

PROBLEMS_DDL = """
create table if not exists raw.problems (
    submission_id VARCHAR,
    severity VARCHAR,
    rule VARCHAR,
    sheet VARCHAR,
    "row" INTEGER,
    "column" VARCHAR,
    value VARCHAR,
    message_zh VARCHAR,
    message_en VARCHAR
)
"""

STORE_ALIAS = "raw_store"
"""The catalog name the raw store is attached under by `open_store`."""

ACCEPTED = ("accepted", "accepted_with_warnings")
"""The `raw.submissions.status` values of a file whose rows were loaded."""

_HOLDER_RE = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


class StoreBusy(RuntimeError):
    """The raw store is locked by another process (DuckDB allows one writer)."""


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and its tables when missing."""
    con.execute("create schema if not exists raw")
    for form in FORMS.values():
        con.execute(raw_table_ddl(form))
    con.execute(SUBMISSIONS_DDL)
    con.execute(PROBLEMS_DDL)


def open_store(paths: IntakePaths, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the raw store of `paths`, its catalog the default one (`STORE_ALIAS`).

    Writing creates the folder, the file and the schema when missing. A read-only open of
    a store that does not exist yet gives an in-memory connection holding the empty schema,
    so readers need no special case. Raises `StoreBusy` when another process holds the file.

    The file is attached under `STORE_ALIAS`: a file named `raw.duckdb` opened directly
    would be a catalog `raw` next to the schema `raw`, and `raw.submissions` ambiguous.
    """
    store = paths.raw_store
    con = duckdb.connect()
    if read_only and not store.exists():
        ensure_schema(con)
        return con
    if not read_only:
        store.parent.mkdir(parents=True, exist_ok=True)
    mode = " (read_only)" if read_only else ""
    try:
        con.execute(f"attach {_literal(str(store))} as {STORE_ALIAS}{mode}")
    except duckdb.IOException as exc:
        con.close()
        if "lock" not in str(exc).lower():
            raise
        raise StoreBusy(busy_message(store, exc)) from None
    con.execute(f"use {STORE_ALIAS}")
    if not read_only:
        ensure_schema(con)
    return con


def _literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def busy_message(store: Path, exc: BaseException) -> str:
    """One English sentence naming the store and, when DuckDB says it, what holds it."""
    match = _HOLDER_RE.search(str(exc))
    holder = (
        f"process {match.group('pid')} ({match.group('program')})" if match else "another process"
    )
    return (
        f"the raw store {store} is in use: {holder} holds its lock; "
        "try again when that process has finished"
    )
