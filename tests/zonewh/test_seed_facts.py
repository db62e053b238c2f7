"""The seed facts (DOMAIN.md) read back from the published demo file.

One module-scoped fixture runs `zonewh demo` (every demo month: ingest, dbt, gate, publish)
into a fresh home; each test queries `published/zone.duckdb` read-only, as an analyst would.
Money, percentages and points are DECIMAL there: they read back as `Decimal`, compared
with the figures as written.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from rich.console import Console

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    from zonewh.config import paths
    from zonewh.demo.run import run_demo

    mp = pytest.MonkeyPatch()
    mp.setenv("ZONEWH_HOME", str(tmp_path_factory.mktemp("demo") / "home"))
    mp.delenv("ZONEWH_LANDING", raising=False)
    try:
        out = io.StringIO()
        code = run_demo(Console(file=out, width=200))
        assert code == 0, out.getvalue()
        return paths().published
    finally:
        mp.undo()


def q(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_every_demo_month_is_published_with_its_vintage(published):
    months = [
        m
        for (m,) in q(
            published,
            "select distinct strftime(month, '%Y-%m') from marts.submission_status order by 1",
        )
    ]
    assert months == [f"2014-{m:02d}" for m in range(1, 13)] + [
        f"2019-{m:02d}" for m in range(1, 7)
    ]
    assert sorted(p.stem for p in (published.parent / "vintages").glob("*.duckdb")) == months
    logged = q(published, "select count(*) from marts.publication_log where published")
    assert logged == [(18,)]


def test_2014_11_key_projects(published):
    rows = q(
        published,
        "select category, count(*), sum(total_investment_wan), sum(invested_ytd_wan), "
        "sum(annual_plan_wan) from marts.project_investment where month = '2014-11-01' "
        "group by all",
    )
    assert {c: n for c, n, *_ in rows} == {
        "工业": 18,
        "服务业": 10,
        "基础设施": 1,
        "社会事业": 3,
        "房地产": 2,
    }
    total = sum(r[2] for r in rows)
    assert round(total / 10_000, 2) == Decimal("245.79")
    assert round(sum(r[3] for r in rows) / sum(r[4] for r in rows) * 100) == 85


def test_2014_11_issue_ledger(published):
    [(issues, owners)] = q(
        published,
        "select count(*), count(distinct owner_unit) from marts.project_issues "
        "where month = '2014-11-01'",
    )
    assert (issues, owners) == (51, 16)
    statuses = dict(
        q(
            published,
            "select status, count(*) from marts.project_issues where month = '2014-11-01' "
            "group by 1",
        )
    )
    assert statuses == {"已解决": 44, "解决中": 6, "未解决": 1}


def test_2014_12_cluster_output_and_enterprises(published):
    output = {
        c: (round(v), g)
        for c, v, g in q(
            published,
            "select cluster, value_ytd, yoy_growth_pct from marts.economic_indicators "
            "where month = '2014-12-01' and indicator_code = 'industry_output'",
        )
    }
    assert output["equipment"] == (1_800_000, Decimal("18.5"))
    assert output["materials"] == (300_000, Decimal("44.0"))
    assert output["electronics"][0] == 10_000
    assert output["food"] == (700_000, Decimal("16.7"))
    assert output[""] == (2_810_000, Decimal("20.9"))
    new = dict(
        q(
            published,
            "select cluster, value_ytd from marts.economic_indicators "
            "where month = '2014-12-01' and indicator_code = 'new_enterprises_above'",
        )
    )
    assert {c: round(v) for c, v in new.items()} == {
        "": 18,
        "equipment": 12,
        "materials": 3,
        "electronics": 1,
        "food": 2,
    }
    [(above,)] = q(
        published,
        "select value_month from marts.economic_indicators where month = '2014-12-01' "
        "and indicator_code = 'enterprises_above' and cluster = ''",
    )
    assert round(above) == 87


def test_mlxc_rewards_aug_sep_2014_total_26_wan(published):
    [(paid,)] = q(
        published,
        "select sum(amount_wan) from marts.campaign_rewards where campaign_code = 'mlxc' "
        "and month in ('2014-08-01', '2014-09-01')",
    )
    assert round(paid, 2) == 26.0
    ranked = q(
        published,
        "select count(*) from marts.campaign_scores where campaign_code = 'mlxc' "
        "and month = '2014-08-01' and unit_group = 'town'",
    )
    assert ranked == [(6,)]


def test_2019_06_indicators(published):
    rows = {
        code: (value, growth, rank)
        for code, value, growth, rank in q(
            published,
            "select indicator_code, value_ytd, yoy_growth_pct, city_rank "
            "from marts.economic_indicators where month = '2019-06-01' and cluster = ''",
        )
    }
    assert round(rows["gdp"][0]) == 740_000
    assert rows["gdp"][1:] == (Decimal("8.7"), 2)
    assert rows["va_tertiary"][1:] == (Decimal("10.5"), 1)
    assert rows["va_industry"][1:] == (Decimal("9.2"), 1)
    assert rows["fai"][1:] == (Decimal("19.5"), 1)
    assert rows["retail"][1] == Decimal("11.0")
    assert round(rows["budget_revenue"][0]) == 62_300
    assert rows["budget_revenue"][1] == Decimal("8.0")


def test_2019_06_key_projects(published):
    [(n, total, ytd, plan)] = q(
        published,
        "select count(*), sum(total_investment_wan), sum(invested_ytd_wan), "
        "sum(annual_plan_wan) from marts.project_investment where month = '2019-06-01'",
    )
    assert n == 119
    assert round(total / 10_000) == 417
    assert round(ytd) == 652_000
    assert round(ytd / plan * 100, 1) == Decimal("50.4")
    [(key_ytd, key_plan, time_progress)] = q(
        published,
        "select sum(invested_ytd_wan), sum(annual_plan_wan), max(time_progress_pct) "
        "from marts.project_investment where month = '2019-06-01' "
        "and level in ('省重点', '市重点')",
    )
    done = key_ytd / key_plan * 100
    assert round(done, 1) == 84.0
    assert round(done - time_progress, 1) == 34.0
    mengniu = q(
        published,
        "select project_name from marts.project_investment where month = '2019-06-01' "
        "and level = '省重点'",
    )
    assert len(mengniu) == 1 and "蒙牛" in mengniu[0][0]


def test_2019_h1_signings(published):
    rows = q(
        published,
        "select size_band, count(*), sum(agreed_investment_wan) from marts.investment_signings "
        "where month between '2019-01-01' and '2019-06-01' group by 1",
    )
    bands = {b: n for b, n, _ in rows}
    assert sum(bands.values()) == 25
    assert round(sum(s for *_, s in rows) / 10_000, 2) == 125.0
    assert bands[">=10亿"] == 5
    assert bands["1-10亿"] == 10


def test_a_2014_11_project_figure_traces_to_its_file_and_excel_row(published):
    """An analyst's trace: a published project figure → its submission (marts.submissions) →
    the archived file as it was read → the Excel row the submitter sees, holding the value."""
    from openpyxl import load_workbook

    [(code, ytd, sid, row, responsible)] = q(
        published,
        "select project_code, invested_ytd_wan, submission_id, source_row, responsible_unit "
        "from marts.project_investment where month = date '2014-11-01' "
        "and invested_ytd_wan > 0 order by project_code limit 1",
    )
    [(archive, unit, form, version)] = q(
        published,
        "select archive_path, unit_code, form_code, version from marts.submissions "
        "where submission_id = ?",
        [sid],
    )
    assert form == "project_progress" and version >= 1 and unit == responsible
    path = published.parent.parent / archive
    assert path.is_file(), path
    sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    cells = [c.value for c in next(sheet.iter_rows(min_row=row, max_row=row))]
    assert code in [str(c) for c in cells]
    numbers = []
    for c in cells:
        try:
            numbers.append(Decimal(str(c).replace(",", "")))
        except ArithmeticError:
            continue
    assert ytd in numbers  # the 1-本月累计 the submitter wrote, in 万元
