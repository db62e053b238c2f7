"""The DAG files parse, wire the steps in order, and keep every warehouse writer in one pool."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import jinja2
import pytest

from zonewh import orchestration as orch
from zonewh.build import month_vars

DAGS_FOLDER = Path(__file__).resolve().parents[2] / "dags"
MONTHLY = "zone_monthly_publication"
INTAKE = "zone_submission_intake"
WRITERS = {"dbt_build", "dbt_test"}
"""The tasks that write the working warehouse (with the cosmos group's): one pool slot.
Intake writes its own raw store; the gate reads the build's snapshot; publishing writes
published/ under its own lock."""


def _load(monkeypatch: pytest.MonkeyPatch, manifest: Path, cosmos: bool = False):
    from airflow.dag_processing.dagbag import DagBag

    monkeypatch.setenv("ZONEWH_DBT_MANIFEST", str(manifest))
    monkeypatch.setenv("ZONEWH_DBT_COSMOS", "true" if cosmos else "false")
    started = time.perf_counter()
    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    return bag, time.perf_counter() - started


@pytest.fixture(scope="session")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dbt manifest, built as setup builds it (dbt parse), once per session."""
    home = tmp_path_factory.mktemp("manifest-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("ZONEWH_HOME", str(home))
    try:
        return orch.build_manifest(home / "dbt" / "manifest.json")
    finally:
        mp.undo()


@pytest.fixture
def bag_without_manifest(monkeypatch, tmp_path, record_property):
    bag, seconds = _load(monkeypatch, tmp_path / "absent" / "manifest.json")
    record_property("dagbag_parse_seconds_single", round(seconds, 3))
    return bag


@pytest.fixture
def bag_with_cosmos(monkeypatch, manifest, record_property):
    bag, seconds = _load(monkeypatch, manifest, cosmos=True)
    record_property("dagbag_parse_seconds_cosmos", round(seconds, 3))
    return bag


def test_both_dags_import_without_errors(bag_without_manifest):
    assert bag_without_manifest.import_errors == {}
    assert set(bag_without_manifest.dag_ids) == {MONTHLY, INTAKE}
    for stat in bag_without_manifest.dagbag_stats:
        print(f"parse {stat.file}: {stat.duration.total_seconds():.3f} s")


def test_monthly_dag_schedule_and_safety(bag_without_manifest):
    dag = bag_without_manifest.dags[MONTHLY]
    assert dag.catchup is True
    assert dag.max_active_runs == 1
    assert type(dag.timetable).__name__ == "CronDataIntervalTimetable"
    assert dag.on_failure_callback is orch.on_run_failure
    assert dag.on_success_callback is orch.on_run_success
    assert set(dag.params.keys()) == {"month", "dbt_mode", "completeness_cutoff_hours"}
    assert dag.params["dbt_mode"] == orch.DEFAULT_DBT_MODE
    assert dag.doc_md and "backfill" in dag.doc_md


def test_monthly_steps_in_order(bag_without_manifest):
    dag = bag_without_manifest.dags[MONTHLY]
    chain = [
        "resolve_month",
        "wait_for_submissions",
        "begin",
        "ingest",
        "check_order",
        "choose_dbt",
        "dbt_build",
        "gate",
        "publish",
        "bulletin",
        "end",
    ]
    for upstream, downstream in itertools.pairwise(chain):
        assert downstream in dag.get_task(upstream).get_direct_relative_ids(upstream=False), (
            f"{upstream} → {downstream}"
        )
    sensor = dag.get_task("wait_for_submissions")
    assert sensor.mode == "reschedule"
    assert dag.get_task("gate").trigger_rule == "none_failed_min_one_success"
    assert "dbt_cosmos" not in dag.task_group_dict  # no manifest: single dbt task only
    # the run lease is given back whatever happens, without deciding the run's state
    end = dag.get_task("end")
    assert end.is_teardown and "begin" in {t.task_id for t in end.upstream_list}


def test_every_warehouse_writer_is_in_the_writer_pool(bag_without_manifest):
    for dag_id in (MONTHLY, INTAKE):
        dag = bag_without_manifest.dags[dag_id]
        for task in dag.tasks:
            in_pool = task.pool == orch.WRITER_POOL
            assert in_pool == (task.task_id in WRITERS), f"{dag_id}.{task.task_id}"
    intake = bag_without_manifest.dags[INTAKE]
    assert intake.max_active_runs == 1 and intake.catchup is False


def test_cosmos_group_rendered_from_the_manifest(bag_with_cosmos, manifest):
    assert bag_with_cosmos.import_errors == {}
    dag = bag_with_cosmos.dags[MONTHLY]
    group = dag.task_group_dict["dbt_cosmos"]
    tasks = [t for t in dag.tasks if t.task_id.startswith("dbt_cosmos.")]
    assert len(tasks) >= 10
    assert {t.pool for t in tasks} == {orch.WRITER_POOL}
    assert any(t.task_id.endswith("_seed") for t in tasks)
    # entered from the branch, and the gate waits for it
    assert {t.task_id for t in group.get_roots()} <= dag.get_task("choose_dbt").downstream_task_ids
    assert {t.task_id for t in group.get_leaves()} <= dag.get_task("dbt_test").upstream_task_ids
    assert dag.get_task("dbt_test").downstream_task_ids == {"gate"}
    assert dag.get_task("dbt_test").pool == orch.WRITER_POOL

    class _Ti:
        def xcom_pull(self, task_ids: str) -> str:
            assert task_ids == "resolve_month"
            return "2014-12"

    run = next(t for t in tasks if t.task_id.endswith("_run"))
    rendered = {k: jinja2.Template(v).render(ti=_Ti()) for k, v in run.vars.items()}
    assert rendered == month_vars(["2014-12"])
    assert run.env["ZONEWH_WAREHOUSE"].endswith("warehouse/zone.duckdb")
    assert run.env["ZONEWH_RAW_STORE"].endswith("warehouse/raw.duckdb")


def test_without_cosmos_enabled_no_cosmos_task_clutters_a_run(monkeypatch, manifest):
    bag, _ = _load(monkeypatch, manifest, cosmos=False)
    dag = bag.dags[MONTHLY]
    assert not [t for t in dag.tasks if t.task_id.startswith("dbt_cosmos")]
    assert "dbt_test" not in dag.task_ids
