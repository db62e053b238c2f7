"""One-time setup of an Airflow deployment, and the cosmos task group's configuration.

`python -m zonewh.orchestration setup` creates the `warehouse_writer` pool, the home's folders
and the dbt manifest the cosmos task group renders from (`dbt parse`, run here and never while
a DAG file is parsed).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from ..config import DBT_PROJECT_DIR, Paths, paths

WRITER_POOL = "warehouse_writer"
"""DuckDB allows one writer: every task that opens the working warehouse takes this slot."""
WRITER_POOL_SLOTS = 1
WRITER_POOL_DESCRIPTION = "One writer at a time on warehouse/zone.duckdb (DuckDB single-writer)"


def ensure_pool(
    name: str = WRITER_POOL,
    slots: int = WRITER_POOL_SLOTS,
    description: str = WRITER_POOL_DESCRIPTION,
) -> None:
    """Create (or reset) the warehouse writer pool in the Airflow metadata database."""
    from airflow.models.pool import Pool

    Pool.create_or_update_pool(name, slots, description, include_deferred=False)


def manifest_path() -> Path:
    """Where setup writes the dbt manifest cosmos renders from:
    `ZONEWH_DBT_MANIFEST`, default `<home>/dbt/manifest.json`."""
    override = os.environ.get("ZONEWH_DBT_MANIFEST")
    return Path(override) if override else paths().home / "dbt" / "manifest.json"


def dbt_env(home: Paths | None = None) -> dict[str, str]:
    """Environment dbt needs: the warehouse and raw store paths `profiles.yml` reads."""
    p = home or paths()
    return {"ZONEWH_WAREHOUSE": str(p.warehouse), "ZONEWH_RAW_STORE": str(p.raw_store)}


def build_manifest(target: Path | None = None) -> Path:
    """`dbt parse` into the manifest location (run at setup, never while a DAG is parsed)."""
    from ..build import parse_manifest

    out = target or manifest_path()
    manifest = parse_manifest(target=out.parent)
    if manifest != out:
        manifest.replace(out)
    return out


def _dbt_project_meta() -> dict[str, str]:
    """Project name, profile name and default target from the two dbt YAML files."""
    import yaml

    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text("utf-8"))
    profiles = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text("utf-8"))
    profile = project["profile"]
    return {"project": project["name"], "profile": profile, "target": profiles[profile]["target"]}


def dbt_executable() -> Path:
    """The dbt next to the running interpreter (the project's venv)."""
    return Path(sys.executable).parent / "dbt"


def cosmos_configs(month_expr: str) -> dict[str, Any]:
    """Keyword arguments for `cosmos.DbtTaskGroup`: manifest load, one pool, month vars.

    `month_expr` is a Jinja expression (no braces) giving `YYYY-MM` at run time.
    """
    from cosmos import ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import InvocationMode, LoadMode, TestBehavior

    meta = _dbt_project_meta()
    first = "{{ (" + month_expr + ") ~ '-01' }}"
    return {
        "project_config": ProjectConfig(
            dbt_project_path=DBT_PROJECT_DIR,
            manifest_path=manifest_path(),
            project_name=meta["project"],
            env_vars=dbt_env(),
            install_dbt_deps=False,
        ),
        "profile_config": ProfileConfig(
            profile_name=meta["profile"],
            target_name=meta["target"],
            profiles_yml_filepath=DBT_PROJECT_DIR / "profiles.yml",
        ),
        "render_config": RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            test_behavior=TestBehavior.NONE,  # the gate runs the dbt tests
        ),
        "execution_config": ExecutionConfig(
            dbt_executable_path=dbt_executable(),
            invocation_mode=InvocationMode.DBT_RUNNER,
        ),
        "operator_args": {
            "pool": WRITER_POOL,
            "vars": {"month_start": first, "month_end": first},
            "append_env": True,
        },
    }


def cosmos_enabled() -> bool:
    """The deployment renders the cosmos task group (`ZONEWH_DBT_COSMOS=true`). Off by
    default: a deployment that runs dbt as one task sees no skipped cosmos tasks."""
    return os.environ.get("ZONEWH_DBT_COSMOS", "").strip().lower() in ("1", "true", "yes")


def cosmos_available() -> bool:
    """True when the deployment enables cosmos and setup has produced the manifest the
    cosmos task group renders from."""
    return (
        cosmos_enabled()
        and manifest_path().is_file()
        and (DBT_PROJECT_DIR / "dbt_project.yml").is_file()
    )


def setup(build_dbt_manifest: bool = True) -> list[str]:
    """The one-time setup step: pool, home folders, dbt manifest. Returns what was done."""
    done = []
    ensure_pool()
    done.append(f"pool {WRITER_POOL} ({WRITER_POOL_SLOTS} slot)")
    paths().ensure()
    done.append(f"home {paths().home}")
    if build_dbt_manifest:
        done.append(f"manifest {build_manifest()}")
    return done


def main(argv: list[str] | None = None) -> int:
    """`python -m zonewh.orchestration setup [--no-manifest] | pool | manifest`."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else ""
    if command == "setup":
        for line in setup(build_dbt_manifest="--no-manifest" not in args):
            print(line)
    elif command == "pool":
        ensure_pool()
        print(f"pool {WRITER_POOL} ({WRITER_POOL_SLOTS} slot)")
    elif command == "manifest":
        print(f"manifest {build_manifest()}")
    else:
        print(
            "usage: python -m zonewh.orchestration setup [--no-manifest] | pool | manifest",
            file=sys.stderr,
        )
        return 2
    return 0
