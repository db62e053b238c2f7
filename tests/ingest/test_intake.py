"""`ingest.intake`: landing files → receipts, archive/quarantine, the raw store."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

import pytest
from conftest import (
    ECON_JAN,
    ISSUES_LCE_JAN,
    PLAN_ROWS,
    PROGRESS_LCE_FEB,
    PROGRESS_LCE_JAN,
    SIGNINGS_JAN,
    TARGETS_JAN,
    Landing,
    scores_rows,
)
from rich.progress import Progress

from ingest import intake
from ingest.forms import FORMS
from ingest.intake import ingest_all, ingest_month, validate_file
from ingest.landing import discover
from ingest.reference import load_reference
from ingest.settings import CST, IntakePaths
from ingest.store import open_store

JAN_FILES = [
    ("drc", "key_project_plan", PLAN_ROWS, {}),
    ("drc", "econ_indicators", ECON_JAN, {}),
    ("drc", "annual_targets", TARGETS_JAN, {"fmt": "csv", "encoding": "utf-8-sig"}),
    ("lce", "project_progress", PROGRESS_LCE_JAN, {}),
    ("lce", "project_issues", ISSUES_LCE_JAN, {"fmt": "csv", "encoding": "gb18030"}),
    ("ist", "investment_signings", SIGNINGS_JAN, {}),
    ("scc", "campaign_scores", scores_rows(["sjz", "文昌街道", "pol"]), {}),
]

EXPECTED_RAW = {
    "key_project_plan": [
        ("P001", "蒙牛乳业扩建项目", "省重点", "工业", "lce", "sjz", 10.0, 3.0, date(2019, 3, 1)),
        (
            "P002",
            "文昌路改造",
            "区重点",
            "基础设施",
            "区国土建设环保局",
            "文昌街道",
            5.0,
            2.0,
            date(2019, 4, 1),
        ),
        ("P003", "苏家作乡卫生院", "市重点", "社会事业", "sjz", None, 2.0, 1.0, None),
    ],
    "econ_indicators": [
        ("retail", "社会消费品零售总额", None, "亿元", 1.2, 1.2, 1.08, 11.1, 3, None),
        ("va_industry", "规模以上工业增加值", None, "万元", None, None, None, 9.2, 1, "仅增速"),
        (
            "enterprises_above",
            "规模以上工业企业数",
            "先进装备制造",
            "家",
            40.0,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "enterprises_above",
            "规模以上工业企业数",
            "materials",
            "家",
            12.0,
            None,
            None,
            None,
            None,
            None,
        ),
    ],
    "annual_targets": [
        ("retail", None, "亿元", 15.0, 10.0),
        ("industry_output", "equipment", "亿元", 180.0, 18.5),
    ],
    "project_progress": [
        ("P001", "蒙牛乳业扩建项目", 1200.0, 1200.0, "在建", date(2019, 1, 10), "主体施工", None),
        ("P002", "文昌路改造", 0.0, 0.0, "前期", None, None, "征地未完成"),
    ],
    "project_issues": [
        (
            "Q001",
            "P002",
            "征地拆迁未完成",
            "区国土建设环保局",
            date(2019, 1, 5),
            date(2019, 3, 31),
            "解决中",
            None,
        ),
        ("Q002", "P001", "用电接入", "lce", date(2019, 1, 8), None, "已解决", date(2019, 1, 20)),
    ],
    "investment_signings": [
        ("S001", "新能源电池项目", "某某集团", date(2019, 1, 15), 12.5, "新能源", None),
        ("S002", "物流园", "某物流公司", date(2019, 1, 28), 3.0, None, "P001"),
    ],
}


def drop_january(land: Landing) -> None:
    for unit, form, rows, kw in JAN_FILES:
        land.drop("2019-01", unit, form, rows, **kw)


def raw_rows(home: IntakePaths, form_code: str) -> list[tuple]:
    cols = ", ".join(f.code for f in FORMS[form_code].fields)
    con = open_store(home, read_only=True)
    try:
        return con.execute(f"select {cols} from raw.{form_code} order by source_row").fetchall()
    finally:
        con.close()


def query(home: IntakePaths, sql: str, params: list | None = None) -> list[tuple]:
    con = open_store(home, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def snapshot(home: IntakePaths) -> dict[str, list[tuple]]:
    return {code: raw_rows(home, code) for code in FORMS}


def test_round_trip_of_every_form(home: IntakePaths, landing: Landing) -> None:
    drop_january(landing)
    report = ingest_month("2019-01", home)
    assert report.processed == 7
    assert report.accepted == 7, [(o.file_path, o.reason_en) for o in report.outcomes]
    for form_code, expected in EXPECTED_RAW.items():
        assert raw_rows(home, form_code) == expected, form_code
    scores = raw_rows(home, "campaign_scores")
    assert len(scores) == 15
    assert scores[0] == ("scsc", "sjz", "srzx", 23.0, "卫生死角", date(2019, 1, 20), 1)
    lineage = query(
        home,
        "select submission_id, file_path, unit_code, month, version, source_row, submitted_at "
        "from raw.project_progress order by source_row limit 1",
    )[0]
    assert lineage[:6] == (
        "2019-01/lce/project_progress/v1",
        "2019-01/lce/project_progress.xlsx",
        "lce",
        date(2019, 1, 1),
        1,
        5,
    )
    assert lineage[6] == datetime(2019, 2, 3, 10, 0, tzinfo=CST)
    assert home.raw_store == home.home / "warehouse" / "raw.duckdb"
    # the paths came from the caller: the environment's home was never touched
    assert not (home.home.parent / "environment_home").exists()


def test_receipts_archive_and_landing_untouched(home: IntakePaths, landing: Landing) -> None:
    drop_january(landing)
    before = {p: p.read_bytes() for p in home.landing.rglob("*") if p.is_file()}
    ingest_month("2019-01", home)
    after = {p: p.read_bytes() for p in home.landing.rglob("*") if p.is_file()}
    assert before == after
    receipt = json.loads(
        (home.receipts / "2019-01" / "lce" / "project_progress.xlsx.json").read_text("utf-8")
    )
    assert receipt["file"] == "2019-01/lce/project_progress.xlsx"
    assert receipt["form_code"] == "project_progress"
    assert receipt["month"] == "2019-01"
    assert receipt["submitted_at"] == "2019-02-03T10:00:00+08:00"
    assert receipt["version"] == 1
    assert receipt["status"] == "accepted"
    assert receipt["problems"] == []
    html = (home.receipts / "2019-01" / "lce" / "project_progress.xlsx.html").read_text("utf-8")
    assert "已受理" in html
    assert (home.archive / "2019-01" / "lce" / "v1_project_progress.xlsx").is_file()


def test_idempotent(home: IntakePaths, landing: Landing) -> None:
    drop_january(landing)
    first = ingest_month("2019-01", home)
    tables = snapshot(home)
    subs = query(home, "select count(*) from raw.submissions")
    second = ingest_month("2019-01", home)
    assert first.processed == 7
    assert (second.processed, second.skipped) == (0, 7)
    assert snapshot(home) == tables
    assert query(home, "select count(*) from raw.submissions") == subs


def test_versions(home: IntakePaths, landing: Landing) -> None:
    drop_january(landing)
    ingest_month("2019-01", home)
    rows = [r[:] for r in SIGNINGS_JAN] + [
        ["S003", "补报项目", "某公司", "2019-01-30", "1", None, None]
    ]
    landing.drop(
        "2019-01",
        "ist",
        "investment_signings",
        rows,
        name="investment_signings_第二版.xlsx",
        at=datetime(2019, 2, 4, 9, 0, tzinfo=CST),
    )
    report = ingest_month("2019-01", home)
    assert [(o.version, o.status) for o in report.outcomes] == [(2, "accepted")]
    subs = query(
        home,
        "select version, status from raw.submissions where form_code = 'investment_signings' "
        "order by version",
    )
    assert subs == [(1, "accepted"), (2, "accepted")]
    kept = query(
        home,
        "select version, count(*) from raw.investment_signings group by version order by version",
    )
    assert kept == [(1, 2), (2, 3)]
    current = query(
        home,
        "select max(version) from raw.submissions where form_code = 'investment_signings' "
        "and status in ('accepted', 'accepted_with_warnings')",
    )
    assert current == [(2,)]
    assert (home.archive / "2019-01" / "ist" / "v2_investment_signings_第二版.xlsx").is_file()


def test_rejected_file_changes_nothing_and_is_quarantined(
    home: IntakePaths, landing: Landing
) -> None:
    drop_january(landing)
    ingest_month("2019-01", home)
    tables = snapshot(home)
    bad = [r[:] for r in PROGRESS_LCE_JAN]
    bad[1][3] = "<b>abc</b>"
    landing.drop(
        "2019-01",
        "lce",
        "project_progress",
        bad,
        name="project_progress_v2.xlsx",
        at=datetime(2019, 2, 4, 9, 0, tzinfo=CST),
    )
    report = ingest_month("2019-01", home)
    (outcome,) = report.outcomes
    assert outcome.status == "rejected"
    assert outcome.version == 2
    assert snapshot(home) == tables
    q = home.quarantine / "2019-01" / "lce"
    # each version keeps its own quarantine copy and receipts, named after the version
    assert (q / "v2_project_progress_v2.xlsx").is_file()
    assert (q / "v2_project_progress_v2.xlsx.json").is_file()
    receipt = json.loads((q / "v2_project_progress_v2.xlsx.json").read_text("utf-8"))
    assert receipt["status"] == "rejected"
    p = receipt["problems"][0]
    assert (p["rule"], p["row"], p["column"], p["value"]) == (
        "type",
        6,
        "1-本月累计完成投资(万元)",
        "<b>abc</b>",
    )
    html = (q / "v2_project_progress_v2.xlsx.html").read_text("utf-8")
    assert "&lt;b&gt;abc&lt;/b&gt;" in html and "<b>abc" not in html
    assert "1-本月累计完成投资(万元)" in html
    sub = query(
        home,
        "select status, errors, rows_loaded, quarantine_path, reason_en from raw.submissions "
        "where submission_id = '2019-01/lce/project_progress/v2'",
    )[0]
    assert sub[:4] == ("rejected", 1, 0, "quarantine/2019-01/lce/v2_project_progress_v2.xlsx")
    assert "<b>abc</b>" in sub[4]
    assert query(
        home,
        "select count(*) from raw.problems where submission_id = ?",
        ["2019-01/lce/project_progress/v2"],
    ) == [(1,)]


def test_unknown_form_and_unreadable_file_do_not_stop_the_run(
    home: IntakePaths, landing: Landing
) -> None:
    drop_january(landing)
    odd = landing.path("2019-01", "drc", "月报.xlsx")
    odd.write_bytes(b"PK\x03\x04 not really a workbook")
    broken = landing.path("2019-01", "ist", "investment_signings_坏.xlsx")
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    report = ingest_month("2019-01", home)
    assert report.processed == 9
    assert report.accepted == 7
    assert report.rejected == 2
    forms = query(
        home,
        "select form_code, status from raw.submissions where status = 'rejected' "
        "order by file_path",
    )
    assert sorted(forms, key=str) == sorted(
        [(None, "rejected"), ("investment_signings", "rejected")], key=str
    )


def test_ytd_chain_across_months_in_one_run(home: IntakePaths, landing: Landing) -> None:
    drop_january(landing)
    landing.drop("2019-02", "lce", "project_progress", PROGRESS_LCE_FEB)
    bad = [r[:] for r in PROGRESS_LCE_FEB]
    bad[0][3] = 2500
    landing.drop(
        "2019-02",
        "lce",
        "project_progress",
        bad,
        name="project_progress_x.xlsx",
        at=datetime(2019, 3, 4, tzinfo=CST),
    )
    report = ingest_all(home)
    feb = [o for o in report.outcomes if o.file_path.startswith("2019-02")]
    assert [(o.version, o.status) for o in feb] == [(1, "accepted"), (2, "rejected")]
    assert "2500" in (feb[1].reason_en or "")


def test_plan_responsible_only(home: IntakePaths, landing: Landing) -> None:
    landing.drop("2019-01", "drc", "key_project_plan", PLAN_ROWS)
    landing.drop("2019-01", "soc", "project_progress", PROGRESS_LCE_JAN)
    report = ingest_month("2019-01", home)
    soc = report.outcomes[-1]
    assert soc.status == "rejected"
    receipt = json.loads(soc.receipt_path.read_text("utf-8"))
    assert "submitter_allowed" in [p["rule"] for p in receipt["problems"]]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_progress_reports(home: IntakePaths, landing: Landing, fmt: str) -> None:
    landing.drop("2019-01", "drc", "key_project_plan", PLAN_ROWS, fmt=fmt)
    with Progress(disable=True) as progress:
        report = ingest_month("2019-01", home, progress=progress)
    (task,) = progress.tasks
    assert (task.total, task.completed) == (1, 1)
    assert report.outcomes[0].status == "accepted"
    assert (
        report.outcomes[0].receipt_path
        == home.receipts / "2019-01" / "drc" / f"key_project_plan.{fmt}.json"
    )


def test_validate_file_on_a_read_only_store_writes_nothing(
    home: IntakePaths, landing: Landing
) -> None:
    """A file is checked on a read-only connection (as a web upload would be while another
    process reads the store); loading it later needs the read-write connection."""
    landing.drop("2019-01", "drc", "key_project_plan", PLAN_ROWS)
    ingest_month("2019-01", home)
    landing.drop("2019-01", "lce", "project_progress", PROGRESS_LCE_JAN)
    bad = [r[:] for r in PROGRESS_LCE_JAN]
    bad[0][0] = "P999"
    landing.drop("2019-01", "lce", "project_progress", bad, name="project_progress_2.xlsx")
    before = home.raw_store.read_bytes()
    files = {f.path.name: f for f in discover(home.landing, "2019-01")}
    ref = load_reference()
    with open_store(home, read_only=True) as con:
        good = validate_file(con, files["project_progress.xlsx"], home.landing, ref)
        assert good.form is FORMS["project_progress"]
        assert good.result.status == "accepted", good.result.problems
        assert con.execute("select count(*) from _zw_n").fetchall()[0][0] == 2
        wrong = validate_file(con, files["project_progress_2.xlsx"], home.landing, ref)
        assert wrong.result.status == "rejected"
        assert "project_in_plan_of_submitter" in {p.rule for p in wrong.result.problems}
        assert con.execute("select count(*) from raw.submissions").fetchall()[0][0] == 1
    assert home.raw_store.read_bytes() == before
    assert not (home.receipts / "2019-01" / "lce").exists()
    report = ingest_month("2019-01", home)
    assert sorted((o.file_path, o.status) for o in report.outcomes) == [
        ("2019-01/lce/project_progress.xlsx", "accepted"),
        ("2019-01/lce/project_progress_2.xlsx", "rejected"),
    ]


def test_a_name_without_form_code_is_told_by_its_header_row(
    home: IntakePaths, landing: Landing
) -> None:
    """People name files in Chinese: a file whose header row is that of exactly one form the
    unit owes is taken as that form, and its receipt says so."""
    landing.drop("2019-01", "drc", "key_project_plan", PLAN_ROWS)
    landing.drop("2019-01", "drc", "econ_indicators", ECON_JAN, name="区发改局1月经济指标.xlsx")
    landing.drop(
        "2019-01", "lce", "project_progress", PROGRESS_LCE_JAN, name="7月项目进展.csv", fmt="csv"
    )
    report = ingest_month("2019-01", home)
    outcomes = {o.file_path: o for o in report.outcomes}
    for rel, code, header_row in (
        ("2019-01/drc/区发改局1月经济指标.xlsx", "econ_indicators", 4),
        ("2019-01/lce/7月项目进展.csv", "project_progress", 1),
    ):
        outcome = outcomes[rel]
        assert (outcome.status, outcome.form_code, outcome.version) == ("accepted", code, 1)
        receipt = json.loads(outcome.receipt_path.read_text("utf-8"))
        assert receipt["identified_by"] == "header_row"
        told = f"文件名不以报表代码开头，已根据第 {header_row} 行表头识别为{FORMS[code].title}（{code}）"
        assert receipt["identified_zh"] == told
        assert told in receipt["message_zh"]
        html = outcome.receipt_path.with_suffix(".html").read_text("utf-8")
        assert told in html and "已受理" in html
    assert raw_rows(home, "project_progress") == EXPECTED_RAW["project_progress"]
    assert raw_rows(home, "econ_indicators") == EXPECTED_RAW["econ_indicators"]


def test_a_plan_named_in_chinese_still_goes_before_the_progress_reports(
    home: IntakePaths, landing: Landing
) -> None:
    """The plan is checked first within a month; a plan named in Chinese takes that place
    too, so a progress report of the same run is checked against it."""
    landing.drop(
        "2019-01",
        "drc",
        "key_project_plan",
        PLAN_ROWS,
        name="2019年重点项目计划.xlsx",
        at=datetime(2019, 2, 3, 11, 0, tzinfo=CST),  # later than the progress report
    )
    landing.drop("2019-01", "lce", "project_progress", PROGRESS_LCE_JAN)
    report = ingest_month("2019-01", home)
    assert [(o.file_path, o.form_code, o.status) for o in report.outcomes] == [
        ("2019-01/drc/2019年重点项目计划.xlsx", "key_project_plan", "accepted"),
        ("2019-01/lce/project_progress.xlsx", "project_progress", "accepted"),
    ]


def test_a_name_without_form_code_is_rejected_listing_the_forms_owed(
    home: IntakePaths, landing: Landing
) -> None:
    """A header row of no form, or of a form the unit does not owe, tells nothing: the file
    is rejected listing the forms the unit owes, by name and code."""
    landing.drop("2019-01", "drc", "key_project_plan", PLAN_ROWS)
    landing.drop(
        "2019-01",
        "drc",
        "econ_indicators",
        [["1", "零售额说明"]],
        name="区发改局1月经济指标.xlsx",
        headers=["序号", "说明"],
    )
    landing.drop(
        "2019-01",
        "lce",
        "investment_signings",
        SIGNINGS_JAN,
        name="7月项目进展.csv",
        fmt="csv",
    )
    report = ingest_month("2019-01", home)
    outcomes = {o.file_path: o for o in report.outcomes}
    assert outcomes["2019-01/drc/key_project_plan.xlsx"].status == "accepted"
    for rel, owed, header in (
        (
            "2019-01/drc/区发改局1月经济指标.xlsx",
            ["econ_indicators", "key_project_plan", "annual_targets"],
            None,
        ),
        (
            "2019-01/lce/7月项目进展.csv",
            ["project_progress", "project_issues"],
            "investment_signings",
        ),
    ):
        outcome = outcomes[rel]
        assert (outcome.status, outcome.form_code, outcome.version) == ("rejected", None, None)
        receipt = json.loads(outcome.receipt_path.read_text("utf-8"))
        (problem,) = receipt["problems"]
        assert problem["rule"] == "unknown_form"
        assert problem["value"] == rel.rsplit("/", 1)[1]
        for code in owed:
            assert f"{FORMS[code].title}（{code}）" in problem["message_zh"]
            assert code in problem["message_en"]
        assert (
            "本月应报送：" in problem["message_zh"] and "owes these forms" in problem["message_en"]
        )
        assert problem["fix_zh"] and f"{owed[0]}_" in problem["fix_zh"]
        assert receipt["form_code"] is None and receipt["verdict_zh"] == "退回"
        others = set(FORMS) - set(owed) - {header}
        assert not [c for c in others if c in problem["message_en"].split("e.g.")[0]]
        page = outcome.receipt_path.with_suffix(".html").read_text("utf-8")
        assert "退回" in page and "未能识别" in page
        assert f"{FORMS[owed[0]].title}（{owed[0]}）" in page
        if header is None:
            assert "表头行也不是任何报表的表头" in problem["message_zh"]
        else:
            assert f"表头行是{FORMS[header].title}（{header}）的表头" in problem["message_zh"]
            assert "区国土建设环保局（lce）本月不报送该表" in problem["message_zh"]
    sub = query(
        home,
        "select form_code, status, reason_en from raw.submissions "
        "where file_path = '2019-01/lce/7月项目进展.csv'",
    )
    assert sub[0][:2] == (None, "rejected")
    assert "project_progress, project_issues" in sub[0][2]


def test_dead_entry_point_is_gone() -> None:
    assert not hasattr(intake, "ingest_open_months")


def test_every_version_keeps_its_own_receipt_and_quarantine_copy(
    home: IntakePaths, landing: Landing
) -> None:
    """Three rejected versions of one file name, then an accepted one: each version has its
    own receipt (never rewritten) and its own quarantine copy or archive copy; the name's
    address holds the latest."""
    folder = home.receipts / "2019-01" / "ist"
    kept: dict[int, bytes] = {}
    for v in (1, 2, 3, 4):
        rows = [r[:] for r in SIGNINGS_JAN]
        if v < 4:
            rows[0][4] = f"坏{v}"
        landing.drop(
            "2019-01",
            "ist",
            "investment_signings",
            rows,
            at=datetime(2019, 2, 1, 9, v, tzinfo=CST),
        )
        (outcome,) = ingest_month("2019-01", home).outcomes
        assert (outcome.version, outcome.status) == (v, "rejected" if v < 4 else "accepted")
        latest = json.loads((folder / "investment_signings.xlsx.json").read_text("utf-8"))
        assert latest["version"] == v
        for earlier, text in kept.items():
            assert (folder / f"investment_signings.xlsx.v{earlier}.json").read_bytes() == text
        kept[v] = (folder / f"investment_signings.xlsx.v{v}.json").read_bytes()
    subs = {
        r[0]: r[1:]
        for r in query(
            home,
            "select version, sha256, quarantine_path, archive_path, receipt_path "
            "from raw.submissions where form_code = 'investment_signings'",
        )
    }
    assert sorted(subs) == [1, 2, 3, 4]
    assert len({sha for sha, *_ in subs.values()}) == 4
    for v, (sha, quarantined, archived, receipt_path) in subs.items():
        own = json.loads(kept[v])
        assert (own["version"], own["sha256"]) == (v, sha)
        values = [p["value"] for p in own["problems"]]
        assert values == ([f"坏{v}"] if v < 4 else [])
        assert receipt_path == f"receipts/2019-01/ist/investment_signings.xlsx.v{v}.json"
        copy = home.home / (quarantined if v < 4 else archived)
        assert copy.name == f"v{v}_investment_signings.xlsx"
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == sha
        if v < 4:
            assert archived is None
            receipt_copy = copy.with_name(copy.name + ".json")
            assert receipt_copy.read_bytes() == kept[v]
        else:
            assert quarantined is None


EXCEL_CSV = (
    "\ufeff签约编号,项目名称,投资方,签约日期,协议投资额(亿元),产业类别,落地项目编号\r\n"
    'S001,"新能源电池项目\n（一期）",某某集团,2019/1/15,12.5,新能源,\r\n'
    'S002,"物流园 ""智慧"" 二期",某物流公司,2019-01-28,"3",,P001\r\n'
)


def test_excel_csv_with_line_breaks_in_cells_is_accepted(
    home: IntakePaths, landing: Landing
) -> None:
    """Excel writes a cell with Alt+Enter as a quoted value holding a line feed; such a CSV
    is read whole, the line break kept, and each row numbered by the line it starts on."""
    path = landing.path("2019-01", "ist", "investment_signings.csv")
    path.parent.mkdir(parents=True)
    path.write_bytes(EXCEL_CSV.encode("utf-8"))
    (outcome,) = ingest_month("2019-01", home).outcomes
    assert (outcome.status, outcome.rows_loaded) == ("accepted", 2), outcome.reason_en
    rows = query(
        home,
        "select source_row, signing_code, project_name from raw.investment_signings "
        "order by source_row",
    )
    assert rows == [(2, "S001", "新能源电池项目\n（一期）"), (4, "S002", '物流园 "智慧" 二期')]
