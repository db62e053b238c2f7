"""
### zone_monthly_publication

Publishes one reporting month **M** after its due day (submissions are due on the 5th of
M+1, Beijing time). The schedule's data interval runs from 00:30 on the 6th of M to the 6th
of M+1, so the run for M starts on the 6th of M+1 and the run's logical date is in M.
Catchup and `airflow backfill create` over past months give one run per month; each run
replaces only its month.

Steps, each one call of `zonewh.steps`: resolve the month → wait for mandatory submissions
(reschedule-mode sensor; at the cut-off, `completeness_cutoff_hours` after the due day, it
stops waiting and lets the gate decide) → take the run lease (one monthly run per home, the
command line's `zonewh run` included) → ingest → months in order → dbt (one `dbt build` task,
or the astronomer-cosmos task group and a `dbt test` task: param `dbt_mode`) → gate → publish
→ bulletin → give the lease back. The gate judges the snapshot the build left; the publisher
copies exactly that. Outcomes go to `<ZONEWH_HOME>/notifications/notifications.log` (and
e-mail when `smtp_default` exists).

Re-run one month by hand: trigger with conf `{"month": "YYYY-MM"}`.
The tasks that write the working warehouse (dbt) run in pool `warehouse_writer` (1 slot).
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import CronDataIntervalTimetable, Param, PokeReturnValue, dag, task, teardown

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

    @task.sensor(mode="reschedule", poke_interval=600, timeout=14 * 24 * 3600, retries=0)
    def wait_for_submissions(month: str, **context) -> PokeReturnValue:
        """Wait until every mandatory submission is in, or until the cut-off."""
        hours = float(
            orch.run_setting(context, "completeness_cutoff_hours", orch.DEFAULT_CUTOFF_HOURS)
        )
        poke = orch.completeness_poke(month, cutoff_hours=hours)
        return PokeReturnValue(is_done=poke.is_done, xcom_value=poke.summary())

    @task(retries=12, retry_delay=timedelta(minutes=5))
    def begin(month: str, **context) -> str:
        """Take the run lease (retried while another run holds it)."""
        return orch.begin_run(context, month)

    @task
    def ingest(month: str, **context) -> dict:
        """Validate and load the new files of the month and of months with resubmissions."""
        from zonewh import steps

        orch.begin_run(context, month)
        return steps.ingest(month).summary()

    @task
    def check_order(month: str) -> None:
        """Stop when an earlier month of the year is neither published nor skipped."""
        from zonewh import steps

        steps.check_order(month)

    @task.branch
    def choose_dbt(**context) -> str:
        """Pick the dbt task(s) for this run."""
        mode = orch.dbt_mode_for(context, has_cosmos=orch.cosmos_available())
        return "dbt_cosmos" if mode == "cosmos" else "dbt_build"

    @task(pool=orch.WRITER_POOL)
    def dbt_build(month: str, **context) -> dict:
        """`dbt build` of the revised months and the month, and the snapshot the gate judges."""
        from zonewh import steps

        orch.begin_run(context, month)
        return steps.build(month).to_dict()

    @task(pool=orch.WRITER_POOL)
    def dbt_test(month: str, **context) -> dict:
        """After the cosmos models: the month's data tests, and the snapshot."""
        from zonewh import steps

        orch.begin_run(context, month)
        return steps.build(month, models_built=True).to_dict()

    @task(trigger_rule="none_failed_min_one_success")
    def gate(month: str, built: dict | None = None, tested: dict | None = None) -> dict:
        """dbt results and expectation suites on the snapshot; the report of the attempt."""
        from zonewh import steps

        return steps.gate(month, steps.Built.from_dict(built or tested)).to_dict()

    @task
    def publish(month: str, verdict: dict, **context) -> dict:
        """Publish the month the gate passed (logged either way); fail the run when blocked."""
        from airflow.sdk.exceptions import AirflowFailException

        from zonewh import steps
        from zonewh.gate import GateResult

        orch.begin_run(context, month)
        result = steps.publish(month, GateResult.from_dict(verdict), run_by="airflow")
        if not result.published:
            raise AirflowFailException(steps.blocked_message(result.gate))
        return result.summary()

    @task
    def bulletin(month: str) -> list[str]:
        """The month's bulletin from the published file."""
        from zonewh import steps

        return [str(p) for p in steps.bulletin(month)]

    @teardown
    def end(**context) -> bool:
        """Give the run lease back, whatever happened (a teardown: it does not decide the
        run's state)."""
        return orch.end_run(context)

    month = resolve_month()
    held = begin(month)
    wait_for_submissions(month) >> held
    loaded = ingest(month)
    held >> loaded
    ordered = check_order(month)
    loaded >> ordered
    branch = choose_dbt()
    ordered >> branch
    built = dbt_build(month)
    branch >> built
    tested = None
    if orch.cosmos_available():
        from cosmos import DbtTaskGroup

        cosmos_group = DbtTaskGroup(group_id="dbt_cosmos", **orch.cosmos_configs(MONTH_EXPR))
        tested = dbt_test(month)
        branch >> cosmos_group >> tested
    verdict = gate(month, built, tested)
    published = publish(month, verdict)
    published >> bulletin(month) >> end().as_teardown(setups=held)


zone_monthly_publication()
