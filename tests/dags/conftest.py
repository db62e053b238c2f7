"""Airflow for the DAG tests: a throw-away AIRFLOW_HOME on SQLite, the repo's `dags/` folder.

Airflow reads its configuration when first imported, so the environment is set here, before
any test module imports it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO / "dags"

_AIRFLOW_HOME = Path(os.environ.get("ZONEWH_TEST_AIRFLOW_HOME") or tempfile.mkdtemp(prefix="af-"))
for key, value in {
    "AIRFLOW_HOME": str(_AIRFLOW_HOME),
    "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "false",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_AIRFLOW_HOME / 'airflow.db'}",
    "AIRFLOW__CORE__UNIT_TEST_MODE": "false",
}.items():
    os.environ[key] = value
