"""Drive the docker compose stack from a test: images, secrets, ports, compose, REST APIs.

Every service runs on the host's network and listens on 127.0.0.1 (docker/compose.loopback.yml);
every request here goes to 127.0.0.1. Secrets are generated per stack, never taken from
`.env.example`.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
AIRFLOW_UID = 50000
PORTS = (
    "POSTGRES",
    "AIRFLOW",
    "SCHEDULER_HEALTH",
    "WORKER_LOGS",
    "TRIGGER_LOGS",
    "REDIS",
    "PORTAL",
    "SUPERSET",
)
OFFICIAL_BASES = {
    "ZONEWH_PYTHON_BASE": "python:3.11-slim-bookworm",
    "ZONEWH_POSTGRES_BASE": "postgres:16-bookworm",
    "ZONEWH_REDIS_IMAGE": "redis:7-bookworm",
}


def run(
    cmd: list[str], *, env: dict[str, str] | None = None, timeout: float = 900, **kw: Any
) -> subprocess.CompletedProcess:
    """Run a command in the checkout; raise with its output when it fails."""
    result = subprocess.run(
        cmd,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **kw,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd)} exited {result.returncode}\n"
            f"--- stdout\n{result.stdout[-6000:]}\n--- stderr\n{result.stderr[-6000:]}"
        )
    return result


def compose_command() -> list[str]:
    """`docker compose` (v2) where the plugin exists, else Debian's `docker-compose` (v1)."""
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    return ["docker", "compose"] if probe.returncode == 0 else ["docker-compose"]


def registry_answers(image: str, timeout: float = 60) -> bool:
    """True when `docker pull` of an official base image succeeds."""
    try:
        pulled = subprocess.run(
            ["docker", "pull", "-q", image], capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return False
    return pulled.returncode == 0


def base_images(fresh: bool = True) -> dict[str, str]:
    """The base images to build on: the official ones when a registry answers, else those
    docker/build-offline-bases.sh builds from Debian's packages (its printed lines; `fresh`
    rebuilds them even when they exist)."""
    if all(registry_answers(image) for image in OFFICIAL_BASES.values()):
        return dict(OFFICIAL_BASES)
    force = ["--force"] if fresh else []
    out = run(["bash", "docker/build-offline-bases.sh", *force], timeout=1800).stdout
    bases = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    assert set(bases) == set(OFFICIAL_BASES), out
    return bases


STACK_IMAGES = ("zonewh:local", "zonewh-postgres:local", "zonewh-superset:local")
"""The images docker-compose.yml builds."""


def remove_images(images: list[str]) -> None:
    """Remove images and the layers they leave dangling (a later run builds afresh)."""
    subprocess.run(["docker", "image", "rm", "-f", *images], capture_output=True, check=False)
    subprocess.run(["docker", "image", "prune", "-f"], capture_output=True, check=False)


def trust_host_certificates() -> list[str]:
    """Copy the host's own CA certificates into the build (a TLS-inspecting proxy's)."""
    target = REPO / "docker" / "ca-certificates"
    copied = []
    for cert in sorted(Path("/usr/local/share/ca-certificates").glob("*.crt")):
        shutil.copyfile(cert, target / cert.name)
        copied.append(cert.name)
    return copied


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def generated_secrets() -> dict[str, str]:
    """Fresh secrets the check accepts (never the .env.example placeholders)."""
    return {
        "AIRFLOW_ADMIN_PASSWORD": secrets.token_urlsafe(18),
        "POSTGRES_PASSWORD": secrets.token_urlsafe(18),
        "AIRFLOW__CORE__FERNET_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(48),
        "ZONEWH_SECRET_KEY": secrets.token_urlsafe(48),
        "SUPERSET_ADMIN_PASSWORD": secrets.token_urlsafe(18),
        "SUPERSET_SECRET_KEY": secrets.token_urlsafe(48),
    }


def http(
    url: str,
    *,
    method: str = "GET",
    body: Any = None,
    token: str | None = None,
    timeout: float = 30,
) -> tuple[int, bytes]:
    """One HTTP request to 127.0.0.1; returns (status, body) for any status."""
    assert url.startswith("http://127.0.0.1:"), url
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def json_of(status_body: tuple[int, bytes], expect: int | tuple[int, ...] = 200) -> Any:
    status, body = status_body
    expected = (expect,) if isinstance(expect, int) else expect
    assert status in expected, f"HTTP {status}: {body[:2000]!r}"
    return json.loads(body)


@dataclass
class Stack:
    """One compose project on the loopback override, in its own folders and ports."""

    name: str
    workdir: Path
    bases: dict[str, str]
    executor: str = "LocalExecutor"
    profiles: list[str] = field(default_factory=list)
    workers: int = 0
    ports: dict[str, int] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=generated_secrets)
    compose: list[str] = field(default_factory=compose_command)

    def __post_init__(self) -> None:
        self.landing = self.workdir / "landing"
        self.published = self.workdir / "published"
        self.backups = self.workdir / "backups"
        for folder in (self.landing, self.published, self.backups):
            folder.mkdir(parents=True, exist_ok=True)
        for folder in (self.landing, self.published):
            os.chown(folder, AIRFLOW_UID, AIRFLOW_UID)
        self.ports = self.ports or {name: free_port() for name in PORTS}
        self.env_file = self.workdir / "stack.env"
        values = {
            **self.secrets,
            "AIRFLOW_EXECUTOR": self.executor,
            "AIRFLOW_API_WORKERS": "1",
            # no catchup: the stack's first month is the current one
            "ZONEWH_FIRST_MONTH": date.today().strftime("%Y-%m"),
        }
        self.env_file.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        self.env_file.chmod(0o600)

    def environ(self) -> dict[str, str]:
        """The compose command's environment: project, files, profiles, ports, bases."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("COMPOSE_", "ZONEWH_", "AIRFLOW", "POSTGRES_", "SUPERSET_"))
        }
        env.update(self.secrets)
        env.update(self.bases)
        env.update({f"ZONEWH_PORT_{name}": str(port) for name, port in self.ports.items()})
        env.update(
            {
                "COMPOSE_PROJECT_NAME": self.name,
                "COMPOSE_FILE": "docker-compose.yml:docker/compose.loopback.yml",
                "COMPOSE_PROFILES": ",".join(self.profiles),
                "ZONEWH_ENV_FILE": str(self.env_file),
                "AIRFLOW_EXECUTOR": self.executor,
                "ZONEWH_LANDING_DIR": str(self.landing),
                "ZONEWH_PUBLISHED_DIR": str(self.published),
                "ZONEWH_BACKUP_DIR": str(self.backups),
                "COMPOSE": " ".join(self.compose),
            }
        )
        return env

    def run(self, *args: str, timeout: float = 900, **kw: Any) -> subprocess.CompletedProcess:
        return run([*self.compose, *args], env=self.environ(), timeout=timeout, **kw)

    def make(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
        return run(["make", "--no-print-directory", *args], env=self.environ(), timeout=timeout)

    def up(self) -> None:
        args = ["up", "-d"]
        if self.workers:
            args += ["--scale", f"airflow-worker={self.workers}"]
        self.run(*args, timeout=900)

    def down(self) -> None:
        subprocess.run(
            [*self.compose, "down", "-v", "--remove-orphans", "-t", "20"],
            cwd=REPO,
            env=self.environ(),
            capture_output=True,
            timeout=300,
            check=False,
        )

    def containers(self) -> list[dict[str, Any]]:
        ids = self.run("ps", "-q").stdout.split()
        if not ids:
            return []
        return json.loads(run(["docker", "inspect", *ids]).stdout)

    def wait_healthy(self, timeout: float = 600, skip: frozenset[str] = frozenset()) -> float:
        """Seconds until every running container (but those of `skip`'s services) is healthy
        and the init service exited 0."""
        started = time.monotonic()
        while True:
            states = {}
            for c in self.containers():
                service = c["Config"]["Labels"]["com.docker.compose.service"]
                if service in skip:
                    continue
                number = c["Config"]["Labels"].get("com.docker.compose.container-number", "1")
                state = c["State"]
                if state["Status"] == "exited":
                    states[f"{service}_{number}"] = f"exited {state['ExitCode']}"
                else:
                    states[f"{service}_{number}"] = state.get("Health", {}).get("Status", "none")
            bad = {k: v for k, v in states.items() if v not in ("healthy", "exited 0")}
            if states and not bad:
                return time.monotonic() - started
            crashed = {k: v for k, v in bad.items() if v.startswith("exited")}
            if crashed or time.monotonic() - started > timeout:
                raise AssertionError(f"not healthy: {bad}\n{self.logs()}")
            time.sleep(3)

    def logs(self, tail: int = 60) -> str:
        result = subprocess.run(
            [*self.compose, "logs", "--no-color", "--tail", str(tail)],
            cwd=REPO,
            env=self.environ(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return result.stdout[-20000:]

    def url(self, service: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}{path}"


class Airflow:
    """Airflow 3's REST API with a JWT from /auth/token (the simple auth manager's admin)."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        body = {"username": "admin", "password": stack.secrets["AIRFLOW_ADMIN_PASSWORD"]}
        reply = json_of(
            http(stack.url("AIRFLOW", "/auth/token"), method="POST", body=body), (200, 201)
        )
        self.token = reply["access_token"]

    def api(self, method: str, path: str, body: Any = None, expect: Any = 200) -> Any:
        url = self.stack.url("AIRFLOW", f"/api/v2{path}")
        return json_of(http(url, method=method, body=body, token=self.token), expect)

    def wait_for_dag(self, dag_id: str, timeout: float = 300) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            status, body = http(
                self.stack.url("AIRFLOW", f"/api/v2/dags/{dag_id}"), token=self.token
            )
            if status == 200:
                return json.loads(body)
            assert time.monotonic() < deadline, f"{dag_id} never parsed: HTTP {status} {body!r}"
            time.sleep(3)

    def trigger(self, dag_id: str, conf: dict[str, Any]) -> str:
        self.api("PATCH", f"/dags/{dag_id}", {"is_paused": False})
        run = self.api(
            "POST", f"/dags/{dag_id}/dagRuns", {"logical_date": None, "conf": conf}, (200, 201)
        )
        return run["dag_run_id"]

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float = 900) -> dict:
        deadline = time.monotonic() + timeout
        quoted = urllib.request.quote(run_id, safe="")
        while True:
            run = self.api("GET", f"/dags/{dag_id}/dagRuns/{quoted}")
            if run["state"] in ("success", "failed"):
                if run["state"] == "failed":
                    tis = self.api("GET", f"/dags/{dag_id}/dagRuns/{quoted}/taskInstances")
                    states = {t["task_id"]: t["state"] for t in tis["task_instances"]}
                    raise AssertionError(f"{run_id} failed: {states}\n{self.stack.logs()}")
                return run
            assert time.monotonic() < deadline, f"{run_id} still {run['state']}"
            time.sleep(5)

    def task_hosts(self, dag_id: str, run_id: str) -> dict[str, str]:
        quoted = urllib.request.quote(run_id, safe="")
        tis = self.api("GET", f"/dags/{dag_id}/dagRuns/{quoted}/taskInstances")
        return {t["task_id"]: t.get("hostname") or "" for t in tis["task_instances"]}


class Superset:
    """Superset's REST API with a JWT from /api/v1/security/login."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        body = {
            "username": "admin",
            "password": stack.secrets["SUPERSET_ADMIN_PASSWORD"],
            "provider": "db",
            "refresh": False,
        }
        url = stack.url("SUPERSET", "/api/v1/security/login")
        self.token = json_of(http(url, method="POST", body=body))["access_token"]

    def api(self, path: str) -> Any:
        url = self.stack.url("SUPERSET", f"/api/v1{path}")
        return json_of(http(url, token=self.token, timeout=120))
