"""`ingest.store`: the raw store is intake's own file; read-only opens; a lock held by
another process is one clear message."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from conftest import SIGNINGS_JAN, Landing

from ingest.forms import FORMS
from ingest.intake import ingest_all, ingest_month
from ingest.settings import IntakePaths
from ingest.status import month_status
from ingest.store import StoreBusy, busy_message, open_store

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
