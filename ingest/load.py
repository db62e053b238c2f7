"""The raw schema and the loading of one file, in one transaction.

`raw.<form>` holds the typed rows of accepted files with lineage; `raw.submissions`
one row per landing file seen (rejected too); `raw.problems` every problem found.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date, datetime

import duckdb

from .forms import FORMS, LINEAGE_COLUMNS, Form, raw_table_ddl

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


@dataclass
class SubmissionRecord:
    """One row of `raw.submissions` (field order = column order)."""

    submission_id: str
    file_path: str
    file_name: str
    sha256: str
    size_bytes: int
    unit_code: str
    form_code: str | None
    month: date
    version: int | None
    submitted_at: datetime
    ingested_at: datetime
    status: str
    errors: int
    warnings: int
    rows_loaded: int
    receipt_path: str | None
    quarantine_path: str | None
    archive_path: str | None
    reason_zh: str | None
    reason_en: str | None

    @property
    def accepted(self) -> bool:
        return self.status in ("accepted", "accepted_with_warnings")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and its tables when missing."""
    con.execute("create schema if not exists raw")
    for form in FORMS.values():
        con.execute(raw_table_ddl(form))
    con.execute(SUBMISSIONS_DDL)
    con.execute(PROBLEMS_DDL)


def load_file(
    con: duckdb.DuckDBPyConnection,
    record: SubmissionRecord,
    form: Form | None,
    rows_table: str = "_zw_n",
    problems_table: str = "_zw_p",
) -> int:
    """Insert an accepted file's rows (from `rows_table`), its submissions row and its
    problems, in one transaction. A rejected file gets only the last two. Returns rows loaded."""
    con.execute("begin transaction")
    try:
        loaded = 0
        if record.accepted and form is not None:
            lineage = ", ".join("?" for _ in LINEAGE_COLUMNS[:-1])
            cols = ", ".join(f.code for f in form.fields)
            con.execute(
                f"insert into raw.{form.code} select {lineage}, _row, {cols} from {rows_table}",
                [
                    record.submission_id,
                    record.file_path,
                    record.sha256,
                    record.unit_code,
                    record.form_code,
                    record.month,
                    record.version,
                    record.submitted_at,
                    record.ingested_at,
                ],
            )
            loaded = con.execute(f"select count(*) from {rows_table}").fetchall()[0][0]
        record.rows_loaded = int(loaded)
        con.execute(
            "insert into raw.submissions values (" + ", ".join(["?"] * 20) + ")",
            list(astuple(record)),
        )
        con.execute(
            f"insert into raw.problems select ?, * from {problems_table}",
            [record.submission_id],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return record.rows_loaded
