"""The validation rule cases: for every rule, a file that passes and one that fails, with
the rule, row, column and value the failure must name. Shared by the test_validate_*
modules, each of which runs the cases of the rules its module of `ingest.validate`
declares."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from types import ModuleType

import pyarrow as pa
from conftest import (
    ECON_JAN,
    ISSUES_LCE_JAN,
    PLAN_ROWS,
    PROGRESS_LCE_FEB,
    PROGRESS_LCE_JAN,
    SIGNINGS_JAN,
    TARGETS_JAN,
    scores_rows,
)

from ingest.forms import FORMS
from ingest.readers import SheetData
from ingest.reference import load_reference
from ingest.settings import IntakePaths
from ingest.store import open_store
from ingest.validate import (
    Context,
    ValidationResult,
    campaigns,
    common,
    indicators,
    projects,
    signings,
    validate,
)

Rows = list[list]


def _text(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    return str(v)


def sheet_of(form_code: str, rows: Rows) -> SheetData:
    """The reader's output for `rows` under a header on row 1 (data from row 2)."""
    form = FORMS[form_code]
    cols = {
        f.code: pa.array([_text(r[j]) if j < len(r) else None for r in rows], pa.string())
        for j, f in enumerate(form.fields)
    }
    cols["_row"] = pa.array(range(2, 2 + len(rows)), pa.int64())
    letters = {f.header: "ABCDEFGHIJ"[j] for j, f in enumerate(form.fields)}
    return SheetData("Sheet1", 1, list(form.headers), pa.table(cols), columns=letters)


def run(home: IntakePaths, form_code: str, unit: str, month: str, rows: Rows) -> ValidationResult:
    """Validate `rows` as a file of `form_code` from `unit` on a read-only store connection."""
    con = open_store(home, read_only=True)
    try:
        ctx = Context(date.fromisoformat(month + "-01"), unit, load_reference())
        return validate(con, sheet_of(form_code, rows), FORMS[form_code], ctx)
    finally:
        con.close()


Mutate = Callable[[Rows], Rows]


def setv(i: int, j: int, v: object) -> Mutate:
    def f(rows: Rows) -> Rows:
        rows[i][j] = v
        return rows

    return f


def both(*fs: Mutate) -> Mutate:
    def f(rows: Rows) -> Rows:
        for g in fs:
            rows = g(rows)
        return rows

    return f


def dup(i: int) -> Mutate:
    return lambda rows: [*rows, copy.deepcopy(rows[i])]


def drop(i: int) -> Mutate:
    return lambda rows: [r for k, r in enumerate(rows) if k != i]


def same(rows: Rows) -> Rows:
    return rows


@dataclass
class Case:
    rule: str
    form: str
    unit: str
    month: str
    base: Rows
    good: Mutate
    bad: Mutate
    row: int | None
    column: str | None
    value: str | None
    severity: str = "error"


SCORES = scores_rows(["sjz", "文昌街道", "pol"])

CASES = [
    # econ_indicators
    Case(
        "indicator_known",
        "econ_indicators",
        "drc",
        "2019-01",
        ECON_JAN,
        same,
        setv(0, 0, "xyz"),
        2,
        "指标代码",
        "xyz",
    ),
    Case(
        "indicator_name_matches",
        "econ_indicators",
        "drc",
        "2019-01",
        ECON_JAN,
        same,
        setv(0, 1, "零售额"),
        2,
        "指标名称",
        "零售额",
        "warning",
    ),
    Case(
        "cluster_known",
        "econ_indicators",
        "drc",
        "2019-01",
        ECON_JAN,
        setv(2, 2, "food"),
        setv(2, 2, "纺织"),
        4,
        "产业集群",
        "纺织",
    ),
    Case(
        "unit_convertible",
        "econ_indicators",
        "drc",
        "2019-01",
        ECON_JAN,
        setv(0, 3, "元"),
        setv(0, 3, "家"),
        2,
        "计量单位",
        "家",
    ),
    # a row carrying only the growth rate (va_industry, value optional) may say "%"; a row
    # carrying values may not
    Case(
        "unit_convertible",
        "econ_indicators",
        "drc",
        "2019-01",
        ECON_JAN,
        setv(1, 3, "%"),
        setv(0, 3, "%"),
        2,
        "计量单位",
        "%",
    ),
    # ... or leave 计量单位 empty; a row carrying values may not
    Case(
        "required",
        "econ_indicators",
        "drc",
        "2019-01",
        ECON_JAN,
        setv(1, 3, None),
        setv(0, 3, None),
        2,
        "计量单位",
        None,
    ),
    Case(
        "ytd_required_for_flow",
        "econ_indicators",
        "drc",
        "2019-01",
        ECON_JAN,
        setv(1, 5, None),
        setv(0, 5, "-"),
        2,
        "1-本月累计",
        "-",
    ),
    Case(
        "growth_required",
        "econ_indicators",
        "drc",
        "2019-01",
        ECON_JAN,
        setv(2, 7, None),
        setv(1, 7, None),
        3,
        "同比增长(%)",
        None,
    ),
    Case(
        "nominal_growth_agrees",
        "econ_indicators",
        "drc",
        "2019-01",
        ECON_JAN,
        setv(0, 7, "11.2"),
        setv(0, 7, "15%"),
        2,
        "同比增长(%)",
        "15%",
    ),
    Case(
        "city_rank_range",
        "econ_indicators",
        "drc",
        "2019-01",
        ECON_JAN,
        setv(0, 8, 11),
        setv(0, 8, 12),
        2,
        "全市排名",
        "12",
    ),
    Case(
        "indicator_rows_unique",
        "econ_indicators",
        "drc",
        "2019-01",
        ECON_JAN,
        same,
        dup(2),
        6,
        "指标代码",
        "enterprises_above",
    ),
    Case(
        "quarterly_only_at_quarter_end",
        "econ_indicators",
        "drc",
        "2019-01",
        ECON_JAN,
        lambda r: r,
        lambda r: [*r, ["gdp", "地区生产总值", None, "亿元", 10, 10, 9, 8, 2, None]],
        6,
        "指标代码",
        "gdp",
    ),
    # annual_targets
    Case(
        "indicator_known",
        "annual_targets",
        "drc",
        "2019-01",
        TARGETS_JAN,
        same,
        setv(1, 0, "output"),
        3,
        "指标代码",
        "output",
    ),
    Case(
        "cluster_known",
        "annual_targets",
        "drc",
        "2019-01",
        TARGETS_JAN,
        setv(1, 1, "新材料"),
        setv(1, 1, "textile"),
        3,
        "产业集群",
        "textile",
    ),
    Case(
        "unit_convertible",
        "annual_targets",
        "drc",
        "2019-01",
        TARGETS_JAN,
        same,
        setv(0, 2, "%"),
        2,
        "计量单位",
        "%",
    ),
    Case(
        "indicator_rows_unique",
        "annual_targets",
        "drc",
        "2019-01",
        TARGETS_JAN,
        same,
        dup(0),
        4,
        "指标代码",
        "retail",
    ),
    # key_project_plan
    Case(
        "unit_known",
        "key_project_plan",
        "drc",
        "2019-01",
        PLAN_ROWS,
        same,
        setv(0, 4, "国土局"),
        2,
        "责任单位",
        "国土局",
    ),
    Case(
        "town_known",
        "key_project_plan",
        "drc",
        "2019-01",
        PLAN_ROWS,
        setv(0, 5, "宁郭镇"),
        setv(0, 5, "drc"),
        2,
        "所在乡镇(街道)",
        "drc",
    ),
    Case(
        "positive",
        "key_project_plan",
        "drc",
        "2019-01",
        PLAN_ROWS,
        same,
        both(setv(2, 6, 0), setv(2, 7, 0)),
        4,
        "总投资(亿元)",
        "0",
    ),
    Case(
        "plan_within_total",
        "key_project_plan",
        "drc",
        "2019-01",
        PLAN_ROWS,
        setv(0, 7, 10),
        setv(0, 7, "10.5"),
        2,
        "年度计划投资(亿元)",
        "10.5",
    ),
    Case(
        "project_codes_unique",
        "key_project_plan",
        "drc",
        "2019-01",
        PLAN_ROWS,
        same,
        dup(1),
        5,
        "项目编号",
        "P002",
    ),
    Case(
        "required",
        "key_project_plan",
        "drc",
        "2019-01",
        PLAN_ROWS,
        same,
        setv(1, 1, " "),
        3,
        "项目名称",
        None,
    ),
    Case(
        "enum",
        "key_project_plan",
        "drc",
        "2019-01",
        PLAN_ROWS,
        same,
        setv(1, 2, "国家级"),
        3,
        "项目级别",
        "国家级",
    ),
    Case(
        "type",
        "key_project_plan",
        "drc",
        "2019-01",
        PLAN_ROWS,
        setv(0, 8, "2019年3月1日"),
        setv(0, 8, "三月"),
        2,
        "计划开工日期",
        "三月",
    ),
    # project_progress
    Case(
        "project_in_plan_of_submitter",
        "project_progress",
        "lce",
        "2019-01",
        PROGRESS_LCE_JAN,
        same,
        lambda r: [*r, ["P003", "苏家作乡卫生院", 1, 1, "在建", None, None, None]],
        4,
        "项目编号",
        "P003",
    ),
    Case(
        "project_name_matches",
        "project_progress",
        "lce",
        "2019-01",
        PROGRESS_LCE_JAN,
        setv(0, 1, None),
        setv(0, 1, "蒙牛项目"),
        2,
        "项目名称",
        "蒙牛项目",
        "warning",
    ),
    Case(
        "non_negative",
        "project_progress",
        "lce",
        "2019-01",
        PROGRESS_LCE_JAN,
        same,
        both(setv(1, 2, "-5"), setv(1, 3, "-5")),
        3,
        "本月完成投资(万元)",
        "-5",
    ),
    Case(
        "ytd_chain",
        "project_progress",
        "lce",
        "2019-01",
        PROGRESS_LCE_JAN,
        setv(0, 3, 1201),
        setv(0, 3, 1300),
        2,
        "1-本月累计完成投资(万元)",
        "1300",
    ),
    Case(
        "ytd_chain",
        "project_progress",
        "lce",
        "2019-02",
        PROGRESS_LCE_FEB,
        setv(0, 3, "2000.5"),
        setv(0, 3, 2100),
        2,
        "1-本月累计完成投资(万元)",
        "2100",
    ),
    Case(
        "ytd_within_total",
        "project_progress",
        "lce",
        "2019-01",
        PROGRESS_LCE_JAN,
        both(setv(0, 2, 100000), setv(0, 3, "10亿元")),
        both(setv(0, 2, 100001), setv(0, 3, 100001)),
        2,
        "1-本月累计完成投资(万元)",
        "100001",
    ),
    Case(
        "not_after_month",
        "project_progress",
        "lce",
        "2019-01",
        PROGRESS_LCE_JAN,
        setv(0, 5, "2019/1/31"),
        setv(0, 5, "2019-02-01"),
        2,
        "实际开工日期",
        "2019-02-01",
    ),
    Case(
        "project_codes_unique",
        "project_progress",
        "lce",
        "2019-01",
        PROGRESS_LCE_JAN,
        same,
        dup(0),
        4,
        "项目编号",
        "P001",
    ),
    Case(
        "every_plan_project_reported",
        "project_progress",
        "lce",
        "2019-01",
        PROGRESS_LCE_JAN,
        same,
        drop(1),
        None,
        "项目编号",
        "P002",
    ),
    Case(
        "type",
        "project_progress",
        "lce",
        "2019-01",
        PROGRESS_LCE_JAN,
        both(setv(0, 2, "1,200"), setv(0, 3, "１２００")),
        setv(0, 2, "一千"),
        2,
        "本月完成投资(万元)",
        "一千",
    ),
    # project_issues
    Case(
        "project_in_progress",
        "project_issues",
        "lce",
        "2019-01",
        ISSUES_LCE_JAN,
        same,
        setv(0, 1, "P999"),
        2,
        "项目编号",
        "P999",
    ),
    Case(
        "unit_known",
        "project_issues",
        "lce",
        "2019-01",
        ISSUES_LCE_JAN,
        setv(0, 3, "区社会事业局"),
        setv(0, 3, "社会局"),
        2,
        "责任部门",
        "社会局",
    ),
    Case(
        "due_after_raised",
        "project_issues",
        "lce",
        "2019-01",
        ISSUES_LCE_JAN,
        setv(0, 5, "2019-01-05"),
        setv(0, 5, "2019-01-04"),
        2,
        "解决时限",
        "2019-01-04",
    ),
    Case(
        "resolved_on_when_resolved",
        "project_issues",
        "lce",
        "2019-01",
        ISSUES_LCE_JAN,
        setv(0, 6, "未解决"),
        setv(1, 7, None),
        3,
        "解决日期",
        None,
    ),
    Case(
        "issue_codes_unique",
        "project_issues",
        "lce",
        "2019-01",
        ISSUES_LCE_JAN,
        same,
        dup(1),
        4,
        "问题编号",
        "Q002",
    ),
    # campaign_scores (scsc, led by scc, groups town|department)
    Case(
        "campaign_led_by_submitter",
        "campaign_scores",
        "scc",
        "2019-01",
        SCORES,
        lambda r: [[*x[:0], "四城联创", *x[1:]] for x in r],
        setv(0, 0, "zdgz"),
        2,
        "考核项目",
        "zdgz",
    ),
    Case(
        "assessed_unit_known",
        "campaign_scores",
        "scc",
        "2019-01",
        SCORES,
        lambda r: [[x[0], "苏家作乡" if x[1] == "sjz" else x[1], *x[2:]] for x in r],
        lambda r: [[x[0], "苏家作乡/杨庄村" if x[1] == "sjz" else x[1], *x[2:]] for x in r],
        2,
        "被考核单位",
        "苏家作乡/杨庄村",
    ),
    Case(
        "criterion_of_campaign",
        "campaign_scores",
        "scc",
        "2019-01",
        SCORES,
        setv(0, 2, "市容秩序"),
        setv(0, 2, "hjws"),
        2,
        "考核内容",
        "hjws",
    ),
    Case(
        "score_within_max",
        "campaign_scores",
        "scc",
        "2019-01",
        SCORES,
        setv(0, 3, 25),
        setv(0, 3, "25.5"),
        2,
        "得分",
        "25.5",
    ),
    Case(
        "within_month",
        "campaign_scores",
        "scc",
        "2019-01",
        SCORES,
        setv(0, 5, "2019-01-31"),
        setv(0, 5, "2019-02-01"),
        2,
        "检查日期",
        "2019-02-01",
    ),
    Case(
        "non_negative",
        "campaign_scores",
        "scc",
        "2019-01",
        SCORES,
        setv(0, 6, 0),
        setv(0, 6, -1),
        2,
        "整改问题数",
        "-1",
    ),
    Case(
        "score_rows_unique",
        "campaign_scores",
        "scc",
        "2019-01",
        SCORES,
        same,
        dup(3),
        17,
        "考核内容",
        "ljfl",
    ),
    Case(
        "every_criterion_scored",
        "campaign_scores",
        "scc",
        "2019-01",
        SCORES,
        same,
        drop(4),
        2,
        "考核内容",
        "wmsy",
    ),
    # investment_signings
    Case(
        "within_month",
        "investment_signings",
        "ist",
        "2019-01",
        SIGNINGS_JAN,
        setv(0, 3, "2019-01-01"),
        setv(0, 3, "2018-12-31"),
        2,
        "签约日期",
        "2018-12-31",
    ),
    Case(
        "positive",
        "investment_signings",
        "ist",
        "2019-01",
        SIGNINGS_JAN,
        same,
        setv(1, 4, "0万元"),
        3,
        "协议投资额(亿元)",
        "0万元",
    ),
    Case(
        "signing_codes_unique",
        "investment_signings",
        "ist",
        "2019-01",
        SIGNINGS_JAN,
        same,
        dup(0),
        4,
        "签约编号",
        "S001",
    ),
    # who may submit
    Case(
        "submitter_allowed",
        "econ_indicators",
        "drc",
        "2019-01",
        ECON_JAN,
        same,
        same,
        None,
        None,
        "lce",
    ),
]


GROUPS: tuple[ModuleType, ...] = (common, indicators, projects, campaigns, signings)
"""The rule modules of `ingest.validate`, each declaring its rules by name."""


def rules_of(module: ModuleType) -> set[str]:
    """The rule names a module of `ingest.validate` declares."""
    return set(getattr(module, "FIELD_RULES", {})) | set(getattr(module, "FORM_RULES", {}))


def cases_of(module: ModuleType) -> list[Case]:
    """The cases of the rules `module` declares."""
    names = rules_of(module)
    return [c for c in CASES if c.rule in names]


def driver_cases() -> list[Case]:
    """The cases of the checks the driver runs itself (type, required, enum, submitter)."""
    declared = set().union(*(rules_of(m) for m in GROUPS))
    return [c for c in CASES if c.rule not in declared]


def case_id(c: Case) -> str:
    return f"{c.form}-{c.rule}-{c.month}"


def check_passes(home: IntakePaths, case: Case) -> None:
    """The good file of `case` has no error and no problem of the case's rule."""
    rows = case.good(copy.deepcopy(case.base))
    result = run(home, case.form, case.unit, case.month, rows)
    assert result.errors == 0, [p.message_en for p in result.problems]
    assert not [p for p in result.problems if p.rule == case.rule]


def check_fails(home: IntakePaths, case: Case) -> None:
    """The bad file of `case` has the case's problem, at its row, column and value."""
    rows = case.bad(copy.deepcopy(case.base))
    unit = "lce" if case.rule == "submitter_allowed" else case.unit
    result = run(home, case.form, unit, case.month, rows)
    found = [p for p in result.problems if p.rule == case.rule]
    assert found, [p.message_en for p in result.problems]
    p = found[0]
    assert (p.severity, p.row, p.column, p.value) == (
        case.severity,
        case.row,
        case.column,
        case.value,
    ), p
    assert p.sheet == "Sheet1"
    assert p.message_zh and p.message_en
    # the Excel cell, and what to do, in Chinese
    assert p.fix_zh and p.fix_zh in p.message_zh
    headers = FORMS[case.form].headers
    if p.row is not None and p.column in headers:
        cell = f"{'ABCDEFGHIJ'[headers.index(p.column)]}{p.row}"
        assert p.cell == cell and f"{cell} 单元格" in p.message_zh
    if case.severity == "error":
        assert result.status == "rejected"
    else:
        assert result.status == "accepted_with_warnings"
        assert result.errors == 0
