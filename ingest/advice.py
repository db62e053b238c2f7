"""What a submitter should do about each problem (怎么改), by rule name.

The validator gives every problem of a rule its advice (`FIX_ZH`; a type check's advice
depends on the column's type, `type_fix_zh`); a file-level rejection (the safety checks,
the reader, the form) gets its rule's advice when it has none (`with_fix`).
"""

from __future__ import annotations

from dataclasses import replace

from .errors import Problem

RESUBMIT_ZH = "改好后重新报送"

FILE_FIX_ZH = "请检查文件能否在 Excel 中正常打开，按报表模板另存为 .xlsx 后重新报送"
"""The advice of a file-level problem without advice of its own."""

FIX_ZH: dict[str, str] = {
    # every form
    "required": "请填写该单元格",
    "enum": "请从下拉列表中选择，写法与列出的完全一致",
    "no_rows": "请在表头下填写数据行后重新报送",
    "extra_column": "无需修改，本表已受理；该列不入库，下次报送可删去",
    "header_not_found": "请使用本月的报表模板填写，表头行照模板写，不要改动",
    "header_missing": "请在表头行补上该列（写法照模板），填好数据后重新报送",
    "unknown_unit": "请把文件放到本单位代码的文件夹中（如 2019-07/lce/），或通过报送平台上传",
    "unknown_form": "请将文件名改为以报表代码开头（如 project_progress_第二版.xlsx）后重新报送",
    # indicator forms
    "indicator_known": "请按指标目录填写指标代码（报表模板中已预填）",
    "indicator_name_matches": "无需修改，本表已受理；建议改为指标目录中的名称",
    "cluster_known": "请填写产业集群名称或代码（如 先进装备制造、equipment）；全区数据请留空",
    "unit_convertible": (
        "请填写指标目录的计量单位（金额可写万元、亿元或元）；只填同比增长的行可填“%”或留空"
    ),
    "ytd_required_for_flow": "请填写1-本月累计值",
    "growth_required": "请填写同比增长(%)，如 9.2",
    "nominal_growth_agrees": "请核对1-本月累计、上年同期累计和同比增长，三者应相符",
    "city_rank_range": "请填写全市排名名次（整数）；没有排名请留空",
    "indicator_rows_unique": "请删除重复的行，同一指标（及产业集群）只保留一行",
    "quarterly_only_at_quarter_end": "季度指标只在3、6、9、12月报送，请删除该行",
    # project forms
    "unit_known": "请填写单位代码或单位全称，如 lce 或 区国土建设环保局",
    "town_known": "请填写乡镇（街道）名称，如 文昌街道；不在乡镇的项目请留空",
    "positive": "请填写大于 0 的数",
    "non_negative": "请填写 0 或正数；没有完成投资请填 0",
    "plan_within_total": "请核对年度计划投资与总投资：年度计划投资不能超过总投资",
    "project_in_plan_of_submitter": (
        "请核对项目编号（报表模板中已预填本单位的项目）；如该项目应由本单位负责，"
        "请联系区发展改革局修订重点项目计划"
    ),
    "project_name_matches": "无需修改，本表已受理；建议改为计划中的项目名称",
    "ytd_chain": "请核对本月完成投资和1-本月累计完成投资：本月累计 = 上月累计 + 本月完成",
    "ytd_within_total": "请核对1-本月累计完成投资（单位：万元），不能超过项目总投资",
    "not_after_month": "请填写不晚于报告月末的日期",
    "within_month": "请填写报告月内的日期",
    "project_in_progress": "请填写本月进展月报或本年度重点项目计划中的项目编号",
    "due_after_raised": "请核对解决时限和提出日期：解决时限不能早于提出日期",
    "resolved_on_when_resolved": "请填写解决日期，或把办理状态改为“解决中”",
    "project_codes_unique": "请删除或合并重复的行，每个项目编号只填一行",
    "issue_codes_unique": "请删除或合并重复的行，每个问题编号只填一行",
    "every_plan_project_reported": (
        "请为该项目补一行本月进展（本月没有完成投资也要填，本月完成投资填 0）"
    ),
    # campaigns and signings
    "campaign_led_by_submitter": "请填写本单位牵头、本月正在开展的考核项目",
    "assessed_unit_known": "请填写被考核单位代码，或“乡镇/村”形式的村名（如 李万街道/杨庄村）",
    "criterion_of_campaign": "请按考核细则填写考核内容（报表模板中已预填）",
    "score_within_max": "请填写 0 到该项满分之间的得分",
    "score_rows_unique": "请删除重复的行，同一被考核单位的同一考核内容只填一行",
    "every_criterion_scored": "请补上缺少的考核内容得分",
    "signing_codes_unique": "请删除或合并重复的行，每个签约编号只填一行",
    # the file itself
    "symlink": "请上传文件本身，不要上传快捷方式或链接",
    "hidden_file": "请把文件改为不以“.”开头的名称后重新报送",
    "office_lock_file": "无需处理这个临时文件；请关闭 Excel 后报送工作簿本身",
    "bad_location": "请把文件放在 <月份>/<单位代码>/ 文件夹中，如 2019-07/lce/",
    "empty_file": "请重新导出文件后报送",
    "too_large": "请只保留报表的工作表和数据，另存后重新报送",
    "too_many_rows": "请拆分文件后分别报送",
    "too_many_columns": "请只保留报表的列，另存后重新报送",
    "encoding": "请用 Excel 另存为 .xlsx，或另存为“CSV UTF-8”后重新报送",
    "file_type": "请报送 .xlsx 或 .csv 文件",
}
"""The advice of each rule (a type check's comes from `type_fix_zh`)."""


def type_fix_zh(field_type: str, money_unit: str | None = None) -> str:
    """The advice of a type check on a column of `field_type`."""
    if field_type == "number":
        unit = f"，金额以“{money_unit}”为单位" if money_unit else ""
        return f"请只填写数字（如 1200{unit}），不要写文字；没有数据请留空或填“-”"
    if field_type == "integer":
        return "请填写整数，如 3"
    if field_type == "date":
        return "请填写日期，如 2019-06-30 或 2019年6月30日"
    return FIX_ZH["required"]


def fix_of(rule: str) -> str:
    """The advice of `rule` (the file-level advice for a rule without its own)."""
    return FIX_ZH.get(rule, FILE_FIX_ZH)


def with_fix(problem: Problem) -> Problem:
    """`problem` with its rule's advice when it has none; a message that gives no advice
    of its own (no 请) gets it appended (怎么改：…)."""
    if problem.fix_zh:
        return problem
    fix = fix_of(problem.rule)
    message = problem.message_zh
    if "请" not in message:
        message = f"{message.rstrip('。；;')}。怎么改：{fix}"
    return replace(problem, fix_zh=fix, message_zh=message)
