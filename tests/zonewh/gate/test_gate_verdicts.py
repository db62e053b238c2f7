"""The gate on a small contract-shaped warehouse: dbt results as a build gives them, real
Great Expectations runs, real reports."""

from __future__ import annotations

import json

import pytest
from gate_marts import execute, gate_build, make_warehouse

from zonewh import gate
from zonewh.gate.checks import CHECKS

MONTH = "2019-06"


@pytest.fixture
def warehouse(home):
    make_warehouse(home.warehouse, ["2019-05", MONTH])
    return home


def test_a_clean_month_passes_listing_every_check(warehouse):
    result = gate.check(MONTH, warehouse, build=gate_build(warehouse.warehouse, MONTH))
    assert result.passed, [c.message_en for c in result.failures]
    assert [c.code for c in result.checks] == [
        c.code for c in sorted(CHECKS, key=lambda s: gate.checks.sort_key(s.code))
    ]
    assert {c.outcome for c in result.checks} == {"passed"}
    assert result.report_json.parent == warehouse.reports / MONTH / "gate"
    data = json.loads(result.report_json.read_text(encoding="utf-8"))
    assert data["passed"] is True and data["attempt_id"] == result.attempt_id
    assert len(data["checks"]) == len(CHECKS)
    page = result.report_html.read_text(encoding="utf-8")
    assert "通过" in page and "已通过的检查（15 项）" in page
    assert "必报报表齐全" in page  # every check listed by its Chinese title


def test_without_a_build_result_the_dbt_checks_did_not_run_and_block(warehouse):
    result = gate.check(MONTH, warehouse)
    assert not result.passed
    assert {c.code for c in result.failures} == {
        c.code for c in CHECKS if c.tool == "dbt" and c.is_blocking
    }
    assert {c.outcome for c in result.failures} == {"not_run"}


def test_a_missing_submission_blocks_naming_unit_and_form_once(warehouse):
    rows = [
        {
            "month": "2019-06-01",
            "unit_code": "drc",
            "form_code": "econ_indicators",
            "status": "missing",
        },
        {
            "month": "2019-06-01",
            "unit_code": "agr",
            "form_code": "campaign_scores",
            "status": "rejected",
        },
    ]
    build = gate_build(warehouse.warehouse, MONTH, failing={"B1": rows})
    result = gate.check(MONTH, warehouse, build=build)
    assert not result.passed
    assert result.failing_codes == ["B1"]  # once: dbt only, no second copy from the suites
    b1 = result.check_outcome("B1")
    assert b1.failing_rows == 2
    named = {(e["unit_code"], e["unit_name"], e["form_name"]) for e in b1.examples}
    assert named == {
        ("drc", "区发展改革局", "主要经济指标完成情况"),
        ("agr", "区农办", "考核评分表"),
    }
    page = result.report_html.read_text(encoding="utf-8")
    assert "区发展改革局（drc）" in page and "主要经济指标完成情况（econ_indicators）" in page
    assert page.index("区农办（agr）") < page.index("区发展改革局（drc）")  # sorted by unit
    assert "怎么办" in page and "未报送或被退回的单位" in page


def test_rows_of_another_month_are_not_examples(warehouse):
    rows = [
        {
            "month": "2019-05-01",
            "unit_code": "drc",
            "form_code": "econ_indicators",
            "status": "missing",
        },
        {
            "month": "2019-06-01",
            "unit_code": "lce",
            "form_code": "project_progress",
            "status": "missing",
        },
    ]
    result = gate.check(
        MONTH, warehouse, build=gate_build(warehouse.warehouse, MONTH, {"B1": rows})
    )
    assert [e["unit_code"] for e in result.check_outcome("B1").examples] == ["lce"]


def test_out_of_range_values_fail_the_suites_as_b10(warehouse):
    execute(
        warehouse.warehouse,
        "update marts.campaign_scores set total_score = 120 where unit_code = 'ngz' "
        "and month = '2019-06-01'",
    )
    execute(
        warehouse.warehouse,
        "update marts.project_investment set status = '停工' where project_code = 'p002' "
        "and month = '2019-06-01'",
    )
    result = gate.check(MONTH, warehouse, build=gate_build(warehouse.warehouse, MONTH))
    assert result.failing_codes == ["B10"]
    b10 = result.check_outcome("B10")
    assert b10.failing_rows == 2
    assert {e.get("unit_code") or e.get("project_code") for e in b10.examples} == {"ngz", "p002"}


def test_a_month_with_no_submission_rows_fails_b10(warehouse):
    execute(warehouse.warehouse, "delete from marts.submission_status where month = '2019-06-01'")
    result = gate.check(MONTH, warehouse, build=gate_build(warehouse.warehouse, MONTH))
    assert "B10" in result.failing_codes
    assert "has 0 rows" in result.check_outcome("B10").message_en


def test_a_missing_mart_blocks(warehouse):
    execute(warehouse.warehouse, "drop table marts.project_issues")
    result = gate.check(MONTH, warehouse, build=gate_build(warehouse.warehouse, MONTH))
    assert "B10" in result.failing_codes
    assert "project_issues is missing" in result.check_outcome("B10").message_en


def test_warnings_never_block_and_name_the_project(warehouse):
    rows = [
        {
            "month": "2019-06-01",
            "unit_code": "lce",
            "form_code": "project_progress",
            "project_code": "p001",
            "months_idle": 3,
        }
    ]
    result = gate.check(
        MONTH, warehouse, build=gate_build(warehouse.warehouse, MONTH, {"W2": rows})
    )
    assert result.passed
    [w2] = result.warnings
    assert w2.code == "W2" and w2.outcome == "warned"
    assert w2.examples[0]["project_name"] == "蒙牛乳业项目"
    assert w2.examples[0]["unit_name"] == "区国土建设环保局"


def test_a_dbt_test_that_errors_blocks(warehouse):
    build = gate_build(warehouse.warehouse, MONTH, errors={"B5": "Binder Error: column x"})
    result = gate.check(MONTH, warehouse, build=build)
    assert result.failing_codes == ["B5"]
    assert result.check_outcome("B5").outcome == "error"
    assert "Binder Error" in result.check_outcome("B5").message_en


def test_a_skipped_blocking_test_blocks(warehouse):
    build = gate_build(warehouse.warehouse, MONTH)
    from dataclasses import replace

    build.nodes = [
        replace(n, status="skipped") if n.name.startswith("b3_") else n for n in build.nodes
    ]
    result = gate.check(MONTH, warehouse, build=build)
    assert result.failing_codes == ["B3"]


def test_revisions_are_a_warning_and_pending_ones_are_named(warehouse):
    result = gate.check(
        MONTH,
        warehouse,
        build=gate_build(warehouse.warehouse, MONTH),
        revised_months=["2019-04"],
        pending_revisions=[{"month": "2019-05", "codes": ["B3"], "report": "x"}],
    )
    assert result.passed
    w5 = result.check_outcome("W5")
    assert w5.outcome == "warned"
    assert {(e["month"], e["revision"]) for e in w5.examples} == {
        ("2019-04-01", "carried"),
        ("2019-05-01", "pending"),
    }
    page = result.report_html.read_text(encoding="utf-8")
    assert "2019-05 的更正未通过检查（B3）" in page


def test_the_report_reads_back(warehouse):
    rows = [
        {
            "month": "2019-06-01",
            "unit_code": "drc",
            "form_code": "econ_indicators",
            "status": "missing",
        }
    ]
    result = gate.check(
        MONTH, warehouse, build=gate_build(warehouse.warehouse, MONTH, {"B1": rows})
    )
    again = gate.read_report(result.report_json)
    assert again.failing_codes == ["B1"] and not again.passed
    assert again.check_outcome("B1").examples == result.check_outcome("B1").examples
    assert again.report_html == result.report_html
