"""The bad-file corpus through the real `ingest_month`.

One home, one month. A first run loads a good file; the raw tables are
snapshotted. Then every bad file of the corpus lands in the same month next to
a second good file, and one run takes them all: each bad file is rejected with
its rule, receipted and quarantined, its landing file untouched, the raw form
tables unchanged but for the second good file's rows, which are accepted.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from badfiles import (
    CASES,
    MONTH,
    BadCase,
    write_extra_column_csv,
    write_header_only_csv,
    write_missing_required_csv,
    write_mojibake_csv,
    write_signings_csv,
    write_wrong_headers_csv,
)

from ingest.forms import FORMS
from ingest.intake import ingest_month
from ingest.settings import IntakePaths
from ingest.store import open_store

GOOD_1 = f"{MONTH}/ist/investment_signings.csv"
GOOD_2 = f"{MONTH}/ist/investment_signings_补报.csv"
GOOD_ROWS = 20

READER_CASES: tuple[BadCase, ...] = (
    # a name without a form code is told by its header row; this one is the header of a
    # form ist does not owe (econ_indicators), so the file cannot be told
    BadCase(
        "no_form_code",
        f"{MONTH}/ist/签约项目.csv",
        write_wrong_headers_csv,
        "unknown_form",
        is_safety=False,
    ),
    BadCase(
        "mojibake",
        f"{MONTH}/ist/investment_signings_big5.csv",
        write_mojibake_csv,
        "header_not_found",
        is_safety=False,
    ),
    BadCase(
        "wrong_headers",
        f"{MONTH}/ist/investment_signings_wrong.csv",
        write_wrong_headers_csv,
        "header_not_found",
        is_safety=False,
    ),
    BadCase(
        "missing_required",
        f"{MONTH}/ist/investment_signings_missing.csv",
        write_missing_required_csv,
        "header_missing",
        is_safety=False,
    ),
    BadCase(
        "header_only",
        f"{MONTH}/drc/econ_indicators_empty.csv",
        write_header_only_csv,
        "no_rows",
        is_safety=False,
    ),
)
"""Files that pass the safety checks and are rejected when identified (`ingest.identify`), by
the reader or by the validator."""

ALL_CASES = CASES + READER_CASES
EXTRA_COLUMN = f"{MONTH}/ist/investment_signings_extra.csv"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _raw_tables(home: IntakePaths) -> dict[str, list[tuple]]:
    """Every raw form table's rows, sorted, with the lineage timestamps left out."""
    con = open_store(home, read_only=True)
    try:
        out: dict[str, list[tuple]] = {}
        existing = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw'"
            ).fetchall()
        }
        for code in FORMS:
            if code in existing:
                out[code] = sorted(
                    con.execute(f"select * exclude (ingested_at) from raw.{code}").fetchall(),
                    key=repr,
                )
            else:
                out[code] = []
        return out
    finally:
        con.close()


@dataclass
class CorpusRun:
    """What the two runs left behind."""

    home: Path
    landing: Path
    before: dict[str, list[tuple]]
    after: dict[str, list[tuple]]
    hashes: dict[str, str]
    submissions: dict[str, dict]
    problems: dict[str, list[dict]]
    report: object


def _rows_as_dicts(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> CorpusRun:
    """Run 1: a good file. Run 2: every bad file, a second good file, an extra-column file."""
    root = tmp_path_factory.mktemp("corpus") / "home"
    p = IntakePaths(home=root, landing=root / "landing").ensure()
    write_signings_csv(p.landing / GOOD_1, GOOD_ROWS)
    first = ingest_month(MONTH, p)
    assert first is not None
    before = _raw_tables(p)

    for case in ALL_CASES:
        case.build(p.landing / case.rel)
    write_extra_column_csv(p.landing / EXTRA_COLUMN)
    write_signings_csv(p.landing / GOOD_2, GOOD_ROWS, start=1001)
    hashes = {c.rel: _sha256(p.landing / c.rel) for c in ALL_CASES if (p.landing / c.rel).is_file()}
    report = ingest_month(MONTH, p)
    after = _raw_tables(p)
    con = open_store(p, read_only=True)
    try:
        subs = _rows_as_dicts(con, "select * from raw.submissions")
        probs = _rows_as_dicts(con, "select * from raw.problems")
    finally:
        con.close()
    by_path = {s["file_path"]: s for s in subs}
    problems: dict[str, list[dict]] = {}
    for s in subs:
        problems[s["file_path"]] = [x for x in probs if x["submission_id"] == s["submission_id"]]
    return CorpusRun(p.home, p.landing, before, after, hashes, by_path, problems, report)


def _receipt(run: CorpusRun, sub: dict) -> dict:
    path = Path(sub["receipt_path"])
    path = path if path.is_absolute() else run.home / path
    assert path.is_file(), path
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_bad_file_is_rejected_with_its_rule(corpus_run: CorpusRun, case: BadCase) -> None:
    sub = corpus_run.submissions.get(case.rel)
    assert sub is not None, (
        f"{case.rel} was not recorded in raw.submissions: a misplaced or linked file must be "
        "receipted and rejected, never silently ignored"
    )
    assert sub["status"] == "rejected"
    assert sub["rows_loaded"] in (0, None)
    assert sub["errors"] >= 1
    rules = {x["rule"] for x in corpus_run.problems[case.rel]}
    assert case.rule in rules
    assert sub["reason_zh"] and sub["reason_en"]


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_bad_file_has_receipt_and_quarantine(corpus_run: CorpusRun, case: BadCase) -> None:
    sub = corpus_run.submissions.get(case.rel)
    assert sub is not None, f"{case.rel} was not recorded in raw.submissions"
    receipt = _receipt(corpus_run, sub)
    assert receipt["status"] == "rejected"
    assert receipt["month"] == MONTH
    errors = [x for x in receipt["problems"] if x["severity"] == "error"]
    assert errors and all(x["message_zh"] and x["message_en"] for x in errors)
    assert any(x["rule"] == case.rule for x in errors)
    folder = corpus_run.home / "quarantine" / Path(case.rel).parent
    # The version's receipt goes to quarantine with the file, both named after the version
    # (`v<N>_`, or a short hash when the form is unknown).
    stored = f"{sub['submission_id'].rsplit('/', 1)[1]}_{Path(case.rel).name}"
    assert (folder / f"{stored}.json").is_file()
    assert json.loads((folder / f"{stored}.json").read_text("utf-8")) == receipt
    if case.rule == "symlink":
        # A link is never followed: nothing is copied from outside the landing tree.
        assert sub["quarantine_path"] is None
        assert not (folder / stored).exists()
        assert receipt["sha256"] == ""
        return
    quarantined = corpus_run.home / sub["quarantine_path"]
    assert quarantined == folder / stored
    assert quarantined.is_file() and not quarantined.is_symlink()
    assert _sha256(quarantined) == corpus_run.hashes[case.rel]


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_landing_file_untouched(corpus_run: CorpusRun, case: BadCase) -> None:
    path = corpus_run.landing / case.rel
    assert path.exists() or path.is_symlink()
    if case.rel in corpus_run.hashes:
        assert _sha256(path) == corpus_run.hashes[case.rel]


def test_raw_tables_unchanged_but_for_the_good_file(corpus_run: CorpusRun) -> None:
    good = corpus_run.submissions[GOOD_2]
    extra = corpus_run.submissions[EXTRA_COLUMN]
    new_ids = {good["submission_id"], extra["submission_id"]}
    for code, rows in corpus_run.after.items():
        old = [r for r in rows if r[0] not in new_ids]
        assert old == corpus_run.before[code], code
    signings = corpus_run.after["investment_signings"]
    assert len(signings) == 2 * GOOD_ROWS + 5
    assert sum(1 for r in signings if r[0] == good["submission_id"]) == GOOD_ROWS
    assert len(corpus_run.before["investment_signings"]) == GOOD_ROWS


def test_good_file_in_same_run_is_accepted(corpus_run: CorpusRun) -> None:
    good = corpus_run.submissions[GOOD_2]
    assert good["status"] == "accepted"
    assert good["rows_loaded"] == GOOD_ROWS
    assert _receipt(corpus_run, good)["status"] == "accepted"


def test_extra_column_is_accepted_with_a_warning(corpus_run: CorpusRun) -> None:
    sub = corpus_run.submissions[EXTRA_COLUMN]
    assert sub["status"] == "accepted_with_warnings"
    assert sub["rows_loaded"] == 5
    warnings = [x for x in corpus_run.problems[EXTRA_COLUMN] if x["severity"] == "warning"]
    assert any(x["column"] == "联系人" or "联系人" in (x["value"] or "") for x in warnings)


def test_landing_tree_holds_no_new_files(corpus_run: CorpusRun) -> None:
    """Intake never writes into the landing folder."""
    found = {
        str(Path(d, f).relative_to(corpus_run.landing)).replace(os.sep, "/")
        for d, _, files in os.walk(corpus_run.landing)
        for f in files
    }
    # os.walk does not enter the symlinked unit folder.
    expected = {c.rel for c in ALL_CASES if c.id != "symlinked_folder"}
    assert found == expected | {GOOD_1, GOOD_2, EXTRA_COLUMN}


@pytest.mark.slow
def test_million_row_csv_is_handled(home) -> None:
    """1,000,000 valid rows of a real form: loaded in full, or rejected with a clear reason."""
    rel = f"{MONTH}/ist/investment_signings.csv"
    path = write_signings_csv(home.landing / rel, 1_000_000)
    digest = _sha256(path)
    ingest_month(MONTH, home)
    con = open_store(home, read_only=True)
    try:
        sub = _rows_as_dicts(con, "select * from raw.submissions")
        assert len(sub) == 1
        sub = sub[0]
        loaded = con.execute("select count(*) from raw.investment_signings").fetchone()[0]
    finally:
        con.close()
    assert _sha256(path) == digest
    if sub["status"] == "rejected":
        assert sub["reason_zh"] and sub["reason_en"]
        assert loaded == 0
    else:
        assert sub["status"] in ("accepted", "accepted_with_warnings")
        assert sub["rows_loaded"] == loaded == 1_000_000


def test_no_message_names_a_server_path(corpus_run: CorpusRun) -> None:
    """Receipts, quarantined receipts and the recorded reasons and problems name files
    relative to the landing folder, never by a path of the server."""
    roots = {str(corpus_run.home), str(corpus_run.home.resolve()), str(corpus_run.landing)}
    texts = {
        str(p.relative_to(corpus_run.home)): p.read_text("utf-8")
        for folder in ("receipts", "quarantine")
        for p in (corpus_run.home / folder).rglob("*")
        if p.suffix in (".json", ".html")
    }
    assert len(texts) > 2 * len(ALL_CASES)
    for sub in corpus_run.submissions.values():
        texts[sub["file_path"]] = f"{sub['reason_zh']} {sub['reason_en']}"
    for rel, problems in corpus_run.problems.items():
        texts[f"problems of {rel}"] = json.dumps(problems, ensure_ascii=False, default=str)
    leaks = {name: root for name, text in texts.items() for root in roots if root in text}
    assert leaks == {}
