"""What the Airflow DAGs decide, as plain functions the DAG files call and the tests exercise.

- which month a run publishes (from its data interval, never the wall clock),
- which months are still open for intake,
- whether the completeness wait is over (all mandatory submissions in, or the cut-off passed),
- notifications (a JSON-lines log under the home folder, e-mail when `smtp_default` exists),
- the `warehouse_writer` pool and the dbt manifest that setup prepares,
- the astronomer-cosmos configuration for the dbt task group.

Only the standard library (and intake's stdlib-only `ingest.months` and `ingest.settings`)
is imported at module level: DAG files import this module while
they are parsed, so Airflow, cosmos, dbt and DuckDB are imported inside functions.
`python -m zonewh.orchestration setup` creates the pool and the manifest.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ingest.months import add_months as shift_months
from ingest.months import month_text, parse_month

from .config import CST, DBT_PROJECT_DIR, Paths, paths

WRITER_POOL = "warehouse_writer"
"""DuckDB allows one writer: every task that opens the working warehouse takes this slot."""
WRITER_POOL_SLOTS = 1
WRITER_POOL_DESCRIPTION = "One writer at a time on warehouse/zone.duckdb (DuckDB single-writer)"

ZONE_TIMEZONE = "Asia/Shanghai"
MONTHLY_CRON = "30 0 6 * *"
"""00:30 CST on the 6th: the day after the due day (the 5th of M+1) of month M."""
INTAKE_CRON = "*/10 * * * *"
DUE_DAY = 5
DEFAULT_CUTOFF_HOURS = 48
"""How long after the end of the due day the completeness sensor waits before letting the gate decide."""
OPEN_MONTHS_WINDOW = 3
"""The intake DAG watches the current month and the two before it."""
DBT_MODES = ("single", "cosmos")
DEFAULT_DBT_MODE = "single"
NOTIFICATION_LOG = Path("notifications") / "notifications.log"


# ---------------------------------------------------------------- months


def add_months(month: str, delta: int) -> str:
    """The month `delta` months after `month` (negative goes back), as `YYYY-MM`."""
    return month_text(shift_months(parse_month(month), delta))


def month_of_instant(instant: datetime) -> str:
    """The reporting month an aware instant falls in, judged in China Standard Time."""
    if instant.tzinfo is None:
        raise ValueError(f"naive datetime {instant!r}: a run's dates must carry a time zone")
    return month_text(instant.astimezone(CST).date())


def month_for_run(
    conf_month: str | None,
    data_interval_start: datetime | None,
    logical_date: datetime | None = None,
) -> str:
    """The month a run of `zone_monthly_publication` publishes.

    A `month` given in the run's conf (a hand re-run) wins. Otherwise the month is the one the
    run's data interval starts in (CST): the schedule's interval runs from the 6th of M to the
    6th of M+1, so a scheduled or backfilled run publishes M, and a manual run without a month
    gets the last interval Airflow considers complete, i.e. the last month past its due day.
    """
    if conf_month:
        return add_months(conf_month, 0)
    anchor = data_interval_start or logical_date
    if anchor is None:
        raise ValueError("run has neither a data interval nor a logical date: pass conf month")
    return month_of_instant(anchor)


def month_from_context(context: Mapping[str, Any]) -> str:
    """`month_for_run` from an Airflow task or callback context."""
    dag_run = context.get("dag_run")
    conf = dict(getattr(dag_run, "conf", None) or {})
    params = context.get("params") or {}
    conf_month = conf.get("month") or params.get("month")
    start = context.get("data_interval_start") or getattr(dag_run, "data_interval_start", None)
    logical = context.get("logical_date") or getattr(dag_run, "logical_date", None)
    return month_for_run(conf_month, start, logical)


def dbt_vars(month: str) -> dict[str, str]:
    """The dbt vars that rebuild exactly one month."""
    first = parse_month(month).isoformat()
    return {"month_start": first, "month_end": first}


def due_end(month: str) -> datetime:
    """The end of month M's due day: 00:00 CST on the 6th of M+1."""
    following = parse_month(add_months(month, 1))
    return datetime(following.year, following.month, DUE_DAY, tzinfo=CST) + timedelta(days=1)


def cutoff_at(month: str, cutoff_hours: float) -> datetime:
    """When the completeness wait for a month stops and the gate decides."""
    if cutoff_hours < 0:
        raise ValueError(f"completeness_cutoff_hours must be >= 0, got {cutoff_hours}")
    return due_end(month) + timedelta(hours=cutoff_hours)


def first_interval_start(default_month: str = "2014-01") -> datetime:
    """Start of the monthly DAG's first interval: 00:30 CST on the 6th of `ZONEWH_FIRST_MONTH`.

    Catchup creates one run per month from there; set the variable to the first month the
    warehouse should hold.
    """
    first = parse_month(os.environ.get("ZONEWH_FIRST_MONTH") or default_month)
    return datetime(first.year, first.month, DUE_DAY + 1, 0, 30, tzinfo=CST)


def report_summary(report: Any) -> dict[str, Any]:
    """The scalar fields of a library result (dataclass or object), for an XCom value."""
    from dataclasses import is_dataclass

    items = asdict(report) if is_dataclass(report) else getattr(report, "__dict__", {})
    summary: dict[str, Any] = {}
    for key, value in items.items():
        if isinstance(value, Path):
            summary[key] = str(value)
        elif isinstance(value, (int, float, str, bool)) or value is None:
            summary[key] = value
        elif isinstance(value, (list, tuple)):
            summary[key] = len(value)
    return summary


def open_months(as_of: datetime, landing: Path, window: int = OPEN_MONTHS_WINDOW) -> list[str]:
    """Months the intake DAG ingests: among the `window` months up to `as_of` (CST), those
    whose landing folder exists. Oldest first."""
    current = month_of_instant(as_of)
    candidates = [add_months(current, -k) for k in range(window - 1, -1, -1)]
    return [m for m in candidates if (landing / m).is_dir()]


# ---------------------------------------------------------------- completeness


@dataclass(frozen=True)
class Completeness:
    """One poke of the completeness sensor."""

    month: str
    missing: list[tuple[str, str]]
    cutoff_at: str
    is_past_cutoff: bool

    @property
    def is_done(self) -> bool:
        """Stop waiting: everything is in, or the cut-off has passed (the gate then decides)."""
        return not self.missing or self.is_past_cutoff

    @property
    def is_soft_pass(self) -> bool:
        """The wait ended at the cut-off with submissions still missing."""
        return bool(self.missing) and self.is_past_cutoff

    def summary(self) -> dict[str, Any]:
        """A JSON-able record (the sensor's XCom value)."""
        return {
            "month": self.month,
            "missing": [list(pair) for pair in self.missing],
            "cutoff_at": self.cutoff_at,
            "is_past_cutoff": self.is_past_cutoff,
            "is_soft_pass": self.is_soft_pass,
        }


def judge_completeness(
    month: str, missing: list[tuple[str, str]], now: datetime, cutoff_hours: float
) -> Completeness:
    """Decide one poke from the missing (unit, form) pairs and the time."""
    limit = cutoff_at(month, cutoff_hours)
    return Completeness(
        month=month,
        missing=sorted((str(u), str(f)) for u, f in missing),
        cutoff_at=limit.isoformat(),
        is_past_cutoff=now >= limit,
    )


def completeness_poke(
    month: str,
    cutoff_hours: float = DEFAULT_CUTOFF_HOURS,
    now: datetime | None = None,
    home: Paths | None = None,
) -> Completeness:
    """Ask the warehouse which mandatory submissions are missing and judge the wait."""
    from .pipeline import missing_mandatory

    missing = list(missing_mandatory(month, paths=home))
    moment = now or datetime.now(tz=CST)
    return judge_completeness(month, missing, moment, cutoff_hours)


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


# ---------------------------------------------------------------- dbt, gate and publish steps


def release_dbt_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open for the rest of the process.

    dbt-duckdb caches one read-write database per process; a later step in the same process
    (`dag.test()`, the cosmos dbtRunner mode) could then not open the warehouse read-only."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        if env is not None:
            env.close()
            DuckDBConnectionManager._ENV = None


def revised_to_rebuild(month: str, home: Paths | None = None) -> list[str]:
    """Published months other than `month` with versions accepted since their publication."""
    from .publish import revised_months

    p = home or paths()
    return sorted(set(revised_months(month, p)) - {month})


def ingest_for_run(month: str, home: Paths | None = None) -> dict[str, Any]:
    """Ingest the month and every other month folder with new files (as `zonewh run` does)."""
    from .pipeline import ingest_new

    release_dbt_duckdb()  # an in-process dbt step (dag.test, cosmos) may hold the file

    return report_summary(ingest_new(month, (home or paths()).ensure()))


def _build_months(months: list[str], home: Paths | None) -> Any:
    """`dbt build` of each month in turn (revised months first); the last result."""
    from .warehouse import build

    result = None
    try:
        for m in months:
            result = build([m], home)
            if result.error:
                raise RuntimeError(f"dbt build of {m} did not run: {result.error}")
    finally:
        release_dbt_duckdb()
    return result


def dbt_build_month(month: str, home: Paths | None = None) -> dict[str, Any]:
    """`dbt build` of the revised months and the month; failing tests are left to the gate,
    a dbt error (nothing run) raises."""
    revised = revised_to_rebuild(month, home)
    result = _build_months([*revised, month], home)
    return {**report_summary(result), "summary": result.summary(), "revised": revised}


def dbt_test_month(month: str, home: Paths | None = None) -> dict[str, Any]:
    """`dbt test` of one month into the home's target folder, where the gate reads the results.

    Used after the cosmos task group, whose tasks run dbt in temporary folders."""
    from .warehouse import run_dbt

    release_dbt_duckdb()  # an in-process dbt step (dag.test, cosmos) may hold the file

    revised = revised_to_rebuild(month, home)
    if revised:
        _build_months(revised, home)
    vars_yaml = "{" + ", ".join(f'{k}: "{v}"' for k, v in dbt_vars(month).items()) + "}"
    try:
        ok, nodes, error = run_dbt(["test", "--vars", vars_yaml, "--quiet"], home)
    finally:
        release_dbt_duckdb()
    statuses: dict[str, int] = {}
    for node in nodes:
        statuses[node.status] = statuses.get(node.status, 0) + 1
    summary = {"success": ok, "tests": len(nodes), "statuses": statuses, "error": error}
    return {**summary, "revised": revised}


def gate_month(month: str, home: Paths | None = None) -> Any:
    """The gate for a month; revised months whose own gate passes are carried with it."""
    from .gate import check

    release_dbt_duckdb()  # an in-process dbt step (dag.test, cosmos) may hold the file

    p = home or paths()
    carried = [r for r in revised_to_rebuild(month, p) if check(r, p).passed]
    return check(month, p, revised_months=carried)


def load_gate_result(report_json: Path) -> Any:
    """A `GateResult` back from the JSON report the gate wrote (passed between tasks)."""
    from dataclasses import fields

    from .gate import Check, GateResult

    data = json.loads(Path(report_json).read_text("utf-8"))
    names = {f.name for f in fields(GateResult)}
    kept = {k: v for k, v in data.items() if k in names}
    kept["failures"] = [Check(**c) for c in data.get("failures", [])]
    kept["warnings"] = [Check(**c) for c in data.get("warnings", [])]
    kept["report_json"] = Path(data["report_json"])
    kept["report_html"] = Path(data["report_html"])
    return GateResult(**kept)


def revised_from_gate(gate_result: Any) -> list[str]:
    """The revised months the gate's W5 warning names."""
    return sorted(
        example["month"]
        for check in gate_result.warnings
        if check.code == "W5"
        for example in check.examples
    )


def publish_month(month: str, report_json: Path, home: Paths | None = None) -> Any:
    """Publish a month the gate task passed, without running the gate a second time."""
    from .publish import publish

    release_dbt_duckdb()  # an in-process dbt step (dag.test, cosmos) may hold the file

    gate_result = load_gate_result(report_json)
    if gate_result.month != month or not gate_result.passed:
        raise ValueError(f"{report_json} is not a passing gate report for {month}")
    return publish(month, home, gate_result=gate_result, revised=revised_from_gate(gate_result))


# ---------------------------------------------------------------- notifications


@dataclass
class Notification:
    """One message on the notification channels."""

    event: str  # run_succeeded | run_failed
    dag_id: str
    run_id: str
    month: str | None
    message: str
    at: str = field(default_factory=lambda: datetime.now(tz=CST).isoformat())
    details: dict[str, Any] = field(default_factory=dict)
    channels: list[str] = field(default_factory=list)


def notification_log(home: Paths | None = None) -> Path:
    """`<home>/notifications/notifications.log` (JSON lines)."""
    return (home or paths()).home / NOTIFICATION_LOG


def read_notifications(home: Paths | None = None) -> list[dict[str, Any]]:
    """Every notification written so far, oldest first."""
    log = notification_log(home)
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text("utf-8").splitlines() if line.strip()]


def notify(note: Notification, home: Paths | None = None) -> Notification:
    """Append the notification to the log file and e-mail it when SMTP is configured."""
    try:
        if send_email(note):
            note.channels.append("email")
    except Exception as exc:  # noqa: BLE001 - the log line must be written whatever SMTP does
        note.details["email_error"] = f"{type(exc).__name__}: {exc}"
    note.channels.insert(0, "log")
    log = notification_log(home)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(note), ensure_ascii=False, default=str) + "\n")
    return note


def notification_recipients() -> list[str]:
    """Addresses from `ZONEWH_NOTIFY_TO` (comma-separated)."""
    raw = os.environ.get("ZONEWH_NOTIFY_TO", "")
    return [a.strip() for a in raw.split(",") if a.strip()]


def send_email(note: Notification, conn_id: str = "smtp_default") -> bool:
    """E-mail through the Airflow SMTP connection; False when none is configured."""
    recipients = notification_recipients()
    if not recipients:
        return False
    try:
        from airflow.sdk import BaseHook

        BaseHook.get_connection(conn_id)
    except Exception:  # noqa: BLE001 - an absent connection raises a backend-specific error
        return False
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    subject = f"[zonewh] {note.dag_id} {note.month or ''} {note.event}"
    body = (
        f"<p>{note.message}</p><pre>{json.dumps(note.details, ensure_ascii=False, indent=2)}</pre>"
    )
    with SmtpHook(smtp_conn_id=conn_id) as hook:
        sender = os.environ.get("ZONEWH_NOTIFY_FROM") or hook.from_email or "zonewh@localhost"
        hook.send_email_smtp(to=recipients, subject=subject, html_content=body, from_email=sender)
    return True


def _task_states(context: Mapping[str, Any]) -> dict[str, str]:
    """task_id → state of the run's task instances (empty when the context has no run)."""
    dag_run = context.get("dag_run")
    try:
        return {ti.task_id: str(ti.state) for ti in dag_run.get_task_instances()}  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - a callback must never fail because of its context
        ti = context.get("ti") or context.get("task_instance")
        return {ti.task_id: "failed"} if ti is not None else {}


def _callback_note(context: Mapping[str, Any], event: str) -> Notification:
    try:
        month: str | None = month_from_context(context)
    except ValueError:
        month = None
    dag = context.get("dag")
    dag_id = getattr(dag, "dag_id", None) or str(context.get("dag_id", "?"))
    run_id = str(context.get("run_id") or getattr(context.get("dag_run"), "run_id", "?"))
    home = paths()
    details: dict[str, Any] = {"reason": str(context.get("reason") or "")}
    if event == "run_failed":
        states = _task_states(context)
        failed = sorted(t for t, s in states.items() if s in ("failed", "upstream_failed"))
        details["failed_tasks"] = failed
        if month:
            details["gate_reports"] = str(home.reports / month / "gate")
        if states.get("publish") == "success":
            message = f"{dag_id}: month {month} was published, but {failed} failed"
        else:
            message = f"{dag_id}: month {month} was NOT published; see {failed}"
    else:
        message = f"{dag_id}: month {month} completed"
        if month:
            details["published"] = str(home.published)
    return Notification(
        event=event, dag_id=dag_id, run_id=run_id, month=month, message=message, details=details
    )


def on_run_success(context: Mapping[str, Any]) -> None:
    """DAG success callback: notify."""
    notify(_callback_note(context, "run_succeeded"))


def on_run_failure(context: Mapping[str, Any]) -> None:
    """DAG failure callback: notify."""
    notify(_callback_note(context, "run_failed"))


# ---------------------------------------------------------------- setup: pool and manifest


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
    """Environment dbt needs: the warehouse path `profiles.yml` reads."""
    return {"ZONEWH_WAREHOUSE": str((home or paths()).warehouse)}


def build_manifest(target: Path | None = None) -> Path:
    """`dbt parse` into the manifest location (run at setup, never while a DAG is parsed)."""
    from .warehouse import parse_manifest

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


def cosmos_available() -> bool:
    """True when setup has produced the manifest the cosmos task group renders from."""
    return manifest_path().is_file() and (DBT_PROJECT_DIR / "dbt_project.yml").is_file()


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


if __name__ == "__main__":
    raise SystemExit(main())
