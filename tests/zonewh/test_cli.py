"""The command line: a bad month (exit 2) and a busy raw store (exit 4) are one message each,
no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from ingest.store import open_store
from zonewh.cli import app

HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.read()
"""


@pytest.mark.parametrize("command", ["ingest", "status"])
def test_a_malformed_month_is_refused(home, command: str) -> None:
    result = CliRunner().invoke(app, [command, "--month", "2019-6"])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "month must be YYYY-MM between 1990-01 and 2099-12, got '2019-6'" in text
    assert "月份应写作 YYYY-MM" in text
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["ingest", "status"])
def test_a_busy_raw_store_is_one_message(home, command: str, monkeypatch) -> None:
    monkeypatch.setenv("ZONEWH_STORE_WAIT_SECONDS", "1")  # intake waits that long, then says so
    open_store(home).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(home.raw_store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        result = CliRunner().invoke(app, [command, "--month", "2019-06"])
    finally:
        holder.communicate("", timeout=30)
    assert result.exit_code == 4  # busy
    flat = "".join(result.output.split())  # the console wraps long lines
    assert "raw.duckdbisinuse" in flat and f"process{holder.pid}" in flat
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
