"""The demo is deterministic, complete, on time, and laid out as submitters lay out files.

The files are read back with openpyxl and csv (`demo_readback`), independently of the intake
code.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
from demo_readback import Submitted, plan_rows

from ingest.forms import FORMS
from ingest.reference import load_reference
from zonewh.config import CST
from zonewh.demo import DEMO_IMPERFECTIONS, DEMO_MONTHS, demo_files, write_demo


def _digest(root: Path) -> dict[str, tuple[str, int]]:
    return {
        p.relative_to(root).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_two_runs_write_identical_bytes_and_times(landing: Path, tmp_path: Path) -> None:
    write_demo(tmp_path / "again")
    first, second = _digest(landing), _digest(tmp_path / "again")
    assert len(first) > 400
    assert first == second


def test_another_seed_changes_the_data_but_not_the_facts() -> None:
    def plan(seed: int) -> list[list[object]]:
        return next(
            f.rows for f in demo_files(seed) if f.path == "2014-01/drc/key_project_plan.xlsx"
        )

    other, default = plan(7), plan(2014)
    col = FORMS["key_project_plan"].headers.index("总投资(亿元)")
    assert round(sum(r[col] for r in other), 2) == 245.79
    assert [r[col] for r in other] != [r[col] for r in default]


def test_every_file_has_the_registry_headers_and_a_known_place(files: list[Submitted]) -> None:
    ref = load_reference()
    for f in files:
        assert tuple(f.headers) == FORMS[f.form].headers, f.rel
        assert f.month in DEMO_MONTHS
        assert ref.unit(f.unit, date.fromisoformat(f.month + "-01")) is not None, f.rel


def test_xlsx_files_carry_title_unit_and_footer_rows(landing: Path) -> None:
    path = landing / "2014-11/drc/econ_indicators.xlsx"
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = [r for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    assert rows[0][0] == "2014年11月主要经济指标完成情况"
    assert str(rows[1][0]).startswith("填报单位：区发展改革局")
    assert any(str(c).startswith("填报日期：") for c in rows[1] if c)
    assert str(rows[-1][0]).startswith("填表人：") and "审核人：" in str(rows[-1][0])


def test_every_expected_submission_is_present_and_on_time(files: list[Submitted], current) -> None:
    ref = load_reference()
    late = {i.path for i in DEMO_IMPERFECTIONS if i.kind == "late"}
    for f in files:
        first = date.fromisoformat(f.month + "-01")
        due = (first + timedelta(days=32)).replace(day=5)
        end_of_due = datetime(due.year, due.month, due.day, 23, 59, 59, tzinfo=CST)
        if f.rel in late:
            assert f.mtime > end_of_due, f.rel
        else:
            assert f.mtime <= end_of_due, f.rel
            assert f.mtime.date() >= first, f.rel
    for month in DEMO_MONTHS:
        on = date.fromisoformat(month + "-01")
        year = on.year
        expected = {("drc", "econ_indicators"), ("ist", "investment_signings")}
        if on.month == 1:
            expected |= {("drc", "key_project_plan"), ("drc", "annual_targets")}
        for c in ref.campaigns_running(on):
            expected.add((c.lead_unit, "campaign_scores"))
        for r in plan_rows(current, year):
            unit = ref.resolve_unit(str(r["责任单位"]), on)
            expected |= {(unit.code, "project_progress"), (unit.code, "project_issues")}
        found = {(u, fc) for (m, u, fc) in current if m == month}
        assert found == expected, month
