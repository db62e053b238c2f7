"""dbt builds on a small realistic raw warehouse: contracts, domain figures, month partitions,
the gate's checks, through `zonewh.build.build`."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import date
from decimal import Decimal
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

from .rawdata import RawWriter, econ_rows, record_waiver, write_small_warehouse

CONTRACT = {name: mart.column_names for name, mart in contract.tables().items()}
"""The published tables and their columns, from the marts' yml (the one declaration)."""

GATE_CODES = {c.code for c in CHECKS if c.tool == "dbt"}
"""The checks dbt runs (the others are Great Expectations' and the run's)."""


def _type(data_type: str) -> str:
    """A column type as DuckDB spells it, for comparing yml and warehouse."""
    return data_type.replace(" ", "").upper()


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
def test_marts_have_exactly_the_contract_columns_and_types(built):
    p, _ = built
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        for mart, columns in CONTRACT.items():
            found = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'marts' and table_name = ? order by ordinal_position",
                [mart],
            ).fetchall()
            assert tuple(c for c, _ in found) == columns, mart
            declared = {c.name: _type(c.data_type) for c in contract.tables()[mart].columns}
            assert {c: _type(t) for c, t in found} == declared, mart


def test_money_is_decimal_percentages_and_scores_two_decimals():
    """Declared in the contract, so enforced by dbt and copied by the publisher."""
    kinds = {"_wan": "DECIMAL(18,4)", "_pct": "DECIMAL(10,2)", "_pp": "DECIMAL(10,2)"}
    checked = 0
    for mart in contract.tables().values():
        for column in mart.columns:
            for suffix, wanted in kinds.items():
                if column.name.endswith(suffix):
                    assert _type(column.data_type) == wanted, f"{mart.name}.{column.name}"
                    checked += 1
            if column.name in ("total_score", "max_score"):
                assert _type(column.data_type) == "DECIMAL(9,2)", f"{mart.name}.{column.name}"
                checked += 1
    assert checked >= 13


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
        ) == (Decimal(100000), Decimal(85), Decimal("-6.67"), False, 1, 1)
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
        # village named town/village (and so published); tied towns share rank 2 (nobody
        # third, no +2)
        assert one(
            "select unit_code, unit_name, unit_group, rank, previous_rank "
            "from marts.campaign_scores where month = '2014-12-01' and unit_code = 'ymz001'"
        ) == ("ymz001", "阳庙镇/杨庄村", "village", 5, 5)
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


@pytest.mark.slow
def test_money_sums_exactly_and_percentages_have_two_decimals(built):
    p, _ = built
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        # November: 4 + 3 + 3 to the towns, 0.4 to each of the 8 villages
        [(exact, as_doubles)] = con.execute(
            "select sum(amount_wan), sum(cast(amount_wan as double)) "
            "from marts.campaign_rewards where month = '2014-11-01'"
        ).fetchall()
        assert exact == Decimal("13.2") and str(exact) == "13.2000"
        assert as_doubles != 13.2  # what summing DOUBLEs gave before: 13.200000000000003
        [(plan_wan, ytd_wan)] = con.execute(
            "select sum(annual_plan_wan), sum(invested_ytd_wan) from marts.project_investment "
            "where month = '2014-12-01'"
        ).fetchall()
        assert (plan_wan, ytd_wan) == (Decimal(35000), Decimal(23000))
        rows = con.execute(
            "select project_code, plan_completion_pct, time_progress_pct, progress_gap_pp, "
            "is_lagging, invested_ytd_wan / annual_plan_wan * 100 - month(month) / 12 * 100 "
            "from marts.project_investment where month = '2014-11-01' order by 1"
        ).fetchall()
        assert [r[1:4] for r in rows] == [
            (Decimal("85.00"), Decimal("91.67"), Decimal("-6.67")),
            (Decimal("33.33"), Decimal("91.67"), Decimal("-58.33")),
            (Decimal("16.67"), Decimal("91.67"), Decimal("-75.00")),
        ]
        # the flag is decided on the unrounded gap
        assert [r[4] for r in rows] == [gap < -10 for *_, gap in rows] == [False, True, True]
        [(growth, completion)] = con.execute(
            "select yoy_growth_pct, target_completion_pct from marts.economic_indicators "
            "where month = '2014-11-01' and indicator_code = 'industry_output' and cluster = ''"
        ).fetchall()
        assert growth == Decimal("21.05") and completion is None


@pytest.mark.slow
def test_names_valid_in_the_month_without_duplicating_rows(built):
    p, _ = built
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        # lce has two versions in org_units: one row per project still, its 2014 name
        assert con.execute(
            "select count(*) from reference.org_units where unit_code = 'lce'"
        ).fetchall() == [(2,)]
        names = con.execute(
            "select month, project_code, responsible_unit, responsible_unit_name, town_name "
            "from marts.project_investment order by 1, 2"
        ).fetchall()
        assert len(names) == 6 and len({(m, c) for m, c, *_ in names}) == 6
        assert {(c, u, n, t) for _, c, u, n, t in names} == {
            ("P2014001", "lce", "高新国土资源分局", "苏家作乡"),
            ("P2014002", "sjz", "苏家作乡", "苏家作乡"),
            ("P2014003", "lce", "高新国土资源分局", "宁郭镇"),
        }
        # from 2016 the same code carries its new name, once
        assert con.execute(
            "select unit_name from intermediate.int_unit_names where unit_code = 'lce' "
            "and date '2016-06-01' between valid_from and valid_to"
        ).fetchall() == [("区国土建设环保局",)]
        owners = dict(
            con.execute(
                "select owner_unit, any_value(owner_unit_name) from marts.project_issues group by 1"
            ).fetchall()
        )
        assert owners == {"lce": "高新国土资源分局", "drc": "区发展改革局"}
        assert con.execute(
            "select description from marts.project_issues "
            "where month = '2014-12-01' and issue_code = 'Q003'"
        ).fetchall() == [("环评批复",)]
        # villages as town/village, in scores and rewards alike; every row named
        assert con.execute(
            "select unit_name, amount_wan from marts.campaign_rewards "
            "where month = '2014-11-01' and unit_code = 'ymz001'"
        ).fetchall() == [("阳庙镇/杨庄村", Decimal("0.4"))]
        for mart in ("campaign_scores", "campaign_rewards", "submission_status", "submissions"):
            assert con.execute(
                f"select count(*) from marts.{mart} where unit_name is null"
            ).fetchall() == [(0,)], mart


LINEAGE = {
    # mart: (raw table of submission_id, the mart's key column, the raw table's column)
    "economic_indicators": ("econ_indicators", "indicator_code", "indicator_code"),
    "project_investment": ("project_progress", "project_code", "project_code"),
    "project_issues": ("project_issues", "issue_code", "issue_code"),
    "investment_signings": ("investment_signings", "signing_code", "signing_code"),
}


@pytest.mark.slow
def test_lineage_points_at_the_current_file_and_its_excel_row(built):
    p, _ = built
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        con.execute(f"attach '{p.raw_store}' as raw_store (read_only)")
        current = {
            sid
            for (sid,) in con.execute(
                "select submission_id from marts.submissions where is_current"
            ).fetchall()
        }
        for mart, (form, key, raw_key) in LINEAGE.items():
            rows = con.execute(
                f"select mart.submission_id, mart.source_row, mart.{key}, raw.{raw_key} "
                f"from marts.{mart} as mart left join raw_store.raw.{form} as raw "
                "on mart.submission_id = raw.submission_id and mart.source_row = raw.source_row"
            ).fetchall()
            assert rows, mart
            assert all(sid in current for sid, *_ in rows), mart
            assert all(mine == theirs for *_, mine, theirs in rows), mart
        # a project: the progress row, and the plan row in force
        [(sid, row, plan_sid, plan_row)] = con.execute(
            "select submission_id, source_row, plan_submission_id, plan_source_row "
            "from marts.project_investment where month = '2014-12-01' "
            "and project_code = 'P2014003'"
        ).fetchall()
        assert (sid, row) == ("2014-12/lce/project_progress/v1", 3)
        assert (plan_sid, plan_row) == ("2014-01/drc/key_project_plan/v1", 4)
        assert con.execute(
            "select project_code from raw_store.raw.key_project_plan "
            "where submission_id = ? and source_row = ?",
            [plan_sid, plan_row],
        ).fetchall() == [("P2014003",)]
        # a campaign total: the lead office's current return, no single row
        scores = con.execute(
            "select distinct campaign_code, submission_id, source_row "
            "from marts.campaign_scores where month = '2014-12-01' order by 1"
        ).fetchall()
        assert scores == [
            ("mlxc", "2014-12/agr/campaign_scores/v1", None),
            ("zdgz", "2014-12/ins/campaign_scores/v2", None),
        ]


@pytest.mark.slow
def test_submissions_lists_every_file_rejected_ones_too(built):
    p, _ = built
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        con.execute(f"attach '{p.raw_store}' as raw_store (read_only)")
        assert (
            con.execute("select count(*) from marts.submissions").fetchall()
            == con.execute(
                "select count(*) from raw_store.raw.submissions where month >= '2014-11-01'"
            ).fetchall()
        )
        ins = con.execute(
            "select submission_id, unit_name, form_name from marts.submissions "
            "where month = '2014-11-01' and unit_code = 'ins' order by version"
        ).fetchall()
        assert ins == [
            ("2014-11/ins/campaign_scores/v1", "督查室", "考核评分表"),
            ("2014-11/ins/campaign_scores/v2", "督查室", "考核评分表"),
        ]
        # the rejected version with its reason; the accepted one is current
        assert con.execute(
            "select version, status, errors, rows_loaded, is_current, reason_zh "
            "from marts.submissions where month = '2014-11-01' and unit_code = 'ins' "
            "order by version"
        ).fetchall() == [
            (1, "rejected", 1, 0, False, "第3行 得分 超出最高分"),
            (2, "accepted", 0, 9, True, None),
        ]
        # sjz's header-only ledger is current, its stale first version is not
        assert con.execute(
            "select version, is_current, rows_loaded from marts.submissions "
            "where month = '2014-12-01' and unit_code = 'sjz' and form_code = 'project_issues' "
            "order by version"
        ).fetchall() == [(1, False, 1), (2, True, 0)]


@pytest.mark.slow
def test_a_waiver_recorded_by_the_office_and_its_revocation(tmp_path: Path):
    """ist sent nothing in December; the office's waiver (raw.waivers) makes it waived and
    B1 passes. Revoked, the return is missing and B1 names it. A raw store written before
    raw.forms and raw.waivers existed still builds."""
    p = _home(tmp_path / "home")
    write_small_warehouse(p)

    def ist_december() -> tuple:
        with duckdb.connect(str(p.warehouse), read_only=True) as con:
            return con.execute(
                "select status, unit_name, versions from marts.submission_status "
                "where month = '2014-12-01' and unit_code = 'ist'"
            ).fetchone()

    result = build(["2014-12"], paths=p, unit_tests=False)
    assert result.success, [n.message for n in result.failures]
    assert result.node("b1_mandatory_submissions").status == "pass"
    assert ist_december() == ("waived", "区招商局", 0)

    with closing(open_store(p)) as con:
        record_waiver(con, "2014-12", "ist", "investment_signings", "撤销", revoked=True, day=9)
    result = build(["2014-12"], paths=p, unit_tests=False)
    assert [n.name for n in result.failures] == ["b1_mandatory_submissions"]
    b1 = result.node("b1_mandatory_submissions")
    assert b1.status == "fail" and b1.failures == 1
    assert ist_december() == ("missing", "区招商局", 0)
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        assert con.execute(
            "select month, unit_code, form_code, status from gate_failures.b1_mandatory_submissions"
        ).fetchall() == [(date(2014, 12, 1), "ist", "investment_signings", "missing")]

    with closing(open_store(p)) as con:
        con.execute("drop table raw.waivers")
        con.execute("drop table raw.forms")
    result = build(["2014-12"], paths=p, unit_tests=False)
    assert [n.name for n in result.failures] == ["b1_mandatory_submissions"]
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        assert con.execute(
            "select count(*), count(form_name) from marts.submissions where month = '2014-12-01'"
        ).fetchone() == (9, 0)


@pytest.mark.slow
def test_a_mart_built_with_older_column_types_is_converted(tmp_path: Path):
    """A warehouse whose marts were built while money was DOUBLE: an incremental build
    converts the columns to the contract's types (append_new_columns alone would not)."""
    p = _home(tmp_path / "home")
    write_small_warehouse(p)
    assert build(["2014-11", "2014-12"], paths=p, unit_tests=False).success
    with duckdb.connect(str(p.warehouse)) as con:
        con.execute("alter table marts.campaign_rewards alter amount_wan set data type double")
        con.execute("update marts.campaign_rewards set amount_wan = amount_wan + 1e-12")
    assert build(["2014-12"], paths=p, unit_tests=False).success
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        assert con.execute(
            "select data_type from information_schema.columns where table_schema = 'marts' "
            "and table_name = 'campaign_rewards' and column_name = 'amount_wan'"
        ).fetchall() == [("DECIMAL(18,4)",)]
        # November, not rebuilt, is converted too: its amounts round back to 1 元
        assert con.execute(
            "select sum(amount_wan) from marts.campaign_rewards where month = '2014-11-01'"
        ).fetchall() == [(Decimal("13.2"),)]
