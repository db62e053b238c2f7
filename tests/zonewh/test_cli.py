"""The command line: a bad month (exit 2) and a busy raw store (exit 4) are one message each,
no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from ingest.store import open_store
from zonewh import cli
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


def test_status_says_why_no_unit_owes_progress_before_the_plan(home, monkeypatch) -> None:
    """`zonewh status` for a month whose year has no accepted plan: the plan's forms are
    not owed yet, with the cause and what to do; nobody is chased for them."""
    monkeypatch.setattr(cli.console, "_width", 250)  # table cells whole on one line
    result = CliRunner().invoke(app, ["status", "--month", "2021-01"])
    assert result.exit_code == 0, result.output
    flat = "".join(result.output.split())  # the console wraps long lines
    assert "暂不需报" in flat
    assert "说明（重点项目建设进展月报、项目推进问题台账）：2021年度重点项目计划尚未受理" in flat
    assert "请等待区发展改革局（drc）报送2021年的年度重点项目计划表" in flat
    chased = flat.split("需催报：")[1].split("说明")[0]
    assert "区发展改革局" in chased and "重点项目责任单位" not in chased
