"""Templates: layout, dropdowns, protection, and the round trip through ingest for every form."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from bulletin_fixture import build_published

from ingest.forms import FORMS
from ingest.intake import ingest_month
from ingest.reference import load_reference
from zonewh.config import Paths
from zonewh.form_templates import (
    INSTRUCTIONS_SHEET,
    LIST_SHEET,
    Context,
    PlanProject,
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


def _pairs(files: list[Path], out: Path) -> set[tuple[str, str]]:
    return {(f.parent.name, f.stem) for f in files if f.parent.parent == out}


def _header_map(ws: Any) -> dict[str, int]:
    return {ws.cell(3, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(3, c).value}


def fill(
    template: Path, target: Path, rows: list[dict[str, Any]] | None = None, update: Any = None
) -> Path:
    """Fill a template as a submitter would: update pre-filled rows and/or append rows
    (by field code), save it under `target`."""
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    form = FORMS[template.stem]
    cols = {f.code: _header_map(ws)[f.header] for f in form.fields}
    r = 4
    while any(ws.cell(r, c).value is not None for c in cols.values()):
        if update is not None:
            current = {code: ws.cell(r, c).value for code, c in cols.items()}
            for code, value in update(current).items():
                ws.cell(r, cols[code]).value = value
        r += 1
    for row in rows or []:
        for code, value in row.items():
            ws.cell(r, cols[code]).value = value
        r += 1
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


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


def test_round_trip_every_form(home: Paths, tmp_path: Path) -> None:
    out = tmp_path / "templates"
    files = write_templates(MONTH, None, out, home)
    assert _pairs(files, out) == FIRST_WAVE
    ref = load_reference()
    max_by = {(k.campaign_code, k.criterion_code): k.max_score for k in ref.all_criteria}
    landing = home.landing / MONTH
    t = {(f.parent.name, f.stem): f for f in files}

    fill(
        t["drc", "key_project_plan"],
        landing / "drc" / "key_project_plan.xlsx",
        rows=[
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
        ],
    )
    fill(t["drc", "annual_targets"], landing / "drc" / "annual_targets.xlsx", update=_target)
    fill(t["drc", "econ_indicators"], landing / "drc" / "econ_indicators.xlsx", update=_econ)
    fill(
        t["ist", "investment_signings"],
        landing / "ist" / "investment_signings.xlsx",
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
    fill(
        t["agr", "campaign_scores"], landing / "agr" / "campaign_scores.xlsx", update=_score(max_by)
    )
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
    fill(
        t["scc", "campaign_scores"],
        landing / "scc" / "campaign_scores.xlsx",
        rows=scc_rows,
        update=_score(max_by),
    )
    ins_rows = [
        {
            "campaign_code": "zdgz",
            "assessed_unit": code,
            "criterion_code": k.criterion_code,
            "score": k.max_score * 0.7,
            "inspected_on": dt.date(2019, 1, 25),
        }
        for code in ("drc", "lce", "soc")
        for k in ref.criteria("zdgz", "department")
    ]
    fill(t["ins", "campaign_scores"], landing / "ins" / "campaign_scores.xlsx", rows=ins_rows)

    report = ingest_month(MONTH, home)
    problems = {o.file_path: o.reason_en for o in report.outcomes if o.status != "accepted"}
    assert _statuses(report) == {pair: "accepted" for pair in FIRST_WAVE}, problems

    # the plan now names lce and sjz: their progress and issues templates follow
    files = write_templates(MONTH, None, tmp_path / "second", home)
    pairs = _pairs(files, tmp_path / "second")
    second = {(u, f) for u in ("lce", "sjz") for f in ("project_progress", "project_issues")}
    assert second <= pairs
    t = {(f.parent.name, f.stem): f for f in files}
    progress = openpyxl.load_workbook(t["lce", "project_progress"]).worksheets[0]
    assert progress.cell(4, 1).value == "XM2019001" and progress.cell(5, 1).value is None
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

    for unit in ("lce", "sjz"):
        fill(
            t[unit, "project_progress"],
            landing / unit / "project_progress.xlsx",
            update=progress_row,
        )
    fill(
        t["lce", "project_issues"],
        landing / "lce" / "project_issues.xlsx",
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
    report = ingest_month(MONTH, home)
    problems = {o.file_path: o.reason_en for o in report.outcomes if o.status != "accepted"}
    assert _statuses(report) == {pair: "accepted" for pair in second}, problems


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

    drc = {f.stem: f for f in write_templates(MONTH, "drc", out, home)}
    assert set(drc) == {"econ_indicators", "key_project_plan", "annual_targets"}
    econ = openpyxl.load_workbook(drc["econ_indicators"]).worksheets[0]
    assert econ.title == FORMS["econ_indicators"].title
    codes = [econ.cell(r, 1).value for r in range(4, econ.max_row + 1)]
    assert "gdp" not in codes and "retail" in codes  # quarterly indicators only at quarter end
    assert econ.cell(3, 5).value == "本月"


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
    codes = [ws.cell(r, 1).value for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value]
    assert codes and codes == sorted(codes) and len(codes) == 14  # every ninth project is lce's
    assert "区国土建设环保局" in ws.cell(2, 1).value


def test_unknown_unit_or_nothing_due(home: Paths, tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="unknown unit"):
        write_templates(MONTH, "nosuch", tmp_path, home)
    with pytest.raises(TemplateError, match="nothing is due from unit lce"):
        write_templates(MONTH, "区国土建设环保局", tmp_path, home)
