"""A small working warehouse with the contract's marts, for gate and publication tests.

The tables carry the CONTRACT.md columns and plausible rows for each month given, so the
gate passes; tests then break one thing and expect the named check to fail.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

DDL = {
    "economic_indicators": """
        month date, indicator_code varchar, indicator_name varchar, cluster varchar,
        unit varchar, value_month double, value_ytd double, yoy_growth_pct double,
        growth_basis varchar, annual_target double, target_completion_pct double,
        city_rank integer""",
    "project_investment": """
        month date, project_code varchar, project_name varchar, level varchar,
        category varchar, responsible_unit varchar, town varchar,
        total_investment_wan double, annual_plan_wan double, invested_month_wan double,
        invested_ytd_wan double, plan_completion_pct double, time_progress_pct double,
        progress_gap_pp double, is_lagging boolean, status varchar, open_issues integer,
        overdue_issues integer""",
    "project_issues": """
        month date, issue_code varchar, project_code varchar, owner_unit varchar,
        raised_on date, due_on date, status varchar, resolved_on date, is_overdue boolean,
        days_open integer""",
    "investment_signings": """
        month date, signing_code varchar, project_name varchar, investor varchar,
        signed_on date, agreed_investment_wan double, size_band varchar,
        project_code varchar""",
    "campaign_scores": """
        month date, campaign_code varchar, unit_code varchar, unit_name varchar,
        unit_group varchar, total_score double, max_score double, rank integer,
        previous_rank integer, problems_found integer""",
    "campaign_rewards": """
        month date, campaign_code varchar, unit_code varchar, rule_code varchar,
        amount_wan double, reason varchar""",
    "submission_status": """
        month date, unit_code varchar, form_code varchar, due_on date,
        first_received_at timestamptz, accepted_at timestamptz, versions integer,
        status varchar, errors integer, warnings integer""",
}


def _rows(month: str, m: int) -> dict[str, list[tuple]]:
    d = f"{month}-01"
    return {
        "economic_indicators": [
            (
                d,
                "gdp",
                "地区生产总值",
                "",
                "亿元",
                12.0,
                12.0 * m,
                8.7,
                "comparable",
                150.0,
                8.0 * m,
                2,
            ),
            (
                d,
                "retail",
                "社会消费品零售总额",
                "",
                "亿元",
                3.0,
                3.0 * m,
                11.0,
                "nominal",
                40.0,
                7.5 * m,
                1,
            ),
        ],
        "project_investment": [
            (
                d,
                "p001",
                "蒙牛乳业项目",
                "省重点",
                "工业",
                "lce",
                "wcj",
                100000.0,
                24000.0,
                2000.0,
                2000.0 * m,
                8.3 * m,
                m / 12 * 100,
                0.0,
                False,
                "在建",
                1,
                0,
            ),
            (
                d,
                "p002",
                "学校项目",
                "区重点",
                "社会事业",
                "soc",
                "lwj",
                5000.0,
                1200.0,
                100.0,
                100.0 * m,
                8.3 * m,
                m / 12 * 100,
                0.0,
                False,
                "在建",
                0,
                0,
            ),
        ],
        "project_issues": [
            (d, "i001", "p001", "lce", "2019-01-10", "2019-12-31", "解决中", None, False, 30),
        ],
        "investment_signings": [
            (d, f"s{m:03d}", "新材料项目", "某公司", d, 120000.0, ">=10亿", None),
        ],
        "campaign_scores": [
            (d, "mlxc", "sjz", "苏家作乡", "town", 95.0, 100.0, 1, None, 0),
            (d, "mlxc", "ngz", "宁郭镇", "town", 90.0, 100.0, 2, None, 1),
        ],
        "campaign_rewards": [
            (d, "mlxc", "sjz", "mlxc_town_monthly", 4.0, "第一名奖励"),
            (d, "mlxc", "ngz", "mlxc_town_monthly", 3.0, "第二名奖励"),
        ],
        "submission_status": [
            (
                d,
                "drc",
                "econ_indicators",
                d,
                f"{d} 09:00:00+08",
                f"{d} 09:00:00+08",
                1,
                "on_time",
                0,
                0,
            ),
            (
                d,
                "lce",
                "project_progress",
                d,
                f"{d} 09:00:00+08",
                f"{d} 09:00:00+08",
                1,
                "on_time",
                0,
                0,
            ),
            (
                d,
                "agr",
                "campaign_scores",
                d,
                f"{d} 09:00:00+08",
                f"{d} 09:00:00+08",
                1,
                "on_time",
                0,
                0,
            ),
        ],
    }


def make_warehouse(path: Path, months: list[str]) -> Path:
    """Create (or extend) a working warehouse with the marts filled for the months."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists reference")
        for mart, ddl in DDL.items():
            con.execute(f"create table if not exists marts.{mart} ({ddl})")
        con.execute(
            "create table if not exists reference.org_units as "
            "select * from (values ('drc', '区发展改革局'), ('lce', '区国土建设环保局')) "
            "as t(unit_code, unit_name)"
        )
        for month in months:
            m = int(month[5:7])
            for mart, rows in _rows(month, m).items():
                con.execute(f"delete from marts.{mart} where month = ?::date", [f"{month}-01"])
                width = len(rows[0])
                marks = ", ".join("?" * width)
                con.executemany(f"insert into marts.{mart} values ({marks})", rows)
    return path


def execute(path: Path, sql: str, params: list | None = None) -> None:
    """Run one statement on the working warehouse (to break something)."""
    with duckdb.connect(str(path)) as con:
        con.execute(sql, params or [])
