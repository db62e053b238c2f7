"""docker-compose.yml, the Dockerfiles and the entrypoints, checked without a Docker engine
(`test_stack.py` starts the stack for real: `make compose-smoke`).

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
LOOPBACK = REPO / "docker" / "compose.loopback.yml"
OVERRIDE = REPO / "docker-compose.override.yml"
AIRFLOW_SERVICES = {
    "airflow-init",
    "airflow-api-server",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
}
PROFILED = {"redis": "celery", "airflow-worker": "celery", "superset": "bi"}
SECRETS = {
    "AIRFLOW_ADMIN_PASSWORD",
    "POSTGRES_PASSWORD",
    "AIRFLOW__CORE__FERNET_KEY",
    "AIRFLOW__API_AUTH__JWT_SECRET",
    "ZONEWH_SECRET_KEY",
}
SUPERSET_SECRETS = {"SUPERSET_ADMIN_PASSWORD", "SUPERSET_SECRET_KEY"}
GOOD = {
    "AIRFLOW_ADMIN_PASSWORD": "Tq8v-admin-Kd93",
    "POSTGRES_PASSWORD": "pg#Secret/with@odd:chars",
    "AIRFLOW__CORE__FERNET_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    "AIRFLOW__API_AUTH__JWT_SECRET": "j" * 40,
    "ZONEWH_SECRET_KEY": "p" * 40,
}
SUPERSET_GOOD = {"SUPERSET_ADMIN_PASSWORD": "Bi-admin-7Hq2x", "SUPERSET_SECRET_KEY": "s" * 40}
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
    assert set(services) == AIRFLOW_SERVICES | {"postgres", "portal"} | set(PROFILED)
    for name, profile in PROFILED.items():
        assert services[name]["profiles"] == [profile]
    assert "profiles" not in services["portal"]  # the portal starts with the core stack
    assert services["portal"]["command"][:2] == ["zonewh", "serve"]
    commands = {name: services[name]["command"] for name in AIRFLOW_SERVICES}
    assert commands["airflow-api-server"] == ["airflow", "api-server"]
    assert commands["airflow-scheduler"] == ["airflow", "scheduler"]
    assert commands["airflow-dag-processor"] == ["airflow", "dag-processor"]
    assert commands["airflow-triggerer"] == ["airflow", "triggerer"]
    assert commands["airflow-init"] == ["init"]
    for name in AIRFLOW_SERVICES:
        env = services[name]["environment"]
        assert _default(env["AIRFLOW__CORE__EXECUTOR"]) == "LocalExecutor"
        assert env["POSTGRES_HOST"] == "postgres"
        # Beijing time: the containers' clocks and the DAGs' default time zone
        assert env["TZ"] == env["AIRFLOW__CORE__DEFAULT_TIMEZONE"] == "Asia/Shanghai"
        assert _default(services[name]["env_file"]) == ".env"
        if name != "airflow-init":
            assert services[name]["depends_on"]["airflow-init"] == {
                "condition": "service_completed_successfully"
            }
    assert _default(services["postgres"]["build"]["args"]["POSTGRES_BASE"]).startswith(
        "postgres:16-bookworm"
    )
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
            source = _default(volume).split(":")[0]
            if source in named_volumes:
                continue
            assert source.startswith((".", "/")), f"{name}: {volume}"
            assert (REPO / source).is_dir(), f"{name}: host path {source} missing"
        env_file = service.get("env_file")
        if env_file:
            env_file = _default(env_file)
            # .env holds the secrets: git-ignored, documented by .env.example
            assert env_file == ".env"
            assert (REPO / ".env.example").is_file()
            assert ".env" in (REPO / ".gitignore").read_text().split()
    dockerfile = (REPO / "Dockerfile").read_text()
    entrypoint = re.search(r'ENTRYPOINT \[.*"/opt/zonewh/([^"]+)"\]', dockerfile).group(1)
    for script in (entrypoint, "docker/check-secrets.sh"):
        assert os.access(REPO / script, os.X_OK), script
    init = (REPO / entrypoint).read_text()
    assert "python3 -m zonewh.orchestration setup" in init
    assert (REPO / "zonewh" / "orchestration" / "__main__.py").is_file()


def test_dockerfile_installs_from_the_lock_file():
    dockerfile = (REPO / "Dockerfile").read_text()
    makefile_uv = re.search(r"UV_VERSION\s*:=\s*(\S+)", (REPO / "Makefile").read_text()).group(1)
    assert dockerfile.splitlines()[2:4] == [
        "ARG PYTHON_BASE=python:3.11-slim-bookworm",
        "FROM ${PYTHON_BASE}",
    ]
    assert f"ARG UV_VERSION={makefile_uv}" in dockerfile
    assert (
        'pip install --no-cache-dir --disable-pip-version-check "uv==${UV_VERSION}"' in dockerfile
    )
    assert "uv sync --frozen --compile-bytecode --no-dev --extra deploy" in dockerfile
    assert "UV_PYTHON_DOWNLOADS=never" in dockerfile
    assert "fonts-noto-cjk" in dockerfile and "chromium" in dockerfile
    pyproject = (REPO / "pyproject.toml").read_text()
    deploy = re.search(r"deploy = \[(.*?)\]", pyproject, re.DOTALL).group(1)
    assert "apache-airflow-providers-postgres" in deploy and "psycopg2-binary" in deploy
    assert "apache-airflow-providers-celery" in deploy and "redis" in deploy
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
        k: v
        for k, v in os.environ.items()
        if k not in SECRETS | SUPERSET_SECRETS and not k.startswith("AIRFLOW__")
    }
    env.update(values)
    return env


def _check(values: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(REPO / "docker" / "check-secrets.sh"), *args],
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


def test_every_service_has_a_health_check_rotated_logs_and_no_telemetry(compose):
    services = compose["services"]
    for name, service in services.items():
        assert service["logging"]["driver"] == "json-file", name
        assert set(service["logging"]["options"]) == {"max-size", "max-file"}, name
        if name != "airflow-init":
            assert service["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL"), name
    airflow_env = services["airflow-scheduler"]["environment"]
    for key, value in {
        "DO_NOT_TRACK": "1",
        "SCARF_NO_ANALYTICS": "true",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "GX_ANALYTICS_ENABLED": "false",
    }.items():
        assert airflow_env[key] == value, key
    assert services["superset"]["environment"]["SCARF_ANALYTICS"] == "false"
    config = (REPO / "docker" / "superset" / "superset_config.py").read_text()
    assert "SCARF_ANALYTICS = False" in config
    for dockerfile in ("Dockerfile", "docker/superset/Dockerfile"):
        text = (REPO / dockerfile).read_text()
        assert "DO_NOT_TRACK=1" in text and "SCARF_NO_ANALYTICS=true" in text, dockerfile


def test_images_build_from_a_base_given_as_a_build_argument(compose):
    services = compose["services"]
    assert _default(services["airflow-init"]["build"]["args"]["PYTHON_BASE"]) == (
        "python:3.11-slim-bookworm"
    )
    # one service builds each image (a build per service would repeat it)
    built = [s["image"] for s in services.values() if "build" in s]
    assert sorted(built) == ["zonewh-postgres:local", "zonewh-superset:local", "zonewh:local"]
    assert {s["image"] for n, s in services.items() if n in AIRFLOW_SERVICES} == {"zonewh:local"}
    assert _default(services["superset"]["build"]["args"]["PYTHON_BASE"]) == (
        "python:3.11-slim-bookworm"
    )
    assert _default(services["redis"]["image"]) == "redis:7-bookworm"
    for name, service in services.items():
        if "build" in service:
            assert service["build"]["network"] == "host", name
    script = REPO / "docker" / "build-offline-bases.sh"
    assert os.access(script, os.X_OK)
    text = script.read_text()
    assert "debootstrap --variant=minbase" in text and "docker import" in text
    for base in ("python.Dockerfile", "postgres.Dockerfile", "redis.Dockerfile"):
        assert "ARG DEBIAN_BASE" in (REPO / "docker" / "offline" / base).read_text()
    example = (REPO / ".env.example").read_text()
    for variable in ("ZONEWH_PYTHON_BASE", "ZONEWH_POSTGRES_BASE", "ZONEWH_REDIS_IMAGE"):
        assert f"{variable}=" in example and f'echo "{variable}=' in text


def test_celery_profile_scales_workers_and_keeps_one_warehouse_writer(compose):
    worker = compose["services"]["airflow-worker"]
    assert worker["command"] == ["celery-worker"]
    assert "container_name" not in worker, "a fixed name would stop --scale"
    assert worker["depends_on"]["redis"] == {"condition": "service_healthy"}
    entrypoint = (REPO / "docker" / "entrypoint.sh").read_text()
    assert "airflow celery worker --celery-hostname" in entrypoint
    assert '"$(python3 "$here/db_url.py" db+postgresql)"' in entrypoint
    env = compose["services"]["airflow-worker"]["environment"]
    assert env["AIRFLOW__CELERY__RESULT_BACKEND_CMD"].endswith("db_url.py db+postgresql")
    from zonewh.orchestration.setup import WRITER_POOL_SLOTS

    assert WRITER_POOL_SLOTS == 1


def test_loopback_override_puts_every_service_on_127_0_0_1(compose):
    loopback = yaml.safe_load(LOOPBACK.read_text("utf-8"))
    assert set(loopback["services"]) == set(compose["services"])
    for name, service in loopback["services"].items():
        assert service["network_mode"] == "host", name
    text = LOOPBACK.read_text()
    addresses = set(re.findall(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b", text))
    assert addresses == {"127.0.0.1"}
    assert "listen_addresses=127.0.0.1" in text and '"--bind", "127.0.0.1"' in text
    # published ports only in the override a plain `docker-compose up` reads, on 127.0.0.1
    assert all("ports" not in s for s in compose["services"].values())
    override = yaml.safe_load(OVERRIDE.read_text("utf-8"))
    for name, service in override["services"].items():
        assert name in compose["services"]
        assert all(p.startswith("127.0.0.1:") for p in service["ports"]), name


def test_superset_dashboard_files_open_the_published_file_read_only():
    root = REPO / "docker" / "superset" / "dashboard"
    database = yaml.safe_load((root / "databases" / "zonewh_published.yaml").read_text())
    assert database["sqlalchemy_uri"].startswith(
        "duckdb:////data/published/zone.duckdb?access_mode=read_only"
    )
    assert database["allow_dml"] is False and database["allow_file_upload"] is False
    datasets = {
        d["uuid"]: d
        for d in (yaml.safe_load(f.read_text()) for f in (root / "datasets").rglob("*.yaml"))
    }
    assert all(d["database_uuid"] == database["uuid"] for d in datasets.values())
    charts = {
        c["uuid"]: c for c in (yaml.safe_load(f.read_text()) for f in (root / "charts").glob("*"))
    }
    assert len(charts) == 3
    for chart in charts.values():
        assert chart["dataset_uuid"] in datasets
        assert json.loads(chart["query_context"])["queries"], chart["slice_name"]
    dashboard = yaml.safe_load((root / "dashboards" / "zonewh_monthly.yaml").read_text())
    assert dashboard["slug"] == "zonewh-monthly"
    placed = {
        node["meta"]["uuid"]
        for node in dashboard["position"].values()
        if isinstance(node, dict) and node.get("type") == "CHART"
    }
    assert placed == set(charts)
    marts = {"economic_indicators", "project_investment", "campaign_scores"}
    assert {m for d in datasets.values() for m in marts if f"marts.{m}" in d["sql"]} == marts


def test_superset_secrets_are_checked_apart():
    assert _check(GOOD, "superset").returncode == 1
    good = _check({**GOOD, **SUPERSET_GOOD}, "superset")
    assert good.returncode == 0, good.stderr
    for name in SUPERSET_SECRETS:
        for bad in ("", "superset", "change-me-superset-password"):
            result = _check({**SUPERSET_GOOD, name: bad}, "superset")
            assert result.returncode == 1 and name in result.stderr, (name, bad)
    example = dict(
        line.split("=", 1)
        for line in (REPO / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert _check({k: example[k] for k in SUPERSET_SECRETS}, "superset").returncode == 1


def test_backup_script_dumps_the_database_and_the_state():
    script = REPO / "docker" / "backup.sh"
    assert os.access(script, os.X_OK)
    text = script.read_text()
    assert "pg_dump" in text and "tar -C /data -czf - home landing" in text
    makefile = (REPO / "Makefile").read_text()
    assert "docker/backup.sh backup" in makefile and "docker/backup.sh restore" in makefile
    assert "backups/" in (REPO / ".gitignore").read_text().split()


def test_every_process_of_a_container_gets_the_database_url_from_postgres_variables(compose):
    """`docker-compose exec ... airflow` and the health checks bypass the entrypoint: Airflow's
    `*_CMD` settings run docker/db_url.py (the smoke test runs `airflow pools list` so)."""
    env = compose["services"]["airflow-scheduler"]["environment"]
    outputs = []
    for key in ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_CMD", "AIRFLOW__CELERY__RESULT_BACKEND_CMD"):
        program, script, scheme = env[key].split()
        assert (program, script) == ("python3", "/opt/zonewh/docker/db_url.py")
        result = subprocess.run(
            ["python3", str(REPO / "docker" / "db_url.py"), scheme],
            env={**_clean_env(GOOD), "POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": "15432"},
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(result.stdout)  # as Airflow takes it: no newline stripped
    quoted = "airflow:pg%23Secret%2Fwith%40odd%3Achars@127.0.0.1:15432/airflow"
    assert outputs == [f"postgresql+psycopg2://{quoted}", f"db+postgresql://{quoted}"]
