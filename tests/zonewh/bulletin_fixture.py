"""A realistic published DuckDB file for bulletin tests (marts + reference), built from scratch.

`build_published(path)` writes schema `marts` with the CONTRACT.md tables and columns
and schema `reference` from the seed CSVs, with 2019-01..2019-06 figures calibrated on
the seed facts of DOMAIN.md (2019-06: GDP 74 亿 +8.7%, 119 key projects of 417 亿 with
65.2 亿 done = 50.4% of plan, 25 signings of 125 亿, …).

Options give the shapes the published file is moving to: `decimal=True` makes money
(`*_wan`) DECIMAL(18,2) and percentages DECIMAL(9,2); `submissions=True` adds
`marts.submissions` with its `form_name`; `settings` adds or replaces rows of
`reference.settings`; `publication_id` and `attempted_at` name and date the 2019-06
publication.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import duckdb

from zonewh.config import REFERENCE_DIR

MONTH = dt.date(2019, 6, 1)
PREVIOUS = dt.date(2019, 5, 1)

REFERENCE_TABLES = (
    "org_units",
    "indicators",
    "clusters",
    "campaigns",
    "campaign_criteria",
    "reward_rules",
    "creation_list",
)

DDL = """
create schema if not exists marts;
create table marts.economic_indicators (
    month date, indicator_code varchar, indicator_name varchar, cluster varchar,
    unit varchar, value_month double, value_ytd double, yoy_growth_pct double,
    growth_basis varchar, annual_target double, target_completion_pct double,
    city_rank integer
);
create table marts.project_investment (
    month date, project_code varchar, project_name varchar, level varchar,
    category varchar, responsible_unit varchar, town varchar,
    total_investment_wan double, annual_plan_wan double, invested_month_wan double,
    invested_ytd_wan double, plan_completion_pct double, time_progress_pct double,
    progress_gap_pp double, is_lagging boolean, status varchar, open_issues integer,
    overdue_issues integer
);
create table marts.project_issues (
    month date, issue_code varchar, project_code varchar, owner_unit varchar,
    raised_on date, due_on date, status varchar, resolved_on date, is_overdue boolean,
    days_open integer
);
create table marts.investment_signings (
    month date, signing_code varchar, project_name varchar, investor varchar,
    signed_on date, agreed_investment_wan double, size_band varchar, project_code varchar
);
create table marts.campaign_scores (
    month date, campaign_code varchar, unit_code varchar, unit_name varchar,
    unit_group varchar, total_score double, max_score double, rank integer,
    previous_rank integer, problems_found integer
);
create table marts.campaign_rewards (
    month date, campaign_code varchar, unit_code varchar, rule_code varchar,
    amount_wan double, reason varchar
);
create table marts.submission_status (
    month date, unit_code varchar, form_code varchar, due_on date,
    first_received_at timestamptz, accepted_at timestamptz, versions integer,
    status varchar, errors integer, warnings integer
);
create table marts.publication_log (
    publication_id varchar, month date, attempted_at timestamptz, published boolean,
    blocking_failures integer, warnings integer, revised_months varchar,
    software_version varchar
);
"""

# indicator_code: (name, unit, growth_basis, ytd 2019-06, growth 06, growth 05, target, rank)
INDICATORS = {
    "gdp": ("地区生产总值", "万元", "comparable", 740000.0, 8.7, 8.4, 1500000.0, 2),
    "va_tertiary": ("第三产业增加值", "万元", "comparable", 352000.0, 10.5, 9.8, 700000.0, 1),
    "va_industry": ("规模以上工业增加值", "万元", "comparable", None, 9.2, 9.6, None, 1),
    "fai": ("固定资产投资", "万元", "nominal", None, 19.5, 21.3, None, 1),
    "retail": ("社会消费品零售总额", "万元", "nominal", 286000.0, 11.0, 10.6, 600000.0, 3),
    "budget_revenue": ("一般公共预算收入", "万元", "nominal", 62300.0, 8.0, 7.2, 118000.0, 4),
    "industry_output": (
        "规模以上工业总产值",
        "万元",
        "nominal",
        1650000.0,
        12.3,
        12.0,
        3400000.0,
        2,
    ),
    "enterprises_above": ("规模以上工业企业数", "家", "none", 96.0, None, None, 100.0, None),
}
QUARTERLY = {"gdp", "va_tertiary"}
CLUSTER_OUTPUT = {
    "equipment": 1050000.0,
    "materials": 200000.0,
    "electronics": 10000.0,
    "food": 360000.0,
}

LEVEL_COUNTS = {"省重点": 1, "市重点": 16, "区重点": 102}
CATEGORIES = ("工业", "服务业", "基础设施", "社会事业", "房地产", "农业")
RESPONSIBLE = ("lce", "soc", "hfp", "sjz", "ngz", "ymz", "wcj", "lwj", "wyj")
TOWNS = ("sjz", "ngz", "ymz", "wcj", "lwj", "wyj")

TOTAL_INVESTMENT_WAN = 4_170_000.0
YTD_WAN = 652_000.0
PLAN_WAN = round(YTD_WAN / 0.504, 1)


def _rank(scores: dict[str, float]) -> dict[str, int]:
    """Competition ranking, highest first (1, 2, 2, 4)."""
    ordered = sorted(scores.values(), reverse=True)
    return {u: ordered.index(s) + 1 for u, s in scores.items()}


def _economic_rows() -> list[tuple]:
    rows = []
    for month, col in ((PREVIOUS, 5), (MONTH, 6)):
        for code, (name, unit, basis, ytd, g6, g5, target, rank) in INDICATORS.items():
            if code in QUARTERLY and month.month % 3:
                continue
            growth = g6 if month == MONTH else g5
            value = ytd if ytd is None or code == "enterprises_above" else ytd * col / 6
            vmonth = None if value is None else round(value / col, 1)
            if code == "enterprises_above":
                vmonth = value
            completion = None if value is None or not target else value / target * 100
            rows.append(
                (
                    month,
                    code,
                    name,
                    "",
                    unit,
                    vmonth,
                    value,
                    growth,
                    basis,
                    target,
                    completion,
                    rank,
                )
            )
        for cluster, out in CLUSTER_OUTPUT.items():
            value = out * col / 6
            rows.append(
                (
                    month,
                    "industry_output",
                    "规模以上工业总产值",
                    cluster,
                    "万元",
                    round(value / col, 1),
                    value,
                    15.0 if cluster != "food" else 9.5,
                    "nominal",
                    out * 2,
                    value / (out * 2) * 100,
                    None,
                )
            )
    return rows


def _project_rows(rng: random.Random) -> list[tuple]:
    levels = [lv for lv, n in LEVEL_COUNTS.items() for _ in range(n)]
    weights = [rng.uniform(0.5, 2.0) for _ in levels]
    weights[0] = 12.0  # 蒙牛 is large
    total_w = sum(weights)
    totals = [round(TOTAL_INVESTMENT_WAN * w / total_w, 1) for w in weights]
    totals[-1] = round(TOTAL_INVESTMENT_WAN - sum(totals[:-1]), 1)
    plans = [round(t * 0.31, 1) for t in totals]
    plans[-1] = round(PLAN_WAN - sum(plans[:-1]), 1)
    ratios = []
    for i, lv in enumerate(levels):
        if lv in ("省重点", "市重点"):
            ratios.append(0.84)
        else:
            ratios.append(rng.choice([0.2, 0.3, 0.35, 0.45, 0.5, 0.55, 0.6]))
    ytds = [round(p * r, 1) for p, r in zip(plans, ratios)]
    # make the district projects carry exactly the rest of 65.2 亿
    fixed = sum(y for y, lv in zip(ytds, levels) if lv != "区重点")
    district = [i for i, lv in enumerate(levels) if lv == "区重点"]
    scale = (YTD_WAN - fixed) / sum(ytds[i] for i in district)
    for i in district:
        ytds[i] = round(ytds[i] * scale, 1)
    ytds[district[-1]] = round(
        YTD_WAN - sum(ytds[: district[-1]]) - sum(ytds[district[-1] + 1 :]), 1
    )
    rows = []
    for i, lv in enumerate(levels):
        code = f"XM2019{i + 1:03d}"
        name = "蒙牛乳业液态奶项目" if i == 0 else f"示范区重点项目{i + 1:03d}"
        category = "工业" if i == 0 else CATEGORIES[i % len(CATEGORIES)]
        unit = RESPONSIBLE[i % len(RESPONSIBLE)]
        town = TOWNS[i % len(TOWNS)]
        completion = ytds[i] / plans[i] * 100
        gap = completion - 50.0
        rows.append(
            (
                MONTH,
                code,
                name,
                lv,
                category,
                unit,
                town,
                totals[i],
                plans[i],
                round(ytds[i] / 6, 1),
                ytds[i],
                completion,
                50.0,
                gap,
                gap < -10,
                "在建",
                0,
                0,
            )
        )
    return rows


def _issue_rows() -> list[tuple]:
    spec = [
        ("WT001", "XM2019002", "lce", "2019-03-10", "2019-05-31", "解决中", None),
        ("WT002", "XM2019003", "pla", "2019-04-02", "2019-06-15", "未解决", None),
        ("WT003", "XM2019005", "lce", "2019-05-20", "2019-07-31", "解决中", None),
        ("WT004", "XM2019008", "wat", "2019-06-03", "2019-08-30", "未解决", None),
        ("WT005", "XM2019010", "sjz", "2019-02-11", "2019-04-30", "已解决", "2019-04-20"),
        ("WT006", "XM2019011", "trn", "2019-01-15", "2019-03-31", "未解决", None),
        ("WT007", "XM2019012", "pla", "2019-05-08", None, "解决中", None),
    ]
    end = dt.date(2019, 6, 30)
    rows = []
    for code, project, owner, raised, due, status, resolved in spec:
        raised_on = dt.date.fromisoformat(raised)
        due_on = dt.date.fromisoformat(due) if due else None
        resolved_on = dt.date.fromisoformat(resolved) if resolved else None
        overdue = status != "已解决" and due_on is not None and due_on < end
        days = ((resolved_on or end) - raised_on).days
        rows.append(
            (MONTH, code, project, owner, raised_on, due_on, status, resolved_on, overdue, days)
        )
    return rows


def _signing_rows() -> list[tuple]:
    big = [30.0, 20.0, 15.0, 10.0, 10.0]
    mid = [5.0, 4.0, 4.0, 4.0, 3.5, 3.5, 3.0, 3.0, 3.0, 3.0]
    small = [0.4] * 10
    rows = []
    for i, yi in enumerate(big + mid + small):
        month = dt.date(2019, i % 6 + 1, 1)
        band = ">=10亿" if yi >= 10 else ("1-10亿" if yi >= 1 else "<1亿")
        rows.append(
            (
                month,
                f"QY2019{i + 1:03d}",
                f"签约项目{i + 1:02d}",
                f"投资方{i + 1:02d}有限公司",
                month.replace(day=10 + i % 15),
                yi * 10000,
                band,
                None,
            )
        )
    return rows


def _campaign_rows(con: duckdb.DuckDBPyConnection, rng: random.Random) -> tuple[list, list]:
    units = con.execute(
        "select unit_code, unit_name, unit_type from reference.org_units "
        "where valid_to is null or valid_to >= date '2019-06-01'"
    ).fetchall()
    by_type: dict[str, list[tuple[str, str]]] = {}
    for code, name, typ in units:
        by_type.setdefault(typ, []).append((code, name))
    depts = by_type["department"][:10]
    zdgz_depts = [
        u for u in by_type["department"] if u[0] in ("drc", "lce", "soc", "agr", "ist", "ucm")
    ]
    plan = [
        ("mlxc", "town", by_type["town"], 100.0),
        ("mlxc", "village", by_type["village"], 100.0),
        ("scsc", "town", by_type["town"], 100.0),
        ("scsc", "department", depts, 100.0),
        ("zdgz", "department", zdgz_depts, 100.0),
    ]
    scores, rewards = [], []
    previous: dict[tuple[str, str], dict[str, int]] = {}
    for m in range(1, 7):
        month = dt.date(2019, m, 1)
        for campaign, group, members, max_score in plan:
            if campaign == "zdgz" and m < 4:
                continue
            raw = {code: round(rng.uniform(70, 98), 1) for code, _ in members}
            if campaign == "mlxc" and group == "town" and m == 6:
                raw["ymz"] = raw["wcj"]  # a tie
            ranks = _rank(raw)
            prev = previous.get((campaign, group), {})
            names = dict(members)
            for code, score in raw.items():
                scores.append(
                    (
                        month,
                        campaign,
                        code,
                        names[code],
                        group,
                        score,
                        max_score,
                        ranks[code],
                        prev.get(code),
                        rng.randint(0, 6),
                    )
                )
                if campaign == "mlxc" and group == "town" and ranks[code] <= 3:
                    amount = {1: 4.0, 2: 3.0, 3: 2.0}[ranks[code]]
                    rewards.append(
                        (
                            month,
                            "mlxc",
                            code,
                            "mlxc_town_monthly",
                            amount,
                            "美丽乡村月度考核乡镇（街道）排名奖励",
                        )
                    )
                if campaign == "mlxc" and group == "village" and ranks[code] <= 10:
                    rewards.append(
                        (
                            month,
                            "mlxc",
                            code,
                            "mlxc_village_monthly",
                            0.4,
                            "美丽乡村月度考核行政村前十名奖励",
                        )
                    )
            if campaign == "scsc":  # red and black lists: rows without money
                last = max(ranks.values())
                for code, rank in sorted(ranks.items()):
                    if rank in (1, last):
                        colour = "red" if rank == 1 else "black"
                        rewards.append(
                            (month, "scsc", code, f"scsc_{group}_{colour}", 0.0, "四城联创红黑榜")
                        )
            previous[(campaign, group)] = ranks
    return scores, rewards


def _submission_rows() -> list[tuple]:
    due = dt.date(2019, 7, 5)
    on_time = dt.datetime(2019, 7, 3, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    late = dt.datetime(2019, 7, 8, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    rows = [
        (MONTH, "drc", "econ_indicators", due, on_time, on_time, 1, "on_time", 0, 1),
        (MONTH, "ist", "investment_signings", due, late, late, 1, "late", 0, 0),
        (MONTH, "agr", "campaign_scores", due, on_time, on_time, 1, "on_time", 0, 0),
        (MONTH, "scc", "campaign_scores", due, on_time, on_time, 2, "on_time", 0, 0),
        (MONTH, "ins", "campaign_scores", due, None, None, 0, "waived", 0, 0),
    ]
    for i, unit in enumerate(RESPONSIBLE):
        status = "late" if unit == "hfp" else "on_time"
        when = late if status == "late" else on_time
        rows.append((MONTH, unit, "project_progress", due, when, when, 1, status, 0, 0))
        if unit == "wyj":
            rows.append((MONTH, unit, "project_issues", due, on_time, None, 1, "rejected", 2, 0))
        else:
            rows.append(
                (MONTH, unit, "project_issues", due, on_time, on_time, 1 + i % 2, "on_time", 0, 0)
            )
    return rows


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Bulk insert (row-by-row executemany is slow): rows go through an Arrow table."""
    import pyarrow as pa

    names = [r[0] for r in con.execute(f"describe marts.{table}").fetchall()]
    frame = pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})  # noqa: F841
    con.execute(f"insert into marts.{table} select * from frame")


SUBMISSIONS_DDL = """
create table marts.submissions (
    submission_id varchar, month date, unit_code varchar, unit_name varchar,
    form_code varchar, form_name varchar, file_path varchar, version integer,
    submitted_at timestamptz, status varchar, errors integer, warnings integer,
    rows_loaded integer
);
"""
PUBLISHED_FORM_NAMES = {
    "econ_indicators": "主要经济指标完成情况月报",
    "investment_signings": "招商引资签约项目月报",
    "project_progress": "重点项目建设进展月报",
    "project_issues": "项目推进问题台账",
    "campaign_scores": "考核评分表",
}
"""Names `marts.submissions` publishes (two differ from the bulletin's own fallback names)."""


def _settings(con: duckdb.DuckDBPyConnection, settings: dict[str, str] | None) -> None:
    csv_path = (REFERENCE_DIR / "settings.csv").as_posix()
    con.execute(
        "create table reference.settings as select * from "
        f"read_csv('{csv_path}', header = true, all_varchar = true)"
    )
    for key, value in (settings or {}).items():
        con.execute("delete from reference.settings where key = ?", [key])
        con.execute("insert into reference.settings values (?, ?, '')", [key, value])


def _submissions(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SUBMISSIONS_DDL)
    rows = con.execute(
        "select unit_code, form_code, versions, first_received_at, status, errors "
        "from marts.submission_status where versions > 0"
    ).fetchall()
    out = []
    for unit, form, versions, at, status, errors in rows:
        for v in range(1, versions + 1):
            out.append(
                (
                    f"S-{unit}-{form}-{v}",
                    MONTH,
                    unit,
                    None,
                    form,
                    PUBLISHED_FORM_NAMES.get(form, form),
                    f"landing/{unit}/{form}.xlsx",
                    v,
                    at,
                    "rejected" if status == "rejected" else "accepted",
                    errors,
                    0,
                    10,
                )
            )
    con.executemany(
        "insert into marts.submissions values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", out
    )


def _decimal(con: duckdb.DuckDBPyConnection) -> None:
    """Money (`*_wan`, indicator values and targets) DECIMAL(18,2); percentages, points and
    scores DECIMAL(9,2), as the published file is moving to."""
    columns = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' and data_type = 'DOUBLE'"
    ).fetchall()
    for table, column in columns:
        money = column.endswith("_wan") or column in ("value_month", "value_ytd", "annual_target")
        kind = "decimal(18,2)" if money else "decimal(9,2)"
        con.execute(f"alter table marts.{table} alter column {column} type {kind}")


def build_published(
    path: Path,
    seed: int = 6,
    *,
    decimal: bool = False,
    submissions: bool = False,
    settings: dict[str, str] | None = None,
    publication_id: str = "2019-06/2",
    attempted_at: dt.datetime | None = None,
) -> Path:
    """Write a published-like DuckDB file at `path` (marts + reference) and return it."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema reference")
        for table in REFERENCE_TABLES:
            csv_path = (REFERENCE_DIR / f"{table}.csv").as_posix()
            con.execute(
                f"create table reference.{table} as select * from "
                f"read_csv('{csv_path}', header = true, all_varchar = false)"
            )
        con.execute(DDL)
        inserts = {
            "economic_indicators": _economic_rows(),
            "project_investment": _project_rows(rng),
            "project_issues": _issue_rows(),
            "investment_signings": _signing_rows(),
            "submission_status": _submission_rows(),
        }
        scores, rewards = _campaign_rows(con, rng)
        inserts["campaign_scores"] = scores
        inserts["campaign_rewards"] = rewards
        for table, rows in inserts.items():
            _insert(con, table, rows)
        attempted = attempted_at or dt.datetime(2019, 7, 8, 10, 0, tzinfo=dt.UTC)
        con.executemany(
            "insert into marts.publication_log values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ("2019-05/1", PREVIOUS, attempted - dt.timedelta(days=30), True, 0, 0, "", "0.1.0"),
                ("2019-06/1", MONTH, attempted - dt.timedelta(days=1), False, 1, 2, "", "0.1.0"),
                (publication_id, MONTH, attempted, True, 0, 3, "2019-05", "0.1.0"),
            ],
        )
        _settings(con, settings)
        if submissions:
            _submissions(con)
        if decimal:
            _decimal(con)
    finally:
        con.close()
    return path


# --------------------------------------------------------------------------- gate report

ATTEMPT = "20190708T100000Z-ab12cd"
"""The attempt that published 2019-06 in the gate-report fixture."""


def _check(code: str, outcome: str, failing: int, examples: list[dict]) -> dict:
    """A check as the gate reports it (titles mostly left out: the bulletin finds them by code)."""
    return {
        "code": code,
        "severity": "warning",
        "tool": "dbt",
        "outcome": outcome,
        "failing_rows": failing,
        "message_en": f"dbt test {code.lower()}_check warn: {failing} failing row(s)",
        "examples": examples,
    }


REPORT = {
    "month": "2019-06",
    "attempt_id": ATTEMPT,
    "checked_at": "2019-07-08T18:00:00+08:00",
    "passed": True,
    "revised_months": ["2019-05"],
    "checks": [
        {
            **_check("B3", "passed", 0, []),
            "severity": "blocking",
            "title_zh": "项目累计投资前后衔接",
        },
        _check("W1", "passed", 0, []),
        {
            **_check(
                "W2",
                "warned",
                2,
                [
                    {
                        "month": "2019-06-01",
                        "unit_code": "lce",
                        "unit_name": "区国土建设环保局",
                        "form_code": "project_progress",
                        "form_name": "重点项目建设进展月报",
                        "project_code": "XM2019002",
                        "project_name": "示范区重点项目002",
                        "status": "在建",
                        "invested_ytd_wan": 1200.0,
                        "months_idle": 3,
                    },
                    # only codes: the names come from the published file
                    {"month": "2019-06-01", "unit_code": "sjz", "project_code": "XM2019005"},
                ],
            ),
            "title_zh": "在建项目连续三个月无投资",
            "action_zh": "请项目责任单位说明停滞原因，并在问题台账中登记推进问题。",
        },
        _check(
            "W3",
            "warned",
            1,
            [
                {
                    "month": "2019-06-01",
                    "unit_code": "drc",
                    "unit_name": "区发展改革局",
                    "form_code": "econ_indicators",
                    "form_name": "主要经济指标完成情况",
                    "indicator_code": "gdp",
                    "cluster": "",
                    "indicator_name_reported": "GDP总量",
                    "catalog_name": "地区生产总值",
                }
            ],
        ),
        _check(
            "W4",
            "warned",
            2,
            [
                {
                    "month": "2019-06-01",
                    "unit_code": "ist",
                    "unit_name": "区招商局",
                    "form_code": "investment_signings",
                    "form_name": "招商引资签约项目",
                    "due_on": "2019-07-05",
                    "accepted_at": "2019-07-08T08:00:00+00:00",
                    "versions": 1,
                },
                {
                    "month": "2019-06-01",
                    "unit_code": "hfp",
                    "form_code": "project_progress",
                    "due_on": "2019-07-05",
                    "accepted_at": "2019-07-08T08:00:00+00:00",
                },
            ],
        ),
        _check(
            "W5",
            "warned",
            1,
            [
                {
                    "month": "2019-05-01",
                    "unit_code": "drc",
                    "unit_name": "区发展改革局",
                    "form_code": "econ_indicators",
                    "form_name": "主要经济指标完成情况",
                    "submission_id": "S-drc-econ-2",
                    "version": 2,
                    "ingested_at": "2019-07-06T02:00:00+00:00",
                    "published_at": "2019-06-08T02:00:00+00:00",
                }
            ],
        ),
    ],
}
