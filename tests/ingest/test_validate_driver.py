"""`ingest.validate.driver`: the checks it runs itself (type, required, enumeration, who may
submit, no rows) and that validating writes nothing persistent."""

from __future__ import annotations

import copy
import hashlib
from datetime import date

import duckdb
import pytest
from rulecases import CASES, Case, case_id, check_fails, check_passes, driver_cases, run, sheet_of

from ingest.forms import FORMS
from ingest.reference import load_reference
from ingest.settings import IntakePaths
from ingest.store import open_store
from ingest.validate import Context, validate

DRIVER_CASES = driver_cases()


@pytest.mark.parametrize("case", DRIVER_CASES, ids=case_id)
def test_rule_passes(base_home: IntakePaths, case: Case) -> None:
    check_passes(base_home, case)


@pytest.mark.parametrize("case", DRIVER_CASES, ids=case_id)
def test_rule_fails(base_home: IntakePaths, case: Case) -> None:
    check_fails(base_home, case)


def test_driver_checks_are_covered() -> None:
    assert {c.rule for c in DRIVER_CASES} == {"type", "required", "enum", "submitter_allowed"}


def test_header_only_file(base_home: IntakePaths) -> None:
    empty_signings = run(base_home, "investment_signings", "ist", "2019-01", [])
    assert empty_signings.status == "accepted"
    empty_econ = run(base_home, "econ_indicators", "drc", "2019-01", [])
    assert [p.rule for p in empty_econ.problems] == ["no_rows"]


def _persistent(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Every non-temporary table, view and macro the connection sees, outside the system."""
    return con.execute(
        """
        select 'table', schema_name, table_name from duckdb_tables() where not temporary
        union all
        select 'view', schema_name, view_name from duckdb_views()
            where not temporary and not internal
        union all
        select 'macro', schema_name, function_name from duckdb_functions()
            where function_type like '%macro%' and not internal
                and database_name <> 'temp'
        order by all
        """
    ).fetchall()


def test_every_form_validates_on_a_read_only_store(base_home: IntakePaths) -> None:
    """Every rule of every form runs on a read-only connection; what it creates is temp."""
    digest = hashlib.sha256(base_home.raw_store.read_bytes()).hexdigest()
    con = open_store(base_home, read_only=True)
    try:
        before = _persistent(con)
        seen_forms = set()
        for case in CASES:
            if case.form in seen_forms:
                continue
            seen_forms.add(case.form)
            ctx = Context(date.fromisoformat(case.month + "-01"), case.unit, load_reference())
            rows = case.good(copy.deepcopy(case.base))
            result = validate(con, sheet_of(case.form, rows), FORMS[case.form], ctx)
            assert result.errors == 0, [p.message_en for p in result.problems]
            assert con.execute("select count(*) from _zw_n").fetchall()[0][0] == len(rows)
        assert seen_forms == set(FORMS)
        assert _persistent(con) == before
        temp = {
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where temporary "
                "union all select view_name from duckdb_views() where temporary"
            ).fetchall()
        }
        assert {"_zw_n", "_zw_p", "_zw_m", "_zw_plan"} <= temp
    finally:
        con.close()
    assert hashlib.sha256(base_home.raw_store.read_bytes()).hexdigest() == digest


def _problems(home: IntakePaths, case: Case) -> list[tuple]:
    rows = case.bad(copy.deepcopy(case.base))
    result = run(home, case.form, case.unit, case.month, rows)
    return [(p.rule, p.row, p.column, p.value, p.message_zh, p.message_en) for p in result.problems]


def test_small_files_find_the_same_problems_without_the_optimizer(
    base_home: IntakePaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small file is checked with DuckDB's optimizer off (planning costs more than running);
    every rule case finds the same problems, in the same words, either way."""
    from ingest.validate import driver

    small = [_problems(base_home, case) for case in CASES]
    monkeypatch.setattr(driver, "PLANNED_ROWS", -1)
    planned = [_problems(base_home, case) for case in CASES]
    assert any(small)
    assert small == planned


def test_the_optimizer_is_back_on_after_a_small_file(base_home: IntakePaths) -> None:
    """Switching the optimizer off lasts only while a small file is checked, even when its
    check fails."""
    from ingest.validate import driver

    con = duckdb.connect()
    try:
        with pytest.raises(RuntimeError), driver._planning(con, 10):
            assert con.execute("select current_setting('enable_optimizer')").fetchone() == (False,)
            raise RuntimeError("a check failed")
        assert con.execute("select current_setting('enable_optimizer')").fetchone() == (True,)
    finally:
        con.close()
