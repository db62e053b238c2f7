"""`ingest.waivers`: waivers recorded by the office in `raw.waivers`, append-only, and how
`ingest.status` honours them next to the seed `waivers.csv`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from conftest import PLAN_ROWS, Landing

from ingest.intake import ingest_month
from ingest.months import MonthError
from ingest.reference import Waiver, load_reference
from ingest.settings import IntakePaths
from ingest.status import month_status
from ingest.store import open_store
from ingest.waivers import latest_waivers, record_waiver, revoke_waiver


def _status(home: IntakePaths, unit: str, form: str, ref=None) -> str:
    rows = {(r.unit_code, r.form_code): r for r in month_status("2019-01", home, ref)}
    return rows[(unit, form)].status


def test_record_and_revoke(home: IntakePaths, landing: Landing) -> None:
    landing.drop("2019-01", "drc", "key_project_plan", PLAN_ROWS)
    ingest_month("2019-01", home)
    assert _status(home, "sjz", "project_progress") == "missing"
    first = record_waiver(
        home, "2019-01", "sjz", "project_progress", "乡镇机构调整", "区政府办", "督查室张三"
    )
    assert (first.month, first.revoked) == (date(2019, 1, 1), False)
    assert _status(home, "sjz", "project_progress") == "waived"
    assert _status(home, "lce", "project_progress") == "missing"
    revoke_waiver(home, "2019-01", "sjz", "project_progress", "误登记", "区政府办", "督查室张三")
    assert _status(home, "sjz", "project_progress") == "missing"
    record_waiver(home, "2019-01", "sjz", "project_progress", "再次批准", "区政府办", "督查室李四")
    assert _status(home, "sjz", "project_progress") == "waived"
    with open_store(home, read_only=True) as con:
        rows = con.execute(
            "select reason, recorded_by, revoked from raw.waivers order by recorded_at"
        ).fetchall()
        (latest,) = latest_waivers(con, "2019-01")
    # append-only: every decision is a row of its own
    assert rows == [
        ("乡镇机构调整", "督查室张三", False),
        ("误登记", "督查室张三", True),
        ("再次批准", "督查室李四", False),
    ]
    assert (latest.reason, latest.revoked) == ("再次批准", False)


def test_a_seed_waiver_still_counts(home: IntakePaths) -> None:
    ref = load_reference()
    seeded = replace(
        ref,
        all_waivers=(
            *ref.all_waivers,
            Waiver(date(2019, 1, 1), "drc", "econ_indicators", "系统升级", "区政府办"),
        ),
    )
    assert _status(home, "drc", "econ_indicators", seeded) == "waived"
    assert _status(home, "drc", "econ_indicators") == "missing"


def test_refusals(home: IntakePaths) -> None:
    args = ("project_progress", "理由", "区政府办", "督查室")
    with pytest.raises(MonthError):
        record_waiver(home, "2019-1", "sjz", *args)
    with pytest.raises(ValueError, match="unknown form"):
        record_waiver(home, "2019-01", "sjz", "no_form", "理由", "区政府办", "督查室")
    with pytest.raises(ValueError, match="not a unit"):
        record_waiver(home, "2019-01", "nobody", *args)
    with pytest.raises(ValueError, match="reason"):
        record_waiver(home, "2019-01", "sjz", "project_progress", " ", "区政府办", "督查室")
    with pytest.raises(ValueError, match="no waiver"):
        revoke_waiver(home, "2019-01", "sjz", *args)
    with open_store(home, read_only=True) as con:
        assert con.execute("select count(*) from raw.waivers").fetchone() == (0,)
