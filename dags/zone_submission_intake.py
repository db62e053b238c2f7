"""
### zone_submission_intake

Every 10 minutes: ingest the new files of every open month (the current month and the two
before it, Beijing time, whose landing folder exists) and write their receipts, so a
submitter gets a receipt within minutes of a file landing. Files already loaded are skipped
(same path and checksum), so the runs are cheap when nothing landed. Intake writes its own
raw store, not the working warehouse: it never waits for a monthly build.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import CronTriggerTimetable, dag, task

from zonewh import orchestration as orch


@dag(
    dag_id="zone_submission_intake",
    schedule=CronTriggerTimetable(orch.INTAKE_CRON, timezone=orch.ZONE_TIMEZONE),
    start_date=orch.first_interval_start(),  # catchup=False: only the latest interval runs
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(minutes=30),
    tags=["zonewh", "intake"],
    doc_md=__doc__,
)
def zone_submission_intake():
    @task
    def find_open_months(**context) -> list[str]:
        """Open months with a landing folder, as of the run's time (never the wall clock)."""
        from zonewh.config import paths

        as_of = context.get("data_interval_end") or context["logical_date"]
        return orch.open_months(as_of, paths().landing)

    @task
    def ingest_open_months(months: list[str]) -> dict:
        """Validate and load the new files of each open month; receipts are written per file."""
        from zonewh import steps

        return steps.ingest_months(months).summary()

    ingest_open_months(find_open_months())


zone_submission_intake()
