"""A small working warehouse with the contract's marts, for gate and publication tests.

The tables are created from the published contract (`zonewh.contract`, i.e. the marts' dbt
yml) and filled with plausible rows for each month given, so the gate passes; tests then
break one thing and expect the named check to fail. `gate_build` gives the dbt result of a
build of the month: every gate data test passing, or failing with the rows it stored in
`gate_failures` (as dbt's store_failures does).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from zonewh import contract
from zonewh.build import BuildResult, NodeResult
from zonewh.gate.checks import CHECKS

DBT_TESTS = {
    "B1": "b1_mandatory_submissions",
    "B2": "b2_project_investment_grain_unique",
    "B3": "b3_project_ytd_chain",
    "B4": "b4_flow_ytd_never_falls",
    "B5": "b5_nominal_growth_agrees",
    "B6": "b6_cluster_sum_within_total",
    "B7": "b7_campaign_criteria_scored",
    "B8": "b8_references_exist",
    "B9": "b9_rewards_match_rules",
    "W1": "w1_growth_rate_jump",
    "W2": "w2_project_idle",
    "W3": "w3_indicator_name_differs",
    "W4": "w4_late_submission",
}
"""One dbt test per check dbt runs (B2 has one per mart in the real project)."""

FILES = [
    ("drc", "区发展改革局", "econ_indicators", "主要经济指标完成情况"),
    ("lce", "区国土建设环保局", "project_progress", "重点项目建设进展月报"),
    ("agr", "区农办", "campaign_scores", "考核评分表"),
]
"""The month's files (unit, its name, form, the form's title): received on time."""


def _sid(month: str, unit: str, form: str) -> str:
    return f"{month}/{unit}/{form}/v1"


def _rows(month: str, m: int) -> dict[str, list[dict[str, Any]]]:
    d = f"{month}-01"
    ts = f"{d} 09:00:00+08"
    econ = _sid(month, "drc", "econ_indicators")
    progress = _sid(month, "lce", "project_progress")
    plan = _sid(f"{month[:4]}-01", "drc", "key_project_plan")
    status = {
        "first_received_at": ts,
        "accepted_at": ts,
        "versions": 1,
        "status": "on_time",
        "errors": 0,
        "warnings": 0,
        "due_on": d,
    }
    return {
        "economic_indicators": [
            {
                "month": d,
                "indicator_code": "gdp",
                "indicator_name": "地区生产总值",
                "cluster": "",
                "unit": "万元",
                "value_month": 120000.0,
                "value_ytd": 120000.0 * m,
                "yoy_growth_pct": 8.7,
                "growth_basis": "comparable",
                "annual_target": 1500000.0,
                "target_completion_pct": 8.0 * m,
                "city_rank": 2,
                "submission_id": econ,
                "source_row": 2,
            },
            {
                "month": d,
                "indicator_code": "retail",
                "indicator_name": "社会消费品零售总额",
                "cluster": "",
                "unit": "万元",
                "value_month": 30000.0,
                "value_ytd": 30000.0 * m,
                "yoy_growth_pct": 11.0,
                "growth_basis": "nominal",
                "annual_target": 400000.0,
                "target_completion_pct": 7.5 * m,
                "city_rank": 1,
                "submission_id": econ,
                "source_row": 3,
            },
        ],
        "project_investment": [
            {
                "month": d,
                "project_code": "p001",
                "project_name": "蒙牛乳业项目",
                "level": "省重点",
                "category": "工业",
                "responsible_unit": "lce",
                "town": "wcj",
                "total_investment_wan": 100000.0,
                "annual_plan_wan": 24000.0,
                "invested_month_wan": 2000.0,
                "invested_ytd_wan": 2000.0 * m,
                "plan_completion_pct": 8.33 * m,
                "time_progress_pct": round(m / 12 * 100, 2),
                "progress_gap_pp": 0.0,
                "is_lagging": False,
                "status": "在建",
                "open_issues": 1,
                "overdue_issues": 0,
                "responsible_unit_name": "区国土建设环保局",
                "town_name": "文昌街道",
                "submission_id": progress,
                "source_row": 2,
                "plan_submission_id": plan,
                "plan_source_row": 2,
            },
            {
                "month": d,
                "project_code": "p002",
                "project_name": "学校项目",
                "level": "区重点",
                "category": "社会事业",
                "responsible_unit": "soc",
                "town": "lwj",
                "total_investment_wan": 5000.0,
                "annual_plan_wan": 1200.0,
                "invested_month_wan": 100.0,
                "invested_ytd_wan": 100.0 * m,
                "plan_completion_pct": 8.33 * m,
                "time_progress_pct": round(m / 12 * 100, 2),
                "progress_gap_pp": 0.0,
                "is_lagging": False,
                "status": "在建",
                "open_issues": 0,
                "overdue_issues": 0,
                "responsible_unit_name": "区社会事业局",
                "town_name": "李万街道",
                "submission_id": _sid(month, "soc", "project_progress"),
                "source_row": 2,
                "plan_submission_id": plan,
                "plan_source_row": 3,
            },
        ],
        "project_issues": [
            {
                "month": d,
                "issue_code": "i001",
                "project_code": "p001",
                "owner_unit": "lce",
                "raised_on": "2019-01-10",
                "due_on": "2019-12-31",
                "status": "解决中",
                "resolved_on": None,
                "is_overdue": False,
                "days_open": 30,
                "owner_unit_name": "区国土建设环保局",
                "description": "土地征收未完成",
                "submission_id": _sid(month, "lce", "project_issues"),
                "source_row": 2,
            },
        ],
        "investment_signings": [
            {
                "month": d,
                "signing_code": f"s{m:03d}",
                "project_name": "新材料项目",
                "investor": "某公司",
                "signed_on": d,
                "agreed_investment_wan": 120000.0,
                "size_band": ">=10亿",
                "project_code": None,
                "submission_id": _sid(month, "ist", "investment_signings"),
                "source_row": 2,
            },
        ],
        "campaign_scores": [
            {
                "month": d,
                "campaign_code": "mlxc",
                "unit_code": "sjz",
                "unit_name": "苏家作乡",
                "unit_group": "town",
                "total_score": 95.0,
                "max_score": 100.0,
                "rank": 1,
                "previous_rank": None,
                "problems_found": 0,
                "submission_id": _sid(month, "agr", "campaign_scores"),
                "source_row": None,
            },
            {
                "month": d,
                "campaign_code": "mlxc",
                "unit_code": "ngz",
                "unit_name": "宁郭镇",
                "unit_group": "town",
                "total_score": 90.0,
                "max_score": 100.0,
                "rank": 2,
                "previous_rank": None,
                "problems_found": 1,
                "submission_id": _sid(month, "agr", "campaign_scores"),
                "source_row": None,
            },
        ],
        "campaign_rewards": [
            {
                "month": d,
                "campaign_code": "mlxc",
                "unit_code": "sjz",
                "rule_code": "mlxc_town_monthly",
                "amount_wan": 4.0,
                "reason": "第一名奖励",
                "unit_name": "苏家作乡",
            },
            {
                "month": d,
                "campaign_code": "mlxc",
                "unit_code": "ngz",
                "rule_code": "mlxc_town_monthly",
                "amount_wan": 3.0,
                "reason": "第二名奖励",
                "unit_name": "宁郭镇",
            },
        ],
        "submission_status": [
            {"month": d, "unit_code": unit, "form_code": form, "unit_name": name, **status}
            for unit, name, form, _ in FILES
        ],
        "submissions": [
            {
                "submission_id": _sid(month, unit, form),
                "month": d,
                "unit_code": unit,
                "unit_name": name,
                "form_code": form,
                "form_name": title,
                "file_path": f"{month}/{unit}/{form}.xlsx",
                "version": 1,
                "submitted_at": ts,
                "status": "accepted",
                "errors": 0,
                "warnings": 0,
                "rows_loaded": 2,
                "file_name": f"{form}.xlsx",
                "ingested_at": ts,
                "is_current": True,
            }
            for unit, name, form, title in FILES
        ],
    }


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert dict rows by column name (columns a row does not give stay NULL)."""
    for row in rows:
        cols = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join("?" for _ in row)
        con.execute(f"insert into {table} ({cols}) values ({marks})", list(row.values()))


def make_warehouse(path: Path, months: list[str]) -> Path:
    """Create (or extend) a working warehouse with the contract's marts filled for the months
    and a little reference data."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists reference")
        con.execute("create schema if not exists gate_failures")
        for mart in contract.tables().values():
            con.execute(mart.ddl())
        con.execute(
            "create table if not exists reference.org_units as select * from (values "
            "('drc', '区发展改革局', 'department', null, date '2010-01-01', null), "
            "('lce', '区国土建设环保局', 'department', null, date '2010-01-01', null), "
            "('agr', '区农办', 'department', null, date '2010-01-01', null), "
            "('soc', '区社会事业局', 'department', null, date '2010-01-01', null)) "
            "as t(unit_code, unit_name, unit_type, parent_code, valid_from, valid_to)"
        )
        for month in months:
            m = int(month[5:7])
            for mart, rows in _rows(month, m).items():
                con.execute(f"delete from marts.{mart} where month = ?::date", [f"{month}-01"])
                insert(con, f"marts.{mart}", rows)
    return path


def execute(path: Path, sql: str, params: list | None = None) -> None:
    """Run one statement on the working warehouse (to break something)."""
    with duckdb.connect(str(path)) as con:
        con.execute(sql, params or [])


def gate_build(
    path: Path,
    month: str,
    failing: dict[str, list[dict[str, Any]]] | None = None,
    errors: dict[str, str] | None = None,
) -> BuildResult:
    """The dbt result of building `month`: every gate test passes except those named in
    `failing` (check code → the rows the test found, stored in gate_failures like dbt does)
    and `errors` (check code → dbt's error message)."""
    failing, errors = failing or {}, errors or {}
    nodes = []
    dbt_codes = [c.code for c in CHECKS if c.tool == "dbt"]
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists gate_failures")
        for code in dbt_codes:
            name = DBT_TESTS[code]
            spec = next(c for c in CHECKS if c.code == code)
            rows = failing.get(code)
            relation = f'"zone"."gate_failures"."{name}"'
            status = "pass"
            if code in errors:
                status = "error"
            elif rows:
                status = spec.dbt_severity.replace("error", "fail")
                con.execute(f"drop table if exists gate_failures.{name}")
                cols = list(rows[0])
                con.execute(
                    f"create table gate_failures.{name} as select * from (values "
                    + ", ".join("(" + ", ".join("?" for _ in cols) + ")" for _ in rows)
                    + f") as t({', '.join(cols)})",
                    [r[c] for r in rows for c in cols],
                )
            nodes.append(
                NodeResult(
                    unique_id=f"test.zonewh.{name}",
                    name=name,
                    resource_type="test",
                    status=status,
                    failures=len(rows) if rows else 0,
                    severity=spec.dbt_severity,
                    message=errors.get(code),
                    execution_time=0.01,
                    relation=relation,
                )
            )
    return BuildResult(months=[month], vars={}, success=not failing, nodes=nodes)
