"""One file at a time, as an upload area needs: `receive` stores an upload safely,
`check_file` checks it on a read-only store, `ingest_file` records and loads it."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from conftest import PLAN_ROWS, PROGRESS_LCE_JAN, Landing, write_xlsx

from ingest.forms import FORMS
from ingest.intake import check_file, ingest_file, ingest_month
from ingest.landing import MAX_NAME_BYTES, receive
from ingest.months import MonthError
from ingest.settings import CST, IntakeLimits, IntakePaths
from ingest.store import open_store

AT = datetime(2019, 2, 3, 10, 0, tzinfo=CST)


def _written(rows: list[list]) -> bytes:
    """The bytes of a project_progress workbook holding `rows`, as a browser uploads them."""
    with tempfile.TemporaryDirectory() as folder:
        return write_xlsx(Path(folder) / "p.xlsx", FORMS["project_progress"], rows).read_bytes()


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("project_progress_第二版.xlsx", "project_progress_第二版.xlsx"),
        ("../../etc/passwd", "etc_passwd"),
        ("project_progress/../../x.xlsx", "project_progress_x.xlsx"),
        ("project_progress\x00.csv.xlsx", "project_progress_.csv.xlsx"),
        (".hidden.csv", "hidden.csv"),
        ("~$project_progress.xlsx", "project_progress.xlsx"),
        ("..", "upload"),
        ("C:\\Users\\张三\\project_progress.xlsx", "C__Users_张三_project_progress.xlsx"),
    ],
)
def test_receive_stores_a_hostile_name_safely(home: IntakePaths, given: str, stored: str) -> None:
    f = receive(home, "2019-01", "lce", given, b"data", AT)
    folder = home.landing / "2019-01" / "lce"
    assert f.path == folder / stored
    assert f.rel == f"2019-01/lce/{stored}"
    assert f.path.read_bytes() == b"data"
    assert f.path.stat().st_mtime == AT.timestamp()
    assert f.sha256 == hashlib.sha256(b"data").hexdigest()
    assert sorted(p.name for p in folder.iterdir()) == [stored]  # no temporary file left
    assert not any(p.is_file() for p in home.landing.parent.glob("etc/*"))


def test_receive_keeps_chinese_and_shortens_a_long_name(home: IntakePaths) -> None:
    f = receive(home, "2019-01", "lce", "重点项目进展" * 50 + ".xlsx", b"x", AT)
    assert f.path.name.startswith("重点项目进展重点项目进展")
    assert f.path.suffix == ".xlsx"
    assert len(f.path.name.encode("utf-8")) <= MAX_NAME_BYTES


def test_receive_never_overwrites(home: IntakePaths) -> None:
    first = receive(home, "2019-01", "lce", "project_progress.xlsx", b"one", AT)
    second = receive(home, "2019-01", "lce", "project_progress.xlsx", b"two", AT)
    third = receive(home, "2019-01", "lce", "project_progress.xlsx", b"three", AT)
    assert [f.path.name for f in (first, second, third)] == [
        "project_progress.xlsx",
        "project_progress_2.xlsx",
        "project_progress_3.xlsx",
    ]
    assert [f.path.read_bytes() for f in (first, second, third)] == [b"one", b"two", b"three"]


def test_receive_refuses_a_bad_month_a_bad_unit_and_a_linked_folder(
    home: IntakePaths, tmp_path: Path
) -> None:
    with pytest.raises(MonthError):
        receive(home, "2019-13", "lce", "x.xlsx", b"x", AT)
    for unit in ("../lce", "", "lce/../../x", "l ce"):
        with pytest.raises(ValueError):
            receive(home, "2019-01", unit, "x.xlsx", b"x", AT)
    outside = tmp_path / "outside"
    outside.mkdir()
    (home.landing / "2019-01").mkdir(parents=True)
    (home.landing / "2019-01" / "evil").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError, match="link"):
        receive(home, "2019-01", "evil", "x.xlsx", b"x", AT)
    assert list(outside.iterdir()) == []


HOLD_RO = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("holding", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def planned(home: IntakePaths, landing: Landing) -> IntakePaths:
    """A store holding the 2019 plan (lce is responsible for P001, P002)."""
    landing.drop("2019-01", "drc", "key_project_plan", PLAN_ROWS)
    assert ingest_month("2019-01", home).accepted == 1
    return home


@pytest.fixture
def reader_elsewhere(planned: IntakePaths) -> Iterator[subprocess.Popen]:
    """Another process holding a read-only connection to the store."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_RO, str(planned.raw_store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
        yield proc
    finally:
        proc.communicate("", timeout=30)


def _submissions(home: IntakePaths) -> int:
    with open_store(home, read_only=True) as con:
        return con.execute("select count(*) from raw.submissions").fetchone()[0]


@pytest.mark.usefixtures("reader_elsewhere")
def test_check_file_on_a_read_only_store_writes_only_the_receipt(planned: IntakePaths) -> None:
    before = planned.raw_store.read_bytes()
    good = receive(
        planned, "2019-01", "lce", "project_progress.xlsx", _written(PROGRESS_LCE_JAN), AT
    )
    bad_rows = [r[:] for r in PROGRESS_LCE_JAN]
    bad_rows[0][0] = "P999"
    bad = receive(planned, "2019-01", "lce", "project_progress.xlsx", _written(bad_rows), AT)
    receipt = check_file(planned, good.rel)
    assert (receipt["status"], receipt["loaded"], receipt["version"]) == ("accepted", False, None)
    assert (receipt["rows_loaded"], receipt["submission_id"]) == (2, None)
    assert receipt["sha256"] == good.sha256
    latest = planned.receipts / "2019-01" / "lce" / "project_progress.xlsx.json"
    assert json.loads(latest.read_text("utf-8")) == receipt
    html = latest.with_suffix(".html").read_text("utf-8")
    assert "已校验，待入库" in html
    wrong = check_file(planned, bad.rel)
    assert (wrong["status"], wrong["loaded"]) == ("rejected", False)
    not_planned = next(p for p in wrong["problems"] if p["rule"] == "project_in_plan_of_submitter")
    assert not_planned["cell"] == f"A{not_planned['row']}"  # 项目编号 is the first column
    assert planned.raw_store.read_bytes() == before
    assert not list(planned.receipts.glob("2019-01/lce/*.v*.json"))
    assert not (planned.archive / "2019-01" / "lce").exists()
    assert not (planned.quarantine / "2019-01" / "lce").exists()


def test_ingest_file_end_to_end(planned: IntakePaths) -> None:
    data = _written(PROGRESS_LCE_JAN)
    f = receive(planned, "2019-01", "lce", "project_progress.xlsx", data, AT)
    assert check_file(planned, f.rel)["loaded"] is False
    count = _submissions(planned)
    outcome = ingest_file(planned, f.rel)
    assert (outcome.status, outcome.version, outcome.rows_loaded) == ("accepted", 1, 2)
    assert outcome.submission_id == "2019-01/lce/project_progress/v1"
    assert _submissions(planned) == count + 1
    latest = json.loads(outcome.receipt_path.read_text("utf-8"))
    assert (latest["loaded"], latest["version"], latest["status"]) == (True, 1, "accepted")
    own = planned.receipts / "2019-01" / "lce" / "project_progress.xlsx.v1.json"
    assert json.loads(own.read_text("utf-8")) == latest
    archived = planned.archive / "2019-01" / "lce" / "v1_project_progress.xlsx"
    assert archived.read_bytes() == data
    # again: the recorded outcome, nothing recorded twice
    again = ingest_file(planned, f.rel)
    assert (again.submission_id, again.status, again.rows_loaded) == (
        outcome.submission_id,
        "accepted",
        2,
    )
    assert _submissions(planned) == count + 1
    assert ingest_month("2019-01", planned).processed == 0


def test_a_received_file_is_whole_on_arrival(planned: IntakePaths) -> None:
    """A scheduled run takes a file the portal received at once, quiet period or not; a
    file dropped there another way waits for the quiet period."""
    now = datetime.now(CST)
    f = receive(planned, "2019-01", "lce", "project_progress.xlsx", _written(PROGRESS_LCE_JAN), now)
    dropped = planned.landing / "2019-01" / "lce" / "project_progress_copy.xlsx"
    dropped.write_bytes(f.path.read_bytes())
    report = ingest_month("2019-01", planned, limits=IntakeLimits(quiet_s=3600))
    assert [(o.file_path, o.status) for o in report.outcomes] == [(f.rel, "accepted")]
    assert report.deferred_files == ["2019-01/lce/project_progress_copy.xlsx"]
    with pytest.raises(FileNotFoundError):
        ingest_file(planned, "2019-01/lce/absent.xlsx")
    with pytest.raises(FileNotFoundError):
        check_file(planned, "../outside.xlsx")
