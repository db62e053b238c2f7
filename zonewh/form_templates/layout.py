"""Where things sit on a template's sheets, and the words its checks use."""

from __future__ import annotations

HEADER_ROW = 2
"""0-based row of the header (row 3 in Excel): title row, unit/month row, header."""
FIRST_DATA_ROW = HEADER_ROW + 1
BLANK_ROWS = 5
"""Blank rows below the pre-filled ones."""
FREE_ROWS = 20
"""Blank rows of a form with nothing pre-filled (more are inserted above the last one)."""
FOOTER_LINES = ("填报人：", "审核人：", "联系电话：")
"""Lines below the data: the reader skips rows starting with them (`ingest.readers`)."""
INLINE_LIST_LIMIT = 255
"""Excel's limit on an inline dropdown list (characters, comma-separated)."""
LIST_SHEET = "lists"
INSTRUCTIONS_SHEET = "填报说明"
QUANTITY_UNITS = ("家", "件", "个", "人", "%")
"""The web portal's address; when set, the instructions send the file there."""
PAPER_A4 = 9
LANDSCAPE_WIDTH = 90
"""A sheet whose columns are wider than this (in Excel character units) prints landscape."""
PREVIOUS_YTD_LABEL = "参考：上月累计完成投资(万元)\n（只读，不报送）"
"""The label above the 上月累计 column (rows 2-3 merged: the header row cell is empty)."""
NUMBER_LIMIT = 1e12
"""The bound of a number column without a rule of its own."""

TYPE_ZH = {
    "text": "文本",
    "enum": "下拉选择",
    "number": "数字",
    "integer": "整数",
    "date": "日期（如 2019-06-30）",
}
RULES_ZH = {
    "indicator_known": "须为指标目录中的指标代码",
    "indicator_name_matches": "与目录名称不一致时给出提示",
    "cluster_known": "空白表示全区；否则为已知产业集群（代码或名称）",
    "unit_convertible": "须能换算为目录单位（亿元、万元、元之间可换算）",
    "ytd_required_for_flow": "流量指标必填（可只报增速的指标除外）",
    "growth_required": "有增速口径的指标必填；现价增速须与累计值一致（误差0.1个百分点）",
    "nominal_growth_agrees": "现价增速须与 1-本月累计 / 上年同期累计 一致",
    "city_rank_range": "1 至全市县区数之间的整数",
    "unit_known": "单位代码或单位全称",
    "town_known": "所在乡镇（街道）名称",
    "positive": "须大于0",
    "non_negative": "不得为负数",
    "plan_within_total": "不得超过总投资",
    "project_in_plan_of_submitter": "本单位负责的年度计划项目编号",
    "project_name_matches": "与计划名称不一致时给出提示",
    "ytd_chain": "须等于上月累计加本月完成（误差1万元；1月从零起算）",
    "ytd_within_total": "不得超过总投资",
    "not_after_month": "不得晚于报告月份",
    "within_month": "须在报告月份内",
    "project_in_progress": "本月进展月报中的项目编号",
    "due_after_raised": "不得早于提出日期",
    "resolved_on_when_resolved": "办理状态为“已解决”时必填",
    "campaign_led_by_submitter": "本单位牵头的考核项目代码",
    "assessed_unit_known": "单位代码，或“乡镇/村”形式的村名（如 李万街道/杨庄村）",
    "criterion_of_campaign": "该考核项目的考核内容代码",
    "score_within_max": "0 至该项满分之间",
}
AT_LEAST_ZERO = ("non_negative", "plan_within_total", "ytd_chain", "ytd_within_total")
"""Rules that make a number ≥ 0 (a year to date sums non-negative monthly figures)."""
