"""Every check of the gate, declared once: code, severity, the tool that runs it, and what it
means to the people who read it (docs/RULES.md).

The dbt data tests under `dbt_project/tests/gate/` (and the B2 generic tests) and the Great
Expectations suites (`zonewh/gate/suites.py`, committed under `expectations/`) implement these
checks; their code (`b3_…` → B3, an expectation's `meta.code`) ties a result to its
declaration here. W5 is decided by the run itself (the revised months it carries). `tests/zonewh/gate/test_checks.py` fails
when a code is implemented by two tools, by none, or with another severity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["blocking", "warning"]
Tool = Literal["dbt", "great_expectations", "zonewh"]
"""zonewh: the run itself (W5: which published months this run revises)."""


@dataclass(frozen=True)
class CheckSpec:
    """One check of the gate."""

    code: str
    severity: Severity
    tool: Tool
    title_zh: str
    title_en: str
    explanation_zh: str
    """What the check asks, in plain Chinese."""
    action_zh: str
    """What to do when it fails (or warns), and who does it."""
    acts: str
    """Who acts: 报送单位 (the submitting unit) or 督查室 (the supervision office)."""

    @property
    def is_blocking(self) -> bool:
        return self.severity == "blocking"

    @property
    def dbt_severity(self) -> str:
        """The dbt test severity that implements this severity."""
        return "error" if self.is_blocking else "warn"


CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec(
        "B1",
        "blocking",
        "dbt",
        "必报报表齐全",
        "every mandatory return accepted or waived",
        "本月每一张必报报表都已被接收（按时或逾期均可），或已由督查室登记豁免并写明理由。",
        "未报送或被退回的单位按回执修改后尽快重新报送；确实无法报送的，由督查室登记豁免（写明理由和批准人）后重新运行本月。",
        "报送单位",
    ),
    CheckSpec(
        "B2",
        "blocking",
        "dbt",
        "数据行唯一、关键字段齐全",
        "every mart's grain unique and keys not null",
        "成果表中每一行都能唯一识别（例如同一项目同一月份只有一行），编号、月份等关键字段都不为空。",
        "多为同一编号在报表中重复填写或编号为空：请报送单位核对编号后重新报送；报表无误仍失败的，请联系数据管理员。",
        "报送单位",
    ),
    CheckSpec(
        "B3",
        "blocking",
        "dbt",
        "项目累计投资前后衔接",
        "project year-to-date investment chains month to month",
        "项目本月“1-本月累计完成投资”应等于上月累计加本月完成（误差不超过1万元，1月重新起算），且不超过项目总投资。",
        "请项目责任单位核对上月累计、本月完成和本月累计三个数，改正后重新报送本月（或上月）的项目进展表。",
        "报送单位",
    ),
    CheckSpec(
        "B4",
        "blocking",
        "dbt",
        "累计值年内不回落",
        "flow indicators' year-to-date values never fall within a year",
        "累计类指标（如地区生产总值、工业总产值）的“1-本月累计”在同一年内不能比上月小。",
        "请区发展改革局核对本月和上月的累计值，改正后重新报送主要经济指标表。",
        "报送单位",
    ),
    CheckSpec(
        "B5",
        "blocking",
        "dbt",
        "名义增速与数值一致",
        "nominal growth rates agree with the values",
        "按现价计算的增速（如一般公共预算收入、社会消费品零售总额）应等于本年累计÷上年同期累计−1，误差不超过0.1个百分点。",
        "请区发展改革局核对增速、本年累计和上年同期累计，改正后重新报送主要经济指标表。",
        "报送单位",
    ),
    CheckSpec(
        "B6",
        "blocking",
        "dbt",
        "产业集群合计不超过全区",
        "cluster values add up to no more than the zone total",
        "可相加指标各产业集群之和不能超过全区合计（允许0.5%的误差）。",
        "请区发展改革局核对各集群数值和全区合计，改正后重新报送主要经济指标表。",
        "报送单位",
    ),
    CheckSpec(
        "B7",
        "blocking",
        "dbt",
        "考核评分完整有效",
        "every assessed unit scored on every criterion, within its maximum",
        "每个被考核单位的每一项考核内容都有得分，且在0到该项满分之间。",
        "请考核牵头单位补齐漏评的考核内容、改正超出满分的得分后重新报送考核评分表。",
        "报送单位",
    ),
    CheckSpec(
        "B8",
        "blocking",
        "dbt",
        "引用的项目、单位、指标存在",
        "every referenced project, unit and indicator exists",
        "报表中引用的项目编号、单位、指标代码和产业集群都能在本年度计划和基础数据中找到。",
        "请报送单位核对编号或名称是否写错；确属新增的单位或指标，由数据管理员更新基础数据后重新运行本月。",
        "报送单位",
    ),
    CheckSpec(
        "B9",
        "blocking",
        "dbt",
        "奖惩金额与规则一致",
        "rewards paid equal what the rules give for the ranks",
        "考核奖励和处罚金额应与奖惩规则按本月排名计算的结果一致。",
        "请督查室核对奖惩规则和本月排名；规则有变化的，由数据管理员更新奖惩规则后重新运行本月。",
        "督查室",
    ),
    CheckSpec(
        "B10",
        "blocking",
        "great_expectations",
        "成果数据取值合理",
        "published marts plausible: ranges, value sets, row counts, the month's rows",
        "发布前对成果表做整体检查：数值在合理范围内（如得分不为负、完成率不超过10倍）、状态等取值在规定范围内、本月数据确实存在。",
        "请按报告中列出的表和数值找到对应报送单位核实；数据无误而检查不合理的，请联系数据管理员。",
        "督查室",
    ),
    CheckSpec(
        "W1",
        "warning",
        "dbt",
        "增速较上月变动超过15个百分点",
        "a growth rate moves more than 15 points from last month",
        "某项指标的同比增速比上月变化超过15个百分点，可能是填报错误，也可能是真实波动。",
        "请区发展改革局确认该增速；确有错误的，改正后重新报送。",
        "报送单位",
    ),
    CheckSpec(
        "W2",
        "warning",
        "dbt",
        "在建项目连续三个月无投资",
        "a project under construction with no investment three months running",
        "状态为“在建”的项目连续三个月本月完成投资为0。",
        "请项目责任单位说明停滞原因，并在问题台账中登记推进问题。",
        "报送单位",
    ),
    CheckSpec(
        "W3",
        "warning",
        "dbt",
        "指标名称与目录不一致",
        "an indicator name differs from the catalog",
        "报表中填写的指标名称与指标目录不一致（指标代码正确，按代码入库）。",
        "请区发展改革局下次使用最新模板，按目录填写指标名称。",
        "报送单位",
    ),
    CheckSpec(
        "W4",
        "warning",
        "dbt",
        "逾期报送",
        "a late submission",
        "报表在截止日（次月5日，北京时间）之后才被接收。",
        "督查室在通报中提示逾期单位，按报送纪律考核。",
        "督查室",
    ),
    CheckSpec(
        "W5",
        "warning",
        "zonewh",
        "已发布月份被更正",
        "a resubmission changed a month already published",
        "某个已发布月份收到了新的更正报表，本次发布同时更新该月数据。",
        "请在通报中说明更正的月份和内容，并提醒读者以新发布的数据为准。",
        "督查室",
    ),
)

BY_CODE: dict[str, CheckSpec] = {c.code: c for c in CHECKS}


def spec(code: str) -> CheckSpec:
    """The declaration of a check code (B1…B10, W1…W5); KeyError for an unknown code."""
    return BY_CODE[code.upper()]


def sort_key(code: str) -> tuple[int, int, str]:
    """Order codes B1, B2, …, B10, W1, …: blocking first, then by number."""
    head, digits = code[:1].upper(), code[1:]
    return (0 if head == "B" else 1, int(digits) if digits.isdigit() else 99, code)
