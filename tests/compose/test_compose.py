"""docker-compose.yml, the Dockerfile and the entrypoint, checked without a Docker engine.

`compose-spec.json` is the Compose Specification's JSON schema as vendored by the
docker-compose 1.29.2 package (PyPI, `compose/config/compose_spec.json`, Apache-2.0).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).with_name("compose-spec.json")
AIRFLOW_SERVICES = {
    "airflow-init",
    "airflow-api-server",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
}
SECRETS = {
    "AIRFLOW_ADMIN_PASSWORD",
    "POSTGRES_PASSWORD",
    "AIRFLOW__CORE__FERNET_KEY",
    "AIRFLOW__API_AUTH__JWT_SECRET",
}
GOOD = {
    "AIRFLOW_ADMIN_PASSWORD": "Tq8v-admin-Kd93",
    "POSTGRES_PASSWORD": "pg#Secret/with@odd:chars",
    "AIRFLOW__CORE__FERNET_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    "AIRFLOW__API_AUTH__JWT_SECRET": "j" * 40,
}
_INTERPOLATION = re.compile(r"\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text("utf-8"))


def _default(value: str) -> str:
    """Resolve `${VAR:-default}` to its default (what Compose uses when .env leaves it out)."""
    return _INTERPOLATION.sub(lambda m: m.group(2) or "", value)


def test_valid_against_the_compose_schema(compose):
    schema = json.loads(SCHEMA.read_text("utf-8"))
    validator = jsonschema.Draft201909Validator(schema)
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(compose)]
    assert errors == []
    broken = {**compose, "services": {**compose["services"], "bad": {"imagee": "x"}}}
    assert list(validator.iter_errors(broken)), "the schema must reject an unknown key"


def test_airflow_3_components_with_local_executor_and_postgres(compose):
    services = compose["services"]
    assert set(services) == AIRFLOW_SERVICES | {"postgres"}
    commands = {name: services[name]["command"] for name in AIRFLOW_SERVICES}
    assert commands["airflow-api-server"] == ["airflow", "api-server"]
    assert commands["airflow-scheduler"] == ["airflow", "scheduler"]
    assert commands["airflow-dag-processor"] == ["airflow", "dag-processor"]
    assert commands["airflow-triggerer"] == ["airflow", "triggerer"]
    assert commands["airflow-init"] == ["init"]
    for name in AIRFLOW_SERVICES:
        env = services[name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
        assert env["POSTGRES_HOST"] == "postgres"
        assert services[name]["env_file"] == ".env"
        if name != "airflow-init":
            assert services[name]["depends_on"]["airflow-init"] == {
                "condition": "service_completed_successfully"
            }
    assert services["postgres"]["image"].startswith("postgres:")
    assert "_PIP_ADDITIONAL_REQUIREMENTS" not in (REPO / "docker-compose.yml").read_text()


def test_landing_home_and_published_are_volumes(compose):
    targets = {
        v.split(":")[-1] if ":" in v else v
        for v in compose["services"]["airflow-scheduler"]["volumes"]
    }
    assert {"/data/landing", "/data/home", "/data/home/published"} <= targets
    env = compose["services"]["airflow-scheduler"]["environment"]
    assert env["ZONEWH_HOME"] == "/data/home" and env["ZONEWH_LANDING"] == "/data/landing"


def test_every_path_the_file_names_exists(compose):
    named_volumes = set(compose.get("volumes") or {})
    for name, service in compose["services"].items():
        build = service.get("build")
        if build:
            context = REPO / build["context"]
            assert context.is_dir(), name
            assert (context / build.get("dockerfile", "Dockerfile")).is_file(), name
        for volume in service.get("volumes", []):
            source = _default(volume.rsplit(":", 1)[0])
            if source in named_volumes:
                continue
            assert source.startswith((".", "/")), f"{name}: {volume}"
            assert (REPO / source).is_dir(), f"{name}: host path {source} missing"
        env_file = service.get("env_file")
        if env_file:
            # .env holds the secrets: git-ignored, documented by .env.example
            assert env_file == ".env"
            assert (REPO / ".env.example").is_file()
            assert ".env" in (REPO / ".gitignore").read_text().split()
    dockerfile = (REPO / "Dockerfile").read_text()
    entrypoint = re.search(r'ENTRYPOINT \["/opt/zonewh/([^"]+)"\]', dockerfile).group(1)
    for script in (entrypoint, "docker/check-secrets.sh"):
        assert os.access(REPO / script, os.X_OK), script
    init = (REPO / entrypoint).read_text()
    assert "python3 -m zonewh.orchestration setup" in init
    assert (REPO / "zonewh" / "orchestration" / "__main__.py").is_file()


def test_dockerfile_installs_from_the_lock_file():
    dockerfile = (REPO / "Dockerfile").read_text()
    makefile_uv = re.search(r"UV_VERSION\s*:=\s*(\S+)", (REPO / "Makefile").read_text()).group(1)
    assert dockerfile.splitlines()[2] == "FROM python:3.11-slim"
    assert f"ARG UV_VERSION={makefile_uv}" in dockerfile
    assert 'pip install --no-cache-dir "uv==${UV_VERSION}"' in dockerfile
    assert "uv sync --frozen --no-dev --extra deploy" in dockerfile
    pyproject = (REPO / "pyproject.toml").read_text()
    deploy = re.search(r"deploy = \[(.*?)\]", pyproject, re.DOTALL).group(1)
    assert "apache-airflow-providers-postgres" in deploy and "psycopg2-binary" in deploy
    for ignored in (".env", ".venv", ".zonewh", "*.duckdb"):
        assert ignored in (REPO / ".dockerignore").read_text().split()


def test_env_example_documents_every_secret_with_a_refused_placeholder():
    example = dict(
        line.split("=", 1)
        for line in (REPO / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert SECRETS <= set(example)
    result = _check({k: example[k] for k in SECRETS})
    assert result.returncode == 1
    for name in SECRETS:
        assert name in result.stderr
    compose_text = (REPO / "docker-compose.yml").read_text()
    for name in SECRETS:
        assert f"{name}:" not in compose_text.replace("POSTGRES_PASSWORD: ${POSTGRES_PASSWORD", "")


def _clean_env(values: dict[str, str]) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in SECRETS and not k.startswith("AIRFLOW__")
    }
    env.update(values)
    return env


def _check(values: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(REPO / "docker" / "check-secrets.sh")],
        env=_clean_env(values),
        capture_output=True,
        text=True,
        check=False,
    )


def test_secret_check_accepts_good_values():
    result = _check(GOOD)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", sorted(SECRETS))
@pytest.mark.parametrize("bad", ["", "airflow", "AIRFLOW", "admin", "change-me-too"])
def test_secret_check_refuses_empty_and_default_values(name, bad):
    result = _check({**GOOD, name: bad})
    assert result.returncode == 1
    assert name in result.stderr


def test_secret_check_refuses_unset_short_and_malformed_values():
    unset = {k: v for k, v in GOOD.items() if k != "POSTGRES_PASSWORD"}
    assert "POSTGRES_PASSWORD is empty or unset" in _check(unset).stderr
    assert "shorter than 32" in _check({**GOOD, "AIRFLOW__API_AUTH__JWT_SECRET": "s" * 31}).stderr
    assert "not a Fernet key" in _check({**GOOD, "AIRFLOW__CORE__FERNET_KEY": "k" * 44}).stderr
    same = {**GOOD, "AIRFLOW_ADMIN_PASSWORD": GOOD["POSTGRES_PASSWORD"]}
    assert "must differ" in _check(same).stderr


def test_entrypoint_refuses_bad_secrets_before_running_anything(tmp_path):
    marker = tmp_path / "ran"
    result = subprocess.run(
        ["bash", str(REPO / "docker" / "entrypoint.sh"), "touch", str(marker)],
        env=_clean_env(
            {**GOOD, "AIRFLOW_ADMIN_PASSWORD": "airflow", "AIRFLOW_HOME": str(tmp_path)}
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert not marker.exists()


def test_entrypoint_configures_postgres_and_admin_then_execs(tmp_path):
    result = subprocess.run(
        ["bash", str(REPO / "docker" / "entrypoint.sh"), "env"],
        env=_clean_env({**GOOD, "AIRFLOW_HOME": str(tmp_path)}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    env = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    conn = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert conn == (
        "postgresql+psycopg2://airflow:pg%23Secret%2Fwith%40odd%3Achars@postgres:5432/airflow"
    )
    passwords = Path(env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
    assert json.loads(passwords.read_text()) == {"admin": GOOD["AIRFLOW_ADMIN_PASSWORD"]}
    assert passwords.stat().st_mode & 0o077 == 0
    assert env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] == "admin:admin"
