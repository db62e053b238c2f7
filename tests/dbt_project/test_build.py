"""dbt builds on a small realistic raw warehouse: contracts, domain figures, month partitions,
the gate's checks, through `zonewh.build.build`."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

import duckdb
import pytest

from ingest.store import open_store
from zonewh import contract
from zonewh.build import (
    build,
    generate_docs,
    month_vars,
    parse_manifest,
    seeds_loaded,
    target_dir,
)
from zonewh.config import Paths
from zonewh.gate.checks import CHECKS

from .rawdata import RawWriter, econ_rows, write_small_warehouse

CONTRACT = {name: mart.column_names for name, mart in contract.tables().items()}
"""The published tables and their columns, from the marts' yml (the one declaration)."""

GATE_CODES = {c.code for c in CHECKS if c.tool == "dbt"}
"""The checks dbt runs (the others are Great Expectations' and the run's)."""


def _home(root: Path) -> Paths:
    return Paths(home=root, landing=root / "landing").ensure()


def _rows(warehouse: Path, mart: str, month: str | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        where = f"where month = date '{month}-01'" if month else ""
        return con.execute(f"select * from marts.{mart} {where} order by all").fetchall()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """The small warehouse built for 2014-11..2014-12 once for the module, with the dbt unit
    tests and the structure tests (a monthly build leaves them out)."""
    p = _home(tmp_path_factory.mktemp("dbt") / "home")
    write_small_warehouse(p)
    result = build(["2014-11", "2014-12"], paths=p, unit_tests=True)
    return p, result


def test_month_vars_span_first_to_last_month():
    assert month_vars(["2014-12", "2014-11"]) == {
        "month_start": "2014-11-01",
        "month_end": "2014-12-01",
    }
    assert month_vars([]) == {}
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_vars(["2014-13"])


@pytest.mark.slow
def test_build_passes_with_unit_tests_and_every_gate_check(built):
    _, result = built
    assert result.success, result.error or [n.message for n in result.failures]
    assert result.failures == []
    unit_tests = [n for n in result.nodes if n.resource_type == "unit_test"]
    assert len(unit_tests) >= 14 and all(n.status == "pass" for n in unit_tests)
    assert {n.gate_code for n in result.tests} >= GATE_CODES
    gate = [n for n in result.tests if n.gate_code]
    assert {n.severity for n in gate if n.gate_code.startswith("B")} == {"error"}
    assert {n.severity for n in gate if n.gate_code.startswith("W")} == {"warn"}
    # the ins office's scores came on the 8th: late, a warning that names unit and form
    late = result.node("w4_late_submission")
    assert late.status == "warn" and late.failures == 2
    p, _ = built
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        rows = con.execute(
            "select month, unit_code, form_code from gate_failures.w4_late_submission order by 1"
        ).fetchall()
    assert [(str(m), u, f) for m, u, f in rows] == [
        ("2014-11-01", "ins", "campaign_scores"),
        ("2014-12-01", "ins", "campaign_scores"),
    ]


@pytest.mark.slow
def test_marts_have_exactly_the_contract_columns(built):
    p, _ = built
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        for mart, columns in CONTRACT.items():
            found = con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'marts' and table_name = ? order by ordinal_position",
                [mart],
            ).fetchall()
            assert tuple(c for (c,) in found) == columns, mart


@pytest.mark.slow
def test_domain_figures(built):
    p, _ = built
    with duckdb.connect(str(p.warehouse), read_only=True) as con:

        def one(sql: str) -> tuple:
            return con.execute(sql).fetchone()

        # 亿元 plan → 万元; 85% of the plan in November, behind time progress but not lagging
        assert one(
            "select total_investment_wan, plan_completion_pct, round(progress_gap_pp, 4), "
            "is_lagging, open_issues, overdue_issues from marts.project_investment "
            "where month = '2014-11-01' and project_code = 'P2014001'"
        ) == (100000.0, 85.0, -6.6667, False, 1, 1)
        # a plan naming its unit by its 2014 name resolves to the code
        assert one(
            "select responsible_unit, town, is_lagging from marts.project_investment "
            "where month = '2014-12-01' and project_code = 'P2014003'"
        ) == ("lce", "ngz", True)
        # budget revenue in 亿元 → 万元, and its target completion
        assert one(
            "select value_ytd, value_month, target_completion_pct from marts.economic_indicators "
            "where month = '2014-12-01' and indicator_code = 'budget_revenue'"
        ) == (60000.0, 5000.0, 100.0)
        # stock: the level in both columns
        assert one(
            "select value_month, value_ytd from marts.economic_indicators "
            "where month = '2014-12-01' and indicator_code = 'enterprises_above' and cluster = ''"
        ) == (92.0, 92.0)
        # a header-only resubmission supersedes: sjz has no issues
        assert one("select count(*) from marts.project_issues where owner_unit = 'sjz'") == (0,)
        assert one(
            "select size_band from marts.investment_signings where signing_code = 'S20141101'"
        ) == (">=10亿",)
        # village named town/village; tied towns share rank 2 (nobody third, no +2)
        assert one(
            "select unit_code, unit_name, unit_group, rank, previous_rank "
            "from marts.campaign_scores where month = '2014-12-01' and unit_code = 'ymz001'"
        ) == ("ymz001", "杨庄村", "village", 5, 5)
        assert con.execute(
            "select unit_code, amount_wan from marts.campaign_rewards "
            "where month = '2014-11-01' and rule_code = 'mlxc_town_monthly' order by 1"
        ).fetchall() == [("ngz", 3.0), ("sjz", 4.0), ("ymz", 3.0)]
        # December: the lowest town of the year is fined
        assert one(
            "select unit_code, amount_wan from marts.campaign_rewards "
            "where rule_code = 'mlxc_town_year_last'"
        ) == ("wyj", -10.0)
        statuses = dict(
            con.execute(
                "select unit_code || '/' || form_code, status from marts.submission_status "
                "where month = '2014-11-01'"
            ).fetchall()
        )
        assert statuses["ins/campaign_scores"] == "late"
        assert statuses["sjz/project_issues"] == "on_time"
        assert len(statuses) == 8


@pytest.mark.slow
def test_rebuilding_a_month_is_identical_and_leaves_other_months_alone(built):
    p, _ = built
    before = {mart: _rows(p.warehouse, mart) for mart in CONTRACT}
    # a new version of November's indicators arrives (retail growth 13 instead of 12.5);
    # building December must not touch November
    revised = econ_rows("2014-11")
    revised[0]["yoy_growth_pct"] = 13.0
    with closing(open_store(p)) as con:
        writer = RawWriter(con, versions={("2014-11", "drc", "econ_indicators"): 1})
        writer.add("2014-11", "drc", "econ_indicators", revised, day=20)
    result = build(["2014-12"], paths=p)
    # reference data unchanged since the first build: no seeding
    assert seeds_loaded(p) and not [n for n in result.nodes if n.resource_type == "seed"]
    assert result.success and result.vars == {
        "month_start": "2014-12-01",
        "month_end": "2014-12-01",
    }
    for mart in CONTRACT:
        assert _rows(p.warehouse, mart) == before[mart], mart
    # rebuilding November picks up the new version and replaces only November
    build(["2014-11"], paths=p)
    november = _rows(p.warehouse, "economic_indicators", "2014-11")
    assert [r[7] for r in november if r[1] == "retail"] == [13.0]
    assert len(november) == len([r for r in before["economic_indicators"] if r[0].month == 11])
    assert _rows(p.warehouse, "economic_indicators", "2014-12") == [
        r for r in before["economic_indicators"] if r[0].month == 12
    ]


@pytest.mark.slow
def test_a_broken_ytd_chain_fails_b3_with_unit_and_form(tmp_path: Path):
    p = _home(tmp_path / "home")
    write_small_warehouse(p)
    with closing(open_store(p)) as con:
        con.execute(
            "update raw.project_progress set invested_ytd = invested_ytd + 50 "
            "where month = '2014-12-01' and project_code = 'P2014001'"
        )
    result = build(["2014-11", "2014-12"], paths=p, select="+project_investment+")
    assert not result.success
    b3 = result.node("b3_project_ytd_chain")
    assert b3.status == "fail" and b3.severity == "error" and b3.failures == 1
    assert b3 in result.failures
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        row = con.execute(
            "select month, unit_code, form_code, project_code "
            "from gate_failures.b3_project_ytd_chain"
        ).fetchone()
    assert (str(row[0]), row[1], row[2], row[3]) == (
        "2014-12-01",
        "lce",
        "project_progress",
        "P2014001",
    )


def _manifest(p: Paths) -> dict:
    return json.loads((target_dir(p) / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_every_staging_and_intermediate_model_has_key_tests_that_pass(built):
    p, _ = built
    manifest = _manifest(p)
    models = {
        uid
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
        and node["original_file_path"].startswith(("models/staging/", "models/intermediate/"))
    }
    structure = {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "test" and "structure" in node["tags"]
    }
    # a unique test (one column) or a combination test (compound key) on every model
    keyed = {
        node["attached_node"]
        for node in structure.values()
        if node["test_metadata"]["name"] in ("unique", "unique_combination_of_columns")
    }
    assert models and models <= keyed, sorted(models - keyed)
    assert {node["config"]["severity"].lower() for node in structure.values()} == {"error"}
    # selected by their tag, they run on the project's own data and pass
    result = build(["2014-11", "2014-12"], paths=p, select="tag:structure")
    assert result.success, [n.message for n in result.failures]
    ran = {n.unique_id: n.status for n in result.nodes if n.resource_type == "test"}
    assert set(ran) == set(structure) and set(ran.values()) == {"pass"}


@pytest.mark.slow
def test_a_repeated_raw_row_fails_the_staging_key(tmp_path: Path):
    p = _home(tmp_path / "home")
    write_small_warehouse(p)
    with closing(open_store(p)) as con:
        con.execute(
            "insert into raw.project_issues select * from raw.project_issues "
            "where month = '2014-12-01' order by source_row limit 1"
        )
    result = build(["2014-12"], paths=p, select="stg_raw__project_issues", unit_tests=False)
    assert not result.success
    (key,) = [
        n for n in result.failures if n.name.startswith("unique_combination_of_columns_stg_raw")
    ]
    assert key.status == "fail" and key.severity == "error" and key.failures == 1


@pytest.mark.slow
def test_builds_never_delete_publication_log_rows(built):
    p, _ = built
    rows = [
        ("2014-12/attempt-1", "2014-12-01", "2015-01-06 10:00:00+08", False, 1, 0, None),
        ("2014-12/attempt-2", "2014-12-01", "2015-01-07 10:00:00+08", True, 0, 1, "2014-11"),
    ]
    with duckdb.connect(str(p.warehouse)) as con:
        con.executemany(
            "insert into marts.publication_log (publication_id, month, attempted_at, published, "
            "blocking_failures, warnings, revised_months, software_version) "
            "values (?, ?, ?, ?, ?, ?, ?, '0.1.0')",
            rows,
        )
        before = con.execute("select * from marts.publication_log order by all").fetchall()
    assert len(before) >= 2
    # rebuilding the month, then a full refresh, leaves every attempt as it was
    assert build(["2014-12"], paths=p, unit_tests=False).success
    assert build(["2014-12"], paths=p, select="publication_log", full_refresh=True).success
    assert _rows(p.warehouse, "publication_log") == before


@pytest.mark.slow
def test_parse_manifest_writes_manifest(tmp_path: Path):
    p = _home(tmp_path / "home")
    manifest = parse_manifest(paths=p)
    assert manifest == p.warehouse_dir / "target" / "manifest.json"
    assert '"model.zonewh.project_investment"' in manifest.read_text(encoding="utf-8")


@pytest.mark.slow
def test_docs_generate(built):
    p, _ = built
    index = generate_docs(p)
    catalog = (index.parent / "catalog.json").read_text(encoding="utf-8")
    assert index.name == "index.html" and "model.zonewh.campaign_rewards" in catalog
