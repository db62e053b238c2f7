"""`ingest.store`: the raw store is intake's own file; read-only opens; a lock held by
another process is one clear message."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from conftest import SIGNINGS_JAN, Landing

from ingest.forms import FORMS
from ingest.intake import ingest_all, ingest_month
from ingest.settings import IntakePaths
from ingest.status import month_status
from ingest.store import StoreBusy, busy_message, open_store, reading

HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
print("holding", flush=True)
sys.stdin.read()
"""


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
    }


def test_writing_creates_file_and_schema(home: IntakePaths) -> None:
    assert not home.raw_store.exists()
    with open_store(home) as con:
        assert _tables(con) == set(FORMS) | {"submissions", "problems", "forms", "waivers"}
    assert home.raw_store.is_file()
    assert home.raw_store == home.home / "warehouse" / "raw.duckdb"


def test_read_only_open_of_a_missing_store(home: IntakePaths) -> None:
    with open_store(home, read_only=True) as con:
        assert _tables(con) == set(FORMS) | {"submissions", "problems", "forms", "waivers"}
        assert con.execute("select count(*) from raw.submissions").fetchone() == (0,)
    assert not home.raw_store.exists()


def test_read_only_open_cannot_write(home: IntakePaths) -> None:
    open_store(home).close()
    with open_store(home, read_only=True) as con, pytest.raises(duckdb.Error):
        con.execute("create table raw.x (a int)")


def test_intake_writes_only_the_raw_store(home: IntakePaths, landing: Landing) -> None:
    landing.drop("2019-01", "ist", "investment_signings", SIGNINGS_JAN)
    assert ingest_month("2019-01", home).accepted == 1
    # the store, and the lock file beside it that readers and the writer share
    assert sorted(p.name for p in home.store_dir.iterdir()) == ["raw.duckdb", "raw.duckdb.lock"]
    with open_store(home, read_only=True) as con:
        schemas = {r[0] for r in con.execute("select schema_name from duckdb_tables()").fetchall()}
        assert schemas == {"raw"}
        assert con.execute("select count(*) from raw.investment_signings").fetchone() == (2,)


@pytest.fixture
def held(
    home: IntakePaths, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[subprocess.Popen]:
    """Another process holding the raw store open (read-write, or read-only with "ro")
    without the store's lock file: intake retries for a second, then gives up."""
    monkeypatch.setenv("ZONEWH_STORE_WAIT_SECONDS", "1")
    open_store(home).close()
    mode = getattr(request, "param", "rw")
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(home.raw_store), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
        yield proc
    finally:
        proc.communicate("", timeout=30)


def _assert_busy_message(exc: StoreBusy, home: IntakePaths, proc: subprocess.Popen) -> None:
    text = str(exc)
    assert str(home.raw_store) in text
    assert f"process {proc.pid}" in text
    assert "\n" not in text


def test_locked_store_gives_one_clear_message(home: IntakePaths, held: subprocess.Popen) -> None:
    with pytest.raises(StoreBusy) as info:
        open_store(home)
    _assert_busy_message(info.value, home, held)
    assert isinstance(info.value, RuntimeError)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_ingest_and_status_fail_with_store_busy(
    home: IntakePaths, landing: Landing, held: subprocess.Popen
) -> None:
    landing.drop("2019-01", "ist", "investment_signings", SIGNINGS_JAN)
    for call in (
        lambda: ingest_month("2019-01", home),
        lambda: ingest_all(home),
        lambda: month_status("2019-01", home),
    ):
        with pytest.raises(StoreBusy) as info:
            call()
        _assert_busy_message(info.value, home, held)
    assert not (home.receipts / "2019-01").exists()


@pytest.mark.parametrize("held", ["ro"], indirect=True)
def test_a_reader_elsewhere_blocks_writing_not_reading_here(
    home: IntakePaths, held: subprocess.Popen
) -> None:
    with pytest.raises(StoreBusy) as info:
        open_store(home)
    _assert_busy_message(info.value, home, held)
    with open_store(home, read_only=True) as con:
        assert con.execute("select count(*) from raw.submissions").fetchone() == (0,)


def test_busy_message_without_a_pid() -> None:
    text = busy_message(Path("/h/warehouse/raw.duckdb"), OSError("Could not set lock on file"))
    assert text.startswith("the raw store /h/warehouse/raw.duckdb is in use: another process")


# ---------------------------------------------------------------- the lock beside the store

READER = """
import sys
from pathlib import Path
from ingest.settings import IntakePaths
from ingest.store import reading
home = Path(sys.argv[1])
with reading(IntakePaths(home=home, landing=home / "landing"), wait_s=float(sys.argv[2])):
    print("reading", flush=True)
    sys.stdin.readline()
"""


@pytest.fixture
def reader(home: IntakePaths) -> Iterator[subprocess.Popen]:
    """Another process holding the store's lock shared (as a dbt build does)."""
    open_store(home).close()
    proc = subprocess.Popen(
        [sys.executable, "-c", READER, str(home.home), "10"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().startswith("reading")
        yield proc
    finally:
        proc.communicate("\n", timeout=30)


def test_a_reader_makes_the_writer_wait_then_it_proceeds(
    home: IntakePaths, reader: subprocess.Popen
) -> None:
    assert reader.stdin is not None
    release = threading.Timer(1.5, lambda: (reader.stdin.write("\n"), reader.stdin.flush()))
    release.start()
    started = time.monotonic()
    with open_store(home, wait_s=30) as con:
        waited = time.monotonic() - started
        con.execute("insert into raw.problems (submission_id) values ('x')")
    release.join()
    assert 1.2 < waited < 25
    with open_store(home, read_only=True) as con:
        assert con.execute("select count(*) from raw.problems").fetchone() == (1,)


def test_a_writer_that_cannot_get_the_lock_names_the_holder(
    home: IntakePaths, reader: subprocess.Popen
) -> None:
    started = time.monotonic()
    with pytest.raises(StoreBusy) as info:
        open_store(home, wait_s=0.5)
    assert 0.4 < time.monotonic() - started < 10
    text = str(info.value)
    assert str(home.raw_store) in text
    assert f"process {reader.pid} (python" in text
    assert "waited 0.5 s" in text and "\n" not in text
    # readers share the lock: another reader (this process) is let in at once
    with open_store(home, read_only=True, wait_s=0.5) as con:
        assert con.execute("select count(*) from raw.submissions").fetchone() == (0,)
    assert month_status("2019-01", home)


def test_the_writer_takes_the_default_wait_from_the_environment(
    home: IntakePaths, reader: subprocess.Popen, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZONEWH_STORE_WAIT_SECONDS", "0.3")
    with pytest.raises(StoreBusy, match="waited 0.3 s"):
        open_store(home)
    with reading(home, wait_s=0):
        pass  # readers share the lock: no wait needed


def test_a_run_lets_a_waiting_reader_in_between_two_files(
    home: IntakePaths, landing: Landing
) -> None:
    """A run holds the store per file: a reader that starts waiting during the run gets the
    store before the run ends, and the run then finishes every file."""
    for i in range(12):
        rows = [[f"S{i:02d}{j}", "项目", "投资方", "2019-01-15", "1", None, None] for j in range(3)]
        landing.drop(
            "2019-01", "ist", "investment_signings", rows, name=f"investment_signings_{i:02d}.xlsx"
        )
    report: dict[str, object] = {}

    def run() -> None:
        report["r"] = ingest_month("2019-01", home)
        report["ended"] = time.time()

    worker = threading.Thread(target=run)
    worker.start()
    folder = home.receipts / "2019-01" / "ist"
    while not (folder.is_dir() and any(folder.glob("*.json"))):
        assert worker.is_alive()
        time.sleep(0.05)
    got = subprocess.run(
        [sys.executable, "-c", READER_AT, str(home.home)],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    worker.join()
    reader_in = float(got.stdout.strip())
    assert reader_in < report["ended"]
    assert report["r"].accepted == 12


READER_AT = """
import sys, time
from pathlib import Path
from ingest.settings import IntakePaths
from ingest.store import reading
home = Path(sys.argv[1])
with reading(IntakePaths(home=home, landing=home / "landing"), wait_s=60):
    print(time.time(), flush=True)
    time.sleep(0.5)
"""


def test_the_form_registry_is_a_table(home: IntakePaths) -> None:
    with open_store(home) as con:
        rows = con.execute("select form_code, form_name, submitted_by from raw.forms").fetchall()
        assert sorted(rows) == sorted((f.code, f.title, f.submitted_by) for f in FORMS.values())
        con.execute("delete from raw.forms where form_code = 'econ_indicators'")
        con.execute("insert into raw.forms values ('old_form', '旧表', 'drc')")
    with open_store(home) as con:
        again = con.execute("select form_code, form_name, submitted_by from raw.forms").fetchall()
    assert sorted(again) == sorted(rows)
