"""The issue ledger: the 2014-11 seed facts and a consistent ledger every month.

The files are read back with openpyxl and csv (`demo_readback`), independently of the intake
code.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from demo_readback import day, form_rows

from ingest.reference import load_reference


def test_2014_11_issue_ledger(current) -> None:
    ref = load_reference()
    rows = form_rows(current, "2014-11", "project_issues")
    assert len(rows) == 51
    assert len({r["问题编号"] for r in rows}) == 51
    owners = {ref.resolve_unit(str(r["责任部门"]), date(2014, 11, 1)) for r in rows}
    assert all(u is not None and u.unit_type == "department" for u in owners)
    assert len({u.code for u in owners}) == 16
    assert Counter(r["办理状态"] for r in rows) == {"已解决": 44, "解决中": 6, "未解决": 1}


def test_issue_ledgers_are_consistent_every_month(current) -> None:
    seen: dict[str, tuple[object, object]] = {}
    for (month, unit, form), f in sorted(current.items()):
        if form != "project_issues":
            continue
        progress = {r["项目编号"] for r in current[(month, unit, "project_progress")].rows}
        end = (date.fromisoformat(month + "-01") + timedelta(days=32)).replace(day=1)
        for r in f.rows:
            assert r["项目编号"] in progress, (f.rel, r)
            raised = day(r["提出日期"])
            assert raised < end
            assert day(r["解决时限"]) >= raised
            if r["办理状态"] == "已解决":
                assert raised <= day(r["解决日期"]) < end
            else:
                assert r["解决日期"] in (None, "")
            key = str(r["问题编号"])
            assert seen.setdefault(key, (r["项目编号"], raised)) == (r["项目编号"], raised)
