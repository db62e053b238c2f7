"""The office starts a month's run and watches it.

With `ZONEWH_AIRFLOW_URL` and credentials, the run is a run of the DAG
`zone_monthly_publication` with conf `{"month": ...}`, started through Airflow's REST API
(`POST /api/v2/dags/{dag}/dagRuns`, a JWT from `POST /auth/token`); its state and task
states come from the same API. Otherwise the portal starts `zonewh run --month M` as a
subprocess: its output goes to `<home>/portal/runs/<id>.log`, its stage to a JSON file
(`ZONEWH_RUN_STAGE_FILE`), and its exit code (docs/OPERATIONS.md) is recorded when it ends.
Either way the run takes the home's run lease, so a second run is refused naming the holder.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import REPO_ROOT, Paths
from .settings import Airflow
from .storage import Account, PortalStore, now_text

log = logging.getLogger(__name__)

DAG_ID = "zone_monthly_publication"
OUTCOMES = {0: "published", 1: "blocked", 2: "usage", 3: "waiting", 4: "busy", 5: "failed"}
OUTCOME_ZH = {
    "running": "运行中",
    "published": "已发布",
    "blocked": "未通过数据质量检查，未发布",
    "usage": "参数错误",
    "waiting": "需先发布（或跳过）本年度更早的月份",
    "busy": "另一运行正在进行，未启动",
    "failed": "运行失败",
    "queued": "已排队（Airflow）",
    "success": "成功（Airflow）",
    "unknown": "结束（结果未知，见运行输出）",
}
STAGE_ZH = {
    "start": "启动",
    "ingest": "入库",
    "build": "构建（dbt）",
    "gate": "数据质量检查",
    "publish": "发布",
    "bulletin": "生成通报",
    "done": "完成",
}


class RunRefused(RuntimeError):
    """The run was not started: why, in English and Chinese."""

    def __init__(self, message_en: str, message_zh: str):
        super().__init__(message_en)
        self.message_en = message_en
        self.message_zh = message_zh


def runs_dir(p: Paths) -> Path:
    folder = p.home / "portal" / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def start(
    p: Paths, store: PortalStore, account: Account, month: str, airflow: Airflow | None
) -> int:
    """Start the month's run; its id in `runs`. RunRefused when another run holds the home."""
    from ..locks import current_holder

    holder = current_holder(p)
    if holder is not None:
        raise RunRefused(
            f"another run holds the home: {holder.describe()}",
            f"另一运行正在进行：{holder.describe_zh()}。请等它结束后再启动。",
        )
    if airflow is not None:
        return _start_airflow(store, account, month, airflow)
    return _start_process(p, store, account, month)


def _start_process(p: Paths, store: PortalStore, account: Account, month: str) -> int:
    run_id = store.add_run(
        month=month, mode="process", started_by=account.name, started_at=now_text()
    )
    folder = runs_dir(p)
    log_path, stage_path = folder / f"{run_id}.log", folder / f"{run_id}.stage.json"
    env = {
        **os.environ,
        "ZONEWH_HOME": str(p.home),
        "ZONEWH_LANDING": str(p.landing),
        "ZONEWH_RUN_STAGE_FILE": str(stage_path),
        "COLUMNS": "110",
        "NO_COLOR": "1",
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "zonewh.cli", "run", "--month", month]
    with open(log_path, "wb") as out:
        proc = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=REPO_ROOT,
            start_new_session=True,
        )
    store.update_run(
        run_id,
        pid=proc.pid,
        log_path=str(log_path.relative_to(p.home)),
        stage_path=str(stage_path.relative_to(p.home)),
        outcome="running",
    )
    threading.Thread(
        target=_watch, args=(store, run_id, proc, month), name=f"zonewh-run-{run_id}", daemon=True
    ).start()
    return run_id


def _watch(store: PortalStore, run_id: int, proc: subprocess.Popen[bytes], month: str) -> None:
    code = proc.wait()
    outcome = OUTCOMES.get(code, "failed")
    store.update_run(run_id, finished_at=now_text(), exit_code=code, outcome=outcome)
    store.audit(
        "run_finished",
        "system",
        month=month,
        subject=f"run {run_id}",
        outcome=outcome,
        detail=f"exit code {code}",
    )


def _airflow_headers(airflow: Airflow, client: Any) -> dict[str, str]:
    token = airflow.token
    if token is None:
        r = client.post(
            f"{airflow.url}/auth/token",
            json={"username": airflow.username, "password": airflow.password},
        )
        r.raise_for_status()
        token = r.json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _start_airflow(store: PortalStore, account: Account, month: str, airflow: Airflow) -> int:
    import httpx

    try:
        with httpx.Client(timeout=15.0) as client:
            headers = _airflow_headers(airflow, client)
            r = client.post(
                f"{airflow.url}/api/v2/dags/{DAG_ID}/dagRuns",
                json={"logical_date": None, "conf": {"month": month}},
                headers=headers,
            )
            r.raise_for_status()
            body = r.json()
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        raise RunRefused(
            f"Airflow did not start the run: {type(exc).__name__}: {exc}"[:400],
            "Airflow 未能启动运行，请联系数据管理员检查 Airflow 服务与账号配置。",
        ) from None
    return store.add_run(
        month=month,
        mode="airflow",
        started_by=account.name,
        started_at=now_text(),
        airflow_run_id=str(body.get("dag_run_id") or body.get("run_id") or ""),
        outcome=str(body.get("state") or "queued"),
    )


@dataclass
class Progress:
    """What the office sees of a run."""

    run: dict[str, Any]
    stage: str
    outcome: str
    exit_code: int | None
    log_tail: str
    holder: str | None
    tasks: list[dict[str, Any]]

    @property
    def is_running(self) -> bool:
        return self.outcome in ("running", "queued")

    @property
    def stage_zh(self) -> str:
        return STAGE_ZH.get(self.stage, self.stage)

    @property
    def outcome_zh(self) -> str:
        return OUTCOME_ZH.get(self.outcome, self.outcome)


def progress(p: Paths, run: dict[str, Any], airflow: Airflow | None) -> Progress:
    """The run's stage, outcome, exit code, output and the lease holder, as of now."""
    from ..locks import current_holder

    holder = current_holder(p)
    holder_text = holder.describe_zh() if holder else None
    if run["mode"] == "airflow":
        return _airflow_progress(run, airflow, holder_text)
    stage, outcome = "start", run.get("outcome") or "running"
    if run.get("stage_path"):
        try:
            data = json.loads((p.home / run["stage_path"]).read_text("utf-8"))
            stage = data.get("stage") or stage
        except (OSError, ValueError):
            pass
    if run.get("exit_code") is not None:
        stage = "done"
    elif outcome == "running" and not _alive(run.get("pid")):
        outcome = "unknown"  # the portal restarted while the run went on and ended
    tail = ""
    if run.get("log_path"):
        try:
            lines = (p.home / run["log_path"]).read_text("utf-8", "replace").splitlines()
            tail = "\n".join(lines[-60:])
        except OSError:
            pass
    return Progress(run, stage, outcome, run.get("exit_code"), tail, holder_text, [])


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _airflow_progress(run: dict[str, Any], airflow: Airflow | None, holder: str | None) -> Progress:
    import httpx

    outcome, stage, tasks = run.get("outcome") or "queued", "start", []
    if airflow is not None and run.get("airflow_run_id"):
        base = f"{airflow.url}/api/v2/dags/{DAG_ID}/dagRuns/{run['airflow_run_id']}"
        try:
            with httpx.Client(timeout=10.0) as client:
                headers = _airflow_headers(airflow, client)
                state = client.get(base, headers=headers).json().get("state")
                tasks = (
                    client.get(f"{base}/taskInstances", headers=headers)
                    .json()
                    .get("task_instances", [])
                )
        except (httpx.HTTPError, ValueError):
            state = None
        if state:
            outcome = {"success": "published", "failed": "failed"}.get(state, "running")
            if state == "queued":
                outcome = "queued"
        running = [t.get("task_id", "") for t in tasks if t.get("state") == "running"]
        if running:
            stage = next((s for s in STAGE_ZH if s in running[0]), running[0])
        elif outcome in ("published", "failed"):
            stage = "done"
    return Progress(run, stage, outcome, None, "", holder, tasks)
