"""Loading one file into the raw store, in one transaction.

`load_file` writes an accepted file's normalised rows (left in a temp table by the
validator), its `raw.submissions` row and its problems; a rejected file gets only the
last two. It needs the read-write store connection (`store.open_store`).
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date, datetime

import duckdb

from .forms import LINEAGE_COLUMNS, Form
from .store import ACCEPTED, ensure_schema
from .validate.problems import STORED_COLUMNS

__all__ = ["SubmissionRecord", "ensure_schema", "load_file"]


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
        return self.status in ACCEPTED


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
            f"insert into raw.problems select ?, {STORED_COLUMNS} from {problems_table}",
            [record.submission_id],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return record.rows_loaded
