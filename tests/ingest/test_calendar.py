"""`ingest.calendar`: who owes which form for a month, due dates, on-time judgement (CST)."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
from conftest import PLAN_ROWS, Landing

from ingest.calendar import due_on, expected_submissions, forms_owed, is_on_time
from ingest.intake import ingest_month
from ingest.settings import CST, IntakePaths
from ingest.store import open_store


def test_calendar_and_due_dates(home: IntakePaths, landing: Landing) -> None:
    landing.drop("2019-01", "drc", "key_project_plan", PLAN_ROWS)
    ingest_month("2019-01", home)
    con = open_store(home, read_only=True)
    try:
        jan = expected_submissions("2019-01", con)
        feb = expected_submissions("2019-02", con)
    finally:
        con.close()
    due = date(2019, 2, 5)
    assert ("drc", "key_project_plan", due) in jan
    assert ("drc", "annual_targets", due) in jan
    assert ("lce", "project_progress", due) in jan
    assert ("sjz", "project_issues", due) in jan
    assert ("scc", "campaign_scores", due) in jan
    assert ("agr", "campaign_scores", due) in jan
    assert ("ist", "investment_signings", due) in jan
    assert not [e for e in feb if e[1] in ("key_project_plan", "annual_targets")]
    assert due_on("2019-12", "econ_indicators") == date(2020, 1, 5)


def test_on_time_is_judged_in_china_standard_time() -> None:
    due = date(2019, 2, 5)
    assert is_on_time(datetime(2019, 2, 5, 23, 59, 59, tzinfo=CST), due)
    assert not is_on_time(datetime(2019, 2, 6, 0, 0, 0, tzinfo=CST), due)
    assert is_on_time(datetime.fromisoformat("2019-02-05T15:59:59+00:00"), due)
    assert not is_on_time(datetime.fromisoformat("2019-02-05T16:00:00+00:00"), due)


def test_forms_owed(home: IntakePaths, landing: Landing) -> None:
    landing.drop("2019-01", "drc", "key_project_plan", PLAN_ROWS)
    ingest_month("2019-01", home)
    with open_store(home, read_only=True) as con:
        assert forms_owed(con, "2019-01", "drc") == [
            "econ_indicators",
            "key_project_plan",
            "annual_targets",
        ]
        assert forms_owed(con, "2019-02", "drc") == ["econ_indicators"]
        assert forms_owed(con, "2019-01", "lce") == ["project_progress", "project_issues"]
        assert forms_owed(con, "2019-01", "ist") == ["investment_signings"]
        assert forms_owed(con, "2019-01", "nobody") == []
    with duckdb.connect() as empty:
        # no plan in the store: no unit is plan-responsible
        assert forms_owed(empty, "2019-01", "lce") == []
