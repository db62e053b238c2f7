"""Real runs of `zone_monthly_publication` with `dag.test()` on a fresh SQLite metadata DB:
the demo month is published, a second run leaves the same marts, and a month the gate
blocks ends failed with `published/` untouched and the failure notification written."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from zonewh import orchestration as orch

DAGS_FOLDER = Path(__file__).resolve().parents[2] / "dags"
DEMO_MONTH = "2014-01"
EMPTY_MONTH = "2015-01"  # no demo submissions: every mandatory return is missing
MARTS = (
    "economic_indicators",
    "project_investment",
    "project_issues",
    "investment_signings",
    "campaign_scores",
    "campaign_rewards",
    "submission_status",
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def airflow_db() -> None:
    """`airflow db migrate` on the session's SQLite file, then the writer pool."""
    subprocess.run(
        [str(Path(sys.executable).parent / "airflow"), "db", "migrate"],
        check=True,
        capture_output=True,
        env=os.environ.copy(),
    )
    from zonewh.orchestration.setup import ensure_pool

    ensure_pool()


@pytest.fixture
def monthly_dag(airflow_db, home, monkeypatch):
    """The DAG as the dag-processor sees it, for a home holding the demo submissions."""
    from airflow.dag_processing.dagbag import DagBag

    from zonewh.demo import write_demo

    write_demo(home.landing)
    for folder in home.landing.iterdir():  # the demo month only: runs ingest every new month
        if folder.name != DEMO_MONTH:
            shutil.rmtree(folder)
    monkeypatch.setenv("ZONEWH_DBT_MANIFEST", str(home.home / "dbt" / "manifest.json"))
    monkeypatch.delenv("ZONEWH_NOTIFY_TO", raising=False)
    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    assert bag.import_errors == {}
    return bag.dags["zone_monthly_publication"]


def _states(run) -> dict[str, str]:
    return {ti.task_id: str(ti.state) for ti in run.get_task_instances()}


def _marts(published: Path, month: str) -> dict[str, list[tuple]]:
    import duckdb

    with duckdb.connect(str(published), read_only=True) as con:
        return {
            mart: con.execute(
                f"select * from marts.{mart} where month = ? order by all", [f"{month}-01"]
            ).fetchall()
            for mart in MARTS
        }


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_monthly_dag_publishes_is_idempotent_and_blocks_a_bad_month(monthly_dag, home):
    # 1. a run whose data interval is the demo month (logical date just after its due day)
    after_due = orch.due_end(DEMO_MONTH) + timedelta(hours=1)
    run = monthly_dag.test(logical_date=after_due)
    states = _states(run)
    assert str(run.state) == "success", states
    assert states["dbt_build"] == "success" and states["publish"] == "success"
    assert states["bulletin"] == "success"
    assert home.published.is_file()
    assert (home.vintages / f"{DEMO_MONTH}.duckdb").is_file()
    first = _marts(home.published, DEMO_MONTH)
    assert first["submission_status"] and first["economic_indicators"]
    notes = orch.read_notifications(home)
    assert notes[-1]["event"] == "run_succeeded" and notes[-1]["month"] == DEMO_MONTH

    # 2. the same month again, by hand (conf month): the same marts, no second copy
    again = monthly_dag.test(
        logical_date=after_due + timedelta(days=1), run_conf={"month": DEMO_MONTH}
    )
    assert str(again.state) == "success", _states(again)
    assert _marts(home.published, DEMO_MONTH) == first

    # 3. a month with no submissions: the sensor stops at the cut-off, the gate blocks
    before = _digest(home.published_dir)
    blocked = monthly_dag.test(
        logical_date=orch.due_end(EMPTY_MONTH) + timedelta(hours=1),
        run_conf={"month": EMPTY_MONTH, "completeness_cutoff_hours": 0},
    )
    states = _states(blocked)
    assert str(blocked.state) == "failed", states
    assert states["wait_for_submissions"] == "success"  # soft pass at the cut-off
    assert states["gate"] == "success" and states["publish"] == "failed"
    assert states["bulletin"] == "upstream_failed" and states["end"] == "success"
    assert _digest(home.published_dir) == before
    assert list((home.reports / EMPTY_MONTH / "gate").glob("*.json"))
    note = orch.read_notifications(home)[-1]
    assert note["event"] == "run_failed" and note["month"] == EMPTY_MONTH
    assert "publish" in note["details"]["failed_tasks"]
    # every attempt is in the log of record, the blocked one with its failing checks
    from zonewh.publish import log as publication_log

    attempts = publication_log.read(home)
    assert [a["outcome"] for a in attempts] == ["published", "published", "blocked"]
    assert "B1" in attempts[-1]["failing_checks"] and attempts[-1]["run_by"] == "airflow"
    # the run lease went back each time: a command-line run may start
    from zonewh.locks import current_holder

    assert current_holder(home) is None


def test_setup_creates_the_writer_pool(airflow_db):
    from airflow.models.pool import Pool

    from zonewh.orchestration.setup import main

    assert main(["pool"]) == 0
    pool = Pool.get_pool(orch.WRITER_POOL)
    assert pool is not None and pool.slots == 1
    assert main(["bogus"]) == 2


def test_intake_dag_ingests_the_open_months_and_writes_receipts(airflow_db, home):
    from datetime import datetime

    from airflow.dag_processing.dagbag import DagBag

    from zonewh.config import CST
    from zonewh.demo import write_demo

    write_demo(home.landing)
    dag = DagBag(dag_folder=str(DAGS_FOLDER)).dags["zone_submission_intake"]
    # 3 February 2014 (CST): open months 2013-12, 2014-01, 2014-02; the demo has the last two
    run = dag.test(logical_date=datetime(2014, 2, 3, 10, 0, tzinfo=CST))
    assert str(run.state) == "success", _states(run)
    receipts = {p.relative_to(home.receipts).parts[0] for p in home.receipts.rglob("*.json")}
    assert receipts == {"2014-01", "2014-02"}


STEPS = ("ingest", "check_order", "build", "gate", "publish", "bulletin")


def _record_steps(monkeypatch) -> list[str]:
    """Wrap each step function of `zonewh.steps` (the real one still runs) to record its
    calls in order."""
    from zonewh import steps

    calls: list[str] = []
    for name in STEPS:
        real = getattr(steps, name)

        def recorder(*args, _real=real, _name=name, **kwargs):
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(steps, name, recorder)
    return calls


def test_the_cli_and_the_dag_call_the_same_step_functions(monthly_dag, home, tmp_path, monkeypatch):
    """`zonewh run` and the monthly DAG are one sequence: both go through the step functions
    of `zonewh.steps`, the same ones in the same order, and publish the same marts."""
    from typer.testing import CliRunner

    from zonewh.cli import app

    landing = tmp_path / "landing-copy"
    shutil.copytree(home.landing, landing)
    calls = _record_steps(monkeypatch)
    run = monthly_dag.test(logical_date=orch.due_end(DEMO_MONTH) + timedelta(hours=1))
    assert str(run.state) == "success", _states(run)
    dag_calls = list(calls)
    dag_marts = _marts(home.published, DEMO_MONTH)

    calls.clear()
    cli_home = tmp_path / "cli-home"
    shutil.copytree(landing, cli_home / "landing")
    monkeypatch.setenv("ZONEWH_HOME", str(cli_home))
    ran = CliRunner().invoke(app, ["run", "--month", DEMO_MONTH])
    assert ran.exit_code == 0, ran.output
    assert dag_calls == list(STEPS)
    assert calls == dag_calls
    assert _marts(cli_home / "published" / "zone.duckdb", DEMO_MONTH) == dag_marts
