"""Form templates: layout, dropdowns, validations, print setup, the instructions, the
上月累计 column, the messages when nothing is due, and the round trip through ingest for
every form."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from bulletin_fixture import build_published
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from typer.testing import CliRunner

from ingest.forms import FORMS
from ingest.intake import ingest_month
from ingest.readers import read_submission
from ingest.reference import load_reference
from ingest.settings import PORTAL_URL_ENV
from zonewh.cli import app
from zonewh.config import Paths, paths
from zonewh.form_templates import (
    FOOTER_LINES,
    INSTRUCTIONS_SHEET,
    LIST_SHEET,
    Context,
    PlanProject,
    PreviousYtd,
    TemplateError,
    write_form,
    write_templates,
)

MONTH = "2019-01"
JAN = dt.date(2019, 1, 1)
FIRST_WAVE = {
    ("drc", "econ_indicators"),
    ("drc", "key_project_plan"),
    ("drc", "annual_targets"),
    ("ist", "investment_signings"),
    ("agr", "campaign_scores"),
    ("ins", "campaign_scores"),
    ("scc", "campaign_scores"),
}
PLAN_ROWS = [
    {
        "project_code": "XM2019001",
        "project_name": "智能装备产业园",
        "level": "市重点",
        "category": "工业",
        "responsible_unit": "区国土建设环保局",
        "town": "苏家作乡",
        "total_investment": 12.5,
        "annual_plan": 3.2,
        "planned_start": dt.date(2019, 3, 1),
    },
    {
        "project_code": "XM2019002",
        "project_name": "苏家作乡污水管网",
        "level": "区重点",
        "category": "基础设施",
        "responsible_unit": "sjz",
        "town": "苏家作乡",
        "total_investment": 0.8,
        "annual_plan": 0.8,
    },
]
SIGNATURES = {"填报人：": "张三", "审核人：": "李四", "联系电话：": "0391-3561234"}


@pytest.fixture(autouse=True)
def _no_portal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PORTAL_URL_ENV, raising=False)


def _pairs(files: list[Path], out: Path) -> set[tuple[str, str]]:
    return {(f.parent.name, f.stem) for f in files if f.parent.parent == out}


def _header_map(ws: Any) -> dict[str, int]:
    return {ws.cell(3, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(3, c).value}


def _footer_row(ws: Any) -> int:
    return next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == FOOTER_LINES[0])


def _texts(wb: Any, sheet: str) -> str:
    ws = wb[sheet]
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


def fill(
    template: Path, target: Path, rows: list[dict[str, Any]] | None = None, update: Any = None
) -> int:
    """Fill a template as a submitter would: update pre-filled rows and/or append rows
    (by field code), inserting rows above the 填报人 line when the blank ones run out, sign
    the footer, save it under `target`; the number of data rows."""
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    form = FORMS[template.stem]
    cols = {f.code: _header_map(ws)[f.header] for f in form.fields}
    r = 4
    while any(ws.cell(r, c).value is not None for c in cols.values()):
        if update is not None:
            current = {code: ws.cell(r, c).value for code, c in cols.items()}
            current["_previous"] = ws.cell(r, len(form.fields) + 1).value  # 上月累计, if any
            for code, value in update(current).items():
                ws.cell(r, cols[code]).value = value
        r += 1
    prefilled = r - 4
    rows = rows or []
    footer = _footer_row(ws)
    missing = len(rows) - (footer - 1 - r)  # the row above the footer stays a spacer
    if missing > 0:
        below = [m for m in ws.merged_cells.ranges if m.min_row >= footer]
        for m in below:
            ws.unmerge_cells(m.coord)
        ws.insert_rows(footer - 1, missing)
        for m in below:
            m.shift(0, missing)
            ws.merge_cells(m.coord)
        footer += missing
    for row in rows:
        for code, value in row.items():
            ws.cell(r, cols[code]).value = value
        r += 1
    for i, label in enumerate(FOOTER_LINES):
        assert ws.cell(footer + i, 1).value == label
        ws.cell(footer + i, 2).value = SIGNATURES[label]
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return prefilled + len(rows)


def _econ(row: dict[str, Any]) -> dict[str, Any]:
    ref = load_reference()
    ind = ref.indicator(row["indicator_code"])
    zone = row["cluster"] is None
    ytd, prior = (1000.0, 900.0) if zone else (100.0, 90.0)
    out: dict[str, Any] = {"value_month": ytd, "value_ytd": ytd}
    if ind.growth_basis != "none":
        out["value_ytd_prior"] = prior
        out["yoy_growth_pct"] = round((ytd / prior - 1) * 100, 2)
    if zone and ind.growth_basis != "none":
        out["city_rank"] = 2
    return out


def _target(row: dict[str, Any]) -> dict[str, Any]:
    return {"target_value": 5000.0 if row["cluster"] is None else 500.0, "target_growth_pct": 8}


def _score(max_by: dict[tuple[str, str], float]) -> Any:
    def update(row: dict[str, Any]) -> dict[str, Any]:
        key = (row["campaign_code"], row["criterion_code"])
        return {
            "score": max_by[key] * 0.8,
            "inspected_on": dt.date(2019, 1, 15),
            "problems_found": 1,
            "deduction_reason": "卫生死角",
        }

    return update


def _statuses(report: Any) -> dict[tuple[str, str], str]:
    return {(o.unit_code, o.form_code): o.status for o in report.outcomes}


def _loaded(report: Any) -> dict[tuple[str, str], int]:
    return {(o.unit_code, o.form_code): o.rows_loaded for o in report.outcomes}


def test_round_trip_every_form(home: Paths, tmp_path: Path) -> None:
    out = tmp_path / "templates"
    files = write_templates(MONTH, None, out, home)
    assert _pairs(files, out) == FIRST_WAVE
    ref = load_reference()
    max_by = {(k.campaign_code, k.criterion_code): k.max_score for k in ref.all_criteria}
    landing = home.landing / MONTH
    t = {(f.parent.name, f.stem): f for f in files}
    filled: dict[tuple[str, str], int] = {}

    def submit(unit: str, form_code: str, **kwargs: Any) -> None:
        target = landing / unit / f"{form_code}.xlsx"
        filled[unit, form_code] = fill(t[unit, form_code], target, **kwargs)

    submit("drc", "key_project_plan", rows=PLAN_ROWS)
    submit("drc", "annual_targets", update=_target)
    submit("drc", "econ_indicators", update=_econ)
    submit(
        "ist",
        "investment_signings",
        rows=[
            {
                "signing_code": "QY2019001",
                "project_name": "新材料产业基地",
                "investor": "某集团",
                "signed_on": dt.date(2019, 1, 20),
                "agreed_investment": 12,
                "industry": "新材料",
            },
        ],
    )
    submit("agr", "campaign_scores", update=_score(max_by))
    scc_rows = [
        {
            "campaign_code": "scsc",
            "assessed_unit": name,
            "criterion_code": k.criterion_code,
            "score": k.max_score * 0.9,
            "inspected_on": dt.date(2019, 1, 20),
        }
        for name in ("区城市管理局", "区公安分局")
        for k in ref.criteria("scsc", "department")
    ]
    submit("scc", "campaign_scores", rows=scc_rows, update=_score(max_by))
    ins_rows = [
        {
            "campaign_code": "zdgz",
            "assessed_unit": code,
            "criterion_code": k.criterion_code,
            "score": k.max_score * 0.7,
            "inspected_on": dt.date(2019, 1, 25),
        }
        for code in ("drc", "lce", "soc", "hfp", "fin", "ist", "agr", "scc")
        for k in ref.criteria("zdgz", "department")
    ]
    assert len(ins_rows) > 20  # more than the blank rows: rows are inserted above 填报人
    submit("ins", "campaign_scores", rows=ins_rows)

    report = ingest_month(MONTH, home)
    problems = {o.file_path: o.reason_en for o in report.outcomes if o.status != "accepted"}
    assert _statuses(report) == {pair: "accepted" for pair in FIRST_WAVE}, problems
    assert _loaded(report) == filled  # footers and blank rows are not data

    # the plan now names lce and sjz: their progress and issues templates follow
    files = write_templates(MONTH, None, tmp_path / "second", home)
    pairs = _pairs(files, tmp_path / "second")
    second = {(u, f) for u in ("lce", "sjz") for f in ("project_progress", "project_issues")}
    assert second <= pairs
    t = {(f.parent.name, f.stem): f for f in files}
    progress = openpyxl.load_workbook(t["lce", "project_progress"]).worksheets[0]
    assert progress.cell(4, 1).value == "XM2019001" and progress.cell(5, 1).value is None
    assert progress.cell(4, 2).value == "智能装备产业园"
    lists = [dv.formula1 for dv in progress.data_validations.dataValidation]
    assert '"XM2019001"' in lists  # only its own projects

    def progress_row(row: dict[str, Any]) -> dict[str, Any]:
        return {
            "invested_month": 800,
            "invested_ytd": 800,
            "status": "在建",
            "actual_start": dt.date(2019, 1, 8),
            "progress_note": "主体施工",
        }

    filled = {}
    for unit in ("lce", "sjz"):
        submit(unit, "project_progress", update=progress_row)
    submit(
        "lce",
        "project_issues",
        rows=[
            {
                "issue_code": "WT2019001",
                "project_code": "XM2019001",
                "description": "征地手续未办结",
                "owner_unit": "区规划分局",
                "raised_on": dt.date(2019, 1, 10),
                "due_on": dt.date(2019, 2, 28),
                "status": "解决中",
            },
        ],
    )
    shutil.copy(t["sjz", "project_issues"], landing / "sjz" / "project_issues.xlsx")  # none
    filled["sjz", "project_issues"] = 0
    report = ingest_month(MONTH, home)
    problems = {o.file_path: o.reason_en for o in report.outcomes if o.status != "accepted"}
    assert _statuses(report) == {pair: "accepted" for pair in second}, problems
    assert _loaded(report) == filled

    # what the reader sees in a filled template: the form's headers only, the data rows only
    data = read_submission(landing / "lce" / "project_progress.xlsx", FORMS["project_progress"])
    assert data.extra_headers == [] and data.missing_optional == []
    assert data.table.column("project_code").to_pylist() == ["XM2019001"]


def test_layout_dropdowns_protection(home: Paths, tmp_path: Path) -> None:
    out = tmp_path / "t"
    files = write_templates(MONTH, "agr", out, home)
    assert [f.relative_to(out).as_posix() for f in files] == ["agr/campaign_scores.xlsx"]
    wb = openpyxl.load_workbook(files[0])
    ws = wb.worksheets[0]
    form = FORMS["campaign_scores"]
    assert wb.sheetnames == [form.title, INSTRUCTIONS_SHEET, LIST_SHEET]
    assert "考核评分表" in ws.cell(1, 1).value and "区农办" in ws.cell(2, 1).value
    assert tuple(ws.cell(3, c).value for c in range(1, len(form.fields) + 1)) == form.headers
    # every town and village is pre-filled with every criterion of its group
    ref = load_reference()
    day = dt.date(2019, 1, 31)
    expected = len(ref.towns(day)) * 4 + len(ref.villages(day)) * 4
    assert ws.cell(4 + expected - 1, 1).value == "mlxc" and ws.cell(4 + expected, 1).value is None
    assert ws.cell(4 + expected - 1, 2).value.count("/") == 1  # villages as town/village
    # dropdowns: short lists inline, the long list of assessed units on the hidden sheet
    dv = {str(d.sqref).split(":")[0]: d for d in ws.data_validations.dataValidation}
    assert dv["A4"].formula1 == '"mlxc"'
    assert dv["B4"].formula1.startswith(f"'{LIST_SHEET}'!$B$1:$B$")
    assert wb[LIST_SHEET].sheet_state == "hidden"
    labels = [c.value for c in wb[LIST_SHEET]["B"] if c.value]
    assert "李万街道/杨庄村" in labels and "阳庙镇/杨庄村" in labels
    # header rows protected, data cells unlocked
    assert ws.protection.sheet
    assert ws.cell(3, 1).protection.locked and ws.cell(1, 1).protection.locked
    assert not ws.cell(4, 1).protection.locked
    instructions = wb[INSTRUCTIONS_SHEET]
    text = " ".join(str(c.value) for row in instructions.iter_rows() for c in row if c.value)
    assert "填报说明" in text and "2019年2月5日" in text and "hjws" in text
    # scores: each pre-filled row bounded by its criterion's maximum, blank rows by the highest
    assert ws.cell(4, 3).value == "hjws" and ws.cell(5, 3).value == "jcss"
    hjws, jcss = _validation_at(ws, "D4"), _validation_at(ws, "D5")
    assert hjws.type == "decimal" and hjws.operator in (None, "between")  # Excel's default
    assert (float(hjws.formula1), float(hjws.formula2)) == (0, 40)
    assert (float(jcss.formula1), float(jcss.formula2)) == (0, 20) and "满分 20 分" in jcss.error
    assert f"D{4 + expected - 4}" in hjws.sqref and "D5" not in hjws.sqref  # the last hjws
    assert f"D{4 + expected}" in hjws.sqref  # blank rows: the highest maximum, 40
    problems = _validation_at(ws, "G4")
    assert (problems.type, problems.operator, problems.formula1) == (
        "whole",
        "greaterThanOrEqual",
        "0",
    )
    inspected = _validation_at(ws, "F4")
    assert (inspected.formula1, inspected.formula2) == ("43466", "43496")  # January 2019

    drc = {f.stem: f for f in write_templates(MONTH, "drc", out, home)}
    assert set(drc) == {"econ_indicators", "key_project_plan", "annual_targets"}
    econ = openpyxl.load_workbook(drc["econ_indicators"]).worksheets[0]
    assert econ.title == FORMS["econ_indicators"].title
    codes = [econ.cell(r, 1).value for r in range(4, econ.max_row + 1)]
    assert "gdp" not in codes and "retail" in codes  # quarterly indicators only at quarter end
    assert econ.cell(3, 5).value == "本月"
    rank = _validation_at(econ, "I4")
    assert rank.type == "whole" and rank.operator in (None, "between")
    assert (rank.formula1, rank.formula2) == ("1", "11")
    assert "全市排名" in rank.error and "整数" in rank.error
    growth = _validation_at(econ, "H4")
    assert growth.type == "decimal" and float(growth.formula1) < 0  # growth may be negative


def test_plan_unit_dropdowns_and_escaping(tmp_path: Path) -> None:
    ref = load_reference()
    ctx = Context(
        JAN,
        ref,
        [],
        [
            PlanProject("XM1", '=HYPERLINK("http://x")', "lce"),
            PlanProject("XM2", "其他项目", "sjz"),
        ],
    )
    path = write_form(
        tmp_path / "lce" / "project_progress.xlsx",
        ctx,
        FORMS["project_progress"],
        "lce",
        dt.date(2019, 2, 5),
    )
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert ws.cell(4, 2).value == '\'=HYPERLINK("http://x")' and ws.cell(4, 2).data_type == "s"
    assert ws.cell(5, 1).value is None
    dv = {str(d.sqref).split(":")[0]: d.formula1 for d in ws.data_validations.dataValidation}
    assert dv["A4"] == '"XM1"'
    assert dv["E4"] == '"前期,在建,竣工,投产"'


def test_plan_from_the_published_file_when_the_warehouse_has_none(
    home: Paths, tmp_path: Path
) -> None:
    build_published(home.published)
    files = write_templates("2019-06", "lce", tmp_path, home)
    assert sorted(f.stem for f in files) == ["project_issues", "project_progress"]
    ws = openpyxl.load_workbook(tmp_path / "lce" / "project_progress.xlsx").worksheets[0]
    codes = [ws.cell(r, 1).value for r in range(4, _footer_row(ws)) if ws.cell(r, 1).value]
    assert codes and codes == sorted(codes) and len(codes) == 14  # every ninth project is lce's
    assert "区国土建设环保局" in ws.cell(2, 1).value
    helper = len(FORMS["project_progress"].fields) + 1
    assert ws.cell(4, helper).value is None  # nothing published before June

    # July: the plan and 上月累计 come from June as published
    write_templates("2019-07", "lce", tmp_path / "july", home)
    ws = openpyxl.load_workbook(tmp_path / "july" / "lce" / "project_progress.xlsx").worksheets[0]
    con = duckdb.connect(str(home.published), read_only=True)
    june = dict(
        con.execute(
            "select project_code, invested_ytd_wan from marts.project_investment "
            "where month = '2019-06-01' and responsible_unit = 'lce'"
        ).fetchall()
    )
    con.close()
    shown = {ws.cell(r, 1).value: ws.cell(r, helper).value for r in range(4, 4 + len(codes))}
    assert shown == june and len(shown) == 14


def test_unknown_unit_or_nothing_due(home: Paths, tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="unknown unit") as exc:
        write_templates(MONTH, "nosuch", tmp_path, home)
    assert "未知单位“nosuch”" in exc.value.message_zh and "单位代码" in exc.value.message_zh
    with pytest.raises(TemplateError, match="nothing is due from unit lce") as exc:
        write_templates(MONTH, "区国土建设环保局", tmp_path, home)
    assert "2019年度重点项目计划表" in exc.value.message_zh
    assert "the 2019 key-project plan" in exc.value.message_en


def _accept_plan(home: Paths, tmp_path: Path) -> None:
    """drc's 2019 plan (XM2019001 for lce, XM2019002 for sjz), filled in its template and
    accepted."""
    files = write_templates(MONTH, "drc", tmp_path / "plan", home)
    plan = next(f for f in files if f.stem == "key_project_plan")
    fill(plan, home.landing / MONTH / "drc" / "key_project_plan.xlsx", rows=PLAN_ROWS)
    assert _statuses(ingest_month(MONTH, home))["drc", "key_project_plan"] == "accepted"


def _submit_progress(
    home: Paths, tmp_path: Path, month: str, unit: str, invested: float
) -> list[Any]:
    """The unit's progress template for `month`, each project's year to date taken as the
    template's 上月累计 plus `invested`; ingested. The 上月累计 figures the template showed."""
    files = write_templates(month, unit, tmp_path / month, home)
    template = next(f for f in files if f.stem == "project_progress")
    shown: list[Any] = []

    def update(row: dict[str, Any]) -> dict[str, Any]:
        shown.append(row["_previous"])
        return {
            "invested_month": invested,
            "invested_ytd": (row["_previous"] or 0) + invested,
            "status": "在建",
        }

    fill(template, home.landing / month / unit / "project_progress.xlsx", update=update)
    report = ingest_month(month, home)
    problems = {o.file_path: o.reason_en for o in report.outcomes}
    assert _statuses(report) == {(unit, "project_progress"): "accepted"}, problems
    return shown


def test_previous_ytd_shows_the_last_accepted_month(home: Paths, tmp_path: Path) -> None:
    _accept_plan(home, tmp_path)
    assert _submit_progress(home, tmp_path, "2019-01", "lce", 800) == [0]  # January: 0
    assert _submit_progress(home, tmp_path, "2019-01", "sjz", 100) == [0]
    assert _submit_progress(home, tmp_path, "2019-02", "lce", 500) == [800]
    # two months of progress: March shows February's figure, and the chain holds
    assert _submit_progress(home, tmp_path, "2019-03", "lce", 200) == [1300]
    # sjz skipped February: March shows January's figure, with a note saying so
    write_templates("2019-03", "sjz", tmp_path / "sjz", home)
    wb = openpyxl.load_workbook(tmp_path / "sjz" / "sjz" / "project_progress.xlsx")
    ws = wb.worksheets[0]
    helper = len(FORMS["project_progress"].fields) + 1
    assert ws.cell(4, 1).value == "XM2019002" and ws.cell(4, helper).value == 100
    assert "2019年1月" in ws.cell(4, helper).comment.text
    assert "上月累计" in ws.cell(2, helper).value and ws.cell(3, helper).value is None
    assert ws.cell(4, helper).protection.locked and not ws.cell(4, helper - 1).protection.locked
    text = _texts(wb, INSTRUCTIONS_SHEET)
    assert "上月累计" in text and "只读" in text
    assert _submit_progress(home, tmp_path, "2019-03", "sjz", 50) == [100]  # note and all

    # a unit the plan does not name owes nothing: the message says so and what to do
    with pytest.raises(TemplateError) as exc:
        write_templates("2019-03", "soc", tmp_path / "soc", home)
    assert "不是2019年度重点项目计划（2019年1月报送的第 1 版）中任何项目的责任单位" in (
        exc.value.message_zh
    )
    assert "修订的重点项目计划表" in exc.value.message_zh
    assert "responsible for no project" in exc.value.message_en


def test_missing_plan_says_why_and_what_to_do(home: Paths, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["templates", "--month", "2021-01", "--unit", "lce", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 1
    text = "".join(result.output.split())  # the console wraps long lines
    assert "区国土建设环保局（lce）在2021-01无需报送任何报表" in text
    assert (
        "2021年度重点项目计划表（key_project_plan：区发展改革局（drc）报送的2021年1月报表" in text
    )
    assert "2021年2月5日截止）尚未报送入库" in text
    assert "暂不需要报送重点项目建设进展月报（project_progress）和项目推进问题台账" in text
    assert "zonewhtemplates--month2021-01--unitdrc" in text
    assert "zonewhingest--month2021-01" in text
    assert "hasnotbeensubmittedandingested" in text
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()

    # a plan that was submitted but rejected: the message says so and where the receipt is
    files = write_templates("2021-01", "drc", tmp_path / "drc", home)
    plan = next(f for f in files if f.stem == "key_project_plan")
    (home.landing / "2021-01" / "drc").mkdir(parents=True)
    shutil.copy(plan, home.landing / "2021-01" / "drc" / "key_project_plan.xlsx")  # no rows
    ingest_month("2021-01", home)
    with pytest.raises(TemplateError) as exc:
        write_templates("2021-01", "lce", tmp_path / "o", home)
    assert "已报送 1 次但都未通过校验" in exc.value.message_zh
    assert "receipts/2021-01/drc/" in exc.value.message_zh


def _validation_at(ws: Any, cell: str) -> Any:
    return next(d for d in ws.data_validations.dataValidation if cell in d.sqref)


def _printed_pages(ws: Any) -> int:
    """The pages the print area takes on paper, from the page setup as read back: the
    columns scaled to the printable width (fit to one page wide), the rows stacked."""
    first, last = ws.print_area.split("!")[1].replace("$", "").split(":")
    assert first == "A1"
    last_col, last_row = coordinate_from_string(last)
    paper = (842.0, 595.0) if ws.page_setup.orientation == "landscape" else (595.0, 842.0)
    m = ws.page_margins
    widths: dict[int, float] = {}
    for dim in ws.column_dimensions.values():
        for c in range(dim.min, dim.max + 1):
            widths[c] = dim.width
    columns = column_index_from_string(last_col)
    # Excel: a column of width w is w * 7 + 5 pixels; a pixel is 0.75 point
    width_pt = sum((widths.get(c) or 8.43) * 7 + 5 for c in range(1, columns + 1)) * 0.75
    scale = min(1.0, (paper[0] - (m.left + m.right) * 72) / width_pt)
    height_pt = sum(ws.row_dimensions[r].height or 15 for r in range(1, last_row + 1))
    return math.ceil(height_pt * scale / (paper[1] - (m.top + m.bottom) * 72))


def test_validations_and_print_setup(tmp_path: Path) -> None:
    ref = load_reference()
    march = dt.date(2019, 3, 1)
    plan = [PlanProject(f"XM{i:03d}", f"项目{i}", "lce") for i in range(10)]
    ctx = Context(march, ref, [], plan, {"XM000": PreviousYtd(1300.0, dt.date(2019, 2, 1))})
    form = FORMS["project_progress"]
    path = write_form(tmp_path / "project_progress.xlsx", ctx, form, "lce", dt.date(2019, 4, 5))
    ws = openpyxl.load_workbook(path).worksheets[0]
    footer = _footer_row(ws)
    assert footer == 4 + 10 + 5 + 1  # ten projects, five blank rows, a spacer
    assert [ws.cell(footer + i, 1).value for i in range(3)] == list(FOOTER_LINES)
    assert not ws.cell(footer, 2).protection.locked  # the name goes there
    assert ws.cell(4, len(form.fields) + 1).value == 1300 and ws.cell(5, 9).value is None

    # every data column is validated, from the first data row to the last blank row
    for c, f in enumerate(form.fields):
        dv = _validation_at(ws, f"{chr(65 + c)}4")
        assert str(dv.sqref) == f"{chr(65 + c)}4:{chr(65 + c)}{footer - 2}", f.header
        assert dv.promptTitle == f.header and dv.prompt.startswith("必填" if f.required else "选填")
    month = _validation_at(ws, "C4")
    assert (month.type, month.operator, month.formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert month.errorStyle in (None, "stop")  # stop is Excel's default
    assert "“本月完成投资(万元)”须为不小于 0 的数字（单位：万元）" in month.error
    assert _validation_at(ws, "D4").operator == "greaterThanOrEqual"
    status = _validation_at(ws, "E4")
    assert status.type == "list" and status.formula1 == '"前期,在建,竣工,投产"'
    assert "只能从下拉列表中选择" in status.error
    start = _validation_at(ws, "F4")
    assert start.type == "date" and start.errorStyle == "warning"
    assert "不晚于2019年3月31日" in start.error
    assert _validation_at(ws, "G4").type is None  # text: the input message only

    # A4, landscape (the form is wide), one page wide, header rows on every page
    ps = ws.page_setup
    assert int(ps.paperSize) == 9 and ps.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ps.fitToWidth or 1) == 1 and ps.fitToHeight == 0
    assert ws.print_title_rows == "$1:$3"
    assert ws.print_area.endswith(f"!$A$1:$I${footer + 2}")  # with the 上月累计 column
    assert "第 &P 页，共 &N 页" in ws.oddFooter.center.text
    assert ws.page_margins.left == 0.4 and ws.print_options.horizontalCentered
    assert _printed_pages(ws) == 1  # a 10-row form prints on one page

    # a narrow form prints portrait
    targets = write_form(
        tmp_path / "annual_targets.xlsx", ctx, FORMS["annual_targets"], "drc", dt.date(2019, 2, 5)
    )
    assert openpyxl.load_workbook(targets).worksheets[0].page_setup.orientation == "portrait"


def test_instructions_name_the_place_and_the_due_date(
    home: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def instructions(out: Path, paths: Paths) -> tuple[str, str]:
        files = write_templates(MONTH, "ist", out, paths)
        wb = openpyxl.load_workbook(files[0])
        return _texts(wb, INSTRUCTIONS_SHEET), _texts(wb, wb.sheetnames[0])

    text, sheet = instructions(tmp_path / "a", home)
    assert "报送位置：将本文件放入报送文件夹 landing/2019-01/ist/（在数据仓库主目录下）" in text
    assert "文件名：investment_signings.xlsx" in text
    assert "报送截止：2019年2月5日24时" in text and "截止日期：2019年2月5日" in sheet
    assert not any(ch in text + sheet for ch in "<>")  # no placeholders left

    monkeypatch.setenv(PORTAL_URL_ENV, "https://baosong.example.cn/")
    text, sheet = instructions(tmp_path / "b", home)
    assert "报送方式：登录报送平台 https://baosong.example.cn/ ，上传本文件" in text
    assert "landing" not in text and not any(ch in text + sheet for ch in "<>")

    monkeypatch.delenv(PORTAL_URL_ENV)
    monkeypatch.setenv("ZONEWH_LANDING", str(tmp_path / "shared"))
    text, _ = instructions(tmp_path / "c", paths())
    assert f"报送文件夹 {(tmp_path / 'shared').as_posix()}/2019-01/ist/。" in text
