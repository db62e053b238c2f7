"""The form registry: the seven forms of the intake contract (docs/FORMS.md), declared once.

Everything that reads, validates, loads, templates or generates a form reads
this registry: headers, codes, types, required flags, enumerations and the
names of the rules that apply. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FieldType = Literal["text", "number", "integer", "date", "enum"]

MONEY_UNITS_WAN: dict[str, float] = {"亿元": 10_000.0, "万元": 1.0, "元": 0.0001}
"""Money units and their size in 万元 (staging converts every amount to 万元)."""


@dataclass(frozen=True)
class Field:
    """One column of a form."""

    header: str
    """The exact Chinese header the submitter sees."""
    code: str
    """The column name in the raw schema."""
    type: FieldType = "text"
    required: bool = False
    enum: tuple[str, ...] = ()
    money_unit: str | None = None
    """For money columns: the unit the header names (亿元/万元); cell suffixes convert to it."""
    rules: tuple[str, ...] = ()
    """Names of the rules (in ingest.validate) that check this column."""
    description: str = ""
    required_unless: str | None = None
    """A required column may be empty on a row meeting this condition (its name in
    `ingest.validate.rules.ROW_CONDITIONS`, e.g. `growth_only`); the header is required."""

    @property
    def sql_type(self) -> str:
        return {
            "text": "VARCHAR",
            "enum": "VARCHAR",
            "number": "DOUBLE",
            "integer": "BIGINT",
            "date": "DATE",
        }[self.type]


@dataclass(frozen=True)
class Form:
    """One submission form."""

    code: str
    title: str
    fields: tuple[Field, ...]
    submitted_by: str
    """Who submits it, in the calendar's words (see submission_calendar.csv)."""
    allows_empty: bool = False
    """A file with the header only is valid (\"none this month\")."""
    form_rules: tuple[str, ...] = field(default=())
    """Rules over the whole file (completeness, cross-month chains)."""

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(f.header for f in self.fields)

    @property
    def required_headers(self) -> tuple[str, ...]:
        return tuple(f.header for f in self.fields if f.required)

    def field(self, code: str) -> Field:
        for f in self.fields:
            if f.code == code:
                return f
        raise KeyError(code)

    def by_header(self, header: str) -> Field | None:
        for f in self.fields:
            if f.header == header:
                return f
        return None


LEVELS = ("省重点", "市重点", "区重点")
CATEGORIES = ("工业", "服务业", "基础设施", "社会事业", "房地产", "农业")
PROJECT_STATUSES = ("前期", "在建", "竣工", "投产")
ISSUE_STATUSES = ("未解决", "解决中", "已解决")

ECON_INDICATORS = Form(
    code="econ_indicators",
    title="主要经济指标完成情况",
    submitted_by="drc",
    fields=(
        Field("指标代码", "indicator_code", required=True, rules=("indicator_known",)),
        Field("指标名称", "indicator_name", rules=("indicator_name_matches",)),
        Field("产业集群", "cluster", rules=("cluster_known",)),
        Field(
            "计量单位",
            "unit",
            required=True,
            rules=("unit_convertible",),
            required_unless="growth_only",
        ),
        Field("本月", "value_month", "number"),
        Field("1-本月累计", "value_ytd", "number", rules=("ytd_required_for_flow",)),
        Field("上年同期累计", "value_ytd_prior", "number"),
        Field(
            "同比增长(%)",
            "yoy_growth_pct",
            "number",
            rules=("growth_required", "nominal_growth_agrees"),
        ),
        Field("全市排名", "city_rank", "integer", rules=("city_rank_range",)),
        Field("备注", "note"),
    ),
    form_rules=("indicator_rows_unique", "quarterly_only_at_quarter_end"),
)

KEY_PROJECT_PLAN = Form(
    code="key_project_plan",
    title="年度重点项目计划表",
    submitted_by="drc",
    fields=(
        Field("项目编号", "project_code", required=True),
        Field("项目名称", "project_name", required=True),
        Field("项目级别", "level", "enum", required=True, enum=LEVELS),
        Field("项目类别", "category", "enum", required=True, enum=CATEGORIES),
        Field("责任单位", "responsible_unit", required=True, rules=("unit_known",)),
        Field("所在乡镇(街道)", "town", rules=("town_known",)),
        Field(
            "总投资(亿元)",
            "total_investment",
            "number",
            required=True,
            money_unit="亿元",
            rules=("positive",),
        ),
        Field(
            "年度计划投资(亿元)",
            "annual_plan",
            "number",
            required=True,
            money_unit="亿元",
            rules=("plan_within_total",),
        ),
        Field("计划开工日期", "planned_start", "date"),
    ),
    form_rules=("project_codes_unique",),
)

ANNUAL_TARGETS = Form(
    code="annual_targets",
    title="年度目标",
    submitted_by="drc",
    fields=(
        Field("指标代码", "indicator_code", required=True, rules=("indicator_known",)),
        Field("产业集群", "cluster", rules=("cluster_known",)),
        Field("计量单位", "unit", required=True, rules=("unit_convertible",)),
        Field("年度目标值", "target_value", "number", required=True),
        Field("目标增长(%)", "target_growth_pct", "number"),
    ),
    form_rules=("indicator_rows_unique",),
)

PROJECT_PROGRESS = Form(
    code="project_progress",
    title="重点项目建设进展月报",
    submitted_by="plan_responsible",
    fields=(
        Field("项目编号", "project_code", required=True, rules=("project_in_plan_of_submitter",)),
        Field("项目名称", "project_name", rules=("project_name_matches",)),
        Field(
            "本月完成投资(万元)",
            "invested_month",
            "number",
            required=True,
            money_unit="万元",
            rules=("non_negative",),
        ),
        Field(
            "1-本月累计完成投资(万元)",
            "invested_ytd",
            "number",
            required=True,
            money_unit="万元",
            rules=("ytd_chain", "ytd_within_total"),
        ),
        Field("项目状态", "status", "enum", required=True, enum=PROJECT_STATUSES),
        Field("实际开工日期", "actual_start", "date", rules=("not_after_month",)),
        Field("形象进度", "progress_note"),
        Field("存在问题", "issues_note"),
    ),
    form_rules=("project_codes_unique", "every_plan_project_reported"),
)

PROJECT_ISSUES = Form(
    code="project_issues",
    title="项目推进问题台账",
    submitted_by="plan_responsible",
    allows_empty=True,
    fields=(
        Field("问题编号", "issue_code", required=True),
        Field("项目编号", "project_code", required=True, rules=("project_in_progress",)),
        Field("问题描述", "description", required=True),
        Field("责任部门", "owner_unit", required=True, rules=("unit_known",)),
        Field("提出日期", "raised_on", "date", required=True),
        Field("解决时限", "due_on", "date", rules=("due_after_raised",)),
        Field("办理状态", "status", "enum", required=True, enum=ISSUE_STATUSES),
        Field("解决日期", "resolved_on", "date", rules=("resolved_on_when_resolved",)),
    ),
    form_rules=("issue_codes_unique",),
)

CAMPAIGN_SCORES = Form(
    code="campaign_scores",
    title="考核评分表",
    submitted_by="campaign_lead",
    fields=(
        Field("考核项目", "campaign_code", required=True, rules=("campaign_led_by_submitter",)),
        Field("被考核单位", "assessed_unit", required=True, rules=("assessed_unit_known",)),
        Field("考核内容", "criterion_code", required=True, rules=("criterion_of_campaign",)),
        Field("得分", "score", "number", required=True, rules=("score_within_max",)),
        Field("扣分原因", "deduction_reason"),
        Field("检查日期", "inspected_on", "date", required=True, rules=("within_month",)),
        Field("整改问题数", "problems_found", "integer", rules=("non_negative",)),
    ),
    form_rules=("score_rows_unique", "every_criterion_scored"),
)

INVESTMENT_SIGNINGS = Form(
    code="investment_signings",
    title="招商引资签约项目",
    submitted_by="ist",
    allows_empty=True,
    fields=(
        Field("签约编号", "signing_code", required=True),
        Field("项目名称", "project_name", required=True),
        Field("投资方", "investor", required=True),
        Field("签约日期", "signed_on", "date", required=True, rules=("within_month",)),
        Field(
            "协议投资额(亿元)",
            "agreed_investment",
            "number",
            required=True,
            money_unit="亿元",
            rules=("positive",),
        ),
        Field("产业类别", "industry"),
        Field("落地项目编号", "project_code"),
    ),
    form_rules=("signing_codes_unique",),
)

FORMS: dict[str, Form] = {
    f.code: f
    for f in (
        ECON_INDICATORS,
        KEY_PROJECT_PLAN,
        ANNUAL_TARGETS,
        PROJECT_PROGRESS,
        PROJECT_ISSUES,
        CAMPAIGN_SCORES,
        INVESTMENT_SIGNINGS,
    )
}
"""Every form by its code."""

LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("submission_id", "VARCHAR"),
    ("file_path", "VARCHAR"),
    ("sha256", "VARCHAR"),
    ("unit_code", "VARCHAR"),
    ("form_code", "VARCHAR"),
    ("month", "DATE"),
    ("version", "INTEGER"),
    ("submitted_at", "TIMESTAMPTZ"),
    ("ingested_at", "TIMESTAMPTZ"),
    ("source_row", "INTEGER"),
)
"""Columns every raw row carries, before the form's own columns."""


def form_for_filename(name: str) -> Form | None:
    """The form a landing file belongs to: its name starts with the form code (in any
    letter case: `ECON_INDICATORS.CSV` as Windows may show it), then the end of the stem or
    `_`. The longest matching code wins."""
    stem = (name.rsplit(".", 1)[0] if "." in name else name).lower()
    best: Form | None = None
    for form in FORMS.values():
        matches = stem == form.code or stem.startswith(form.code + "_")
        if matches and (best is None or len(form.code) > len(best.code)):
            best = form
    return best


def raw_table_ddl(form: Form, schema: str = "raw") -> str:
    """CREATE TABLE statement of a form's raw table: lineage, then the form's columns."""
    cols = [f"{name} {typ}" for name, typ in LINEAGE_COLUMNS]
    cols += [f"{f.code} {f.sql_type}" for f in form.fields]
    body = ",\n    ".join(cols)
    return f"create table if not exists {schema}.{form.code} (\n    {body}\n)"
