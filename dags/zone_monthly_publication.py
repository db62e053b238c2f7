"""
### zone_monthly_publication

Publishes one reporting month **M** after its due day (submissions are due on the 5th of
M+1, China Standard Time). The schedule's data interval runs from 00:30 CST on the 6th of M
to the 6th of M+1, so the run for M starts on the 6th of M+1 and the run's logical date is in
M. Catchup and `airflow backfill create` over past months give one run per month; each run
replaces only its month.

Steps: resolve the month → wait for mandatory submissions (reschedule-mode sensor; at the
cut-off, `completeness_cutoff_hours` after the due day, it stops waiting and lets the gate
decide) → ingest → dbt (one `dbt build` task, or the astronomer-cosmos task group and a
`dbt test` task: param `dbt_mode`) → gate → publish → bulletin. Success and failure are written to
`<ZONEWH_HOME>/notifications/notifications.log` (and e-mailed when `smtp_default` exists).

Re-run one month by hand: trigger with conf `{"month": "YYYY-MM"}`.
Every task that opens the working warehouse runs in pool `warehouse_writer` (1 slot).
"""

from __future__ import annotations

from airflow.sdk import CronDataIntervalTimetable, Param, PokeReturnValue, dag, task

from zonewh import orchestration as orch

MONTH_EXPR = "ti.xcom_pull(task_ids='resolve_month')"
"""Jinja expression for the run's month (`YYYY-MM`), used by the cosmos operators' dbt vars."""


@dag(
    dag_id="zone_monthly_publication",
    schedule=CronDataIntervalTimetable(orch.MONTHLY_CRON, timezone=orch.ZONE_TIMEZONE),
    start_date=orch.first_interval_start(),
    catchup=True,
    max_active_runs=1,
    default_args={"retries": 0},
    params={
        "month": Param(
            None,
            type=["null", "string"],
            pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
            description="YYYY-MM to (re)publish; empty = the run's own month",
        ),
        "dbt_mode": Param(
            orch.DEFAULT_DBT_MODE,
            enum=list(orch.DBT_MODES),
            description="single: one dbt build task; cosmos: one task per model",
        ),
        "completeness_cutoff_hours": Param(
            orch.DEFAULT_CUTOFF_HOURS,
            type="number",
            minimum=0,
            description="hours after the due day to wait",
        ),
    },
    on_success_callback=orch.on_run_success,
    on_failure_callback=orch.on_run_failure,
    tags=["zonewh", "publication"],
    doc_md=__doc__,
)
def zone_monthly_publication():
    @task
    def resolve_month(**context) -> str:
        """The month this run publishes (conf month, else the run's data interval)."""
        return orch.month_from_context(context)

    @task.sensor(
        mode="reschedule",
        poke_interval=600,
        timeout=14 * 24 * 3600,
        pool=orch.WRITER_POOL,
        retries=0,
    )
    def wait_for_submissions(month: str, **context) -> PokeReturnValue:
        """Wait until every mandatory submission is in, or until the cut-off."""
        hours = float(
            orch.run_setting(context, "completeness_cutoff_hours", orch.DEFAULT_CUTOFF_HOURS)
        )
        poke = orch.completeness_poke(month, cutoff_hours=hours)
        return PokeReturnValue(is_done=poke.is_done, xcom_value=poke.summary())

    @task(pool=orch.WRITER_POOL)
    def ingest(month: str) -> dict:
        """Validate and load every new file of the month (and of any month with new files,
        i.e. revisions); write receipts."""
        return orch.ingest_for_run(month)

    @task.branch
    def choose_dbt(**context) -> str:
        """Pick the dbt task(s) for this run."""
        mode = orch.dbt_mode_for(context, has_cosmos=orch.cosmos_available())
        return "dbt_cosmos" if mode == "cosmos" else "dbt_build"

    @task(pool=orch.WRITER_POOL)
    def dbt_build(month: str) -> dict:
        """One `dbt build` of the month (seeds, models, tests) through dbtRunner."""
        return orch.dbt_build_month(month)

    @task(pool=orch.WRITER_POOL, retries=0)
    def dbt_test(month: str) -> dict:
        """After the cosmos models: the month's dbt tests, saved where the gate reads them."""
        return orch.dbt_test_month(month)

    @task(pool=orch.WRITER_POOL, trigger_rule="none_failed_min_one_success", retries=0)
    def gate(month: str) -> dict:
        """dbt tests and expectation suites; blocks the month when a blocking check fails."""
        from airflow.sdk.exceptions import AirflowFailException

        result = orch.gate_month(month)
        summary = orch.report_summary(result)
        if not result.passed:
            failed = "; ".join(f"{c.code} {c.name}" for c in result.failures[:10])
            raise AirflowFailException(
                f"gate blocked {month}: {failed}; report {result.report_html}"
            )
        return summary

    @task(pool=orch.WRITER_POOL, retries=0)
    def publish(month: str, gate_summary: dict) -> dict:
        """Replace published/zone.duckdb atomically (and keep the month's vintage)."""
        from airflow.sdk.exceptions import AirflowFailException

        result = orch.publish_month(month, gate_summary["report_json"])
        summary = orch.report_summary(result)
        if not result.published:
            raise AirflowFailException(f"{month} not published: {summary}")
        return summary

    @task
    def bulletin(month: str) -> list[str]:
        """The month's bulletin from the published file."""
        from zonewh.bulletin import write_bulletin

        return [str(p) for p in write_bulletin(month)]

    month = resolve_month()
    waited = wait_for_submissions(month)
    loaded = ingest(month)
    waited >> loaded
    branch = choose_dbt()
    loaded >> branch
    checked = gate(month)
    branch >> dbt_build(month) >> checked
    if orch.cosmos_available():
        from cosmos import DbtTaskGroup

        cosmos_group = DbtTaskGroup(group_id="dbt_cosmos", **orch.cosmos_configs(MONTH_EXPR))
        branch >> cosmos_group >> dbt_test(month) >> checked
    published = publish(month, checked)
    published >> bulletin(month)


zone_monthly_publication()
