"""`ingest.status`: who submitted what for a month, read from the raw store read-only."""

from __future__ import annotations

from datetime import date, datetime

from conftest import ECON_JAN, PLAN_ROWS, PROGRESS_LCE_JAN, SIGNINGS_JAN, Landing

from ingest.intake import ingest_month
from ingest.settings import CST, IntakePaths
from ingest.status import month_status


def test_month_status(home: IntakePaths, landing: Landing) -> None:
    landing.drop("2019-01", "drc", "key_project_plan", PLAN_ROWS)
    landing.drop(
        "2019-01", "drc", "econ_indicators", ECON_JAN, at=datetime(2019, 2, 5, 23, 59, tzinfo=CST)
    )
    landing.drop(
        "2019-01",
        "ist",
        "investment_signings",
        SIGNINGS_JAN,
        at=datetime(2019, 2, 6, 0, 1, tzinfo=CST),
    )
    bad = [r[:] for r in PROGRESS_LCE_JAN]
    bad[0][0] = "P999"
    landing.drop("2019-01", "lce", "project_progress", bad)
    ingest_month("2019-01", home)
    rows = {(r.unit_code, r.form_code): r for r in month_status("2019-01", home)}
    assert rows[("drc", "econ_indicators")].status == "on_time"
    assert rows[("ist", "investment_signings")].status == "late"
    assert rows[("lce", "project_progress")].status == "rejected"
    assert rows[("lce", "project_progress")].errors >= 1
    assert rows[("sjz", "project_progress")].status == "missing"
    assert rows[("drc", "key_project_plan")].versions == 1
    assert rows[("drc", "econ_indicators")].unit_name == "区发展改革局"
    assert rows[("drc", "econ_indicators")].form_name == "主要经济指标完成情况"
    assert rows[("lce", "project_progress")].form_name == "重点项目建设进展月报"
    # the plan is accepted: nothing is "not owed", no row carries a note
    assert not [r for r in rows.values() if r.status == "not_owed" or r.note_zh]
    assert rows[("ist", "investment_signings")].due_on == date(2019, 2, 5)


def test_month_status_before_anything_was_ingested(home: IntakePaths) -> None:
    rows = month_status("2019-01", home)
    assert rows and {r.status for r in rows if r.expected} == {"missing"}
    assert ("drc", "econ_indicators") in {(r.unit_code, r.form_code) for r in rows}
    assert not home.raw_store.exists()
    # without the year's plan, no unit owes progress or issues: the rows say so
    not_owed = {r.form_code: r for r in rows if r.status == "not_owed"}
    assert sorted(not_owed) == ["project_issues", "project_progress"]
    for r in not_owed.values():
        assert not r.expected and r.unit_code == "plan_responsible"
        assert r.note_zh and "2019年度重点项目计划尚未受理" in r.note_zh
        assert "区发展改革局（drc）" in r.note_zh and "怎么办" in r.note_zh
        assert r.note_en and "has not been accepted yet" in r.note_en
