"""A small, realistic raw warehouse for dbt tests, written the way ingest writes it.

Raw tables come from `ingest.forms.raw_table_ddl`; `raw.submissions` and `raw.problems`
follow docs/DESIGN.md; `raw.forms` (the form registry's codes and titles) and
`raw.waivers` (the office's waiver records) follow the intake contract. The data: the 2014
plan and targets (January), then November and December 2014 returns from drc, ist, the
responsible units (lce, sjz) and the campaign leads (agr for mlxc, ins for zdgz); in
December ist sends nothing and the office records a waiver for it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import duckdb

from ingest.forms import FORMS, LINEAGE_COLUMNS, raw_table_ddl
from ingest.settings import IntakePaths
from ingest.store import FORMS_DDL, WAIVERS_DDL, open_store

CST = timezone(timedelta(hours=8))

SUBMISSIONS_DDL = """
create table if not exists raw.submissions (
    submission_id VARCHAR, file_path VARCHAR, file_name VARCHAR, sha256 VARCHAR,
    size_bytes BIGINT, unit_code VARCHAR, form_code VARCHAR, month DATE, version INTEGER,
    submitted_at TIMESTAMPTZ, ingested_at TIMESTAMPTZ, status VARCHAR, errors INTEGER,
    warnings INTEGER, rows_loaded INTEGER, receipt_path VARCHAR, quarantine_path VARCHAR,
    archive_path VARCHAR, reason_zh VARCHAR, reason_en VARCHAR
)
"""

PROBLEMS_DDL = """
create table if not exists raw.problems (
    submission_id VARCHAR, severity VARCHAR, rule VARCHAR, sheet VARCHAR, "row" INTEGER,
    "column" VARCHAR, value VARCHAR, message_zh VARCHAR, message_en VARCHAR
)
"""

TOWNS = ("sjz", "ngz", "ymz", "wcj", "lwj", "wyj")
VILLAGES = ("sjz001", "sjz008", "sjz007", "sjz002", "ngz001", "ngz002", "ymz001", "lwj007")
MLXC_CRITERIA = {"hjws": 40, "jcss": 20, "bjzd": 20, "crcm": 20}
ZDGZ_CRITERIA = {"jd": 50, "tz": 20, "dc": 30}


def create_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema exactly as ingest does."""
    con.execute("create schema if not exists raw")
    for form in FORMS.values():
        con.execute(raw_table_ddl(form))
    con.execute(SUBMISSIONS_DDL)
    con.execute(PROBLEMS_DDL)
    con.execute(FORMS_DDL)
    con.execute(WAIVERS_DDL)


def write_forms(con: duckdb.DuckDBPyConnection) -> None:
    """raw.forms from the form registry (code, Chinese title), as intake fills it; a form
    already there is left alone."""
    con.execute(FORMS_DDL)
    for form in FORMS.values():
        con.execute(
            "insert into raw.forms (form_code, form_name) select ?, ? "
            "where not exists (select 1 from raw.forms where form_code = ?)",
            [form.code, form.title, form.code],
        )


def record_waiver(
    con: duckdb.DuckDBPyConnection,
    month: str,
    unit: str,
    form: str,
    reason: str,
    *,
    revoked: bool = False,
    day: int = 6,
) -> None:
    """The office records (or, `revoked`, withdraws) a waiver in raw.waivers on `day` of the
    following month."""
    con.execute(WAIVERS_DDL)
    first = date.fromisoformat(month + "-01")
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    con.execute(
        "insert into raw.waivers (month, unit_code, form_code, reason, approved_by, "
        "recorded_by, recorded_at, revoked) values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            first,
            unit,
            form,
            reason,
            "管委会主任",
            "督查室",
            datetime(following.year, following.month, day, 9, 0, tzinfo=CST),
            revoked,
        ],
    )


@dataclass
class RawWriter:
    """Appends submissions (and their rows) to a raw warehouse."""

    con: duckdb.DuckDBPyConnection
    versions: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def add(
        self,
        month: str,
        unit: str,
        form: str,
        rows: list[dict[str, Any]],
        *,
        day: int = 3,
        status: str = "accepted",
        errors: int = 0,
        warnings: int = 0,
    ) -> str:
        """One landing file of `form` for `month` ('YYYY-MM') from `unit`; returns its id.
        It arrives on `day` of the following month at 10:00 CST."""
        key = (month, unit, form)
        version = self.versions.get(key, 0) + 1
        self.versions[key] = version
        first = date.fromisoformat(month + "-01")
        following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        submitted = datetime(following.year, following.month, day, 10, 0, tzinfo=CST)
        ingested = submitted + timedelta(minutes=5)
        sid = f"{month}/{unit}/{form}/v{version}"
        accepted = status != "rejected"
        self.con.execute(
            "insert into raw.submissions values "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                sid,
                f"{month}/{unit}/{form}.xlsx",
                f"{form}.xlsx",
                hashlib.sha256(sid.encode()).hexdigest(),
                1000,
                unit,
                form,
                first,
                version,
                submitted,
                ingested,
                status,
                errors,
                warnings,
                len(rows) if accepted else 0,
                f"receipts/{sid}.json",
                None if accepted else f"quarantine/{sid}.xlsx",
                f"archive/{sid}.xlsx" if accepted else None,
                None if accepted else "第3行 得分 超出最高分",
                None if accepted else "row 3 score above the maximum",
            ],
        )
        if not accepted:
            return sid
        fields = [f.code for f in FORMS[form].fields]
        lineage = [c for c, _ in LINEAGE_COLUMNS]
        placeholders = ", ".join("?" for _ in lineage + fields)
        for i, row in enumerate(rows):
            unknown = set(row) - set(fields)
            assert not unknown, f"{form}: unknown fields {unknown}"
            values = [
                sid,
                f"{month}/{unit}/{form}.xlsx",
                "0" * 64,
                unit,
                form,
                first,
                version,
                submitted,
                ingested,
                i + 2,
            ] + [row.get(c) for c in fields]
            self.con.execute(f"insert into raw.{form} values ({placeholders})", values)
        return sid


def plan_rows() -> list[dict[str, Any]]:
    """The 2014 key-project plan (money in 亿元)."""
    return [
        {
            "project_code": "P2014001",
            "project_name": "装备产业园标准化厂房",
            "level": "省重点",
            "category": "工业",
            "responsible_unit": "lce",
            "town": "sjz",
            "total_investment": 10.0,
            "annual_plan": 2.0,
            "planned_start": date(2014, 3, 1),
        },
        {
            "project_code": "P2014002",
            "project_name": "苏家作乡污水管网",
            "level": "区重点",
            "category": "基础设施",
            "responsible_unit": "苏家作乡",
            "town": "苏家作乡",
            "total_investment": 0.5,
            "annual_plan": 0.3,
        },
        {
            "project_code": "P2014003",
            "project_name": "新材料研发中心",
            "level": "市重点",
            "category": "工业",
            "responsible_unit": "高新国土资源分局",
            "town": "ngz",
            "total_investment": 3.0,
            "annual_plan": 1.2,
        },
    ]


PROGRESS = {  # project: (responsible unit, {month: (invested_month, invested_ytd, status)})
    "P2014001": (
        "lce",
        {"2014-11": (1500.0, 17000.0, "在建"), "2014-12": (2500.0, 19500.0, "在建")},
    ),
    "P2014002": ("sjz", {"2014-11": (100.0, 1000.0, "在建"), "2014-12": (500.0, 1500.0, "竣工")}),
    "P2014003": ("lce", {"2014-11": (0.0, 2000.0, "前期"), "2014-12": (0.0, 2000.0, "前期")}),
}


def econ_rows(month: str) -> list[dict[str, Any]]:
    """drc's indicators: retail in 万元, budget revenue in 亿元, a stock and a cluster."""
    m = int(month[5:])
    return [
        {
            "indicator_code": "retail",
            "indicator_name": "社会消费品零售总额",
            "unit": "万元",
            "value_month": 9000.0,
            "value_ytd": 9000.0 * m,
            "value_ytd_prior": 8000.0 * m,
            "yoy_growth_pct": 12.5,
            "city_rank": 3,
        },
        {
            "indicator_code": "budget_revenue",
            "indicator_name": "一般公共预算收入",
            "unit": "亿元",
            "value_ytd": 0.5 * m,
            "value_ytd_prior": 0.4 * m,
            "yoy_growth_pct": 25.0,
        },
        {
            "indicator_code": "industry_output",
            "cluster": "先进装备制造",
            "unit": "亿元",
            "value_ytd": 15.0 * m,
            "value_ytd_prior": 12.5 * m,
            "yoy_growth_pct": 20.0,
        },
        {
            "indicator_code": "industry_output",
            "unit": "亿元",
            "value_ytd": 23.0 * m,
            "value_ytd_prior": 19.0 * m,
            "yoy_growth_pct": round((23.0 / 19.0 - 1) * 100, 2),
        },
        {
            "indicator_code": "enterprises_above",
            "cluster": "equipment",
            "unit": "家",
            "value_month": 40.0 + m,
        },
        {"indicator_code": "enterprises_above", "unit": "家", "value_month": 80.0 + m},
    ]


def target_rows() -> list[dict[str, Any]]:
    return [
        {
            "indicator_code": "retail",
            "unit": "万元",
            "target_value": 120000.0,
            "target_growth_pct": 12.0,
        },
        {
            "indicator_code": "industry_output",
            "cluster": "equipment",
            "unit": "亿元",
            "target_value": 180.0,
            "target_growth_pct": 18.5,
        },
        {"indicator_code": "budget_revenue", "unit": "亿元", "target_value": 6.0},
    ]


def score_rows(
    month: str, campaign: str, units: dict[str, float], criteria: dict[str, int]
) -> list[dict[str, Any]]:
    """Each unit scored on every criterion: the share `units[u]` of each maximum."""
    inspected = date.fromisoformat(month + "-20")
    rows = []
    for unit, share in units.items():
        for code, top in criteria.items():
            rows.append(
                {
                    "campaign_code": campaign,
                    "assessed_unit": unit,
                    "criterion_code": code,
                    "score": round(top * share, 2),
                    "inspected_on": inspected,
                    "problems_found": 1 if share < 0.9 else 0,
                }
            )
    return rows


def issue_rows() -> list[dict[str, Any]]:
    return [
        {
            "issue_code": "Q001",
            "project_code": "P2014001",
            "description": "土地征收未完成",
            "owner_unit": "lce",
            "raised_on": date(2014, 9, 1),
            "due_on": date(2014, 10, 31),
            "status": "解决中",
        },
        {
            "issue_code": "Q002",
            "project_code": "P2014001",
            "description": "电力接入",
            "owner_unit": "区发展改革局",
            "raised_on": date(2014, 10, 10),
            "due_on": date(2014, 12, 31),
            "status": "已解决",
            "resolved_on": date(2014, 11, 20),
        },
        {
            "issue_code": "Q003",
            "project_code": "P2014003",
            "description": "环评批复",
            "owner_unit": "lce",
            "raised_on": date(2014, 11, 5),
            "due_on": date(2015, 1, 31),
            "status": "未解决",
        },
    ]


def signing_rows(month: str) -> list[dict[str, Any]]:
    """ist's signings of the month (money in 亿元)."""
    return [
        {
            "signing_code": f"S{month[:4]}{month[5:]}01",
            "project_name": "智能装备产业园",
            "investor": "某装备集团",
            "signed_on": date.fromisoformat(month + "-12"),
            "agreed_investment": 12.0,
            "industry": "装备制造",
        },
        {
            "signing_code": f"S{month[:4]}{month[5:]}02",
            "project_name": "冷链物流中心",
            "investor": "某物流公司",
            "signed_on": date.fromisoformat(month + "-15"),
            "agreed_investment": 0.5,
            "project_code": "P2014002",
        },
    ]


def write_small_warehouse(paths: IntakePaths) -> Path:
    """Write the small data set into the raw store of `paths` (where dbt reads raw);
    returns the store's path."""
    con = open_store(paths.ensure())
    try:
        create_raw_schema(con)
        write_forms(con)
        w = RawWriter(con)
        w.add("2014-01", "drc", "key_project_plan", plan_rows())
        w.add("2014-01", "drc", "annual_targets", target_rows())
        town_shares = {"sjz": 0.95, "ngz": 0.9, "ymz": 0.9, "wcj": 0.85, "lwj": 0.8, "wyj": 0.7}
        village_shares = {
            "sjz001": 0.95,
            "sjz008": 0.92,
            "sjz007": 0.85,
            "sjz002": 0.85,
            "ngz001": 0.7,
            "ngz002": 0.6,
            "阳庙镇/杨庄村": 0.82,
            "lwj007": 0.5,
        }
        dept_shares = {"lce": 0.9, "soc": 0.8, "hfp": 0.85}
        for month in ("2014-11", "2014-12"):
            w.add(month, "drc", "econ_indicators", econ_rows(month))
            if month == "2014-11":
                w.add(month, "ist", "investment_signings", signing_rows(month))
            else:
                # nothing from ist in December: the office waives the return
                record_waiver(
                    con, month, "ist", "investment_signings", "本月无签约项目，经批准免报"
                )
            for unit in ("lce", "sjz"):
                rows = [
                    {
                        "project_code": code,
                        "invested_month": values[month][0],
                        "invested_ytd": values[month][1],
                        "status": values[month][2],
                    }
                    for code, (responsible, values) in PROGRESS.items()
                    if responsible == unit
                ]
                w.add(month, unit, "project_progress", rows)
            w.add(month, "lce", "project_issues", issue_rows())
            # sjz first sends a stale ledger, then a header-only file: "no issues"
            w.add(
                month,
                "sjz",
                "project_issues",
                [
                    {
                        "issue_code": "Q900",
                        "project_code": "P2014002",
                        "description": "旧台账",
                        "owner_unit": "sjz",
                        "raised_on": date(2014, 1, 5),
                        "status": "未解决",
                    }
                ],
            )
            w.add(month, "sjz", "project_issues", [], day=4)
            w.add(
                month,
                "agr",
                "campaign_scores",
                score_rows(month, "mlxc", town_shares, MLXC_CRITERIA)
                + score_rows(month, "mlxc", village_shares, MLXC_CRITERIA),
            )
            w.add(month, "ins", "campaign_scores", [], status="rejected", errors=1)
            w.add(
                month,
                "ins",
                "campaign_scores",
                score_rows(month, "zdgz", dept_shares, ZDGZ_CRITERIA),
                day=8,
            )
    finally:
        con.close()
    return paths.raw_store
