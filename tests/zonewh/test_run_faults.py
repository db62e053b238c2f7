"""Fault injection on the monthly run (`pytest -m faults`): a run killed with SIGKILL at each
step, two runs at once and staggered, a writer changing the warehouse after the gate, and the
operator's mistakes that used to end in tracebacks.

Every run here is a real `zonewh` process on a copy of a home where the demo's 2019-01 is
published, running 2019-02 from the demo's files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from homes import BASE, MONTH, copy_home, hashes

pytestmark = pytest.mark.faults

ZONEWH = [sys.executable, "-m", "zonewh.cli"]

BEFORE_COMMIT = [
    "run:ingested",
    "build:month-built",
    "run:built",
    "run:gated",
    "publish:candidate",
    "publish:private",
]
AFTER_COMMIT = ["publish:renamed", "publish:linked", "publish:vintage", "publish:logged"]


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZONEWH_")}
    env.update({"ZONEWH_HOME": str(home), "COLUMNS": "200", **extra})
    return env


def _zonewh(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*ZONEWH, *args],
        env=_env(home, **extra),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _start(home: Path, *args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*ZONEWH, *args],
        env=_env(home, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _log(home: Path) -> list[dict]:
    path = home / "publications" / "log.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _months(published: Path) -> list[str]:
    with duckdb.connect(str(published), read_only=True) as con:
        rows = con.execute(
            "select distinct strftime(month, '%Y-%m') from marts.submission_status order by 1"
        ).fetchall()
    return [r[0] for r in rows]


def _leftovers(home: Path) -> list[str]:
    published = home / "published"
    found = [p.name for p in published.glob(".zone.duckdb.candidate-*")]
    found += [p.name for p in published.rglob(".*.tmp-*")]
    found += [p.name for p in (home / "runs").glob("*")] if (home / "runs").exists() else []
    return found


@pytest.fixture
def run_home(published_base, demo_landing, tmp_path) -> Path:
    return copy_home(published_base, tmp_path / "home", demo_landing)


@pytest.mark.parametrize("point", BEFORE_COMMIT)
def test_a_run_killed_before_the_commit_changes_nothing_and_the_next_run_is_clean(run_home, point):
    before = hashes(run_home / "published")
    killed = _zonewh(run_home, "run", "--month", MONTH, ZONEWH_FAILPOINT=point)
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert hashes(run_home / "published") == before
    assert _months(run_home / "published" / "zone.duckdb") == [BASE]
    again = _zonewh(run_home, "run", "--month", MONTH)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-2000:]
    assert _months(run_home / "published" / "zone.duckdb") == [BASE, MONTH]
    assert _leftovers(run_home) == []
    outcomes = [(r["month"], r["outcome"]) for r in _log(run_home)]
    assert outcomes[-1] == (f"{MONTH}-01", "published")
    if point.startswith("publish:"):
        assert "interrupted" in [o for _, o in outcomes]  # the dead attempt is on record


@pytest.mark.parametrize("point", AFTER_COMMIT)
def test_a_run_killed_after_the_commit_is_completed_by_the_next_start(run_home, point):
    killed = _zonewh(run_home, "run", "--month", MONTH, ZONEWH_FAILPOINT=point)
    assert killed.returncode == -9
    # the rename happened: readers already see the month, whole
    assert _months(run_home / "published" / "zone.duckdb") == [BASE, MONTH]
    again = _zonewh(run_home, "run", "--month", MONTH)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-2000:]
    published = [r for r in _log(run_home) if r["published"]]
    assert [r["month"] for r in published] == [f"{BASE}-01", f"{MONTH}-01", f"{MONTH}-01"]
    assert (run_home / "published" / "vintages" / f"{MONTH}.duckdb").exists()
    assert (run_home / "published" / "parquet" / "submission_status.parquet").exists()
    assert _leftovers(run_home) == []


def test_two_runs_at_once_one_publishes_the_other_is_refused_naming_it(run_home):
    first, second = (
        _start(run_home, "run", "--month", MONTH),
        _start(run_home, "run", "--month", MONTH),
    )
    out = [p.communicate(timeout=900) for p in (first, second)]
    codes = sorted([first.returncode, second.returncode])
    assert codes == [0, 4], out
    refused = out[[first.returncode, second.returncode].index(4)]
    text = " ".join(refused[1].split())
    assert "the monthly run is busy" in text and "zonewh run --month 2019-02" in text
    assert "Traceback" not in refused[1]


def test_a_staggered_second_run_is_refused_or_waits_and_what_is_published_passed(run_home):
    first = _start(run_home, "run", "--month", MONTH, ZONEWH_FAILPOINT="run:built:sleep=8")
    time.sleep(4)
    refused = _zonewh(run_home, "run", "--month", MONTH)
    assert refused.returncode == 4 and "busy" in refused.stderr
    waited = _zonewh(run_home, "run", "--month", MONTH, "--wait", "600")
    first.communicate(timeout=900)
    assert first.returncode == 0 and waited.returncode == 0, waited.stderr[-2000:]
    attempts = [r for r in _log(run_home) if r["month"] == f"{MONTH}-01"]
    assert [r["outcome"] for r in attempts] == ["published", "published"]
    assert all(r["failing_checks"] == "" for r in attempts)


def test_a_writer_after_the_gate_cannot_change_what_is_published(run_home):
    run = _start(run_home, "run", "--month", MONTH, ZONEWH_FAILPOINT="run:gated:sleep=6")
    time.sleep(1)
    deadline = time.monotonic() + 600
    while not list((run_home / "runs").glob("*/warehouse.duckdb")) and time.monotonic() < deadline:
        time.sleep(0.5)  # wait until the build's snapshot exists: the run is past its build
    time.sleep(1)
    # another writer breaks the working warehouse while the run sits between gate and publish
    with duckdb.connect(str(run_home / "warehouse" / "zone.duckdb")) as con:
        con.execute(
            "update marts.economic_indicators set value_ytd = value_ytd * 10 "
            "where month = '2019-02-01' and indicator_code = 'industry_output' and cluster = ''"
        )
    out, err = run.communicate(timeout=900)
    assert run.returncode == 0, out[-2000:] + err[-2000:]
    sql = (
        "select value_ytd from marts.economic_indicators where month = '2019-02-01' "
        "and indicator_code = 'industry_output' and cluster = ''"
    )
    with duckdb.connect(str(run_home / "published" / "zone.duckdb"), read_only=True) as con:
        [(published,)] = con.execute(sql).fetchall()
    with duckdb.connect(str(run_home / "warehouse" / "zone.duckdb"), read_only=True) as con:
        [(working,)] = con.execute(sql).fetchall()
    assert working == published * 10  # the published value is the one the gate judged


HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.read()
"""


def test_a_client_holding_the_working_warehouse_is_one_message(run_home):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(run_home / "warehouse" / "zone.duckdb")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        ran = _zonewh(run_home, "run", "--month", MONTH)
    finally:
        holder.communicate("", timeout=30)
    text = " ".join(ran.stderr.split())
    assert ran.returncode == 4, ran.stdout[-2000:] + ran.stderr[-2000:]
    assert "in use by another process" in text and f"PID {holder.pid}" in text
    assert "Traceback" not in ran.stdout + ran.stderr
    assert _zonewh(run_home, "run", "--month", MONTH).returncode == 0  # free again: it runs


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["run", "--month", "0000-01"], 2, "month must be YYYY-MM between 1990-01 and 2099-12"),
        (["status", "--month", "9999-12"], 2, "got '9999-12'"),
        (["publish", "--month", "2019-13"], 2, "got '2019-13'"),
        (["bulletin", "--month", "2030-01"], 1, "publish a month first"),
    ],
)
def test_operator_mistakes_are_one_message_and_an_exit_code(tmp_path, args, code, says):
    home = tmp_path / "home"
    ran = _zonewh(home, *args)
    assert ran.returncode == code, ran.stdout + ran.stderr
    assert says in " ".join((ran.stdout + ran.stderr).split())
    assert "Traceback" not in ran.stdout + ran.stderr


def test_a_home_that_is_a_file_is_one_message(tmp_path):
    home = tmp_path / "home"
    home.write_text("not a folder")
    ran = _zonewh(home, "status", "--month", MONTH)
    assert ran.returncode == 2 and "is a file, not a folder" in ran.stderr
    assert "Traceback" not in ran.stderr


def test_a_read_only_warehouse_folder_is_one_message(run_home):
    """The home's warehouse folder and files made immutable (`chattr +i`, which binds root
    too): a run says what it cannot write, with an exit code, and no traceback."""
    chattr = shutil.which("chattr")
    assert chattr, "chattr (e2fsprogs) is needed for this test"
    targets = [run_home / "warehouse", *(run_home / "warehouse").iterdir()]
    subprocess.run([chattr, "+i", *map(str, targets)], check=True)
    try:
        ran = _zonewh(run_home, "run", "--month", MONTH)
    finally:
        subprocess.run([chattr, "-i", *map(str, targets)], check=True)
    assert ran.returncode in (4, 5), ran.stdout[-2000:] + ran.stderr[-2000:]
    assert "Traceback" not in ran.stdout + ran.stderr
    assert "error:" in ran.stderr
