"""
### zone_submission_intake

Every 10 minutes: ingest the new files of every open month (the current month and the two
before it, in China Standard Time, whose landing folder exists) and write their receipts,
so a submitter gets a receipt within minutes of a file landing. Files already loaded are
skipped (same path and checksum), so the runs are cheap when nothing landed.
Runs in pool `warehouse_writer` with the monthly DAG's writing tasks.
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

    @task(pool=orch.WRITER_POOL)
    def ingest_open_months(months: list[str]) -> dict:
        """Validate and load new files of each open month; receipts are written per file."""
        from ingest.intake import ingest_month
        from zonewh.config import paths

        home = paths()
        return {month: orch.report_summary(ingest_month(month, home)) for month in months}

    ingest_open_months(find_open_months())


zone_submission_intake()
