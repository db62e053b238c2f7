"""What to do about a problem on a receipt, in plain Chinese, by the rule that found it (the
receipt's message already says what was found and what was expected)."""

from __future__ import annotations

from typing import Any

ADVICE: dict[str, str] = {
    "required": "在该单元格填写内容后重新上传。",
    "type": "改为所要求的格式（数字不带文字说明，日期如 2019-06-30），再重新上传。",
    "number": "改为数字（可带千分位，金额可带单位“万元/亿元”），再重新上传。",
    "integer": "改为整数，再重新上传。",
    "date": "改为日期，如 2019-06-30 或 2019年6月30日，再重新上传。",
    "enum": "从模板下拉列表中选择允许的值，再重新上传。",
    "header_missing": "请使用本平台下载的模板，保留表头行的全部必填列。",
    "header_not_found": "请使用本平台下载的模板填报，不要改动表头行。",
    "extra_column": "多余的列已忽略，无需处理；如需保留请删除该列后上传。",
    "no_rows": "请填写数据行后重新上传。",
    "submitter_allowed": "请确认报表与报送单位：本单位只需报送本页“本月应报”中列出的报表。",
    "unknown_form": "请把文件名改为以报表代码开头（如 project_progress.xlsx），或直接下载模板填报。",
    "unknown_unit": "请从本单位的页面上传。",
    "bad_location": "请从本单位的页面上传。",
    "encoding": "请另存为 UTF-8 或 GBK 编码的 CSV，或直接上传 Excel 文件。",
    "bad_encoding": "请另存为 UTF-8 编码的 CSV，或直接上传 Excel 文件。",
    "corrupt_xlsx": "文件已损坏：请在 Excel 中打开确认后另存为 .xlsx 再上传。",
    "zip_bomb": "文件异常：请在 Excel 中另存为新的 .xlsx 文件后再上传。",
    "xml_entities": "文件异常：请在 Excel 中另存为新的 .xlsx 文件后再上传。",
    "empty_file": "文件是空的：请确认选对了文件。",
    "too_large": "文件过大：请只保留本报表的数据后再上传。",
    "too_many_columns": "请删除表格右侧多余的列后再上传。",
    "too_many_rows": "请删除多余的空行或无关数据后再上传。",
    "hidden_file": "请上传报表文件本身。",
    "office_lock_file": "这是 Excel 的临时文件，请上传报表文件本身。",
    "project_in_plan_of_submitter": "核对项目编号：只填报年度重点项目计划中由本单位负责的项目。",
    "project_name_matches": "项目名称与计划不一致（仅提示），可按计划名称更正。",
    "indicator_name_matches": "指标名称与目录不一致（仅提示），可按目录名称更正。",
    "every_plan_project_reported": "补齐所列项目的数据行（模板已预填全部项目）。",
    "ytd_chain": "核对“1-本月累计”：应等于上月累计加本月完成投资。",
    "ytd_within_total": "核对累计完成投资，不应超过项目总投资。",
    "non_negative": "改为大于或等于 0 的数。",
    "positive": "改为大于 0 的数。",
    "within_month": "日期应在报告月份之内，请核对。",
    "not_after_month": "日期不应晚于报告月份的最后一天，请核对。",
    "nominal_growth_agrees": "核对同比增长率与累计值、上年同期值是否一致。",
    "every_criterion_scored": "为每个被考核单位补齐所有考核内容的得分。",
    "score_within_max": "得分应在 0 与该项满分之间。",
}
DEFAULT_ADVICE = "按“问题”一栏的说明修改后，重新上传。"


def advice(problem: dict[str, Any]) -> str:
    """What the submitter does about one problem of a receipt."""
    rule = str(problem.get("rule") or "")
    if rule.startswith("reader_") or rule == "internal_read_error":
        return "请在 Excel 中打开文件确认无误，另存为新的 .xlsx 文件后重新上传。"
    if rule.endswith("_unique"):
        return "删除或合并重复的行后重新上传。"
    if rule.endswith("_known") or rule in ("unit_convertible", "criterion_of_campaign"):
        return "改用目录中的代码或名称（见模板的下拉列表），再重新上传。"
    return ADVICE.get(rule, DEFAULT_ADVICE)
