"""The docker compose stack started for real (`make compose-smoke`, marker `compose`).

For each executor of COMPOSE_SMOKE_EXECUTORS (default `local,celery`): the images (on bases
built from Debian's packages when no image registry answers), the stack up on the host's
loopback with generated secrets, the demo files of one month dropped into the landing
volume, `zone_monthly_publication` triggered through Airflow's REST API, the published file
read on the host, the Airflow UI and the submission portal over
HTTP; with the LocalExecutor also Superset's dashboard and a backup restored into empty
volumes; with Celery three workers. The stack is brought down with its volumes. Timings go
to bench/out/compose_smoke.json and are printed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from compose_stack import (
    AIRFLOW_UID,
    REPO,
    STACK_IMAGES,
    Airflow,
    Stack,
    Superset,
    base_images,
    http,
    remove_images,
    run,
    trust_host_certificates,
)

pytestmark = pytest.mark.compose

MONTH = "2019-01"
"""The first month of a demo year (nothing earlier to wait for) with every mart filled,
campaign scores included, so each of the dashboard's charts has rows to show."""
DAG = "zone_monthly_publication"
EXECUTORS = [
    e.strip()
    for e in os.environ.get("COMPOSE_SMOKE_EXECUTORS", "local,celery").split(",")
    if e.strip()
]
WORKERS = 3
RESULTS = REPO / "bench" / "out" / "compose_smoke.json"
TIMINGS: dict[str, float | str] = {}


def _record(key: str, value: float | str) -> None:
    TIMINGS[key] = round(value, 1) if isinstance(value, float) else value
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(TIMINGS, indent=2, ensure_ascii=False) + "\n")
    print(f"[compose-smoke] {key}: {TIMINGS[key]}")


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> Iterator[dict[str, str]]:
    """Base images, then the stack's images, built once for both executors."""
    info = subprocess.run(["docker", "info"], capture_output=True, text=True, check=False)
    assert info.returncode == 0, f"no Docker engine answers (start dockerd): {info.stderr}"
    keep = os.environ.get("COMPOSE_SMOKE_KEEP_IMAGES") == "1"
    copied = trust_host_certificates()
    try:
        started = time.monotonic()
        bases = base_images(fresh=not keep)
        _record("base_images", ", ".join(sorted(bases.values())))
        _record("base_images_seconds", time.monotonic() - started)
        started = time.monotonic()
        builder = Stack("zonewh-smoke-build", tmp_path_factory.mktemp("build"), bases)
        builder.profiles = ["portal", "celery", "bi"]
        builder.run("build", "--parallel", *([] if keep else ["--no-cache"]), timeout=2400)
        _record("image_build_seconds", time.monotonic() - started)
    finally:
        for name in copied:
            (REPO / "docker" / "ca-certificates" / name).unlink(missing_ok=True)
    yield bases
    if not keep:  # nothing is cached from one smoke run to the next
        offline = [b for b in bases.values() if b.startswith("zonewh-base/")]
        remove_images(
            [*STACK_IMAGES, *offline, *(["zonewh-base/debian:bookworm"] if offline else [])]
        )


@pytest.fixture(scope="module")
def demo_month(tmp_path_factory) -> Path:
    """The demo files of MONTH, written by the project's own demo."""
    from zonewh.demo import write_demo

    landing = tmp_path_factory.mktemp("demo")
    write_demo(landing)
    return landing / MONTH


@pytest.fixture(scope="module")
def host_run(demo_month, tmp_path_factory) -> dict[str, int]:
    """`zonewh run` of the same month on the host (the benchmark's reference), row counts."""
    home = tmp_path_factory.mktemp("host-home")
    shutil.copytree(demo_month, home / "landing" / MONTH)
    env = {**os.environ, "ZONEWH_HOME": str(home)}
    env.pop("ZONEWH_LANDING", None)
    started = time.monotonic()
    run([str(REPO / ".venv" / "bin" / "zonewh"), "run", "--month", MONTH], env=env)
    _record("host_zonewh_run_seconds", time.monotonic() - started)
    return _row_counts(home / "published" / "zone.duckdb")


def _row_counts(published: Path) -> dict[str, int]:
    con = duckdb.connect(str(published), read_only=True)
    try:
        first = date.fromisoformat(f"{MONTH}-01")
        return {
            table: con.execute(
                f"select count(*) from marts.{table} where month = ?", [first]
            ).fetchone()[0]
            for table in (
                "economic_indicators",
                "project_investment",
                "submission_status",
                "campaign_scores",
            )
        }
    finally:
        con.close()


def _drop_month(stack: Stack, demo_month: Path) -> None:
    target = stack.landing / MONTH
    shutil.copytree(demo_month, target)
    for path in [target, *target.rglob("*")]:
        os.chown(path, AIRFLOW_UID, AIRFLOW_UID)


def _publish_month(stack: Stack, label: str) -> Airflow:
    airflow = Airflow(stack)
    airflow.wait_for_dag(DAG)
    started = time.monotonic()
    run_id = airflow.trigger(DAG, {"month": MONTH, "completeness_cutoff_hours": 0})
    dag_run = airflow.wait_for_run(DAG, run_id)
    _record(f"{label}_dag_trigger_to_success_seconds", time.monotonic() - started)
    wall = datetime.fromisoformat(dag_run["end_date"]) - datetime.fromisoformat(
        dag_run["start_date"]
    )
    _record(f"{label}_dag_run_seconds", wall.total_seconds())
    _record(f"{label}_dag_run_id", run_id)
    return airflow


def _check_web(stack: Stack) -> None:
    status, body = http(stack.url("AIRFLOW", "/"))
    assert status == 200 and b"<html" in body.lower(), (status, body[:300])
    assert http(stack.url("PORTAL", "/healthz"))[0] == 200
    status, body = http(stack.url("PORTAL", "/login"))
    assert status == 200 and b"<form" in body.lower(), (status, body[:300])


@pytest.mark.parametrize("executor", EXECUTORS)
def test_stack_publishes_a_month(executor, images, demo_month, host_run, tmp_path):
    assert executor in ("local", "celery"), f"COMPOSE_SMOKE_EXECUTORS: {executor}"
    profiles = ["celery"] if executor == "celery" else ["bi"]
    stack = Stack(
        f"zonewh-smoke-{executor}",
        tmp_path,
        images,
        executor="CeleryExecutor" if executor == "celery" else "LocalExecutor",
        profiles=profiles,
        workers=WORKERS if executor == "celery" else 0,
    )
    stack.down()
    try:
        started = time.monotonic()
        stack.up()
        # Airflow and the portal first; Superset's first start (metadata, import) goes on
        stack.wait_healthy(skip=frozenset({"superset"}))
        _record(f"{executor}_up_to_healthy_seconds", time.monotonic() - started)
        services = [c["Config"]["Labels"]["com.docker.compose.service"] for c in stack.containers()]
        if executor == "celery":
            assert services.count("airflow-worker") == WORKERS
            assert "redis" in services

        _drop_month(stack, demo_month)
        airflow = _publish_month(stack, executor)
        counts = _row_counts(stack.published / "zone.duckdb")
        assert counts == host_run and min(counts.values()) > 0, (counts, host_run)
        if executor == "celery":
            worker_logs = stack.run("logs", "--no-color", "airflow-worker").stdout
            assert DAG in worker_logs, "no task of the run reached a Celery worker"

        _check_web(stack)
        # the Airflow CLI inside the stack, as the README gives it (no entrypoint in between)
        pools = stack.run("exec", "-T", "airflow-scheduler", "airflow", "pools", "list").stdout
        assert "warehouse_writer" in pools and "| 1 " in pools, pools
        if executor == "local":
            started = time.monotonic()
            stack.wait_healthy()
            _record("superset_healthy_after_run_seconds", time.monotonic() - started)
            _check_superset(stack, counts)
            _check_backup_and_restore(stack, airflow)
    finally:
        stack.down()


def _check_superset(stack: Stack, counts: dict[str, int]) -> None:
    superset = Superset(stack)
    charts = superset.api("/dashboard/zonewh-monthly/charts")["result"]
    rows = {}
    for chart in charts:
        data = superset.api(f"/chart/{chart['id']}/data/")
        rows[chart["slice_name"]] = data["result"][0]["rowcount"]
    assert len(rows) == 3, rows
    assert rows["重点项目：投资进度与时间进度"] == counts["project_investment"], rows
    assert 0 < rows["主要指标：累计完成与年度目标"] <= counts["economic_indicators"], rows
    assert rows["专项活动排名"] == counts["campaign_scores"] > 0, rows
    _record("superset_chart_rows", json.dumps(rows, ensure_ascii=False))


def _check_backup_and_restore(stack: Stack, airflow: Airflow) -> None:
    """`make backup`, volumes and host folders wiped, `make restore`: the run and the
    publication are back."""
    archive = Path(stack.make("backup").stdout.strip().splitlines()[-1])
    assert archive.parent == stack.backups and archive.name.startswith("zonewh-"), archive
    run_id = TIMINGS["local_dag_run_id"]
    published = (stack.published / "zone.duckdb").read_bytes()

    stack.run("down", "-v", "-t", "20")
    for folder in (stack.published, stack.landing):
        for child in folder.iterdir():
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    started = time.monotonic()
    stack.profiles = [p for p in stack.profiles if p != "bi"]  # Superset's volume is not backed up
    stack.make("restore", f"BACKUP={archive}")
    stack.wait_healthy()
    _record("restore_seconds", time.monotonic() - started)

    restored = Airflow(stack)
    quoted = run_id.replace(":", "%3A").replace("+", "%2B")
    assert restored.api("GET", f"/dags/{DAG}/dagRuns/{quoted}")["state"] == "success"
    assert (stack.published / "zone.duckdb").read_bytes() == published
    assert (stack.landing / MONTH).is_dir()
    log = stack.run(
        "exec", "-T", "airflow-scheduler", "cat", "/data/home/publications/log.jsonl"
    ).stdout
    assert '"published": true' in log
