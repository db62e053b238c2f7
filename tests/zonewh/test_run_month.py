"""The monthly run (zonewh.steps): what it expects, what it ingests, bad months it must block,
revisions, and months in order.

The slow scenarios publish the demo's 2019-01, then break one file of 2019-02 (a missing
submission, a broken year-to-date chain, a nominal growth rate that disagrees with its
values, an unscored criterion) and run 2019-02: each must be blocked with the right check
named and `published/` left byte-identical. Where intake already rejects the broken file,
the month has a rejected submission and B1 must name that unit and form.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from homes import BASE, MONTH, hashes
from openpyxl import load_workbook

from ingest.store import open_store
from zonewh.config import paths
from zonewh.publish import log as publication_log
from zonewh.steps import EXIT_BLOCKED, EXIT_WAITING, missing_mandatory, run_month


def test_missing_mandatory_lists_every_expected_pair_before_anything_arrives(home):
    missing = missing_mandatory("2019-06", home)
    for pair in [
        ("drc", "econ_indicators"),
        ("ist", "investment_signings"),
        ("agr", "campaign_scores"),
        ("scc", "campaign_scores"),
        ("ins", "campaign_scores"),
    ]:
        assert pair in missing
    assert ("drc", "key_project_plan") not in missing  # January only
    assert ("drc", "key_project_plan") in missing_mandatory("2019-01", home)


def test_the_run_ingests_every_month_with_new_files(home):
    from zonewh.steps import ingest

    for month, name in [("2019-01", "econ_indicators.csv"), ("2019-03", "econ_indicators.csv")]:
        folder = home.landing / month / "drc"
        folder.mkdir(parents=True)
        (folder / name).write_text("指标代码\n", encoding="utf-8")
    report = ingest("2019-02", home)
    assert report.months == ["2019-01", "2019-02", "2019-03"]
    assert report.processed == 2
    assert ingest("2019-02", home).processed == 0


@pytest.mark.slow
def test_a_month_with_nothing_submitted_blocks_naming_every_return(home, monkeypatch):
    """Nothing received at all (every file still being written, say): B1 still knows what
    was owed and names each return; the run says why the files were not taken."""
    from typer.testing import CliRunner

    from zonewh.cli import app

    monkeypatch.setenv("ZONEWH_QUIET_SECONDS", "3600")
    folder = home.landing / "2019-01" / "drc"
    folder.mkdir(parents=True)
    (folder / "econ_indicators.csv").write_text("指标代码\n", encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "250")
    ran = CliRunner().invoke(app, ["run", "--month", "2019-01"])
    assert ran.exit_code == EXIT_BLOCKED, ran.output
    assert "1 file(s) left for the next run" in ran.output
    assert "B1 必报报表齐全" in ran.output
    assert "报表 主要经济指标完成情况（econ_indicators）" in ran.output
    assert "报表 年度重点项目计划表（key_project_plan）" in ran.output
    assert not (home.published_dir / "zone.duckdb").exists()


# ------------------------------------------------------------------ slow scenarios


@pytest.fixture
def scenario(published_base, demo_landing, tmp_path, monkeypatch):
    """A copy of the published base with the demo's 2019-02 files in landing."""
    root = tmp_path / "home"
    shutil.copytree(published_base, root)
    monkeypatch.setenv("ZONEWH_HOME", str(root))
    monkeypatch.delenv("ZONEWH_LANDING", raising=False)
    p = paths()
    shutil.copytree(demo_landing / MONTH, p.landing / MONTH)
    return p


def _edit(path: Path, header: str, pick, change) -> None:
    """Change the first data cell under `header` in a row `pick(row_values)` accepts."""
    book = load_workbook(path)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows())
    for i, row in enumerate(rows):
        names = [c.value for c in row]
        if header in names:
            col = names.index(header)
            for data in rows[i + 1 :]:
                values = {names[j]: c.value for j, c in enumerate(data) if j < len(names)}
                if pick(values):
                    change(data, col, values)
                    book.save(path)
                    return
    raise AssertionError(f"{header} not found in {path}")


def _delete_row(path: Path, header: str, pick) -> None:
    book = load_workbook(path)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows())
    for i, row in enumerate(rows):
        names = [c.value for c in row]
        if header in names:
            for data in rows[i + 1 :]:
                values = {names[j]: c.value for j, c in enumerate(data) if j < len(names)}
                if pick(values):
                    sheet.delete_rows(data[0].row)
                    book.save(path)
                    return
    raise AssertionError(f"no row to delete in {path}")


def _number(value) -> float:
    return float(str(value).replace(",", "").replace("万元", "").replace("%", ""))


def _assert_blocked(p, before, unit: str, form: str, code: str) -> None:
    result = run_month(MONTH, p)
    assert not result.published and result.exit_code == EXIT_BLOCKED
    assert hashes(p.published_dir) == before
    con = open_store(p, read_only=True)
    with con:
        statuses = [
            r[0]
            for r in con.execute(
                "select status from raw.submissions where month = ?::date and unit_code = ? "
                "and form_code = ? order by version",
                [f"{MONTH}-01", unit, form],
            ).fetchall()
        ]
    rejected = not statuses or all(s == "rejected" for s in statuses)
    expected = "B1" if rejected else code
    named = [c for c in result.gate.failures if c.code == expected]
    assert named, [(c.code, c.message_en) for c in result.gate.failures]
    assert result.gate.failing_codes.count(expected) == 1  # reported once
    if expected == "B1":
        assert any(
            (e.get("unit_code"), e.get("form_code")) == (unit, form)
            for c in named
            for e in c.examples
        )
    # the blocked attempt is in the log of record, not in published/
    logged = [r for r in publication_log.read(p) if r["month"] == f"{MONTH}-01"]
    assert logged and all(not r["published"] for r in logged)
    assert expected in logged[-1]["failing_checks"].split(",")
    assert not (p.home / "runs").exists() or not list((p.home / "runs").iterdir())


@pytest.mark.slow
def test_a_missing_mandatory_submission_blocks(scenario, monkeypatch):
    from typer.testing import CliRunner

    from zonewh.cli import app

    before = hashes(scenario.published_dir)
    (scenario.landing / MONTH / "drc" / "econ_indicators.xlsx").unlink()
    assert ("drc", "econ_indicators") in missing_mandatory(MONTH, scenario)
    monkeypatch.setenv("COLUMNS", "250")
    ran = CliRunner().invoke(app, ["run", "--month", MONTH])
    assert ran.exit_code == 1, ran.output
    assert "B1 必报报表齐全" in ran.output and "区发展改革局（drc）" in ran.output
    assert "报表 主要经济指标完成情况（econ_indicators）" in ran.output
    assert "b1_mandatory_submissions" not in ran.output  # dbt's own log stays in its file
    assert hashes(scenario.published_dir) == before
    _assert_blocked(scenario, before, "drc", "econ_indicators", "B1")


@pytest.mark.slow
def test_a_broken_ytd_chain_blocks(scenario):
    before = hashes(scenario.published_dir)
    path = next((scenario.landing / MONTH).glob("*/project_progress.xlsx"))
    unit = path.parent.name
    header = "1-本月累计完成投资(万元)"

    def bump(row, col, values):
        row[col].value = _number(values[header]) + 500

    _edit(path, header, lambda v: v.get("项目编号") not in (None, ""), bump)
    _assert_blocked(scenario, before, unit, "project_progress", "B3")


@pytest.mark.slow
def test_a_nominal_growth_rate_that_disagrees_blocks(scenario):
    before = hashes(scenario.published_dir)
    path = scenario.landing / MONTH / "drc" / "econ_indicators.xlsx"
    header = "同比增长(%)"

    def skew(row, col, values):
        row[col].value = _number(values[header]) + 5

    _edit(path, header, lambda v: v.get("指标代码") == "retail", skew)
    _assert_blocked(scenario, before, "drc", "econ_indicators", "B5")


@pytest.mark.slow
def test_an_unscored_criterion_blocks(scenario):
    before = hashes(scenario.published_dir)
    path = scenario.landing / MONTH / "agr" / "campaign_scores.xlsx"
    _delete_row(path, "得分", lambda v: v.get("考核项目") == "mlxc")
    _assert_blocked(scenario, before, "agr", "campaign_scores", "B7")


@pytest.mark.slow
def test_a_resubmission_of_a_published_month_is_carried_as_a_revision(scenario):
    path = scenario.landing / BASE / "drc" / "econ_indicators.xlsx"
    header = "全市排名"

    def rerank(row, col, values):
        row[col].value = 7 if values[header] != 7 else 6

    _edit(path, header, lambda v: v.get("指标代码") == "retail", rerank)
    sql = (
        "select city_rank from marts.economic_indicators where month = '2019-01-01' "
        "and indicator_code = 'retail' and cluster = ''"
    )
    with duckdb.connect(str(scenario.published), read_only=True) as con:
        [(before,)] = con.execute(sql).fetchall()
    result = run_month(MONTH, scenario)
    assert result.published, [(c.code, c.message_en) for c in result.gate.failures]
    assert result.revised_months == [BASE]
    [w5] = [w for w in result.gate.warnings if w.code == "W5"]
    assert w5.examples == [{"month": f"{BASE}-01", "revision": "carried"}]
    with duckdb.connect(str(scenario.published), read_only=True) as con:
        [(after,)] = con.execute(sql).fetchall()
        [(revised,)] = con.execute(
            "select revised_months from marts.publication_log where month = '2019-02-01'"
        ).fetchall()
    assert after == (7 if before != 7 else 6)
    assert revised == BASE
    with duckdb.connect(str(scenario.vintages / f"{BASE}.duckdb"), read_only=True) as con:
        assert con.execute(sql).fetchall() == [(before,)]  # the vintage stays as published


def _cluster_exceeds_total(path: Path) -> None:
    """Halve the zone total of industry_output (this year and last, so its growth rate still
    agrees) below the sum of its clusters (B6): a mistake intake cannot see in one row."""
    book = load_workbook(path)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows())
    for i, row in enumerate(rows):
        names = [c.value for c in row]
        if "1-本月累计" in names:
            for data in rows[i + 1 :]:
                values = {names[j]: c.value for j, c in enumerate(data) if j < len(names)}
                if values.get("指标代码") == "industry_output" and not values.get("产业集群"):
                    for header in ("1-本月累计", "上年同期累计", "本月"):
                        cell = data[names.index(header)]
                        if cell.value not in (None, ""):
                            cell.value = _number(cell.value) / 2
                    book.save(path)
                    return
    raise AssertionError(f"no zone total of industry_output in {path}")


@pytest.mark.slow
def test_a_revision_that_fails_its_own_gate_stays_pending_and_visible(scenario):
    sql = "select value_ytd from marts.economic_indicators where month = '2019-01-01' and indicator_code = 'industry_output' and cluster = ''"
    with duckdb.connect(str(scenario.published), read_only=True) as con:
        [(before,)] = con.execute(sql).fetchall()
    _cluster_exceeds_total(scenario.landing / BASE / "drc" / "econ_indicators.xlsx")
    result = run_month(MONTH, scenario)
    assert result.published, [(c.code, c.message_en) for c in result.gate.failures]
    assert result.revised_months == []
    assert result.gate.pending_revisions[0]["month"] == BASE
    assert "B6" in result.gate.pending_revisions[0]["codes"]
    [w5] = [w for w in result.gate.warnings if w.code == "W5"]
    assert {"month": f"{BASE}-01", "revision": "pending", "failing": "B6"} in w5.examples
    with duckdb.connect(str(scenario.published), read_only=True) as con:
        assert con.execute(sql).fetchall() == [(before,)]  # published as it was
    # still pending, still reported, on the next run
    again = run_month(MONTH, scenario)
    assert again.gate.pending_revisions and again.gate.pending_revisions[0]["month"] == BASE


@pytest.mark.slow
def test_a_month_waits_for_an_earlier_blocked_month_unless_the_office_skips_it(
    published_base, demo_landing, tmp_path, monkeypatch
):
    from typer.testing import CliRunner

    from zonewh.cli import app

    root = tmp_path / "home"
    shutil.copytree(published_base, root)
    monkeypatch.setenv("ZONEWH_HOME", str(root))
    p = paths()
    for month in ("2019-02", "2019-03"):
        shutil.copytree(demo_landing / month, p.landing / month)
    (p.landing / "2019-02" / "drc" / "econ_indicators.xlsx").unlink()
    assert run_month("2019-02", p).outcome == "blocked"
    before = hashes(p.published_dir)
    waiting = run_month("2019-03", p)
    assert waiting.outcome == "waiting" and waiting.exit_code == EXIT_WAITING
    assert "publish 2019-02 first" in waiting.error.message_en
    assert "2019-02" in waiting.error.message_zh
    assert hashes(p.published_dir) == before
    monkeypatch.setenv("COLUMNS", "250")
    ran = CliRunner().invoke(app, ["run", "--month", "2019-03"])
    assert ran.exit_code == EXIT_WAITING and "2019-02" in ran.output
    skipped = CliRunner().invoke(
        app,
        [
            "skip",
            "--month",
            "2019-02",
            "--reason",
            "区统计局数据延期，经领导批准不单独发布",
            "--by",
            "督查室 王敏",
        ],
    )
    assert skipped.exit_code == 0, skipped.output
    assert run_month("2019-03", p).published
