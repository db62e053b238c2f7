"""The calibrated demo: synthetic monthly submissions for 2014-01…2014-12 and 2019-01…2019-06.

`write_demo(landing)` writes, for every demo month, every file the submission calendar
expects, into `<landing>/<YYYY-MM>/<unit_code>/<form_code>[_suffix].xlsx|.csv`, exactly as a
submitter would: xlsx files carry a title row, a 填报单位/填报日期 row, the registry's headers,
the data and a 填表人/审核人 footer; some files are CSV. Each file's modification time is set to
a realistic submission time in China Standard Time (before the 5th of the next month, except
the one late file). The output is deterministic: the same bytes and times on every run.

Publishing the months reproduces the seed facts of DOMAIN.md (see `CALIBRATION`):
2014-11 the 34 key projects (工业 18, 服务业 10, 基础设施 1, 社会事业 3, 房地产 2; 245.79 亿元;
85% of the year's plan) and their 51 issues (16 owning departments; 44 resolved, 6 being
resolved, 1 open); 2014-12 the cluster output (装备 180 亿 +18.5%, 新材料 30 亿 +44%, 电子信息
1 亿, 食品 70 亿 +16.7%, total 281 亿 +20.9%) met at 100% of target, 18 new above-scale
enterprises (12/3/1/2) and 87 in all; 2014-08/09 Beautiful Village rewards of 26 万元;
2019-06 the H1 indicators (GDP 74 亿 +8.7% rank 2, tertiary +10.5% rank 1, industrial VA
+9.2% rank 1, FAI +19.5% rank 1, retail +11%, budget revenue 6.23 亿 +8%), the 119 key
projects (417 亿; 65.2 亿 = 50.4% of plan; Mengniu and the 16 city projects at 84%) and the
25 signings of H1 (125 亿: 5 of ≥10 亿, 10 of 1–10 亿, 10 below 1 亿).

Real months are imperfect, and so is the demo (`DEMO_IMPERFECTIONS` lists each file):

- `2014-03/ist/investment_signings.xlsx` arrives on 2014-04-08 (CST): accepted, but late.
- `2014-05/lce/project_progress.xlsx` has a broken year-to-date chain in one row and an
  empty 本月完成投资 in another: rejected. `2014-05/lce/project_progress_更正.xlsx`, sent two
  days later, is correct and becomes version 2.
- `2014-06/ist/investment_signings.csv` is a CSV in GB18030.
- `2014-10/drc/econ_indicators.csv` is a UTF-8 CSV with a BOM, thousands separators
  (`2,456,000`) and growth rates with a trailing `%`.
- `2014-04/drc/econ_indicators.xlsx` names 规模以上工业总产值 `规上工业总产值`: a warning.
- `2014-02` and `2014-07` `ist/investment_signings.xlsx` hold the header only ("none").
- `2019-03/soc/project_issues.csv` is a plain UTF-8 CSV.
- `2019-04/lwj/project_progress.xlsx` gives one month's investment in 亿元 (`0.8亿元`) in
  the 万元 column.
- `2019-05/trn/project_progress.xlsx`: project XM2019115 has been 在建 with nothing invested
  since March: accepted, but the gate warns (W2).
- `2019-06/ist/investment_signings.xlsx` writes a date as `2019年6月30日` and an amount as
  `5000万元` in the 亿元 column.
"""

from __future__ import annotations

import csv
import io
import os
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from ingest.forms import FORMS
from ingest.reference import Reference, Unit, load_reference

from .config import CST

MONTHS_2014 = tuple(f"2014-{m:02d}" for m in range(1, 13))
MONTHS_2019 = tuple(f"2019-{m:02d}" for m in range(1, 7))
DEMO_MONTHS: tuple[str, ...] = MONTHS_2014 + MONTHS_2019
"""The 18 demo months, in order."""

Cell = str | int | float | date | None


@dataclass(frozen=True)
class Imperfection:
    """One deliberately imperfect demo file and what intake should make of it."""

    path: str
    """Relative to the landing folder, `/`-separated."""
    kind: str
    expected_status: str
    """accepted | accepted_with_warnings | rejected"""
    description: str


DEMO_IMPERFECTIONS: tuple[Imperfection, ...] = (
    Imperfection(
        "2014-03/ist/investment_signings.xlsx",
        "late",
        "accepted",
        "submitted 2014-04-08 10:23 CST, after the due day (2014-04-05)",
    ),
    Imperfection(
        "2014-05/lce/project_progress.xlsx",
        "rejected",
        "rejected",
        "year-to-date chain broken (+300 万元) in the first row; 本月完成投资 empty in the second",
    ),
    Imperfection(
        "2014-05/lce/project_progress_更正.xlsx",
        "resubmission",
        "accepted",
        "the corrected file, two days later: version 2 supersedes the rejected version 1",
    ),
    Imperfection(
        "2014-06/ist/investment_signings.csv",
        "gb18030",
        "accepted",
        "CSV encoded in GB18030",
    ),
    Imperfection(
        "2014-10/drc/econ_indicators.csv",
        "utf8_bom",
        "accepted",
        "UTF-8 CSV with BOM; numbers with thousands separators, growth rates with a trailing %",
    ),
    Imperfection(
        "2014-04/drc/econ_indicators.xlsx",
        "name_mismatch",
        "accepted_with_warnings",
        "indicator_name 规上工业总产值 differs from the catalog's 规模以上工业总产值",
    ),
    Imperfection(
        "2014-02/ist/investment_signings.xlsx",
        "header_only",
        "accepted",
        "header only: no signings this month",
    ),
    Imperfection(
        "2014-07/ist/investment_signings.xlsx",
        "header_only",
        "accepted",
        "header only: no signings this month",
    ),
    Imperfection(
        "2019-03/soc/project_issues.csv",
        "csv",
        "accepted",
        "plain UTF-8 CSV without BOM",
    ),
    Imperfection(
        "2019-04/lwj/project_progress.xlsx",
        "unit_suffix",
        "accepted",
        "one 本月完成投资(万元) cell written in 亿元 (`0.8亿元` style), a round 1000 万元 multiple",
    ),
    Imperfection(
        "2019-05/trn/project_progress.xlsx",
        "stalled",
        "accepted",
        "project XM2019115 在建 with no investment in March, April and May: gate warning W2",
    ),
    Imperfection(
        "2019-06/ist/investment_signings.xlsx",
        "chinese_date",
        "accepted",
        "签约日期 written `2019年6月30日`; one amount written `5000万元` in the 亿元 column",
    ),
)
"""Every deliberately imperfect file of the demo."""

STALLED_PROJECT_2019 = "XM2019115"
"""A 2019 district project 在建 with no investment from March to May (gate warning W2)."""
LATE_FILE = "2014-03/ist/investment_signings.xlsx"
LATE_AT = datetime(2014, 4, 8, 10, 23, 0, tzinfo=CST)
REJECTED_FILE = "2014-05/lce/project_progress.xlsx"
CORRECTED_FILE = "2014-05/lce/project_progress_更正.xlsx"

CALIBRATION: dict[str, Any] = {
    "plan_2014_categories": {"工业": 18, "服务业": 10, "基础设施": 1, "社会事业": 3, "房地产": 2},
    "plan_2014_total_yi": 245.79,
    "plan_2014_annual_plan_yi": 62.40,
    "ytd_2014_11_wan": 530400,
    "issues_2014_11": {"total": 51, "departments": 16, "已解决": 44, "解决中": 6, "未解决": 1},
    "plan_2019_count": 119,
    "plan_2019_levels": {"省重点": 1, "市重点": 16, "区重点": 102},
    "plan_2019_total_yi": 417.00,
    "plan_2019_annual_plan_yi": 129.37,
    "ytd_2019_06_wan": 652000,
    "key_2019_annual_plan_yi": 40.00,
    "key_2019_ytd_wan": 336000,
    "signings_2019_h1": {"count": 25, "total_yi": 125.0, ">=10亿": 5, "1-10亿": 10, "<1亿": 10},
    "mlxc_rewards_2014_08_09_wan": 26.0,
}
"""The figures the demo is built to reproduce (the tests recompute them from the files)."""

ISSUE_OWNERS_2014 = (
    "lce",
    "pla",
    "ucm",
    "pol",
    "trn",
    "wat",
    "cvr",
    "fin",
    "drc",
    "hfp",
    "edu",
    "soc",
    "mkt",
    "saf",
    "hrs",
    "fio",
)
"""The 16 departments that own the 2014 issues."""

ZDGZ_UNITS = ("drc", "ist", "lce", "soc", "agr", "ucm")
"""The lead departments of the six key works (六项重点工作), assessed by ins."""

YEAR_LAST_TOWN = "ymz"
"""The town that scores lowest in every Beautiful Village month (the year's last)."""

SEASON = (0.35, 0.45, 0.85, 0.95, 1.0, 1.05, 0.9, 0.95, 1.05, 1.1, 1.1, 1.25)
"""Monthly weights of flow values (Spring Festival low, year-end rush)."""

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ("伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超")


# ---------------------------------------------------------------- small helpers


def _month_date(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def _month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _rng(seed: int, *parts: object) -> random.Random:
    """An independent, reproducible stream for one part of the demo."""
    return random.Random(":".join([str(seed), *map(str, parts)]))


def _split(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split an integer total into integer parts proportional to weights (largest remainder)."""
    n = len(weights)
    rest = total - minimum * n
    if rest < 0:
        raise ValueError(f"cannot split {total} into {n} parts of at least {minimum}")
    wsum = sum(weights)
    raw = [rest * w / wsum for w in weights]
    parts = [int(x) for x in raw]
    order = sorted(range(n), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[: rest - sum(parts)]:
        parts[i] += 1
    return [p + minimum for p in parts]


def _split_capped(total: int, weights: list[float], caps: list[int], minimum: int = 0) -> list[int]:
    """`_split` with a per-part upper bound, redistributing what the caps cut off."""
    fixed: dict[int, int] = {}
    while True:
        free = [i for i in range(len(weights)) if i not in fixed]
        parts = _split(total - sum(fixed.values()), [weights[i] for i in free], minimum)
        over = [(i, p) for i, p in zip(free, parts) if p > caps[i]]
        if not over:
            result = dict(fixed)
            result.update(zip(free, parts))
            return [result[i] for i in range(len(weights))]
        for i, _ in over:
            fixed[i] = caps[i]


def _person(rng: random.Random) -> str:
    return (
        rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.5 else "")
    )


def _ymd_zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# ---------------------------------------------------------------- the files


@dataclass
class DemoFile:
    """One landing file: its rows in registry header order, format and submission time."""

    path: str
    form_code: str
    unit_code: str
    month: str
    rows: list[list[Cell]]
    submitted_at: datetime
    fmt: str = "xlsx"
    encoding: str = "utf-8"
    note: str = ""
    """An optional note row above the header (xlsx)."""
    text_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    """(row, column) cells written as this text instead of their value."""


def _number_text(value: float, thousands: bool = False) -> str:
    """A number as a submitter types it: no float noise, no trailing zeros."""
    if isinstance(value, int):
        return f"{value:,}" if thousands else str(value)
    text = f"{value:,.6f}" if thousands else f"{value:.6f}"
    return text.rstrip("0").rstrip(".")


def _cell_text(value: Cell, thousands: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return _number_text(value, thousands)
    return str(value)


def _write_xlsx(target: Path, demo: DemoFile, unit_name: str, rng: random.Random) -> None:
    import xlsxwriter

    form = FORMS[demo.form_code]
    created = demo.submitted_at.replace(tzinfo=None)
    workbook = xlsxwriter.Workbook(str(target), {"in_memory": True, "strings_to_numbers": False})
    workbook.set_properties(
        {"title": form.title, "author": unit_name, "company": unit_name, "created": created}
    )
    sheet = workbook.add_worksheet(form.code)
    title_fmt = workbook.add_format({"bold": True, "font_size": 14})
    head_fmt = workbook.add_format({"bold": True, "border": 1, "text_wrap": True})
    date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
    num_fmt = workbook.add_format({"num_format": "0.00"})
    year, mon = int(demo.month[:4]), int(demo.month[5:7])
    sheet.write_string(0, 0, f"{year}年{mon}月{form.title}", title_fmt)
    sheet.write_string(1, 0, f"填报单位：{unit_name}")
    sheet.write_string(1, 3, f"填报日期：{_ymd_zh(demo.submitted_at.date())}")
    row = 2
    if demo.note:
        sheet.write_string(row, 0, demo.note)
        row += 1
    for col, header in enumerate(form.headers):
        sheet.write_string(row, col, header, head_fmt)
        sheet.set_column(col, col, max(10, len(header) * 2))
    for i, values in enumerate(demo.rows):
        r = row + 1 + i
        for col, value in enumerate(values):
            text = demo.text_cells.get((i, col))
            if text is not None:
                sheet.write_string(r, col, text)
            elif value is None:
                continue
            elif isinstance(value, date):
                sheet.write_datetime(r, col, datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, float):
                sheet.write_number(r, col, value, num_fmt if value != int(value) else None)
            elif isinstance(value, int):
                sheet.write_number(r, col, value)
            else:
                sheet.write_string(r, col, str(value))
    footer = row + 2 + len(demo.rows)
    sheet.write_string(footer, 0, f"填表人：{_person(rng)}    审核人：{_person(rng)}")
    workbook.close()


def _write_csv(target: Path, demo: DemoFile) -> None:
    form = FORMS[demo.form_code]
    thousands = demo.encoding == "utf-8-sig"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(form.headers)
    for i, values in enumerate(demo.rows):
        cells = []
        for col, value in enumerate(values):
            text = demo.text_cells.get((i, col))
            cells.append(text if text is not None else _cell_text(value, thousands))
        writer.writerow(cells)
    target.write_bytes(buffer.getvalue().encode(demo.encoding))


def _write_file(landing: Path, demo: DemoFile, ref: Reference, seed: int) -> Path:
    target = landing / demo.path
    target.parent.mkdir(parents=True, exist_ok=True)
    unit = ref.unit(demo.unit_code, _month_date(demo.month))
    unit_name = unit.name if unit else demo.unit_code
    if demo.fmt == "xlsx":
        _write_xlsx(target, demo, unit_name, _rng(seed, "footer", demo.path))
    else:
        _write_csv(target, demo)
    stamp = demo.submitted_at.timestamp()
    os.utime(target, (stamp, stamp))
    return target


# ---------------------------------------------------------------- submission times


def _submitted_at(rng: random.Random, month: str, day_from: int = 1, day_to: int = 4) -> datetime:
    """A working-hours time in the first days of the month after `month` (CST)."""
    year, mon = int(month[:4]), int(month[5:7])
    nxt = date(year + (mon == 12), mon % 12 + 1, 1)
    day = nxt.replace(day=rng.randint(day_from, day_to))
    return datetime(
        day.year,
        day.month,
        day.day,
        rng.randint(8, 17),
        rng.randint(0, 59),
        rng.randint(0, 59),
        tzinfo=CST,
    )


# ---------------------------------------------------------------- key projects


@dataclass
class Project:
    """One key project of a year's plan, with its monthly investment (万元)."""

    code: str
    name: str
    level: str
    category: str
    responsible: str
    town: str | None
    total_c: int
    """Total investment in hundredths of 亿元."""
    plan_c: int
    """Annual planned investment in hundredths of 亿元."""
    planned_start: date
    start_month: int
    monthly: list[int] = field(default_factory=list)
    """Investment per month (万元), index 0 = January."""
    done_month: int | None = None
    """From this month the status is 竣工 (infrastructure) or 投产 (industry)."""
    yi_month: int | None = None
    """The month whose amount the submitter writes in 亿元 (`0.8亿元`)."""
    stalled: bool = False
    """在建 with no investment for three months running (a W2 warning)."""

    def ytd(self, month: int) -> int:
        return sum(self.monthly[:month])

    def status(self, month: int) -> str:
        if month < self.start_month:
            return "前期"
        if self.done_month is not None and month >= self.done_month:
            return "投产" if self.category == "工业" else "竣工"
        return "在建"


INDUSTRY_FIRMS = (
    "蒙牛乳业",
    "瑞庆汽车",
    "兵器装备",
    "华晶金刚石",
    "明仁药业",
    "厦工机械",
    "中轴控股",
    "风神轮胎",
    "佰利联化学",
    "多氟多新材料",
    "伊赛牛肉",
    "万方铝业",
    "鑫诚耐材",
    "方圆炭素",
    "科瑞森机械",
    "众鑫电子",
    "金龙精密铜管",
    "森淼新能源",
    "龙蟒钛业",
    "焦煤装备",
    "神华重机",
    "天鹅食品",
    "怀山药业",
    "隆丰皮草",
    "星火包装",
    "宏达电缆",
    "瑞丰纸业",
    "中原内配",
)
INDUSTRY_WORKS = (
    "年产10万吨生产线",
    "智能化技改",
    "扩建",
    "二期",
    "新材料产业园",
    "研发中心",
    "整车生产基地",
    "自动化车间",
    "配套产业园",
    "绿色工厂改造",
)
SERVICE_NAMES = (
    "示范区商务中心区",
    "万达广场",
    "理工大科技园",
    "创业中心",
    "现代物流园",
    "电子商务产业园",
    "汽车文化产业园",
    "金融服务中心",
    "会展中心",
    "星级酒店",
    "温泉度假区",
    "农产品批发市场",
    "科技孵化器",
    "总部经济区",
    "文化创意园",
    "滨水商业街",
    "钻石一条街",
    "冷链物流中心",
    "职业教育园",
    "健康养老中心",
    "人力资源产业园",
    "跨境电商园",
    "旅游集散中心",
    "寨卜昌古民居保护开发",
)
INFRA_NAMES = (
    "新区水系",
    "南水北调绿化带",
    "山阳路南延",
    "迎宾路改造",
    "污水处理厂扩建",
    "集中供热管网",
    "220千伏变电站",
    "城际铁路站前广场",
    "海绵城市改造",
    "中原路综合管廊",
    "环城水系连通",
    "焦作东站公交枢纽",
    "人民路东延",
    "棚户区道路",
    "雨污分流",
    "天然气门站",
    "智慧城市",
    "生态廊道",
    "城乡供水一体化",
    "农村公路提升",
    "垃圾中转站",
)
SOCIAL_NAMES = (
    "示范区人民医院",
    "第一实验学校",
    "妇幼保健院",
    "文化艺术中心",
    "全民健身中心",
    "社区卫生服务中心",
    "第二初级中学",
    "幼儿园集群",
    "养老服务中心",
    "图书馆",
    "职教中心",
    "疾控中心",
)
ESTATE_NAMES = (
    "建业新城",
    "碧桂园",
    "正弘城",
    "恒大名都",
    "万科城",
    "鑫苑名家",
    "龙源湖公寓",
    "新城吾悦",
)
AGRI_NAMES = (
    "高效农业示范园",
    "怀药种植基地",
    "花卉苗木基地",
    "设施蔬菜园",
    "休闲农业园",
    "智慧农业",
    "高标准农田",
    "生态农庄",
)


def _project_name(category: str, index: int, rng: random.Random) -> str:
    if category == "工业":
        firm = INDUSTRY_FIRMS[index % len(INDUSTRY_FIRMS)]
        return f"{firm}{rng.choice(INDUSTRY_WORKS)}项目"
    pools = {
        "服务业": SERVICE_NAMES,
        "基础设施": INFRA_NAMES,
        "社会事业": SOCIAL_NAMES,
        "房地产": ESTATE_NAMES,
        "农业": AGRI_NAMES,
    }
    pool = pools[category]
    base = pool[index % len(pool)]
    phase = index // len(pool)
    return f"{base}{'' if phase == 0 else f'（{phase + 1}期）'}项目"


RESPONSIBLE = {
    "工业": ("towns", "drc"),
    "服务业": ("towns", "drc", "ist"),
    "基础设施": ("lce", "ucm", "trn", "wat"),
    "社会事业": ("soc", "hfp", "edu"),
    "房地产": ("lce", "cvr"),
    "农业": ("agr", "towns"),
}


def _assign_responsible(
    category: str, index: int, towns: list[str], rng: random.Random
) -> tuple[str, str | None]:
    """(responsible unit, town) of a project."""
    choices = RESPONSIBLE[category]
    pick = choices[index % len(choices)]
    town = towns[rng.randrange(len(towns))]
    if pick == "towns":
        return town, town
    return pick, (town if category in ("工业", "房地产", "农业") else None)


def _planned_start(year: int, start_month: int, rng: random.Random) -> date:
    """The planned start: the year before for projects already under way in January."""
    if start_month == 1:
        return date(year - 1, rng.randint(3, 11), rng.randint(1, 28))
    return date(year, start_month, rng.randint(1, 10))


def _projects_2014(ref: Reference, seed: int) -> list[Project]:
    """The 34 key projects of 2014, calibrated to the 2014-11 seed facts."""
    rng = _rng(seed, "projects2014")
    towns = [u.code for u in ref.towns(date(2014, 1, 1))]
    cats = [c for c, n in CALIBRATION["plan_2014_categories"].items() for _ in range(n)]
    projects: list[Project] = []
    counters: dict[str, int] = {}
    for i, cat in enumerate(cats):
        k = counters.get(cat, 0)
        counters[cat] = k + 1
        unit, town = _assign_responsible(cat, k, towns, rng)
        if cat == "基础设施":
            unit, town = "lce", None
        if cat == "房地产":
            unit = "lce"
        start = 1 if rng.random() < 0.8 else rng.randint(2, 4)
        if cat == "房地产" or cat == "基础设施":
            start = 1
        projects.append(
            Project(
                code=f"XM2014{i + 1:03d}",
                name=_project_name(cat, k, rng),
                level=rng.choice(("市重点", "区重点", "区重点")) if i else "省重点",
                category=cat,
                responsible=unit,
                town=town,
                total_c=0,
                plan_c=0,
                planned_start=_planned_start(2014, start, rng),
                start_month=start,
            )
        )
    weights = [rng.uniform(4, 14) if p.category == "工业" else rng.uniform(2, 10) for p in projects]
    totals = _split(round(CALIBRATION["plan_2014_total_yi"] * 100), weights, minimum=60)
    caps = [int(t * 0.6) for t in totals]
    plans = _split_capped(
        round(CALIBRATION["plan_2014_annual_plan_yi"] * 100),
        [t * rng.uniform(0.15, 0.35) for t in totals],
        caps,
        minimum=20,
    )
    ytd_nov = _split_capped(
        CALIBRATION["ytd_2014_11_wan"],
        [p * 100 * rng.uniform(0.7, 1.0) for p in plans],
        [t * 80 for t in totals],  # leave room for December within the total investment
        minimum=200,
    )
    for p, total, plan, done in zip(projects, totals, plans, ytd_nov):
        p.total_c, p.plan_c = total, plan
        months = list(range(p.start_month, 12))
        parts = _split(done, [SEASON[m - 1] * rng.uniform(0.6, 1.4) for m in months], minimum=5)
        p.monthly = [0] * 12
        for m, v in zip(months, parts):
            p.monthly[m - 1] = v
        p.monthly[11] = round(plan * 100 * rng.uniform(0.08, 0.16))
        if p.category == "工业" and rng.random() < 0.25:
            p.done_month = rng.randint(9, 12)
    return projects


def _projects_2019(ref: Reference, seed: int, old: list[Project]) -> list[Project]:
    """The 119 key projects of 2019, calibrated to the 2019-06 seed facts."""
    rng = _rng(seed, "projects2019")
    towns = [u.code for u in ref.towns(date(2019, 1, 1))]
    counts = {"工业": 44, "服务业": 25, "基础设施": 22, "社会事业": 12, "房地产": 8, "农业": 8}
    cats = [c for c, n in counts.items() for _ in range(n)]
    levels = ["省重点"] + ["市重点"] * 16 + ["区重点"] * 102
    order = list(range(1, 119))
    rng.shuffle(order)
    # Mengniu first (工业, 省重点); the 16 city projects spread over the categories.
    cat_of = {0: "工业"}
    rest = cats[1:]
    for slot, idx in enumerate(order):
        cat_of[idx] = rest[slot]
    carry = [p for p in old if p.category in ("工业", "服务业")][1:5]
    projects: list[Project] = []
    counters: dict[str, int] = {"工业": 28}
    n_new = 0
    for i in range(119):
        cat = cat_of[i]
        k = counters.get(cat, 0)
        counters[cat] = k + 1
        unit, town = _assign_responsible(cat, k, towns, rng)
        if i == 0:
            code, name, unit, town = (
                "XM2019001",
                "蒙牛乳业（焦作）有限公司智能化扩建项目",
                "lwj",
                "lwj",
            )
            n_new = 1
        elif carry and cat in ("工业", "服务业") and levels[i] == "区重点":
            prev = carry.pop(0)
            code, name, unit, town = prev.code, prev.name, prev.responsible, prev.town
            cat = prev.category
        else:
            n_new += 1
            code, name = f"XM2019{n_new:03d}", _project_name(cat, k + 7, rng)
        start = 1 if (levels[i] != "区重点" or rng.random() < 0.75) else rng.randint(2, 4)
        projects.append(
            Project(
                code=code,
                name=name,
                level=levels[i],
                category=cat,
                responsible=unit,
                town=town,
                total_c=0,
                plan_c=0,
                planned_start=_planned_start(2019, start, rng),
                start_month=start,
            )
        )
    stalled = projects[-1]  # a district road project that stalls in spring (W2)
    if stalled.code != STALLED_PROJECT_2019 or stalled.level != "区重点":
        raise ValueError(f"demo: expected {STALLED_PROJECT_2019} last, got {stalled.code}")
    stalled.category, stalled.responsible, stalled.town = "基础设施", "trn", None
    stalled.name, stalled.start_month = "纬三路东延道路工程项目", 1
    stalled.planned_start = _planned_start(2019, 1, rng)
    names = {p.name for p in projects}
    if len(names) != len(projects):
        for j, p in enumerate(projects):
            if sum(q.name == p.name for q in projects[:j]):
                p.name = p.name.replace("项目", f"（{p.code[-3:]}）项目")
    total_c = round(CALIBRATION["plan_2019_total_yi"] * 100)

    other = projects[17:]
    key_totals = [1500] + _split(
        round(total_c * 0.34) - 1500, [rng.uniform(3, 8) for _ in range(16)], minimum=150
    )
    other_totals = _split(
        total_c - sum(key_totals), [rng.uniform(0.5, 3) for _ in other], minimum=40
    )
    key_plan_c = round(CALIBRATION["key_2019_annual_plan_yi"] * 100)
    key_plans = [500] + _split_capped(
        key_plan_c - 500,
        [t * rng.uniform(0.3, 0.5) for t in key_totals[1:]],
        [int(t * 0.7) for t in key_totals[1:]],
        minimum=50,
    )
    other_plans = _split_capped(
        round(CALIBRATION["plan_2019_annual_plan_yi"] * 100) - key_plan_c,
        [t * rng.uniform(0.2, 0.45) for t in other_totals],
        [int(t * 0.7) for t in other_totals],
        minimum=10,
    )
    key_ytd = [plan * 84 for plan in key_plans]  # exactly 84% of each plan (万元)
    other_ytd = _split_capped(
        CALIBRATION["ytd_2019_06_wan"] - sum(key_ytd),
        [p * rng.uniform(0.5, 1.5) for p in other_plans],
        [t * 90 for t in other_totals],
        minimum=60,
    )
    for p, total, plan, done in zip(
        projects, key_totals + other_totals, key_plans + other_plans, key_ytd + other_ytd
    ):
        p.total_c, p.plan_c = total, plan
        months = list(range(p.start_month, 7))
        parts = _split(done, [SEASON[m - 1] * rng.uniform(0.6, 1.4) for m in months], minimum=5)
        p.monthly = [0] * 12
        for m, v in zip(months, parts):
            p.monthly[m - 1] = v
    # One lwj April amount is written in 亿元 (`0.8亿元`): round it to 1000 万元, moving the
    # difference to May and June so the June year-to-date stays exact.
    lwj = [p for p in projects if p.responsible == "lwj" and p.start_month == 1]
    target = max(lwj, key=lambda p: p.monthly[3])
    new = max(1000, round(target.monthly[3], -3))
    delta = new - target.monthly[3]
    target.monthly[3] = new
    for later in (4, 5):
        take = min(delta, target.monthly[later] - 1)
        target.monthly[later] -= take
        delta -= take
    if delta:
        raise ValueError("demo: cannot round the April amount of the lwj project")
    target.yi_month = 4
    # The stalled project: 在建, nothing invested March to May (a W2 warning).
    stalled.monthly[5] += sum(stalled.monthly[2:5])
    stalled.monthly[2:5] = [0, 0, 0]
    stalled.stalled = True
    return projects


def _unit_label(ref: Reference, code: str, on: date, use_name: bool) -> str:
    unit = ref.unit(code, on)
    if unit is None:
        raise ValueError(f"demo: unit {code!r} not valid on {on}")
    return unit.name if use_name else code


def _plan_file(ref: Reference, month: str, projects: list[Project], rng: random.Random) -> DemoFile:
    on = _month_date(month)
    rows: list[list[Cell]] = []
    for i, p in enumerate(projects):
        town = ref.unit(p.town, on).name if p.town else None
        rows.append(
            [
                p.code,
                p.name,
                p.level,
                p.category,
                _unit_label(ref, p.responsible, on, use_name=i % 5 == 3),
                town,
                round(p.total_c / 100, 2),
                round(p.plan_c / 100, 2),
                p.planned_start,
            ]
        )
    submitted = datetime(on.year, 1, 24, 9, rng.randint(0, 59), rng.randint(0, 59), tzinfo=CST)
    return DemoFile(
        f"{month}/drc/key_project_plan.xlsx",
        "key_project_plan",
        "drc",
        month,
        rows,
        submitted,
        note="金额单位：亿元",
    )


PROGRESS_NOTES = {
    "前期": ("办理前期手续", "土地征迁中", "完成规划设计", "施工招标中"),
    "在建": ("主体施工", "基础施工", "设备安装", "钢结构施工", "室内装修", "管网铺设"),
    "竣工": ("已竣工验收", "完成竣工备案"),
    "投产": ("已投产运行", "试生产"),
}


def _progress_rows(
    projects: list[Project], month: int, year: int, rng: random.Random, open_issue: dict[str, str]
) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for p in projects:
        status = p.status(month)
        start = None
        if p.start_month <= month:
            start = date(year, p.start_month, 3 + (int(p.code[-3:]) % 20))
            if p.start_month == 1 and p.planned_start.year < year:
                start = p.planned_start
        rows.append(
            [
                p.code,
                p.name,
                p.monthly[month - 1],
                p.ytd(month),
                status,
                start,
                rng.choice(PROGRESS_NOTES[status]),
                open_issue.get(p.code),
            ]
        )
    return rows


# ---------------------------------------------------------------- issues


@dataclass
class Issue:
    """One issue of a project: raised, worked on, perhaps resolved."""

    code: str
    project: Project
    description: str
    owner: str
    raised_on: date
    due_on: date
    working_month: int
    resolved_on: date | None

    def status(self, month: int) -> str | None:
        """Its status in the ledger as of `month` (None: not raised yet)."""
        if self.raised_on.month > month:
            return None
        if self.resolved_on is not None and self.resolved_on.month <= month:
            return "已解决"
        return "解决中" if self.working_month <= month else "未解决"


ISSUE_TEXTS = (
    "土地征收补偿未到位",
    "规划调整审批滞后",
    "施工用电未接通",
    "环评手续待批",
    "高压线迁改",
    "地下管网迁移",
    "施工用水未接通",
    "群众阻工",
    "建设资金不到位",
    "土地指标不足",
    "消防审验滞后",
    "道路未打通",
    "燃气管道迁改",
    "坟墓迁移",
    "林木砍伐审批",
    "施工许可待办",
    "融资担保未落实",
    "拆迁安置房未建成",
    "通信杆线迁改",
    "排水出口未落实",
)


def _issues(
    projects: list[Project],
    owners: tuple[str, ...],
    year: int,
    plan: list[tuple[int, int, int]],
    seed: int,
) -> list[Issue]:
    """Issues from a plan of (raised month, resolved month or 0, status at the reference month)."""
    rng = _rng(seed, "issues", year)
    started = [p for p in projects if p.start_month <= 3]
    issues: list[Issue] = []
    for i, (raised_m, resolved_m, working_m) in enumerate(plan):
        project = started[(i * 7) % len(started)]
        raised = date(year, raised_m, rng.randint(2, 26))
        due = raised + timedelta(days=rng.randint(15, 75))
        resolved = None
        if resolved_m:
            last = _month_end(year, resolved_m)
            first = max(raised + timedelta(days=3), date(year, resolved_m, 1))
            resolved = first + timedelta(days=rng.randint(0, max(0, (last - first).days)))
            resolved = min(resolved, last)
        issues.append(
            Issue(
                code=f"WT{year}{i + 1:03d}",
                project=project,
                description=ISSUE_TEXTS[(i * 3 + year) % len(ISSUE_TEXTS)],
                owner=owners[i % len(owners)],
                raised_on=raised,
                due_on=due,
                working_month=working_m,
                resolved_on=resolved,
            )
        )
    return issues


def _issue_plan_2014(seed: int) -> list[tuple[int, int, int]]:
    """(raised, resolved or 0, working-from) for the 2014 issues: by November 51 raised,
    44 resolved, 6 being resolved, 1 open; December adds three and resolves two."""
    rng = _rng(seed, "issueplan2014")
    plan: list[tuple[int, int, int]] = []
    for _ in range(44):
        raised = rng.randint(1, 10)
        resolved = rng.randint(raised, min(11, raised + 3))
        plan.append((raised, resolved, raised if resolved == raised else raised + 1))
    for j in range(6):
        raised = rng.randint(7, 11)
        resolved = 12 if j < 2 else 0
        plan.append((raised, resolved, raised))
    plan.append((11, 0, 12))  # open in November, worked on from December
    plan += [(12, 0, 12), (12, 0, 13), (12, 12, 12)]
    return plan


def _issue_plan_2019(seed: int) -> list[tuple[int, int, int]]:
    rng = _rng(seed, "issueplan2019")
    plan = []
    for _ in range(30):
        raised = rng.randint(1, 6)
        resolved = rng.choice((0, raised, raised + 1, raised + 2))
        resolved = resolved if resolved <= 6 else 0
        plan.append((raised, resolved, raised + rng.randint(0, 1)))
    return plan


def _issue_rows(issues: list[Issue], month: int, on: date, ref: Reference) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for k, issue in enumerate(issues):
        status = issue.status(month)
        if status is None:
            continue
        owner = _unit_label(ref, issue.owner, on, use_name=k % 4 == 1)
        rows.append(
            [
                issue.code,
                issue.project.code,
                f"{issue.project.name}：{issue.description}",
                owner,
                issue.raised_on,
                issue.due_on,
                status,
                issue.resolved_on if status == "已解决" else None,
            ]
        )
    return rows


# ---------------------------------------------------------------- economic indicators


@dataclass(frozen=True)
class Series:
    """An indicator (× cluster) in one year: its value and growth at the anchor month."""

    indicator: str
    cluster: str
    final: float | None
    """value_ytd at the anchor (catalog unit); None = growth only."""
    growth: float | None
    rank: int | None = None
    written_unit: str = "万元"


def _series_2014() -> list[Series]:
    yi = "亿元"
    return [
        Series("gdp", "", 1_150_000, 10.2, 3),
        Series("va_tertiary", "", 420_000, 9.6, 2),
        Series("va_industry", "", 610_000, 13.5, 2),
        Series("fai", "", 1_620_000, 22.4, 1),
        Series("retail", "", 305_000, 12.8, 4),
        Series("budget_revenue", "", 52_000, 10.6, 3),
        Series("industry_output", "", 2_810_000, 20.9, 2, yi),
        Series("industry_output", "equipment", 1_800_000, 18.5, None, yi),
        Series("industry_output", "materials", 300_000, 44.0),
        Series("industry_output", "electronics", 10_000, 25.0),
        Series("industry_output", "food", 700_000, 16.7, None, yi),
        Series("enterprises_above", "", 87, None, None, "家"),
        Series("enterprises_above", "equipment", 40, None, None, "家"),
        Series("enterprises_above", "materials", 14, None, None, "家"),
        Series("enterprises_above", "electronics", 5, None, None, "家"),
        Series("enterprises_above", "food", 22, None, None, "家"),
        Series("new_enterprises_above", "", 18, None, None, "家"),
        Series("new_enterprises_above", "equipment", 12, None, None, "家"),
        Series("new_enterprises_above", "materials", 3, None, None, "家"),
        Series("new_enterprises_above", "electronics", 1, None, None, "家"),
        Series("new_enterprises_above", "food", 2, None, None, "家"),
        Series("va_high_tech", "", None, 16.3, None),
        Series("patent_applications", "", 326, 18.0, None, "件"),
        Series("tech_contracts", "", 8_600, 24.0, None),
    ]


def _series_2019() -> list[Series]:
    yi = "亿元"
    return [
        Series("gdp", "", 740_000, 8.7, 2, yi),
        Series("va_tertiary", "", 312_000, 10.5, 1),
        Series("va_industry", "", None, 9.2, 1),
        Series("fai", "", None, 19.5, 1),
        Series("retail", "", 186_000, 11.0, 3),
        Series("budget_revenue", "", 62_300, 8.0, 2, yi),
        Series("industry_output", "", 1_720_000, 9.8, 2, yi),
        Series("industry_output", "equipment", 960_000, 10.2, None, yi),
        Series("industry_output", "materials", 230_000, 12.5),
        Series("industry_output", "electronics", 36_000, 15.0),
        Series("industry_output", "food", 410_000, 6.3, None, yi),
        Series("industry_output", "biomed", 84_000, 21.0),
        Series("enterprises_above", "", 104, None, None, "家"),
        Series("enterprises_above", "equipment", 48, None, None, "家"),
        Series("enterprises_above", "materials", 16, None, None, "家"),
        Series("enterprises_above", "electronics", 7, None, None, "家"),
        Series("enterprises_above", "food", 21, None, None, "家"),
        Series("enterprises_above", "biomed", 5, None, None, "家"),
        Series("new_enterprises_above", "", 7, None, None, "家"),
        Series("new_enterprises_above", "equipment", 3, None, None, "家"),
        Series("new_enterprises_above", "materials", 1, None, None, "家"),
        Series("new_enterprises_above", "electronics", 1, None, None, "家"),
        Series("new_enterprises_above", "food", 1, None, None, "家"),
        Series("new_enterprises_above", "biomed", 1, None, None, "家"),
        Series("va_high_tech", "", None, 14.1, None),
        Series("patent_applications", "", 188, 21.3, None, "件"),
        Series("tech_contracts", "", 5_200, 18.0, None),
    ]


@dataclass
class SeriesPath:
    """A series month by month: YTD value (catalog unit), month value, growth, rank."""

    series: Series
    ytd: dict[int, float | None]
    month_value: dict[int, float | None]
    prior: dict[int, float | None]
    growth: dict[int, float | None]
    rank: dict[int, int | None]


def _cumulative_shares(rng: random.Random, months: int) -> list[float]:
    weights = [SEASON[m] * rng.uniform(0.85, 1.15) for m in range(months)]
    total = sum(weights)
    acc, out = 0.0, []
    for w in weights:
        acc += w
        out.append(acc / total)
    return out


def _path_order(series: list[Series]) -> list[Series]:
    """Clusters before their zone total; new enterprises before the enterprise counts."""
    by_cluster = {s.indicator for s in series if s.cluster}

    def key(s: Series) -> tuple[int, int]:
        return (s.indicator == "enterprises_above", s.cluster == "" and s.indicator in by_cluster)

    return sorted(series, key=key)


def _paths(
    series: list[Series], ref: Reference, year: int, anchor: int, seed: int
) -> list[SeriesPath]:
    """Monthly paths of every series of a year, consistent with its anchor-month figures."""
    rng = _rng(seed, "econ", year)
    by_key: dict[tuple[str, str], SeriesPath] = {}
    months = range(1, anchor + 1)
    for s in _path_order(series):
        ind = ref.indicator(s.indicator)
        if ind is None:
            raise ValueError(f"demo: indicator {s.indicator!r} not in the catalog")
        ytd: dict[int, float | None] = {m: None for m in months}
        month_value: dict[int, float | None] = {m: None for m in months}
        parts = [p for (i, c), p in by_key.items() if i == s.indicator and c]
        if s.final is None:
            pass
        elif s.indicator == "enterprises_above":
            new = by_key.get(("new_enterprises_above", s.cluster))
            base = int(s.final) - (int(new.ytd[anchor] or 0) if new else 0)
            for m in months:
                ytd[m] = month_value[m] = base + (int(new.ytd[m] or 0) if new else 0)
        elif s.cluster == "" and parts:
            for m in months:
                ytd[m] = sum(p.ytd[m] or 0 for p in parts)
                month_value[m] = sum(p.month_value[m] or 0 for p in parts)
        else:
            integer = ind.unit in ("家", "件")
            final = int(s.final)
            full = _cumulative_shares(rng, 12)
            values = [round(final * x / full[anchor - 1]) for x in full[:anchor]]
            values[-1] = final
            prev = 0
            for m, v in zip(months, values):
                v = max(v, prev)
                ytd[m] = v if integer else float(v)
                month_value[m] = (v - prev) if ind.frequency == "monthly" else None
                prev = v
        growth: dict[int, float | None] = {}
        prior: dict[int, float | None] = {}
        rank: dict[int, int | None] = {}
        drift = rng.uniform(-3.0, 3.0)
        for m in months:
            g = None
            if s.growth is not None:
                g = round(s.growth + drift * (anchor - m) / anchor + rng.uniform(-0.6, 0.6), 1)
                if m == anchor:
                    g = s.growth
            value = ytd[m]
            prior[m] = None
            if g is not None and value:
                if ind.unit in ("家", "件"):
                    prior[m] = max(1, round(value / (1 + g / 100)))
                else:
                    prior[m] = round(value / (1 + g / 100), 2)
                g = round((value / prior[m] - 1) * 100, 1)
            growth[m] = g
            if s.cluster or s.growth is None:
                rank[m] = None
            elif m == anchor and s.rank is not None:
                rank[m] = s.rank
            else:
                rank[m] = rng.randint(1, 6)
        by_key[(s.indicator, s.cluster)] = SeriesPath(s, ytd, month_value, prior, growth, rank)
    return [by_key[(s.indicator, s.cluster)] for s in series]


def _in_unit(value: float | None, unit: str) -> float | int | None:
    """A catalog-unit value expressed in the written unit (亿元 from 万元)."""
    if value is None:
        return None
    if unit == "亿元":
        return round(value / 10_000, 6)
    return value


def _econ_rows(
    paths: list[SeriesPath], ref: Reference, month: int, on: date, name_variant: bool
) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for k, path in enumerate(paths):
        s = path.series
        ind = ref.indicator(s.indicator)
        assert ind is not None
        if not ind.is_reported_in(on):
            continue
        name = ind.name
        if name_variant and s.indicator == "industry_output":
            name = "规上工业总产值"
        cluster = ""
        if s.cluster:
            c = ref.cluster(s.cluster, on)
            if c is None:
                continue
            cluster = c.name if (month + k) % 2 else c.code
        unit = s.written_unit
        note = None
        if s.indicator == "gdp" and month % 3 == 0:
            note = f"1-{month}月数据为季度核算数"
        rows.append(
            [
                s.indicator,
                name,
                cluster,
                unit,
                _in_unit(path.month_value[month], unit),
                _in_unit(path.ytd[month], unit),
                _in_unit(path.prior[month], unit),
                path.growth[month],
                path.rank[month],
                note,
            ]
        )
    return rows


TARGET_IS_OUTCOME = ("industry_output", "new_enterprises_above", "enterprises_above")
"""Indicators whose 2014 targets equal the 2014 outcome (the seed: targets met, 100%)."""


def _targets_rows(paths: list[SeriesPath], ref: Reference, year: int) -> list[list[Cell]]:
    """Annual targets: 2014 output, new and total enterprises equal the year's outcome;
    other targets a little above it (2019: twice the first half, plus a little)."""
    rows: list[list[Cell]] = []
    on = date(year, 1, 1)
    for path in paths:
        s = path.series
        last = path.ytd[max(path.ytd)]
        if last is None or (s.cluster and ref.cluster(s.cluster, on) is None):
            continue
        if year == 2014 and s.indicator in TARGET_IS_OUTCOME:
            target: float = last
        else:
            scale = 12 / max(path.ytd)
            target = last * scale * 1.03 if s.indicator != "enterprises_above" else last + 3
            target = round(target, -2) if target > 10_000 else round(target)
        rows.append(
            [
                s.indicator,
                s.cluster,
                s.written_unit,
                _in_unit(target, s.written_unit),
                s.growth,
            ]
        )
    return rows


# ---------------------------------------------------------------- signings


SIGNING_NAMES = (
    "智能装备制造",
    "新能源汽车零部件",
    "生物医药产业园",
    "冷链物流",
    "电子元器件",
    "高端铝材",
    "食品深加工",
    "文化旅游综合体",
    "大数据中心",
    "新型建材",
    "光伏组件",
    "医疗器械",
    "休闲农业",
    "商业综合体",
    "精密铸造",
    "环保设备",
    "跨境电商",
    "氢能装备",
    "锂电材料",
    "职业培训基地",
    "现代农业园",
    "汽车后市场",
    "健康养老",
    "碳纤维复合材料",
    "智慧物流",
)
INVESTORS = (
    "深圳华强集团",
    "上海复星医药",
    "浙江吉利控股",
    "江苏恒瑞医药",
    "北京京东方",
    "广州汽车集团",
    "河南豫发集团",
    "山东魏桥创业",
    "福建正大集团",
    "香港新世界发展",
    "台湾富士康",
    "中国建材集团",
    "中原银行",
    "安徽海螺集团",
    "湖北九州通",
    "天津中环",
    "宁波均胜电子",
    "苏州协鑫集团",
)
INDUSTRIES = (
    "装备制造",
    "新材料",
    "电子信息",
    "食品",
    "生物医药",
    "现代服务业",
    "文化旅游",
    "农业",
)

SIGNINGS_2019 = (
    (1, (12.0, 3.8, 0.35)),
    (2, (6.5, 0.5)),
    (3, (15.0, 5.0, 4.2, 0.45, 0.6)),
    (4, (10.0, 8.0, 3.0, 0.4)),
    (5, (18.0, 5.5, 2.5, 0.35, 0.5)),
    (6, (20.0, 4.0, 3.0, 0.5, 0.4, 0.45)),
)
"""2019 H1 signings (亿元) by month: 25 in all, 125 亿; 5 ≥ 10, 10 in 1–10, 10 below 1."""


def _signings_2014(seed: int) -> dict[int, tuple[float, ...]]:
    rng = _rng(seed, "signings2014")
    out: dict[int, tuple[float, ...]] = {}
    for m in range(1, 13):
        n = 0 if m in (2, 7) else rng.randint(1, 4)
        out[m] = tuple(
            round(rng.choice((0.3, 0.8, 1.5, 2.0, 3.5, 5.0, 8.0, 12.0)) * rng.uniform(0.8, 1.2), 2)
            for _ in range(n)
        )
    return out


def _signing_rows(
    year: int, month: int, amounts: tuple[float, ...], rng: random.Random, plan: list[Project]
) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    last = _month_end(year, month).day
    days = sorted(rng.randint(1, last) for _ in amounts)
    if year == 2019 and month == 6 and days:
        days[-1] = 30
    for i, (amount, day) in enumerate(zip(amounts, days)):
        n = (month * 7 + i * 5 + year) % len(SIGNING_NAMES)
        landed = None
        if amount >= 10 and plan and year == 2019:
            landed = plan[(month * 11) % len(plan)].code if month in (1, 3) else None
        rows.append(
            [
                f"QY{year}{month:02d}{i + 1:02d}",
                f"{SIGNING_NAMES[n]}项目",
                INVESTORS[(n + i + month) % len(INVESTORS)],
                date(year, month, day),
                amount,
                INDUSTRIES[n % len(INDUSTRIES)],
                landed,
            ]
        )
    return rows


# ---------------------------------------------------------------- campaign scores


def _split_score(total_tenths: int, maxima: list[float], rng: random.Random) -> list[float]:
    """Split a total score (in tenths) over criteria, each within 0..its maximum."""
    caps = [round(mx * 10) for mx in maxima]
    parts = _split_capped(total_tenths, [mx * rng.uniform(0.9, 1.1) for mx in maxima], caps)
    return [p / 10 for p in parts]


def _distinct_top(totals: dict[str, int], top: int) -> bool:
    ranked = sorted(totals.values(), reverse=True)
    return len(set(ranked[: top + 1])) == min(top + 1, len(ranked))


def _campaign_totals(
    units: list[str],
    base: dict[str, float],
    rng: random.Random,
    top: int,
    last: str | None,
    tie_at: int | None = None,
) -> dict[str, int]:
    """Monthly totals (tenths) per unit: no ties at ranks 1..top+1, `last` strictly last,
    and (optionally) one tie lower down at rank `tie_at`."""
    for _ in range(200):
        totals = {
            u: round(min(99.5, max(55.0, base[u] + rng.gauss(0, 1.6))) * 2) * 5 for u in units
        }
        if last is not None:
            others = min(v for u, v in totals.items() if u != last)
            totals[last] = min(totals[last], others - 5)
        if tie_at is not None and len(units) > tie_at + 2:
            ranked = sorted(totals, key=lambda u: -totals[u])
            totals[ranked[tie_at]] = totals[ranked[tie_at - 1]]
        ranked_values = sorted(totals.values(), reverse=True)
        if _distinct_top(totals, top) and (last is None or ranked_values[-1] < ranked_values[-2]):
            return totals
    raise ValueError("demo: could not draw untied campaign totals")


DEDUCTIONS = {
    "hjws": "垃圾清运不及时",
    "jcss": "路灯损坏未修复",
    "bjzd": "保洁人员不到位",
    "crcm": "乱搭乱建未清理",
    "srzx": "占道经营",
    "jtzx": "车辆乱停乱放",
    "czc": "背街小巷脏乱",
    "ljfl": "垃圾分类不规范",
    "wmsy": "公益广告破损",
    "jd": "进度滞后于计划",
    "tz": "台账不完整",
    "dc": "督查发现问题未整改",
}


def _campaign_rows(
    ref: Reference, month: str, lead: str, seed: int, village_bases: dict[str, float]
) -> list[list[Cell]]:
    """Every row a lead office submits for the month: all its running campaigns."""
    on = _month_date(month)
    end = _month_end(on.year, on.month)
    rows: list[list[Cell]] = []
    for campaign in ref.campaigns_running(on):
        if campaign.lead_unit != lead:
            continue
        rng = _rng(seed, "campaign", campaign.code, month)
        inspected = on.replace(day=rng.randint(18, min(27, end.day)))
        for group in campaign.unit_groups:
            criteria = ref.criteria(campaign.code, group)
            units = _campaign_units(ref, campaign.code, group, on)
            maxima = [c.max_score for c in criteria]
            grng = _rng(seed, "bases", campaign.code, group)
            base = {u.code: grng.uniform(76, 92) for u in units}
            last = None
            top = 1
            tie = None
            if campaign.code == "mlxc" and group == "town":
                top, last = 3, YEAR_LAST_TOWN
            elif campaign.code == "mlxc" and group == "village":
                base = {u.code: village_bases[u.code] for u in units}
                top, tie = 10, len(units) // 2
            else:
                top, last = 1, min(base, key=lambda c: base[c])
            totals = _campaign_totals([u.code for u in units], base, rng, top, last, tie)
            for k, unit in enumerate(units):
                scores = _split_score(totals[unit.code], maxima, rng)
                label = _assessed_label(ref, unit, on, k)
                for crit, score in zip(criteria, scores):
                    reason = (
                        DEDUCTIONS.get(crit.criterion_code) if score < crit.max_score - 2 else None
                    )
                    rows.append(
                        [
                            campaign.code,
                            label,
                            crit.criterion_code,
                            score,
                            reason,
                            inspected,
                            (rng.randint(1, 4) if reason else 0),
                        ]
                    )
    return rows


def _campaign_units(ref: Reference, campaign: str, group: str, on: date) -> list[Unit]:
    if group == "town":
        return ref.towns(on)
    if group == "village":
        return ref.villages(on)
    lead = ref.campaign(campaign).lead_unit  # type: ignore[union-attr]
    departments = [u for u in ref.departments(on) if u.code != lead]
    if campaign == "zdgz":
        return [u for u in departments if u.code in ZDGZ_UNITS]
    return departments


def _assessed_label(ref: Reference, unit: Unit, on: date, k: int) -> str:
    if unit.unit_type == "village":
        return unit.code if k % 7 == 3 else ref.village_label(unit, on)
    return unit.name if k % 2 == 0 else unit.code


def _village_bases(ref: Reference, seed: int, year: int) -> dict[str, float]:
    """Each village's level for the year: creation-list villages split across the December
    bars (≥90 demonstration, 80–90 standard, below 80), clear of the boundaries."""
    rng = _rng(seed, "villages", year)
    listed = sorted(ref.creation_list(year, "mlxc"))
    bases: dict[str, float] = {}
    for u in ref.villages(date(year, 1, 1)):
        bases[u.code] = rng.uniform(72, 88)
    for i, code in enumerate(listed):
        band = i % 3
        bases[code] = (rng.uniform(93, 96), rng.uniform(83.5, 87), rng.uniform(72, 76.5))[band]
    return bases


# ---------------------------------------------------------------- the demo


@dataclass
class _YearData:
    year: int
    months: tuple[str, ...]
    projects: list[Project]
    issues: list[Issue]
    paths: list[SeriesPath]
    signings: dict[int, tuple[float, ...]]
    village_bases: dict[str, float]


def _responsible_units(projects: list[Project]) -> list[str]:
    seen: list[str] = []
    for p in projects:
        if p.responsible not in seen:
            seen.append(p.responsible)
    return seen


def _month_files(ref: Reference, data: _YearData, month: str, seed: int) -> list[DemoFile]:
    """Every file of one month."""
    on = _month_date(month)
    m = on.month
    files: list[DemoFile] = []
    rng = _rng(seed, "times", month)
    # econ_indicators (drc)
    name_variant = month == "2014-04"
    econ = _econ_rows(data.paths, ref, m, on, name_variant)
    econ_file = DemoFile(
        f"{month}/drc/econ_indicators.xlsx",
        "econ_indicators",
        "drc",
        month,
        econ,
        _submitted_at(rng, month),
    )
    if month == "2014-10":
        econ_file.path = f"{month}/drc/econ_indicators.csv"
        econ_file.fmt, econ_file.encoding = "csv", "utf-8-sig"
        growth_col = FORMS["econ_indicators"].headers.index("同比增长(%)")
        for i, row in enumerate(econ):
            if row[growth_col] is not None:
                econ_file.text_cells[(i, growth_col)] = f"{_number_text(row[growth_col])}%"
    files.append(econ_file)
    # January: the plan and the targets
    if m == 1:
        files.append(_plan_file(ref, month, data.projects, rng))
        targets = _targets_rows(data.paths, ref, on.year)
        files.append(
            DemoFile(
                f"{month}/drc/annual_targets.xlsx",
                "annual_targets",
                "drc",
                month,
                targets,
                datetime(on.year, 1, 24, 10, rng.randint(0, 59), 0, tzinfo=CST),
            )
        )
    # project progress and issues, per responsible unit
    for unit in _responsible_units(data.projects):
        mine = [p for p in data.projects if p.responsible == unit]
        issues = [i for i in data.issues if i.project.responsible == unit]
        open_note = {
            i.project.code: i.description for i in issues if i.status(m) in ("未解决", "解决中")
        }
        prng = _rng(seed, "progress", month, unit)
        rows = _progress_rows(mine, m, on.year, prng, open_note)
        progress = DemoFile(
            f"{month}/{unit}/project_progress.xlsx",
            "project_progress",
            unit,
            month,
            rows,
            _submitted_at(rng, month),
            note="金额单位：万元",
        )
        for i, p in enumerate(mine):
            if p.yi_month == m:
                col = FORMS["project_progress"].headers.index("本月完成投资(万元)")
                progress.text_cells[(i, col)] = f"{_number_text(p.monthly[m - 1] / 10_000)}亿元"
        if month == "2014-05" and unit == "lce":
            files.append(_rejected_progress(progress))
            progress.path = CORRECTED_FILE
            progress.submitted_at = progress.submitted_at.replace(day=4, hour=15)
        files.append(progress)
        issue_file = DemoFile(
            f"{month}/{unit}/project_issues.xlsx",
            "project_issues",
            unit,
            month,
            _issue_rows(issues, m, on, ref),
            _submitted_at(rng, month),
        )
        if month == "2019-03" and unit == "soc":
            issue_file.path, issue_file.fmt = f"{month}/{unit}/project_issues.csv", "csv"
        files.append(issue_file)
    # investment signings (ist)
    srng = _rng(seed, "signings", month)
    signing_rows = _signing_rows(on.year, m, data.signings.get(m, ()), srng, data.projects)
    signings = DemoFile(
        f"{month}/ist/investment_signings.xlsx",
        "investment_signings",
        "ist",
        month,
        signing_rows,
        _submitted_at(rng, month),
    )
    if month == "2014-03":
        signings.submitted_at = LATE_AT
    if month == "2014-06":
        signings.path, signings.fmt, signings.encoding = (
            f"{month}/ist/investment_signings.csv",
            "csv",
            "gb18030",
        )
    if month == "2019-06":
        headers = FORMS["investment_signings"].headers
        d_col, a_col = headers.index("签约日期"), headers.index("协议投资额(亿元)")
        last = len(signing_rows) - 1
        signings.text_cells[(last, d_col)] = _ymd_zh(signing_rows[last][d_col])  # type: ignore[arg-type]
        j = next(k for k, r in enumerate(signing_rows) if r[a_col] == 0.5)
        signings.text_cells[(j, a_col)] = "5000万元"
    files.append(signings)
    # campaign scores, per lead office of a running campaign
    for lead in sorted({c.lead_unit for c in ref.campaigns_running(on)}):
        rows = _campaign_rows(ref, month, lead, seed, data.village_bases)
        files.append(
            DemoFile(
                f"{month}/{lead}/campaign_scores.xlsx",
                "campaign_scores",
                lead,
                month,
                rows,
                _submitted_at(rng, month),
            )
        )
    return files


def _rejected_progress(good: DemoFile) -> DemoFile:
    """The first 2014-05 lce progress file: a broken YTD chain and a missing amount."""
    headers = FORMS["project_progress"].headers
    month_col = headers.index("本月完成投资(万元)")
    ytd_col = headers.index("1-本月累计完成投资(万元)")
    rows = [list(r) for r in good.rows]
    rows[0][ytd_col] = int(rows[0][ytd_col]) + 300  # type: ignore[arg-type]
    rows[1][month_col] = None
    return DemoFile(
        REJECTED_FILE,
        good.form_code,
        good.unit_code,
        good.month,
        rows,
        good.submitted_at.replace(day=2, hour=11),
        note=good.note,
    )


def _year_data(ref: Reference, seed: int) -> tuple[_YearData, _YearData]:
    p2014 = _projects_2014(ref, seed)
    p2019 = _projects_2019(ref, seed, p2014)
    owners_2019 = tuple(
        u.code for u in ref.departments(date(2019, 1, 1)) if u.code in ISSUE_OWNERS_2014
    )
    for code in ISSUE_OWNERS_2014:
        if ref.unit(code, date(2014, 1, 1)) is None or ref.unit(code, date(2014, 12, 31)) is None:
            raise ValueError(f"demo: issue owner {code!r} is not a department all of 2014")
    y2014 = _YearData(
        2014,
        MONTHS_2014,
        p2014,
        _issues(p2014, ISSUE_OWNERS_2014, 2014, _issue_plan_2014(seed), seed),
        _paths(_series_2014(), ref, 2014, 12, seed),
        _signings_2014(seed),
        _village_bases(ref, seed, 2014),
    )
    y2019 = _YearData(
        2019,
        MONTHS_2019,
        p2019,
        _issues(p2019, owners_2019, 2019, _issue_plan_2019(seed), seed),
        _paths(_series_2019(), ref, 2019, 6, seed),
        dict(SIGNINGS_2019),
        _village_bases(ref, seed, 2019),
    )
    return y2014, y2019


def demo_files(seed: int = 2014, ref: Reference | None = None) -> list[DemoFile]:
    """Every demo file, in month order (nothing written)."""
    ref = ref or load_reference()
    files: list[DemoFile] = []
    for data in _year_data(ref, seed):
        for month in data.months:
            files.extend(_month_files(ref, data, month, seed))
    return files


def write_demo(landing: Path, *, seed: int = 2014) -> list[str]:
    """Write the calibrated demo submissions under `landing`; return the months written."""
    ref = load_reference()
    landing = Path(landing)
    months: list[str] = []
    for demo in demo_files(seed, ref):
        _write_file(landing, demo, ref, seed)
        if demo.month not in months:
            months.append(demo.month)
    return months
