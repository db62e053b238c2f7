"""Readers: real .xlsx and .csv files, as submitters make them, read back as text."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter
from conftest import write_csv, write_xlsx

from ingest.errors import FileRejected
from ingest.forms import FORMS
from ingest.readers import read_submission
from ingest.wording import column_letter

PROGRESS = FORMS["project_progress"]
ISSUES = FORMS["project_issues"]

ROWS = [
    ["007", "项目甲", 1200, "1,200", "在建", datetime(2019, 1, 10), "主体施工", None],
    ["0080", "项目乙", "１２３", "１２３", "前期", "2019年1月5日", None, "征地"],
    ["P9", "项目丙", "-", "0", "前期", "43480", None, None],
]


def test_xlsx_title_footer_blank_rows(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "project_progress.xlsx", PROGRESS, ROWS, blank_every=1)
    data = read_submission(path, PROGRESS)
    assert data.sheet == "Sheet1"
    assert data.header_row == 4
    assert data.headers == list(PROGRESS.headers)
    rows = data.table.to_pylist()
    assert [r["_row"] for r in rows] == [5, 7, 9]
    assert [r["project_code"] for r in rows] == ["007", "0080", "P9"]
    assert rows[0]["invested_month"] == "1200"
    assert rows[0]["invested_ytd"] == "1,200"
    assert rows[1]["invested_month"] == "１２３"
    assert rows[0]["actual_start"].startswith("2019-01-10")
    assert rows[1]["actual_start"] == "2019年1月5日"
    assert rows[0]["issues_note"] is None


def test_xlsx_numbers_keep_leading_zeros_only_as_text(tmp_path: Path) -> None:
    rows = [
        ["007", "甲", 5, 5, "在建", None, None, None],
        [7, "乙", 5, 5, "在建", None, None, None],
    ]
    data = read_submission(write_xlsx(tmp_path / "p.xlsx", PROGRESS, rows), PROGRESS)
    assert data.table.column("project_code").to_pylist() == ["007", "7"]


def test_xlsx_sheet_starting_below_empty_rows(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("进展")
    ws.write_row(5, 2, list(PROGRESS.headers))
    ws.write_row(6, 2, ["P1", "甲", 1, 1, "在建"])
    wb.close()
    data = read_submission(path, PROGRESS)
    assert data.header_row == 6
    assert data.table.column("_row").to_pylist() == [7]
    assert data.table.column("status").to_pylist() == ["在建"]


def test_xlsx_sheet_named_after_the_form(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("说明").write_string(0, 0, "填表说明")
    ws = wb.add_worksheet(PROGRESS.title)
    ws.write_row(0, 0, list(PROGRESS.headers))
    ws.write_row(1, 0, ["P1", "甲", 1, 1, "在建"])
    wb.close()
    data = read_submission(path, PROGRESS)
    assert data.sheet == PROGRESS.title
    assert data.table.column("_row").to_pylist() == [2]


def test_missing_required_header_rejects_naming_it(tmp_path: Path) -> None:
    headers = [h for h in PROGRESS.headers if h != "项目状态"]
    path = write_xlsx(tmp_path / "p.xlsx", PROGRESS, [], headers=headers)
    with pytest.raises(FileRejected) as exc:
        read_submission(path, PROGRESS)
    (p,) = exc.value.problems
    assert (p.rule, p.column, p.row) == ("header_missing", "项目状态", 4)
    assert "项目状态" in p.message_zh and "项目状态" in p.message_en


def test_no_header_row_rejects(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "p.xlsx", PROGRESS, [], headers=["甲", "乙"])
    with pytest.raises(FileRejected) as exc:
        read_submission(path, PROGRESS)
    assert exc.value.problems[0].rule == "header_not_found"


def test_extra_and_missing_optional_columns(tmp_path: Path) -> None:
    headers = [h for h in PROGRESS.headers if h != "形象进度"] + ["联系人"]
    rows = [["P1", "甲", 1, 1, "在建", None, "无", "张三"]]
    data = read_submission(
        write_xlsx(tmp_path / "p.xlsx", PROGRESS, rows, headers=headers), PROGRESS
    )
    assert data.extra_headers == ["联系人"]
    assert data.missing_optional == ["形象进度"]
    row = data.table.to_pylist()[0]
    assert row["progress_note"] is None
    assert row["issues_note"] == "无"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    rows = [["007", "项目甲（一期）", "1,200", "1200", "在建", "2019/1/10", None, "征地"]]
    path = write_csv(tmp_path / "p.csv", PROGRESS, rows, encoding=encoding, title=True)
    data = read_submission(path, PROGRESS)
    assert data.header_row == 2
    (row,) = data.table.to_pylist()
    assert row["project_code"] == "007"
    assert row["project_name"] == "项目甲（一期）"
    assert row["invested_month"] == "1,200"
    assert row["_row"] == 3


def test_csv_blank_lines_and_footer_keep_line_numbers(tmp_path: Path) -> None:
    text = (
        "重点项目建设进展月报\n\n" + ",".join(PROGRESS.headers) + "\n"
        "P1,甲,1,1,在建,,,\n\n\nP2,乙,2,2,前期,,,\n,,,,,,,\n填表人：张三,,,,,,,\n"
    )
    path = tmp_path / "p.csv"
    path.write_text(text, encoding="utf-8")
    data = read_submission(path, PROGRESS)
    assert data.header_row == 3
    assert data.table.column("_row").to_pylist() == [4, 7]


def test_csv_undecodable_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(",".join(PROGRESS.headers).encode("utf-16"))
    with pytest.raises(FileRejected) as exc:
        read_submission(path, PROGRESS)
    assert exc.value.problems[0].rule == "encoding"


def test_csv_header_only(tmp_path: Path) -> None:
    data = read_submission(write_csv(tmp_path / "i.csv", ISSUES, []), ISSUES)
    assert data.num_rows == 0
    assert data.header_row == 1


def test_the_reader_knows_where_each_header_stands(tmp_path: Path) -> None:
    headers = ["备注", *PROGRESS.headers]  # a column the form does not know, first
    rows = [[None, *r] for r in ROWS]
    for path in (
        write_xlsx(tmp_path / "project_progress.xlsx", PROGRESS, rows, headers=headers),
        write_csv(tmp_path / "project_progress.csv", PROGRESS, rows, headers=headers),
    ):
        data = read_submission(path, PROGRESS)
        assert data.columns["项目编号"] == "B" and data.columns["本月完成投资(万元)"] == "D"
    assert [column_letter(n) for n in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]
