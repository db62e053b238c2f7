"""Intake under attack and bad luck: a file still being written, a zip that lies about its
size, a 10,000-column CSV, a reader that crashes, hangs or eats memory, links at every
level. Each is one file's rejection (or a deferral), and the run goes on."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from badfiles import (
    MONTH,
    signing_rows,
    write_lying_zip_bomb_xlsx,
    write_signings_csv,
    write_wide_csv,
)

from ingest import sandbox
from ingest.errors import FileRejected
from ingest.forms import INVESTMENT_SIGNINGS
from ingest.intake import ingest_month
from ingest.sandbox import Sandbox
from ingest.settings import IntakeLimits, IntakePaths
from ingest.store import open_store

pytestmark = pytest.mark.faults

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
OLD = 1_600_000_000.0
"""A modification time long past (the quiet period is over)."""


def _age(path: Path, at: float = OLD) -> Path:
    os.utime(path, (at, at), follow_symlinks=False)
    return path


def _subs(home: IntakePaths) -> dict[str, dict]:
    """raw.submissions by file path."""
    with open_store(home, read_only=True) as con:
        cur = con.execute("select * from raw.submissions")
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    return {row["file_path"]: row for row in rows}


def _receipt(home: IntakePaths, rel: str) -> dict:
    return json.loads((home.receipts / f"{rel}.json").read_text("utf-8"))


# ---------------------------------------------------------------- a slow writer


def test_a_file_being_written_is_never_loaded_half_written(home: IntakePaths) -> None:
    """A thread writes a CSV in pieces with pauses; runs during the writing defer it (no
    receipt, no record); once it is whole and quiet it is loaded once, every row, and the
    archived copy is the bytes recorded."""
    limits = IntakeLimits(quiet_s=1.5)
    rel = f"{MONTH}/ist/investment_signings.csv"
    target = home.landing / rel
    target.parent.mkdir(parents=True)
    rows = list(signing_rows(3000))
    lines = [",".join(INVESTMENT_SIGNINGS.headers) + "\n"] + [",".join(r) + "\n" for r in rows]
    done = threading.Event()

    def write_slowly() -> None:
        with target.open("w", encoding="utf-8") as fh:
            for i in range(0, len(lines), 250):
                fh.writelines(lines[i : i + 250])
                fh.flush()
                time.sleep(0.4)
        done.set()

    writer = threading.Thread(target=write_slowly)
    writer.start()
    runs = 0
    try:
        while not done.is_set():
            report = ingest_month(MONTH, home, limits=limits)
            runs += 1
            assert (report.processed, report.deferred) == (0, 1), report.summary()
            assert report.deferred_files == [rel]
            assert not (home.receipts / MONTH).exists()
            assert _subs(home) == {}
    finally:
        writer.join()
    assert runs >= 2
    time.sleep(limits.quiet_s + 0.2)
    report = ingest_month(MONTH, home, limits=limits)
    (outcome,) = report.outcomes
    assert (outcome.status, outcome.rows_loaded, report.deferred) == ("accepted", 3000, 0)
    again = ingest_month(MONTH, home, limits=limits)
    assert (again.processed, again.skipped) == (0, 1)
    sub = _subs(home)[rel]
    archived = home.home / sub["archive_path"]
    assert hashlib.sha256(archived.read_bytes()).hexdigest() == sub["sha256"]
    assert archived.read_bytes() == target.read_bytes()
    with open_store(home, read_only=True) as con:
        codes = con.execute("select signing_code from raw.investment_signings").fetchall()
    assert sorted(c for (c,) in codes) == sorted(r[0] for r in rows)


def test_a_young_office_lock_file_waits_and_an_old_one_is_receipted(home: IntakePaths) -> None:
    limits = IntakeLimits(quiet_s=60)
    young = home.landing / MONTH / "ist" / "~$investment_signings.xlsx"
    young.parent.mkdir(parents=True)
    young.write_bytes(b"owner")
    report = ingest_month(MONTH, home, limits=limits)
    assert (report.processed, report.deferred) == (0, 1)
    _age(young)
    (outcome,) = ingest_month(MONTH, home, limits=limits).outcomes
    assert (outcome.status, outcome.file_path) == (
        "rejected",
        f"{MONTH}/ist/~$investment_signings.xlsx",
    )
    receipt = _receipt(home, outcome.file_path)
    assert receipt["problems"][0]["rule"] == "office_lock_file"


# ---------------------------------------------------------------- bombs


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lying zip bomb: declares 200 KB, inflates to more than 3 GiB (built once)."""
    return write_lying_zip_bomb_xlsx(tmp_path_factory.mktemp("bomb") / "investment_signings.xlsx")


RUN_CAPPED = textwrap.dedent(
    """
    import json, resource, sys, time
    from pathlib import Path
    cap = 2 * 2**30
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from ingest.intake import ingest_month
    from ingest.settings import IntakePaths
    home = Path(sys.argv[1])
    started = time.perf_counter()
    report = ingest_month(sys.argv[2], IntakePaths(home=home, landing=home / "landing"))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "worker_peak": peak,
                      "outcomes": [[o.file_path, o.status] for o in report.outcomes]}))
    """
)


def _run_capped(home: IntakePaths) -> dict:
    """Ingest the month in a process whose address space is capped at 2 GiB (the sandbox
    worker inherits the cap and sets its own). The process uses the worker's allocator
    settings, so that the cap measures memory used, not address space reserved."""
    env = dict(os.environ, **sandbox.WORKER_ENV)
    out = subprocess.run(
        [sys.executable, "-c", RUN_CAPPED, str(home.home), MONTH],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_zip_that_lies_about_its_size_is_one_rejection(home: IntakePaths, bomb: Path) -> None:
    """A real workbook whose sheet declares 200 KB and inflates to more than 3 GiB is
    rejected, under a 2 GiB cap, in seconds, and the next file of the run is accepted."""
    rel = f"{MONTH}/ist/investment_signings_bomb.xlsx"
    (home.landing / rel).parent.mkdir(parents=True)
    shutil.copyfile(bomb, home.landing / rel)
    _age(home.landing / rel)
    good = _age(write_signings_csv(home.landing / MONTH / "ist" / "investment_signings_z.csv", 20))
    result = _run_capped(home)
    assert dict(result["outcomes"]) == {
        rel: "rejected",
        str(good.relative_to(home.landing)): "accepted",
    }
    assert result["seconds"] < 30, result
    assert result["worker_peak"] < 2 * 2**30, result
    problem = _receipt(home, rel)["problems"][0]
    assert problem["rule"] == "zip_bomb"
    assert "文件过大或已损坏" in problem["message_zh"]
    assert "declared size (200,000 bytes)" in problem["message_en"]
    assert (home.quarantine / MONTH / "ist" / "v1_investment_signings_bomb.xlsx").is_file()


def test_a_ten_thousand_column_csv_is_one_rejection(home: IntakePaths) -> None:
    rel = f"{MONTH}/ist/investment_signings_wide.csv"
    wide = _age(write_wide_csv(home.landing / rel))
    assert wide.stat().st_size < 400_000
    good = _age(write_signings_csv(home.landing / MONTH / "ist" / "investment_signings_z.csv", 20))
    result = _run_capped(home)
    assert dict(result["outcomes"]) == {
        rel: "rejected",
        str(good.relative_to(home.landing)): "accepted",
    }
    assert result["seconds"] < 30, result
    problem = _receipt(home, rel)["problems"][0]
    assert (problem["rule"], problem["value"]) == ("too_many_columns", "10000")
    assert "文件过大或已损坏" in problem["message_zh"]


# ---------------------------------------------------------------- a reader that misbehaves


@pytest.fixture
def faulty_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers started by this test misbehave on files named crash, hang or hog."""
    monkeypatch.setattr(
        sandbox, "worker_command", lambda: [sys.executable, str(HERE / "fault_worker.py")]
    )


@pytest.mark.usefixtures("faulty_reader")
def test_a_crash_a_hang_and_a_hog_are_rejections_and_the_batch_goes_on(home: IntakePaths) -> None:
    limits = IntakeLimits(parse_s=3, parse_memory_mb=1024)
    names = ["crash", "hang", "hog", "leak", "ok"]
    for i, name in enumerate(names):
        path = write_signings_csv(
            home.landing / MONTH / "ist" / f"investment_signings_{name}.csv", 5
        )
        _age(path, OLD + i)
    started = time.perf_counter()
    report = ingest_month(MONTH, home, limits=limits)
    assert time.perf_counter() - started < 60
    outcomes = {Path(o.file_path).stem.rsplit("_", 1)[1]: o for o in report.outcomes}
    assert {k: o.status for k, o in outcomes.items()} == {
        "crash": "rejected",
        "hang": "rejected",
        "hog": "rejected",
        "leak": "rejected",
        "ok": "accepted",
    }
    rules = {
        k: _receipt(home, o.file_path)["problems"][0] for k, o in outcomes.items() if k != "ok"
    }
    assert rules["crash"]["rule"] == "reader_crashed"
    assert rules["crash"]["value"] == "SIGABRT"
    assert rules["hang"]["rule"] == "reader_timeout"
    assert rules["hog"]["rule"] == "reader_memory"
    assert "1024 MB" in rules["hog"]["message_en"]
    for k in ("crash", "hang", "hog"):
        problem = rules[k]
        assert problem["message_zh"].startswith("文件“investment_signings_")
        assert "文件过大或已损坏" in problem["message_zh"]
        tag = outcomes[k].submission_id.rsplit("/", 1)[1]
        assert (home.quarantine / MONTH / "ist" / f"{tag}_investment_signings_{k}.csv").is_file()
    # a reader's own words reach the receipt without a server path
    leak = rules["leak"]
    assert leak["rule"] == "internal_read_error"
    assert "cannot parse investment_signings_leak.csv in" in leak["message_en"]
    for outcome in outcomes.values():
        text = (home.receipts / f"{outcome.file_path}.json").read_text("utf-8")
        assert str(home.home) not in text and "Traceback" not in text


@pytest.mark.usefixtures("faulty_reader")
def test_a_file_told_by_its_header_is_read_in_the_sandbox(home: IntakePaths) -> None:
    """A name without a form code is told by its header row, which the sandbox reads: a
    reader that crashes or hangs there is that file's rejection, and the run goes on."""
    limits = IntakeLimits(parse_s=3, parse_memory_mb=1024)
    for i, name in enumerate(["签约项目_crash", "签约项目_hang", "签约项目_ok"]):
        _age(write_signings_csv(home.landing / MONTH / "ist" / f"{name}.csv", 5), OLD + i)
    report = ingest_month(MONTH, home, limits=limits)
    outcomes = {Path(o.file_path).stem.rsplit("_", 1)[1]: o for o in report.outcomes}
    assert {k: (o.status, o.form_code) for k, o in outcomes.items()} == {
        "crash": ("rejected", None),
        "hang": ("rejected", None),
        "ok": ("accepted", "investment_signings"),
    }
    assert _receipt(home, outcomes["crash"].file_path)["problems"][0]["rule"] == "reader_crashed"
    assert _receipt(home, outcomes["hang"].file_path)["problems"][0]["rule"] == "reader_timeout"
    ok = _receipt(home, outcomes["ok"].file_path)
    assert (ok["identified_by"], ok["rows_loaded"]) == ("header_row", 5)


# ---------------------------------------------------------------- links at every level


def _strace() -> str:
    """strace, installed from Debian when absent."""
    found = shutil.which("strace")
    if found is None:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "strace"],
            check=True,
            env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
        )
        found = shutil.which("strace")
    assert found, "strace is needed to watch which files intake opens"
    return found


INGEST_ALL = (
    "import sys\n"
    "from pathlib import Path\n"
    "from ingest.intake import ingest_all\n"
    "from ingest.settings import IntakePaths\n"
    "home = Path(sys.argv[1])\n"
    "report = ingest_all(IntakePaths(home=home, landing=home / 'landing'))\n"
    "print(report.processed)\n"
)


def test_links_at_every_level_are_receipted_and_nothing_behind_them_is_touched(
    home: IntakePaths, tmp_path: Path
) -> None:
    """A link as month folder, as unit folder, as sub-folder and as file: each is rejected
    by its own name, and (watched with strace, the sandbox worker included) nothing behind
    any of them is opened, listed or even looked at."""
    outside = tmp_path / "outside"
    targets = {
        "2021-04": outside / "month",
        f"{MONTH}/evil": outside / "unit",
        f"{MONTH}/ist/sub": outside / "sub",
        f"{MONTH}/ist/investment_signings_link.csv": outside / "file" / "secret_file.csv",
    }
    for n, target in enumerate(targets.values()):
        if target.suffix == ".csv":
            write_signings_csv(target, 5)
        else:
            write_signings_csv(target / f"secret_{n}.csv", 5)
            write_signings_csv(target / "ist" / f"secret_{n}_deep.csv", 5)
    (home.landing / MONTH / "ist").mkdir(parents=True)
    for rel, target in targets.items():
        (home.landing / rel).symlink_to(target, target_is_directory=target.suffix != ".csv")
        _age(home.landing / rel)
    hidden = _age(write_signings_csv(home.landing / MONTH / "ist" / ".investment_signings.csv", 5))
    good = _age(write_signings_csv(home.landing / MONTH / "ist" / "investment_signings.csv", 5))
    log = tmp_path / "strace.log"
    out = subprocess.run(
        [
            _strace(),
            "-f",
            "-qq",
            "-s",
            "4096",
            "-e",
            "trace=%file,getdents64",
            "-o",
            str(log),
            sys.executable,
            "-c",
            INGEST_ALL,
            str(home.home),
        ],
        check=False,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    trace = log.read_text(errors="replace")
    assert "ingest.sandbox" in trace  # the worker was traced too
    assert str(outside) not in trace
    assert "secret_" not in trace
    subs = _subs(home)
    for rel in targets:
        sub = subs[rel]
        assert (sub["status"], sub["sha256"], sub["quarantine_path"]) == ("rejected", "", None)
        receipt = _receipt(home, rel)
        assert receipt["sha256"] == ""
        assert receipt["problems"][0]["rule"] == "symlink"
        assert rel in receipt["problems"][0]["message_en"]
    assert subs[str(hidden.relative_to(home.landing))]["status"] == "rejected"
    hidden_receipt = _receipt(home, str(hidden.relative_to(home.landing)))
    assert hidden_receipt["problems"][0]["rule"] == "hidden_file"
    assert "隐藏文件不予受理" in hidden_receipt["problems"][0]["message_zh"]
    assert subs[str(good.relative_to(home.landing))]["status"] == "accepted"


@pytest.mark.usefixtures("faulty_reader")
def test_one_worker_serves_the_files_and_a_new_one_follows_a_crash(tmp_path: Path) -> None:
    files = {
        name: write_signings_csv(tmp_path / f"investment_signings_{name}.csv", 3)
        for name in ("a", "b", "crash", "c")
    }
    with Sandbox(IntakeLimits(parse_s=10)) as box:
        for name in ("a", "b"):
            assert box.read(files[name], INVESTMENT_SIGNINGS).num_rows == 3
        assert box.started == 1
        with pytest.raises(FileRejected) as info:
            box.read(files["crash"], INVESTMENT_SIGNINGS)
        assert info.value.problems[0].rule == "reader_crashed"
        assert box.read(files["c"], INVESTMENT_SIGNINGS).num_rows == 3
        assert box.started == 2
