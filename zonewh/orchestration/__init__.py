"""What the Airflow DAGs decide, as plain functions the DAG files call and the tests exercise.

- `schedule`: which month a run publishes (from its data interval, never the wall clock),
  the months open for intake, the due day's end from the submission calendar;
- `completeness`: whether the wait for mandatory submissions is over;
- `runs`: an Airflow run's hold on the run lease, run settings, the dbt mode;
- `notify`: notifications (a JSON-lines log under the home, e-mail when `smtp_default` exists);
- `setup`: the `warehouse_writer` pool, the dbt manifest, the cosmos task group's configuration
  (`python -m zonewh.orchestration setup`).

The monthly work itself is `zonewh.steps`: every DAG task calls one of its functions.
Only the standard library is imported here: DAG files import this package while they are
parsed, so Airflow, cosmos, dbt and DuckDB are imported inside functions.
"""

from __future__ import annotations

from .completeness import Completeness, completeness_poke, judge_completeness
from .notify import (
    Notification,
    notify,
    on_run_failure,
    on_run_success,
    read_notifications,
    send_email,
)
from .runs import DBT_MODES, DEFAULT_DBT_MODE, begin_run, dbt_mode_for, end_run, run_setting
from .schedule import (
    DEFAULT_CUTOFF_HOURS,
    INTAKE_CRON,
    MONTHLY_CRON,
    OPEN_MONTHS_WINDOW,
    ZONE_TIMEZONE,
    add_months,
    cutoff_at,
    due_end,
    first_interval_start,
    month_for_run,
    month_from_context,
    month_of_instant,
    open_months,
    parse_month,
)
from .setup import WRITER_POOL, build_manifest, cosmos_available, cosmos_configs, manifest_path

__all__ = [
    "DBT_MODES",
    "DEFAULT_CUTOFF_HOURS",
    "DEFAULT_DBT_MODE",
    "INTAKE_CRON",
    "MONTHLY_CRON",
    "OPEN_MONTHS_WINDOW",
    "WRITER_POOL",
    "ZONE_TIMEZONE",
    "Completeness",
    "Notification",
    "add_months",
    "begin_run",
    "build_manifest",
    "completeness_poke",
    "cosmos_available",
    "cosmos_configs",
    "cutoff_at",
    "dbt_mode_for",
    "due_end",
    "end_run",
    "first_interval_start",
    "judge_completeness",
    "manifest_path",
    "month_for_run",
    "month_from_context",
    "month_of_instant",
    "notify",
    "on_run_failure",
    "on_run_success",
    "open_months",
    "parse_month",
    "read_notifications",
    "run_setting",
    "send_email",
]
