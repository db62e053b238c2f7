"""The monthly bulletin of a fixture month: sections, figures equal to the marts, offline page."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import openpyxl
import pytest
from bulletin_fixture import build_published

from zonewh.bulletin import BulletinError, published_months, write_bulletin
from zonewh.bulletin.charts import cjk_font
from zonewh.bulletin.data import load
from zonewh.bulletin.sections import _lists
from zonewh.config import Paths

CHROMIUM = Path("/usr/bin/chromium")
SECTION_TITLES = [
    "一、主要经济指标",
    "二、重点项目建设",
    "三、招商引资签约",
    "四、考核排名",
    "五、报送情况",
    "六、数据质量",
]
GATE_REPORT = {
    "month": "2019-06",
    "attempt_id": "20190708T020000Z-abc123",
    "passed": True,
    "failures": [],
    "warnings": [
        {
            "code": "W1",
            "name": "growth_jump",
            "source": "gate",
            "message": "固定资产投资增速较上月变动超过15个百分点",
            "examples": [{"indicator_code": "fai"}],
        },
        {"code": "W4", "name": "late_submission", "message": "逾期报送<script>x</script>"},
        '=HYPERLINK("x")',
    ],
}


class Page(HTMLParser):
    """The bulletin page as figures, tables (by id), headings and references."""

    def __init__(self) -> None:
        super().__init__()
        self.figs: dict[str, str] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self.headings: list[str] = []
        self.refs: list[str] = []
        self._fig: str | None = None
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._h2: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name in ("src", "href", "xlink:href", "action", "data"):
            if a.get(name):
                self.refs.append(a[name] or "")
        if tag == "span" and a.get("data-fig"):
            self._fig = a["data-fig"]
            self.figs[self._fig] = ""
        elif tag == "table" and (a.get("id") or "").startswith("t-"):
            self._table = a["id"][2:]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag == "td" and self._table:
            self._cell = []
        elif tag == "h2":
            self._h2 = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            self._fig = None
        elif tag == "table":
            self._table = None
        elif tag == "td" and self._cell is not None and self._table:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "h2" and self._h2 is not None:
            self.headings.append("".join(self._h2).strip())
            self._h2 = None

    def handle_data(self, data: str) -> None:
        if self._fig:
            self.figs[self._fig] += data
        if self._cell is not None:
            self._cell.append(data)
        if self._h2 is not None:
            self._h2.append(data)

    def rows(self, table: str) -> list[list[str]]:
        return [r for r in self.tables[table] if r]


def num(text: str) -> float:
    """A figure as written: `417亿元` → 4170000 万元, `3.5万元` → 3.5, `50.4%` → 50.4."""
    value = float(re.sub(r"[^0-9.+-]", "", text))
    return value * 10000 if text.endswith("亿元") else value


def _publish_fixture(home: Path) -> Paths:
    p = Paths(home=home, landing=home / "landing").ensure()
    build_published(p.published)
    gate = p.reports / "2019-06" / "gate"
    gate.mkdir(parents=True)
    (gate / "20190708T020000Z-abc123.json").write_text(
        json.dumps(GATE_REPORT, ensure_ascii=False), encoding="utf-8"
    )
    (gate / "20190707T020000Z-def456.json").write_text(
        json.dumps({"passed": False, "warnings": [{"code": "W9"}]}), encoding="utf-8"
    )
    return p


@pytest.fixture
def published(tmp_path: Path) -> Paths:
    return _publish_fixture(tmp_path / "home")


@pytest.fixture(scope="module")
def bulletin(tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, list[Path], Page]:
    """The 2019-06 bulletin, written once for the module (charts and PDF take seconds)."""
    p = _publish_fixture(tmp_path_factory.mktemp("bulletin") / "home")
    before = hashlib.sha256(p.published.read_bytes()).hexdigest()
    files = write_bulletin("2019-06", p)
    assert hashlib.sha256(p.published.read_bytes()).hexdigest() == before
    page = Page()
    page.feed(files[0].read_text(encoding="utf-8"))
    return p, files, page


def q(p: Paths, sql: str) -> list[tuple]:
    con = duckdb.connect(str(p.published), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_files_and_sections(bulletin: tuple[Paths, list[Path], Page]) -> None:
    p, files, page = bulletin
    out = p.reports / "2019-06"
    assert files[:2] == [out / "bulletin.html", out / "bulletin.xlsx"]
    html = files[0].read_text(encoding="utf-8")
    assert "焦作城乡一体化示范区2019年6月份重点工作月度通报" in html
    assert page.headings == SECTION_TITLES
    assert html.count("<svg") >= 3
    assert "<text" not in html  # chart text drawn as paths: no font needed to view them
    assert cjk_font() is not None, "install a CJK font (fonts-noto-cjk) for the charts"
    assert not list(out.glob("*.part"))


def test_economy_figures_equal_the_marts(bulletin: tuple[Paths, list[Path], Page]) -> None:
    p, _, page = bulletin
    rows = q(
        p,
        "select indicator_code, value_ytd, yoy_growth_pct, city_rank, target_completion_pct "
        "from marts.economic_indicators where month = date '2019-06-01' and cluster = ''",
    )
    for code, ytd, growth, rank, _ in rows:
        if ytd is not None:
            assert num(page.figs[f"economy.{code}.value_ytd"]) == pytest.approx(ytd, abs=50)
        if growth is not None:
            assert num(page.figs[f"economy.{code}.growth"]) == pytest.approx(growth, abs=0.05)
        if rank is not None:
            assert int(page.figs[f"economy.{code}.rank"]) == rank
    assert page.figs["economy.gdp.value_ytd"] == "74亿元"
    assert page.figs["economy.gdp.growth"] == "8.7%"
    assert page.figs["economy.budget_revenue.value_ytd"] == "6.23亿元"
    table = {r[0]: r for r in page.rows("economy")}
    by_name = q(
        p,
        "select indicator_name, target_completion_pct, yoy_growth_pct from "
        "marts.economic_indicators where month = date '2019-06-01' and cluster = ''",
    )
    for name, completion, growth in by_name:
        if completion is not None:
            assert float(table[name][6]) == pytest.approx(completion, abs=0.05)
    # change from the previous month, in points
    assert table["固定资产投资"][4] == "-1.8"
    assert table["一般公共预算收入"][4] == "+0.8"


def test_project_figures_equal_the_marts(bulletin: tuple[Paths, list[Path], Page]) -> None:
    p, _, page = bulletin
    [(n, total, plan, ytd, lagging)] = q(
        p,
        "select count(*), sum(total_investment_wan), sum(annual_plan_wan), "
        "sum(invested_ytd_wan), count(*) filter (where is_lagging) "
        "from marts.project_investment where month = date '2019-06-01'",
    )
    assert int(page.figs["projects.count"]) == n == 119
    assert num(page.figs["projects.total_wan"]) == pytest.approx(total, abs=50)
    assert num(page.figs["projects.ytd_wan"]) == pytest.approx(ytd, abs=50)
    assert page.figs["projects.ytd_wan"] == "65.2亿元"
    assert num(page.figs["projects.completion"]) == pytest.approx(ytd / plan * 100, abs=0.05)
    assert page.figs["projects.completion"] == "50.4%"
    assert num(page.figs["projects.gap"]) == pytest.approx(ytd / plan * 100 - 50, abs=0.05)
    assert int(page.figs["projects.lagging"]) == lagging == 40
    # the page lists the fifteen furthest behind; the sentence under it gives the total
    gaps = [
        g
        for (g,) in q(
            p,
            "select progress_gap_pp from marts.project_investment where "
            "is_lagging and month = date '2019-06-01' order by 1 limit 15",
        )
    ]
    shown = page.rows("projects_lagging")
    assert [float(r[7]) for r in shown] == pytest.approx(gaps, abs=0.05)
    html = bulletin[1][0].read_text(encoding="utf-8")
    assert "进度滞后项目共40个，上表列出与时间进度差距最大的15个" in html
    assert page.figs["projects.level.市重点.completion"] == "84.0%"
    assert page.figs["projects.level.市重点.gap"] == "34.0"
    levels = q(
        p,
        "select level, count(*), sum(total_investment_wan) / 10000, sum(invested_ytd_wan) "
        "/ sum(annual_plan_wan) * 100 from marts.project_investment "
        "where month = date '2019-06-01' group by level",
    )
    table = {r[0]: r for r in page.rows("projects_by_level")}
    for level, count, total_yi, completion in levels:
        assert int(table[level][1]) == count
        assert float(table[level][2]) == pytest.approx(total_yi, abs=0.005)
        assert float(table[level][5]) == pytest.approx(completion, abs=0.05)
    categories = dict(
        q(
            p,
            "select category, count(*) from marts.project_investment "
            "where month = date '2019-06-01' group by category",
        )
    )
    assert {r[0]: int(r[1]) for r in page.rows("projects_by_category")} == categories
    # issues: overdue first, counts by owner
    [(issues, overdue)] = q(
        p,
        "select count(*), count(*) filter (where is_overdue) from marts.project_issues "
        "where month = date '2019-06-01'",
    )
    assert int(page.figs["issues.count"]) == issues
    assert int(page.figs["issues.overdue"]) == overdue
    open_rows = page.rows("issues_open")
    flags = [r[6] for r in open_rows]
    assert flags == sorted(flags, key=lambda f: f != "超期") and flags.count("超期") == overdue
    owners = {r[0]: int(r[4]) for r in page.rows("issues_by_owner")}
    assert owners["区国土建设环保局"] == 1 and owners["区交通运输局"] == 1


def test_signings_rewards_submissions(bulletin: tuple[Paths, list[Path], Page]) -> None:
    p, _, page = bulletin
    assert page.figs["signings.ytd_count"] == "25"
    assert page.figs["signings.ytd_wan"] == "125亿元"
    bands = dict(q(p, "select size_band, count(*) from marts.investment_signings group by 1"))
    for band, count in bands.items():
        assert int(page.figs[f"signings.band.{band}"]) == count
    [(month_count, month_wan)] = q(
        p,
        "select count(*), sum(agreed_investment_wan) from marts.investment_signings "
        "where month = date '2019-06-01'",
    )
    assert int(page.figs["signings.month_count"]) == month_count
    assert num(page.figs["signings.month_wan"]) == pytest.approx(month_wan, abs=50)

    [(paid_month, paid_year)] = q(
        p,
        "select sum(amount_wan) filter (where month = date '2019-06-01' and amount_wan > 0), "
        "sum(amount_wan) filter (where amount_wan > 0) from marts.campaign_rewards",
    )
    assert num(page.figs["rewards.month_paid"]) == pytest.approx(paid_month, abs=0.05)
    assert num(page.figs["rewards.ytd_paid"]) == pytest.approx(paid_year, abs=0.05)
    ranks = q(
        p,
        "select s.rank, s.total_score from marts.campaign_scores s where "
        "month = date '2019-06-01' and campaign_code = 'mlxc' and unit_group = 'town' "
        "order by rank, unit_code",
    )
    table = page.rows("campaign_mlxc_town")
    assert [(int(r[0]), float(r[2])) for r in table] == [(r, s) for r, s in ranks]
    assert len(page.rows("campaign_mlxc_village")) == 15  # top ten and bottom five
    lists = page.rows("campaign_lists")
    assert {r[2] for r in lists} == {"红榜", "黑榜"}
    assert {r[1] for r in lists} == {"乡镇（街道）", "区直部门"}
    assert not [r for r in page.rows("rewards") if r[1] == "四城联创"]  # lists carry no money
    assert page.rows("campaign_quarter_last")  # June closes a quarter: zdgz names its last

    statuses = dict(
        q(
            p,
            "select status, count(*) from marts.submission_status "
            "where month = date '2019-06-01' group by 1",
        )
    )
    for status in ("on_time", "late", "rejected", "missing", "waived"):
        assert int(page.figs[f"submissions.{status}"]) == statuses.get(status, 0)
    by_unit = {r[0]: r for r in page.rows("submissions_by_unit")}
    assert by_unit["区卫计委"][1:] == ["2", "1", "1", "0", "0", "0"]
    assert by_unit["文苑街道"][4] == "1"
    exceptions = {r[0]: r for r in page.rows("submissions_exceptions")}
    assert exceptions["文苑街道"][3:5] == ["退回未重报", "2019-07-03 09:30"]  # CST
    assert exceptions["区招商局"][3] == "逾期报送"


def test_lists_from_rewards_agree_with_ranks(bulletin: tuple[Paths, list[Path], Page]) -> None:
    """The red/black lists come from campaign_rewards; computed from ranks they are the same."""
    p, _, page = bulletin
    data = load(dt.date(2019, 6, 1), p.published, p.reports)
    month_scores = [r for r in data.scores if r["month"] == data.month]
    from_rewards = _lists(data, month_scores)
    assert from_rewards == [[c if c is not None else "" for c in r] for r in from_rewards]
    data.rewards = [r for r in data.rewards if not r["rule_code"].startswith("scsc_")]
    assert sorted(_lists(data, month_scores)) == sorted(from_rewards)
    assert len(from_rewards) == len(page.rows("campaign_lists")) == 4


def test_quality_section(bulletin: tuple[Paths, list[Path], Page]) -> None:
    page = bulletin[2]
    warnings = page.rows("quality_warnings")
    assert [w[0] for w in warnings] == ["W1", "W4", ""]  # the passing attempt's, not W9
    assert warnings[0][3] == "1"
    assert page.figs["quality.warnings"] == "3"
    assert warnings[1][2] == "逾期报送<script>x</script>"  # shown as text, escaped in the page
    assert "逾期报送&lt;script&gt;" in bulletin[1][0].read_text(encoding="utf-8")
    assert page.rows("quality_revisions") == [["2019-05"]]


def test_excel_carries_the_same_figures(bulletin: tuple[Paths, list[Path], Page]) -> None:
    p, files, page = bulletin
    wb = openpyxl.load_workbook(files[1])
    assert wb.sheetnames == [
        "主要经济指标",
        "重点项目",
        "招商引资签约",
        "考核排名",
        "报送情况",
        "数据质量",
        # every row of the tables the page shortens
        "进度滞后项目清单",
        "问题按责任部门",
        "美丽乡村建设·行政村排名",
        "奖惩兑现清单",
        "各单位报送情况",
    ]
    [(lagging,)] = q(p, "select count(*) from marts.project_investment where is_lagging")
    annex = list(wb["进度滞后项目清单"].iter_rows(min_row=4, values_only=True))
    assert len([r for r in annex if r[0]]) == lagging
    villages = list(wb["美丽乡村建设·行政村排名"].iter_rows(min_row=4, values_only=True))
    assert len([r for r in villages if r[0] is not None]) == 104

    def table(sheet: str, title: str) -> list[tuple]:
        ws = wb[sheet]
        rows = list(ws.iter_rows(values_only=True))
        start = next(i for i, r in enumerate(rows) if r[0] == title) + 2
        out = []
        for r in rows[start:]:
            if r[0] is None:
                break
            out.append(r)
        return out

    levels = {r[0]: r for r in table("重点项目", "按项目级别")}
    for level, count, total_yi, completion in q(
        p,
        "select level, count(*), sum(total_investment_wan) / 10000, sum(invested_ytd_wan) "
        "/ sum(annual_plan_wan) * 100 from marts.project_investment group by level",
    ):
        assert levels[level][1] == count
        assert levels[level][2] == pytest.approx(total_yi, abs=0.005)
        assert levels[level][5] == pytest.approx(completion, abs=0.05)
    html_rows = page.rows("projects_by_level")
    for r in html_rows:
        assert f"{levels[r[0]][2]:.2f}" == r[2]
    econ = {r[0]: r for r in table("主要经济指标", "1-6月主要经济指标完成情况")}
    assert econ["地区生产总值"][2] == 74 and econ["地区生产总值"][3] == 8.7
    band_total = table("招商引资签约", "按投资规模")[-1]
    assert band_total[0] == "合计" and band_total[3] == 25 and band_total[4] == 125
    # prose is in the sheets too, and risky text from a report is escaped, not a formula
    quality = [r for r in wb["数据质量"].iter_rows(values_only=True)]
    cells = [c for r in quality for c in r if isinstance(c, str)]
    assert '\'=HYPERLINK("x")' in cells
    first = wb["重点项目"]["A3"].value
    assert "完成年度计划的50.4%" in first


def test_a_month_with_little_data(published: Paths) -> None:
    """2019-05: no project rows, no earlier growth to compare with; every section still there."""
    files = write_bulletin("2019-05", published)
    page = Page()
    page.feed(files[0].read_text(encoding="utf-8"))
    assert page.headings == SECTION_TITLES
    html = files[0].read_text(encoding="utf-8")
    assert "本月无重点项目数据" in html and "本次发布未修订以前月份数据" in html
    assert page.figs["economy.fai.growth"] == "21.3%"
    assert "六项重点工作督查" not in html or "季度考核末位" not in html


def test_without_reference_tables(published: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """A published file without the reference schema still gives a bulletin (codes for names)."""
    con = duckdb.connect(str(published.published))
    con.execute("drop schema reference cascade")
    con.close()
    monkeypatch.setenv("ZONEWH_BULLETIN_PDF", "0")
    files = write_bulletin("2019-06", published)
    assert [f.name for f in files] == ["bulletin.html", "bulletin.xlsx"]
    page = Page()
    page.feed(files[0].read_text(encoding="utf-8"))
    assert page.headings == SECTION_TITLES
    assert page.figs["projects.count"] == "119"
    assert "hfp" in {r[0] for r in page.rows("submissions_by_unit")}


def test_unpublished_month_and_missing_file(published: Paths) -> None:
    assert published_months(published) == ["2019-05", "2019-06"]
    with pytest.raises(BulletinError, match="2019-07 is not published"):
        write_bulletin("2019-07", published)
    with pytest.raises(ValueError, match="YYYY-MM"):
        write_bulletin("June", published)
    published.published.unlink()
    with pytest.raises(BulletinError, match="no published file"):
        write_bulletin("2019-06", published)
    assert published_months(published) == []


def test_page_references_nothing_outside(bulletin: tuple[Paths, list[Path], Page]) -> None:
    _, files, page = bulletin
    html = files[0].read_text(encoding="utf-8")
    assert page.refs == [] or all(r.startswith("#") for r in page.refs)
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", html, re.IGNORECASE)
    assert "<script" not in html.lower() and "@import" not in html
    assert re.findall(r"url\((?!#)", html) == []  # only the charts' own clip paths
    assert "<link" not in html.lower()


def _page_requests(netlog: Path) -> tuple[list[str], list[str], list[str]]:
    """URLs the page asked for, URLs the browser itself asked for, and network actions."""
    log = json.loads(netlog.read_text(encoding="utf-8"))
    types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    page, browser, network = [], [], []
    for e in log["events"]:
        kind = types[e["type"]]
        params = e.get("params") or {}
        if kind == "URL_REQUEST_START_JOB" and "url" in params:
            if params.get("initiator") == "not an origin":
                browser.append(params["url"])
            else:
                page.append(params["url"])
        if kind in ("TCP_CONNECT", "SSL_CONNECT", "UDP_BYTES_SENT", "SOCKET_BYTES_SENT"):
            network.append(kind)
    return page, browser, network


def _screenshot(page: Path, folder: Path) -> tuple[Path, Path, str]:
    """Load a page in offline headless Chromium; the screenshot, its net log and stderr."""
    shot, netlog = folder / f"{page.stem}.png", folder / f"{page.stem}.net.json"
    proc = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={folder / ('profile-' + page.stem)}",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--log-net-log={netlog}",
            "--window-size=1200,3000",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    return shot, netlog, proc.stderr.decode(errors="replace")[-2000:]


def test_page_renders_offline_in_chromium(
    bulletin: tuple[Paths, list[Path], Page], tmp_path: Path
) -> None:
    assert CHROMIUM.exists(), "install chromium (apt-get install -y chromium)"
    _, files, _ = bulletin
    shot, netlog, stderr = _screenshot(files[0], tmp_path)
    assert shot.exists() and shot.stat().st_size > 50_000, stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page, browser, network = _page_requests(netlog)
    assert page == [], page  # the page asked for nothing (file:// loads are not in the log)
    # the browser's own background calls (updates, sign-in) never got a connection
    assert network == [], (network, browser)
    shutil.copy(shot, files[0].with_name("bulletin.png"))

    # the same check sees a page that does reach out
    canary = tmp_path / "canary.html"
    canary.write_text('<img src="http://bulletin-canary.invalid/x.png">', encoding="utf-8")
    _, canary_log, _ = _screenshot(canary, tmp_path)
    page, _, network = _page_requests(canary_log)
    assert page == ["http://bulletin-canary.invalid/x.png"] and network == []


def test_pdf_when_chromium_is_present(bulletin: tuple[Paths, list[Path], Page]) -> None:
    _, files, _ = bulletin
    assert CHROMIUM.exists()
    pdf = files[0].with_name("bulletin.pdf")
    assert pdf in files
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-"
    assert b"CJK" in data  # a Chinese font is embedded, not boxes
