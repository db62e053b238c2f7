"""The gate on a small contract-shaped warehouse: real Great Expectations runs."""

from __future__ import annotations

import json

import pytest
from gate_marts import execute, make_warehouse

from zonewh import gate

MONTH = "2019-06"


@pytest.fixture
def warehouse(home):
    make_warehouse(home.warehouse, ["2019-05", MONTH])
    return home


def test_a_clean_month_passes_and_writes_its_report(warehouse):
    result = gate.check(MONTH, warehouse)
    assert result.passed, result.failures
    assert result.failures == []
    assert set(result.checkpoints) == set(gate.MARTS)
    assert all(result.checkpoints.values())
    assert result.report_json.parent == warehouse.reports / MONTH / "gate"
    data = json.loads(result.report_json.read_text(encoding="utf-8"))
    assert data["passed"] is True and data["attempt_id"] == result.attempt_id
    assert "通过" in result.report_html.read_text(encoding="utf-8")


def test_a_missing_submission_blocks_naming_unit_and_form(warehouse):
    execute(
        warehouse.warehouse,
        "update marts.submission_status set status = 'missing' "
        "where unit_code = 'drc' and month = '2019-06-01'",
    )
    execute(
        warehouse.warehouse,
        "update marts.submission_status set status = 'rejected' "
        "where unit_code = 'agr' and month = '2019-06-01'",
    )
    result = gate.check(MONTH, warehouse)
    assert not result.passed
    [b1] = [c for c in result.failures if c.code == "B1"]
    assert "drc/econ_indicators (missing)" in b1.message
    assert "agr/campaign_scores (rejected)" in b1.message
    assert {(e["unit_code"], e["form_code"]) for e in b1.examples} == {
        ("drc", "econ_indicators"),
        ("agr", "campaign_scores"),
    }
    report = json.loads(result.report_json.read_text(encoding="utf-8"))
    assert report["failures"][0]["code"] == "B1"
    assert "drc" in result.report_html.read_text(encoding="utf-8")


def test_the_other_month_does_not_leak_into_the_check(warehouse):
    execute(
        warehouse.warehouse,
        "update marts.submission_status set status = 'missing' where month = '2019-05-01'",
    )
    assert gate.check(MONTH, warehouse).passed
    assert not gate.check("2019-05", warehouse).passed


def test_duplicate_keys_and_out_of_range_scores_block(warehouse):
    execute(
        warehouse.warehouse,
        "insert into marts.project_investment select * from marts.project_investment "
        "where project_code = 'p001' and month = '2019-06-01'",
    )
    execute(
        warehouse.warehouse,
        "update marts.campaign_scores set total_score = 120 where unit_code = 'sjz'",
    )
    result = gate.check(MONTH, warehouse)
    codes = {(c.code, c.name) for c in result.failures}
    assert ("B2", "project_investment: grain (month, project_code) unique") in codes
    assert ("B7", "campaign_scores: total_score within max_score") in codes
    [b7] = [c for c in result.failures if c.code == "B7"]
    assert b7.examples == [
        {
            "month": "2019-06-01",
            "unit_code": "sjz",
            "campaign_code": "mlxc",
            "max_score": 100.0,
            "total_score": 120.0,
        }
    ]


def test_a_missing_mart_blocks(warehouse):
    execute(warehouse.warehouse, "drop table marts.campaign_rewards")
    result = gate.check(MONTH, warehouse)
    assert ("B2", "campaign_rewards: mart exists") in {(c.code, c.name) for c in result.failures}


def test_late_submissions_warn_without_blocking(warehouse):
    execute(
        warehouse.warehouse,
        "update marts.submission_status set status = 'late' where unit_code = 'lce'",
    )
    result = gate.check(MONTH, warehouse)
    assert result.passed
    [w4] = result.warnings
    assert w4.code == "W4" and "lce/project_progress" in w4.message


def test_dbt_test_results_are_read_with_example_rows(warehouse):
    failing_sql = (
        "select month, 'lce' as unit_code, 'project_progress' as form_code, project_code "
        "from marts.project_investment where project_code = 'p002'"
    )
    build = {
        "nodes": [
            {
                "unique_id": "test.zonewh.b3_ytd_chain.abc",
                "name": "b3_ytd_chain",
                "resource_type": "test",
                "status": "fail",
                "failures": 2,
                "compiled_code": failing_sql,
            },
            {
                "unique_id": "test.zonewh.w1_growth_jump.def",
                "name": "w1_growth_jump",
                "resource_type": "test",
                "status": "warn",
                "failures": 1,
                "compiled_code": "select date '2019-06-01' as month, 'drc' as unit_code",
            },
            {"name": "b4_ytd_never_falls", "resource_type": "test", "status": "pass"},
            {"name": "project_investment", "resource_type": "model", "status": "success"},
        ]
    }
    result = gate.check(MONTH, warehouse, build_result=build)
    assert not result.passed
    [b3] = result.failures
    assert (b3.code, b3.source, b3.name) == ("B3", "dbt", "b3_ytd_chain")
    assert b3.examples == [
        {
            "month": "2019-06-01",
            "unit_code": "lce",
            "form_code": "project_progress",
            "project_code": "p002",
        }
    ]
    assert [(w.code, w.name) for w in result.warnings] == [("W1", "w1_growth_jump")]


def test_a_dbt_test_that_errors_blocks(warehouse):
    build = {
        "results": [
            {"unique_id": "test.zonewh.b8_refs.x", "status": "error", "message": "Catalog Error"}
        ]
    }
    result = gate.check(MONTH, warehouse, build_result=build)
    [b8] = result.failures
    assert b8.code == "B8" and "Catalog Error" in b8.message


def test_revisions_are_a_warning(warehouse):
    result = gate.check(MONTH, warehouse, revised_months=["2019-05"])
    assert result.passed
    assert [(w.code, w.examples) for w in result.warnings] == [("W5", [{"month": "2019-05"}])]


def test_saved_dbt_results_are_read_when_no_build_is_given(warehouse):
    target = warehouse.warehouse_dir / "target"
    target.mkdir(parents=True)
    results = {
        "args": {"vars": {"month_start": "2019-06-01", "month_end": "2019-06-01"}},
        "results": [
            {
                "unique_id": "test.zonewh.b6_cluster_sum",
                "status": "fail",
                "failures": 1,
                "compiled_code": "select date '2019-06-01' as month, 'drc' as unit_code, "
                "'econ_indicators' as form_code",
            }
        ],
    }
    (target / "run_results.json").write_text(json.dumps(results), encoding="utf-8")
    blocked = gate.check(MONTH, warehouse)
    assert [(c.code, c.name, c.examples[0]["unit_code"]) for c in blocked.failures] == [
        ("B6", "b6_cluster_sum", "drc")
    ]
    other = gate.check("2019-05", warehouse)  # a build of June says nothing about May
    assert other.passed and other.notes
