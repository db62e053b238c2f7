"""The run lease and the warehouse writer lock, across real processes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from datetime import timedelta

import pytest

from zonewh.locks import (
    Busy,
    Holder,
    acquire_run,
    current_holder,
    release_run,
    renew_run,
    run_lease,
    warehouse_writer,
)

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from zonewh.config import paths
    from zonewh.locks import Holder, run_lease, warehouse_writer
    kind, ready, stop = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    p = paths().ensure()
    ctx = run_lease(p, Holder("cli", "zonewh run --month 2019-06", "2019-06")) if kind == "run" else warehouse_writer(p)
    with ctx:
        ready.touch()
        while not stop.exists():
            time.sleep(0.05)
    """
)


def _holder_process(kind: str, tmp_path):
    ready, stop = tmp_path / f"{kind}-ready", tmp_path / f"{kind}-stop"
    proc = subprocess.Popen([sys.executable, "-c", HOLD, kind, str(ready), str(stop)])
    for _ in range(300):
        if ready.exists():
            return proc, stop
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("holder did not start")


def test_a_second_run_is_refused_naming_the_holder(home, tmp_path):
    proc, stop = _holder_process("run", tmp_path)
    try:
        with pytest.raises(Busy) as refused:
            acquire_run(home, Holder("cli", "zonewh run --month 2019-07", "2019-07"))
        text = str(refused.value)
        assert "zonewh run --month 2019-06 for 2019-06" in text and f"pid {proc.pid}" in text
        assert "月度运行正在进行" in refused.value.message_zh
        assert current_holder(home).pid == proc.pid
    finally:
        stop.touch()
        proc.wait(timeout=30)


def test_a_second_run_may_wait_for_the_first(home, tmp_path):
    proc, stop = _holder_process("run", tmp_path)
    subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import time, pathlib; time.sleep(1.0); pathlib.Path({str(stop)!r}).touch()",
        ]
    )
    started = time.monotonic()
    with run_lease(home, Holder("cli", "second"), wait_s=30) as me:
        assert current_holder(home).holder_id == me.holder_id
    assert time.monotonic() - started >= 0.5
    proc.wait(timeout=30)
    assert current_holder(home) is None


def test_a_killed_holder_leaves_no_lease(home, tmp_path):
    proc, _ = _holder_process("run", tmp_path)
    proc.kill()
    proc.wait(timeout=30)
    with run_lease(home, Holder("cli", "after a crash")):
        pass


def test_an_airflow_lease_lives_across_tasks_until_it_expires_or_is_released(home):
    dag_run = Holder(
        "airflow", "Airflow zone_monthly_publication manual__1", "2019-06", holder_id="run-1"
    )
    renew_run(home, dag_run, ttl=timedelta(hours=1))
    # another task process of the same run renews it; a CLI run is refused meanwhile
    renew_run(home, Holder("airflow", dag_run.label, "2019-06", pid=1, holder_id="run-1"))
    with pytest.raises(Busy, match="manual__1"):
        acquire_run(home, Holder("cli", "zonewh run --month 2019-06"))
    assert release_run(home, "run-1")
    # an expired lease is taken over
    renew_run(home, dag_run, ttl=timedelta(seconds=-1))
    with run_lease(home, Holder("cli", "after expiry")):
        pass
    data = (
        json.loads((home.home / "locks" / "run.json").read_text())
        if (home.home / "locks" / "run.json").exists()
        else None
    )
    assert data is None


def test_writers_queue_instead_of_failing(home, tmp_path):
    proc, stop = _holder_process("writer", tmp_path)
    try:
        with pytest.raises(Busy, match="working warehouse"), warehouse_writer(home, wait_s=0.3):
            pass
    finally:
        stop.touch()
        proc.wait(timeout=30)
    with warehouse_writer(home, wait_s=5):
        pass


def test_an_error_inside_the_writer_lock_is_not_mistaken_for_busy(home):
    with pytest.raises(BlockingIOError, match="inside"), warehouse_writer(home):
        raise BlockingIOError("raised inside")


def test_failpoints_name_a_place_and_may_pause(monkeypatch):
    import time as clock

    from zonewh import failpoints

    monkeypatch.setenv("ZONEWH_FAILPOINT", "run:built:sleep=0.2")
    started = clock.monotonic()
    failpoints.reached("run:gated")  # another place: nothing
    failpoints.reached("run:built")
    assert clock.monotonic() - started >= 0.2
