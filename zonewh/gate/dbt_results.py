"""The gate's dbt findings: the data tests of the build that made the month, read from the
build result itself (never searched for on disk), with their failing rows read back from the
snapshot of that build (each gate test stores its rows in schema `gate_failures`)."""

from __future__ import annotations

import logging
import re
from typing import Any

from .checks import BY_CODE
from .outcome import MAX_ROWS, Finding
from .values import json_value

log = logging.getLogger(__name__)

GATE_TEST = re.compile(r"^([bw]\d+)_", re.IGNORECASE)
"""A gate test's name starts with its check code: b3_project_ytd_chain → B3."""


def gate_code(test_name: str) -> str | None:
    """The check code a dbt test implements, or None for a test outside the gate."""
    match = GATE_TEST.match(test_name)
    if not match:
        return None
    code = match.group(1).upper()
    return code if code in BY_CODE else None


def _table(relation: str | None) -> str | None:
    """`"zone"."gate_failures"."b3_x"` → `gate_failures.b3_x` (the catalog differs in a
    snapshot file); None unless the relation is a stored-failures table."""
    if not relation or "gate_failures" not in relation:
        return None
    parts = [p.strip('"') for p in relation.split(".")]
    return ".".join(f'"{p}"' for p in parts[-2:])


def _rows(con: Any, table: str | None, month: str) -> list[dict[str, Any]]:
    """The month's failing rows of one test (all rows when none names a month)."""
    if con is None or table is None:
        return []
    try:
        cur = con.execute(f"select * from {table} limit {MAX_ROWS * 5}")
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    except Exception as exc:  # noqa: BLE001 - the rows are examples; the failure stands
        log.info("could not read failing rows from %s: %s", table, exc)
        return []
    first = f"{month}-01"
    same = [r for r in rows if "month" not in r or str(json_value(r["month"]))[:10] == first]
    return [{k: json_value(v) for k, v in r.items()} for r in (same or rows)[:MAX_ROWS]]


def findings(build: Any, month: str, con: Any = None) -> list[Finding]:
    """One finding per gate data test of `build` (a `zonewh.build.BuildResult`)."""
    out: list[Finding] = []
    for node in build.nodes:
        if node.resource_type != "test":
            continue
        code = gate_code(node.name)
        if code is None:
            continue
        status = node.status if node.status in ("pass", "fail", "warn", "error") else "skipped"
        count = int(node.failures or 0) if status in ("fail", "warn") else 0
        if status == "skipped":
            message = f"dbt test {node.name} did not run (an upstream node failed)"
        elif status == "error":
            message = f"dbt test {node.name} could not run: {node.message or 'error'}"
        elif count:
            message = f"dbt test {node.name}: {count} failing row(s)"
        else:
            message = ""
        rows = _rows(con, _table(node.relation), month) if count else []
        out.append(Finding(code, "dbt", node.name, status, count, message, rows))
    return out


def build_problems(build: Any) -> list[str]:
    """What stops a build from being judged at all: dbt's own error, a seed or model that
    failed, a failing test outside the gate (reference data, structure). Operational
    problems, reported as such, never as a data-quality check."""
    problems = [f"dbt did not complete: {build.error}"] if build.error else []
    for node in build.nodes:
        if node.resource_type in ("seed", "model", "snapshot") and node.status == "error":
            problems.append(f"{node.resource_type} {node.name} failed: {node.message}")
        elif (
            node.resource_type in ("test", "unit_test")
            and gate_code(node.name) is None
            and node.status in ("fail", "error")
        ):
            problems.append(f"{node.resource_type} {node.name} {node.status}: {node.message}")
    return problems
