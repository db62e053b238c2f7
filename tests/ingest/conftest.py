"""Fixtures for intake tests: a home passed explicitly (`IntakePaths`), real .xlsx
(xlsxwriter) and .csv files in its landing folder, and a valid set of rows for every form."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter

from ingest.forms import FORMS, Form
from ingest.intake import ingest_month
from ingest.settings import CST, IntakePaths

Cell = object


def write_xlsx(
    path: Path,
    form: Form,
    rows: Sequence[Sequence[Cell]],
    *,
    headers: Sequence[str] | None = None,
    title: bool = True,
    footer: bool = True,
    blank_every: int = 0,
    sheet: str = "Sheet1",
) -> Path:
    """A workbook like the templates: title, 填报单位 row, header, rows, footer.

    Cells that are datetimes are written as Excel dates; numbers as numbers; text as text.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(sheet)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    r = 0
    if title:
        ws.write_string(0, 0, form.title)
        ws.write_string(1, 0, "填报单位：")
        ws.write_string(1, 3, "填报日期：2019年2月3日")
        r = 3
    for j, h in enumerate(headers or form.headers):
        ws.write_string(r, j, h)
    r += 1
    for i, row in enumerate(rows):
        if blank_every and i and i % blank_every == 0:
            r += 1
        for j, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, datetime):
                ws.write_datetime(r, j, v, date_fmt)
            elif isinstance(v, bool):
                ws.write_boolean(r, j, v)
            elif isinstance(v, (int, float)):
                ws.write_number(r, j, v)
            else:
                ws.write_string(r, j, str(v))
        r += 1
    if footer:
        r += 1
        ws.write_string(r, 0, "填表人：张三")
        ws.write_string(r, 3, "审核人：李四")
    wb.close()
    return path


def write_csv(
    path: Path,
    form: Form,
    rows: Sequence[Sequence[Cell]],
    *,
    encoding: str = "utf-8",
    headers: Sequence[str] | None = None,
    title: bool = False,
) -> Path:
    """A CSV of the form (`encoding` utf-8, utf-8-sig or gb18030)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if title:
        w.writerow([form.title])
    w.writerow(headers or form.headers)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


class Landing:
    """Drop files into a home's landing folder with a chosen modification time."""

    def __init__(self, paths: IntakePaths):
        self.paths = paths

    def path(self, month: str, unit: str, name: str) -> Path:
        return self.paths.landing / month / unit / name

    def drop(
        self,
        month: str,
        unit: str,
        form_code: str,
        rows: Sequence[Sequence[Cell]],
        *,
        name: str | None = None,
        at: datetime | None = None,
        fmt: str = "xlsx",
        **kw,
    ) -> Path:
        """Write a file for `form_code` (default name `<form>.<fmt>`), mtime `at` (CST)."""
        form = FORMS[form_code]
        path = self.path(month, unit, name or f"{form_code}.{fmt}")
        if fmt == "xlsx":
            write_xlsx(path, form, rows, **kw)
        else:
            write_csv(path, form, rows, **kw)
        stamp = (at or default_time(month)).timestamp()
        os.utime(path, (stamp, stamp))
        return path


def default_time(month: str) -> datetime:
    """The 3rd of the month after `month`, 10:00 CST (on time)."""
    y, m = (int(x) for x in month.split("-"))
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return datetime(y, m, 3, 10, 0, tzinfo=CST)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> IntakePaths:
    """A fresh home for one test, passed to intake explicitly. `ZONEWH_HOME` points to
    another folder, which must stay absent: intake never reads the environment."""
    monkeypatch.setenv("ZONEWH_HOME", str(tmp_path / "environment_home"))
    monkeypatch.delenv("ZONEWH_LANDING", raising=False)
    root = tmp_path / "home"
    return IntakePaths(home=root, landing=root / "landing").ensure()


@pytest.fixture
def landing(home: IntakePaths) -> Landing:
    return Landing(home)


# ---------------------------------------------------------------- valid rows (2019)

PLAN_ROWS = [
    ["P001", "蒙牛乳业扩建项目", "省重点", "工业", "lce", "sjz", 10, 3, datetime(2019, 3, 1)],
    [
        "P002",
        "文昌路改造",
        "区重点",
        "基础设施",
        "区国土建设环保局",
        "文昌街道",
        "5",
        "2",
        "2019/4/1",
    ],
    ["P003", "苏家作乡卫生院", "市重点", "社会事业", "sjz", None, 2, 1, None],
]

PROGRESS_LCE_JAN = [
    ["P001", "蒙牛乳业扩建项目", 1200, 1200, "在建", datetime(2019, 1, 10), "主体施工", None],
    ["P002", "文昌路改造", "0", "0", "前期", None, None, "征地未完成"],
]

PROGRESS_LCE_FEB = [
    ["P001", "蒙牛乳业扩建项目", 800, 2000, "在建", datetime(2019, 1, 10), "主体施工", None],
    ["P002", "文昌路改造", "300", "300", "在建", "2019年2月20日", None, None],
]

ISSUES_LCE_JAN = [
    [
        "Q001",
        "P002",
        "征地拆迁未完成",
        "区国土建设环保局",
        datetime(2019, 1, 5),
        "2019-03-31",
        "解决中",
        None,
    ],
    ["Q002", "P001", "用电接入", "lce", "2019/1/8", None, "已解决", "2019/1/20"],
]

ECON_JAN = [
    ["retail", "社会消费品零售总额", None, "亿元", "1.2", "1.2", "1.08", "11.1", 3, None],
    ["va_industry", "规模以上工业增加值", None, "万元", None, None, None, "9.2", 1, "仅增速"],
    [
        "enterprises_above",
        "规模以上工业企业数",
        "先进装备制造",
        "家",
        40,
        None,
        None,
        None,
        None,
        None,
    ],
    [
        "enterprises_above",
        "规模以上工业企业数",
        "materials",
        "家",
        "１２",
        None,
        None,
        None,
        None,
        None,
    ],
]

TARGETS_JAN = [
    ["retail", None, "亿元", 15, 10],
    ["industry_output", "equipment", "亿元", "180", "18.5"],
]

SIGNINGS_JAN = [
    ["S001", "新能源电池项目", "某某集团", datetime(2019, 1, 15), "12.5", "新能源", None],
    ["S002", "物流园", "某物流公司", "2019/1/28", "30000万元", None, "P001"],
]

SCSC_CRITERIA = ["srzx", "jtzx", "czc", "ljfl", "wmsy"]
SCSC_MAX = {"srzx": 25, "jtzx": 20, "czc": 20, "ljfl": 20, "wmsy": 15}


def scores_rows(units: Sequence[str], month: str = "2019-01", day: int = 20) -> list[list]:
    """A complete scsc score sheet for `units` (every criterion)."""
    out = []
    for u in units:
        for c in SCSC_CRITERIA:
            out.append(["scsc", u, c, SCSC_MAX[c] - 2, "卫生死角", f"{month}-{day:02d}", 1])
    return out


@pytest.fixture(scope="session")
def base_home(tmp_path_factory: pytest.TempPathFactory) -> IntakePaths:
    """A raw store holding the 2019 plan and lce's January progress."""
    root = tmp_path_factory.mktemp("validate") / "home"
    paths = IntakePaths(home=root, landing=root / "landing").ensure()
    land = Landing(paths)
    land.drop("2019-01", "drc", "key_project_plan", PLAN_ROWS)
    land.drop("2019-01", "lce", "project_progress", PROGRESS_LCE_JAN)
    report = ingest_month("2019-01", paths)
    assert [o.status for o in report.outcomes] == ["accepted", "accepted"], report.outcomes
    return paths
