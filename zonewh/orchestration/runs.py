"""An Airflow run of the monthly DAG, as the rest of zonewh sees it: its hold on the run
lease (the same lease `zonewh run` takes), its settings, its dbt mode."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from ..config import Paths, paths

DBT_MODES = ("single", "cosmos")
DEFAULT_DBT_MODE = "single"


def run_setting(context: Mapping[str, Any], name: str, default: Any) -> Any:
    """A run setting: the run's conf, then the DAG param, then `default`."""
    dag_run = context.get("dag_run")
    conf = dict(getattr(dag_run, "conf", None) or {})
    params = context.get("params") or {}
    for source in (conf, params):
        value = source.get(name)
        if value is not None and value != "":
            return value
    return default


def dbt_mode_for(context: Mapping[str, Any], has_cosmos: bool) -> str:
    """`single` or `cosmos` for this run; cosmos only when its task group could be rendered."""
    mode = str(run_setting(context, "dbt_mode", DEFAULT_DBT_MODE))
    if mode not in DBT_MODES:
        raise ValueError(f"dbt_mode must be one of {DBT_MODES}, got {mode!r}")
    return mode if has_cosmos else "single"


def _holder(context: Mapping[str, Any], month: str | None) -> Any:
    from ..locks import Holder

    dag = context.get("dag")
    dag_id = getattr(dag, "dag_id", None) or str(context.get("dag_id") or "airflow")
    run_id = str(context.get("run_id") or getattr(context.get("dag_run"), "run_id", "run"))
    key = hashlib.sha256(f"{dag_id}/{run_id}".encode()).hexdigest()[:12]
    return Holder("airflow", f"Airflow {dag_id} {run_id}", month, holder_id=key)


def begin_run(context: Mapping[str, Any], month: str, home: Paths | None = None) -> str:
    """Take (or renew) the run lease for this Airflow run; Busy names the holder otherwise.
    Every later task of the run calls it again, which renews the lease."""
    from ..locks import renew_run

    holder = renew_run(home or paths(), _holder(context, month))
    return holder.holder_id


def end_run(context: Mapping[str, Any], home: Paths | None = None) -> bool:
    """Give the lease back (the run's last task, and the failure callback)."""
    from ..locks import release_run

    return release_run(home or paths(), _holder(context, None).holder_id)
