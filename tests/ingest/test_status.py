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
    assert rows[("ist", "investment_signings")].due_on == date(2019, 2, 5)


def test_month_status_before_anything_was_ingested(home: IntakePaths) -> None:
    rows = month_status("2019-01", home)
    assert rows and {r.status for r in rows} == {"missing"}
    assert ("drc", "econ_indicators") in {(r.unit_code, r.form_code) for r in rows}
    assert not home.raw_store.exists()
