"""The data-quality gate: dbt test results plus Great Expectations suites on the marts.

A month passes when every blocking check (RULES.md B1–B9) passes. Each attempt writes one
report (JSON + HTML) under `reports/YYYY-MM/gate/<attempt>.json|html` naming every failing
check with example rows and the unit and form they came from.

Great Expectations is slow to import: it is imported lazily, once per process, and the
File Data Context in `expectations/` is opened once per process too.
"""

from __future__ import annotations

import html
import json
import logging
import math
import os
import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..config import EXPECTATIONS_DIR, Paths
from ..config import paths as default_paths

# --------------------------------------------------------------------------- contract

MARTS: dict[str, tuple[str, ...]] = {
    "economic_indicators": (
        "month",
        "indicator_code",
        "indicator_name",
        "cluster",
        "unit",
        "value_month",
        "value_ytd",
        "yoy_growth_pct",
        "growth_basis",
        "annual_target",
        "target_completion_pct",
        "city_rank",
    ),
    "project_investment": (
        "month",
        "project_code",
        "project_name",
        "level",
        "category",
        "responsible_unit",
        "town",
        "total_investment_wan",
        "annual_plan_wan",
        "invested_month_wan",
        "invested_ytd_wan",
        "plan_completion_pct",
        "time_progress_pct",
        "progress_gap_pp",
        "is_lagging",
        "status",
        "open_issues",
        "overdue_issues",
    ),
    "project_issues": (
        "month",
        "issue_code",
        "project_code",
        "owner_unit",
        "raised_on",
        "due_on",
        "status",
        "resolved_on",
        "is_overdue",
        "days_open",
    ),
    "investment_signings": (
        "month",
        "signing_code",
        "project_name",
        "investor",
        "signed_on",
        "agreed_investment_wan",
        "size_band",
        "project_code",
    ),
    "campaign_scores": (
        "month",
        "campaign_code",
        "unit_code",
        "unit_name",
        "unit_group",
        "total_score",
        "max_score",
        "rank",
        "previous_rank",
        "problems_found",
    ),
    "campaign_rewards": (
        "month",
        "campaign_code",
        "unit_code",
        "rule_code",
        "amount_wan",
        "reason",
    ),
    "submission_status": (
        "month",
        "unit_code",
        "form_code",
        "due_on",
        "first_received_at",
        "accepted_at",
        "versions",
        "status",
        "errors",
        "warnings",
    ),
}
"""Every monthly mart of CONTRACT.md and its contract columns (publication_log apart)."""

MART_KEYS: dict[str, tuple[str, ...]] = {
    "economic_indicators": ("month", "indicator_code", "cluster"),
    "project_investment": ("month", "project_code"),
    "project_issues": ("month", "issue_code"),
    "investment_signings": ("month", "signing_code"),
    "campaign_scores": ("month", "campaign_code", "unit_code"),
    "campaign_rewards": ("month", "campaign_code", "unit_code", "rule_code"),
    "submission_status": ("month", "unit_code", "form_code"),
}
"""The grain of each mart (B2)."""

PUBLICATION_LOG_COLUMNS: tuple[str, ...] = (
    "publication_id",
    "month",
    "attempted_at",
    "published",
    "blocking_failures",
    "warnings",
    "revised_months",
    "software_version",
)

PROJECT_STATUSES = ("前期", "在建", "竣工", "投产")
ISSUE_STATUSES = ("未解决", "解决中", "已解决")
ACCEPTED_SUBMISSION_STATUSES = ("on_time", "late", "waived")

EXAMPLE_COLUMNS = (
    "month",
    "unit_code",
    "form_code",
    "indicator_code",
    "cluster",
    "project_code",
    "issue_code",
    "signing_code",
    "campaign_code",
    "rule_code",
    "status",
)
MAX_EXAMPLES = 5

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- values


@dataclass
class Check:
    """One failing check: its gate code (B1…B9, W1…W5), where it ran and example rows."""

    code: str
    name: str
    source: str  # "dbt" | "great_expectations" | "gate"
    message: str
    examples: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class GateResult:
    """The outcome of one gate attempt for a month."""

    month: str
    attempt_id: str
    checked_at: str
    passed: bool
    failures: list[Check]
    warnings: list[Check]
    report_json: Path | None = None
    report_html: Path | None = None
    checkpoints: dict[str, bool] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- suites


def _e(kind: str, code: str, name: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": kind, "kwargs": kwargs, "meta": {"code": code, "name": name}}


def _not_null(columns: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        _e("ExpectColumnValuesToNotBeNull", "B2", f"{c} is not null", column=c) for c in columns
    ]


def expectation_specs() -> dict[str, list[dict[str, Any]]]:
    """The blocking expectations of every mart's suite, as data (class name, kwargs, meta)."""
    specs: dict[str, list[dict[str, Any]]] = {}
    for mart, columns in MARTS.items():
        keys = MART_KEYS[mart]
        specs[mart] = [
            _e(
                "ExpectTableColumnsToMatchSet",
                "B2",
                "contract columns present",
                column_set=list(columns),
                exact_match=False,
            ),
            *_not_null(keys),
            _e(
                "ExpectCompoundColumnsToBeUnique",
                "B2",
                f"grain ({', '.join(keys)}) unique",
                column_list=list(keys),
            ),
        ]
    specs["economic_indicators"] += [
        _e(
            "ExpectColumnValuesToBeInSet",
            "B8",
            "growth_basis is a catalog basis",
            column="growth_basis",
            value_set=["comparable", "nominal", "none"],
        ),
        _e(
            "ExpectColumnValuesToBeBetween",
            "B5",
            "yoy_growth_pct plausible (-100..1000)",
            column="yoy_growth_pct",
            min_value=-100,
            max_value=1000,
        ),
        _e(
            "ExpectColumnValuesToBeBetween",
            "B4",
            "target_completion_pct plausible (0..1000)",
            column="target_completion_pct",
            min_value=0,
            max_value=1000,
        ),
        _e(
            "ExpectColumnValuesToBeBetween",
            "B8",
            "city_rank at least 1",
            column="city_rank",
            min_value=1,
        ),
    ]
    specs["project_investment"] += [
        *[
            _e("ExpectColumnValuesToBeBetween", "B3", f"{c} not negative", column=c, min_value=0)
            for c in ("total_investment_wan", "annual_plan_wan", "invested_ytd_wan")
        ],
        _e(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            "B3",
            "year-to-date investment within total investment",
            column_A="total_investment_wan",
            column_B="invested_ytd_wan",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        _e(
            "ExpectColumnValuesToBeBetween",
            "B3",
            "time_progress_pct within 0..100",
            column="time_progress_pct",
            min_value=0,
            max_value=100,
        ),
        _e(
            "ExpectColumnValuesToBeInSet",
            "B8",
            "project status in 前期/在建/竣工/投产",
            column="status",
            value_set=list(PROJECT_STATUSES),
        ),
        _e(
            "ExpectColumnValuesToBeBetween",
            "B2",
            "open_issues not negative",
            column="open_issues",
            min_value=0,
        ),
    ]
    specs["project_issues"] += [
        _e("ExpectColumnValuesToNotBeNull", "B8", "issue names its project", column="project_code"),
        _e(
            "ExpectColumnValuesToBeInSet",
            "B8",
            "issue status in 未解决/解决中/已解决",
            column="status",
            value_set=list(ISSUE_STATUSES),
        ),
        _e(
            "ExpectColumnValuesToBeBetween",
            "B2",
            "days_open not negative",
            column="days_open",
            min_value=0,
        ),
    ]
    specs["investment_signings"] += [
        _e(
            "ExpectColumnValuesToBeInSet",
            "B8",
            "size_band in >=10亿/1-10亿/<1亿",
            column="size_band",
            value_set=[">=10亿", "1-10亿", "<1亿"],
        ),
        _e(
            "ExpectColumnValuesToBeBetween",
            "B2",
            "agreed_investment_wan not negative",
            column="agreed_investment_wan",
            min_value=0,
        ),
    ]
    specs["campaign_scores"] += [
        _e(
            "ExpectColumnValuesToBeBetween",
            "B7",
            "total_score not negative",
            column="total_score",
            min_value=0,
        ),
        _e(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            "B7",
            "total_score within max_score",
            column_A="max_score",
            column_B="total_score",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        _e("ExpectColumnValuesToBeBetween", "B7", "rank at least 1", column="rank", min_value=1),
        _e(
            "ExpectColumnValuesToBeInSet",
            "B8",
            "unit_group in town/village/department",
            column="unit_group",
            value_set=["town", "village", "department"],
        ),
    ]
    specs["campaign_rewards"] += [
        _e("ExpectColumnValuesToNotBeNull", "B9", "amount_wan is not null", column="amount_wan"),
        _e(
            "ExpectColumnValuesToBeBetween",
            "B9",
            "amount_wan within the rules' range (-10..5)",
            column="amount_wan",
            min_value=-10,
            max_value=5,
        ),
    ]
    specs["submission_status"] += [
        _e(
            "ExpectColumnValuesToBeInSet",
            "B1",
            "every expected submission accepted or waived",
            column="status",
            value_set=list(ACCEPTED_SUBMISSION_STATUSES),
        ),
    ]
    return specs


_GX: Any = None
_CONTEXTS: dict[tuple[Path, Path], Any] = {}
"""Open contexts by (root, state folder): opening one costs about a second."""


def _gx() -> Any:
    """Import great_expectations once per process, quietly."""
    global _GX
    if _GX is None:
        import os

        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        for name in ("great_expectations", "great_expectations.core"):
            logging.getLogger(name).setLevel(logging.WARNING)
        import great_expectations as gx

        _GX = gx
    return _GX


def gx_state_dir(p: Paths | None = None) -> Path:
    """Where a home keeps Great Expectations' run state: validation results and Data Docs.

    The context in `expectations/` holds only what is committed (suites, validation
    definitions, checkpoints); its config names `${ZONEWH_GX_STATE}` for the rest, so no run
    ever writes into the checkout."""
    return (p or default_paths()).home / "gx"


def get_context(root: Path = EXPECTATIONS_DIR, state: Path | None = None) -> Any:
    """The committed File Data Context, its run state in `state` (default: this home's)."""
    state = (state or gx_state_dir()).resolve()
    key = (root.resolve(), state)
    if key not in _CONTEXTS:
        gx = _gx()
        os.environ["ZONEWH_GX_STATE"] = str(state)
        _CONTEXTS[key] = gx.get_context(mode="file", context_root_dir=str(root))
    return _CONTEXTS[key]


def _build_suite(mart: str) -> Any:
    gx = _gx()
    suite = gx.ExpectationSuite(name=f"marts_{mart}", meta={"mart": mart})
    for spec in expectation_specs()[mart]:
        cls = getattr(gx.expectations, spec["type"])
        suite.add_expectation(cls(**spec["kwargs"], meta=spec["meta"]))
    return suite


def _get_or_add(get: Any, add: Any, update: bool) -> Any:
    """`get()` unless updating or it is missing, then `add()`."""
    if not update:
        try:
            return get()
        except Exception as exc:  # noqa: BLE001 - GE raises several not-found types
            log.debug("creating: %s", exc)
    return add()


def ensure_suites(context: Any = None, update: bool = False) -> list[str]:
    """Create (or, with update, rewrite) the datasource, suites, validation definitions and
    checkpoints; running it twice changes nothing. Returns the checkpoint names."""
    _gx()
    context = context or get_context()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    bars = context.variables.progress_bars
    globally = bars.get("globally") if isinstance(bars, dict) else getattr(bars, "globally", 1)
    if bars is None or globally:
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        context.variables.save()
    source = _get_or_add(
        lambda: context.data_sources.get("marts"),
        lambda: context.data_sources.add_or_update_pandas("marts"),
        False,
    )
    return [_ensure_mart(context, source, mart, update) for mart in MARTS]


def _ensure_mart(context: Any, source: Any, mart: str, update: bool) -> str:
    """One mart's asset, batch definition, suite, validation definition and checkpoint."""
    gx = _gx()
    asset = _get_or_add(
        lambda: source.get_asset(mart), lambda: source.add_dataframe_asset(mart), False
    )
    batch = _get_or_add(
        lambda: asset.get_batch_definition("month"),
        lambda: asset.add_batch_definition_whole_dataframe("month"),
        False,
    )
    suite = _get_or_add(
        lambda: context.suites.get(f"marts_{mart}"),
        lambda: context.suites.add_or_update(_build_suite(mart)),
        update,
    )
    definition = _get_or_add(
        lambda: context.validation_definitions.get(f"marts_{mart}"),
        lambda: context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"marts_{mart}", data=batch, suite=suite)
        ),
        update,
    )
    _get_or_add(
        lambda: context.checkpoints.get(f"gate_{mart}"),
        lambda: context.checkpoints.add_or_update(
            gx.Checkpoint(
                name=f"gate_{mart}",
                validation_definitions=[definition],
                actions=[],
                result_format={"result_format": "COMPLETE"},
            )
        ),
        update,
    )
    return f"gate_{mart}"


# --------------------------------------------------------------------------- running


def _json_value(value: Any) -> Any:
    """A value as JSON can hold it (dates as ISO text, NaN as null)."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime):
        import pandas as pd

        if pd.isna(value):
            return None
        if value.tzinfo is None and value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        import pandas as pd

        if pd.isna(value):
            return None
        if (
            isinstance(value, datetime)
            and value.tzinfo is None
            and value.time() == datetime.min.time()
        ):
            return value.date().isoformat()
        return value.isoformat()
    if hasattr(value, "item"):
        return _json_value(value.item())
    if isinstance(value, (str, int, float, bool)):
        return value
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _row_example(row: dict[str, Any], extra: list[str]) -> dict[str, Any]:
    keep = [c for c in EXAMPLE_COLUMNS if c in row] + [c for c in extra if c in row]
    return {c: _json_value(row[c]) for c in dict.fromkeys(keep)}


def month_frames(month: str, warehouse: Path) -> tuple[dict[str, Any], list[str]]:
    """Read each mart's rows for the month into a DataFrame; also the marts that are missing."""
    import duckdb

    frames: dict[str, Any] = {}
    missing: list[str] = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        present = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        for mart in MARTS:
            if mart not in present:
                missing.append(mart)
                continue
            frames[mart] = con.execute(
                f"select * from marts.{mart} where month = ?::date", [f"{month}-01"]
            ).df()
    return frames, missing


def _expectation_columns(kwargs: dict[str, Any]) -> list[str]:
    cols = [kwargs[k] for k in ("column", "column_A", "column_B") if kwargs.get(k)]
    return cols + list(kwargs.get("column_list") or [])


def _describe(mart: str, meta: dict, kind: str, examples: list[dict], count: Any) -> str:
    if meta.get("code") == "B1" and examples:
        named = ", ".join(
            f"{e.get('unit_code')}/{e.get('form_code')} ({e.get('status')})" for e in examples
        )
        return f"submissions not accepted for the month (unit/form): {named}"
    return f"marts.{mart}: {meta.get('name', kind)} — {count} failing row(s) [{kind}]"


def run_suites(
    month: str, frames: dict[str, Any], p: Paths | None = None
) -> tuple[list[Check], dict[str, bool]]:
    """Run each mart's checkpoint on its month DataFrame; read every result."""
    context = get_context(state=gx_state_dir(p))
    ensure_suites(context)
    checks: list[Check] = []
    outcomes: dict[str, bool] = {}
    for mart, df in frames.items():
        df = df.reset_index(drop=True)
        checkpoint = context.checkpoints.get(f"gate_{mart}")
        result = checkpoint.run(batch_parameters={"dataframe": df})
        outcomes[mart] = bool(result.success)
        if result.success:
            continue
        for run in result.run_results.values():
            for r in run.results:
                if r.success:
                    continue
                cfg = r.expectation_config
                meta = dict(cfg.meta or {})
                kwargs = dict(cfg.kwargs)
                res = r.result or {}
                every = meta.get("code") == "B1"
                indices = [
                    i for i in (res.get("unexpected_index_list") or []) if isinstance(i, int)
                ]
                rows = df.iloc[indices if every else indices[:MAX_EXAMPLES]].to_dict("records")
                examples = [_row_example(row, _expectation_columns(kwargs)) for row in rows]
                exc = (r.exception_info or {}).get("exception_message")
                count = res.get("unexpected_count", len(indices))
                message = _describe(mart, meta, cfg.type, examples, count)
                if exc:
                    message += f"; error: {exc}"
                if cfg.type == "expect_table_columns_to_match_set":
                    absent = sorted(set(kwargs.get("column_set", [])) - set(df.columns))
                    message = f"marts.{mart}: contract columns missing: {', '.join(absent)}"
                checks.append(
                    Check(
                        code=meta.get("code", "B2"),
                        name=f"{mart}: {meta.get('name', cfg.type)}",
                        source="great_expectations",
                        message=message,
                        examples=examples,
                    )
                )
    return checks, outcomes


# --------------------------------------------------------------------------- dbt results

_CODE = re.compile(r"^(?:[a-z_]*?__)?([bw]\d)_", re.IGNORECASE)


def _get(node: Any, *names: str) -> Any:
    for name in names:
        if isinstance(node, dict) and name in node:
            return node[name]
        if hasattr(node, name):
            return getattr(node, name)
    return None


def _dbt_code(name: str, severity_warn: bool) -> str:
    match = _CODE.match(name)
    if match:
        return match.group(1).upper()
    if name.startswith(("unique", "not_null", "dbt_utils_unique")):
        return "B2"
    if name.startswith(("relationships", "accepted_values")):
        return "B8"
    return "W0" if severity_warn else "B0"


def _dbt_nodes(build_result: Any) -> list[Any]:
    for attr in ("nodes", "results", "tests"):
        value = _get(build_result, attr)
        if value is not None:
            return list(value.values()) if isinstance(value, dict) else list(value)
    return []


def _is_test(node: Any) -> bool:
    kind = _get(node, "resource_type")
    if kind is not None:
        return str(kind).lower().rsplit(".", 1)[-1] in ("test", "unit_test")
    return str(_get(node, "unique_id") or "test.").startswith("test.")


def saved_dbt_results(month: str, p: Paths) -> dict[str, Any] | None:
    """The latest dbt run_results.json whose vars cover the month (for `zonewh publish`)."""
    from ..config import DBT_PROJECT_DIR

    first = f"{month}-01"
    for target in (
        p.warehouse_dir / "target",
        p.home / "dbt" / "target",
        DBT_PROJECT_DIR / "target",
    ):
        path = target / "run_results.json"
        if not path.exists():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        dbt_vars = (data.get("args") or {}).get("vars") or {}
        if isinstance(dbt_vars, str):
            try:
                import yaml

                dbt_vars = yaml.safe_load(dbt_vars) or {}
            except Exception:  # noqa: BLE001
                dbt_vars = {}
        start, end = str(dbt_vars.get("month_start", "")), str(dbt_vars.get("month_end", ""))
        if start and start <= first <= (end or start):
            return data
    return None


def _failing_rows(con: Any, sql: str | None, month: str) -> list[dict[str, Any]]:
    """The rows a failing dbt test returns for the month (up to MAX_EXAMPLES)."""
    if not sql:
        return []
    try:
        cur = con.execute(f"select * from ({sql}) as failing limit 200")
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, row)) for row in cur.fetchall()]
    except Exception as exc:  # noqa: BLE001 - examples are best effort, the failure stands
        log.info("could not re-read failing rows: %s", exc)
        return []
    first = f"{month}-01"
    same = [r for r in rows if "month" not in r or str(_json_value(r["month"]))[:10] == first]
    return [{k: _json_value(v) for k, v in r.items()} for r in (same or rows)[:MAX_EXAMPLES]]


def dbt_checks(build_result: Any, month: str, warehouse: Path) -> tuple[list[Check], list[Check]]:
    """Failing and warning dbt tests of a build, with example rows re-read from the warehouse."""
    import duckdb

    failures: list[Check] = []
    warnings: list[Check] = []
    every = _dbt_nodes(build_result)
    error = _get(build_result, "error")
    if error and not isinstance(build_result, dict):
        failures.append(Check("B2", "dbt build", "dbt", f"dbt did not complete: {error}"))
    for node in every:
        if not _is_test(node) and str(_get(node, "status") or "").lower() == "error":
            name = str(_get(node, "name") or _get(node, "unique_id"))
            msg = _get(node, "message") or ""
            failures.append(Check("B2", f"dbt {name}", "dbt", f"{name} failed to build: {msg}"))
    nodes = [n for n in every if _is_test(n)]
    bad = [n for n in nodes if str(_get(n, "status") or "").lower() in ("fail", "error", "warn")]
    if not bad:
        return failures, warnings
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for node in bad:
            status = str(_get(node, "status")).lower()
            name = str(_get(node, "name") or _get(node, "unique_id") or "dbt test")
            name = name.split(".")[2] if name.startswith("test.") and name.count(".") >= 2 else name
            relation = _get(node, "relation", "relation_name")
            sql = (
                f"select * from {relation}"
                if relation and "gate_failures" in str(relation)
                else None
            )
            sql = sql or _get(node, "compiled_code", "compiled_sql")
            count = _get(node, "failures")
            msg = _get(node, "message") or ""
            check = Check(
                code=_dbt_code(name, status == "warn"),
                name=name,
                source="dbt",
                message=f"dbt test {name} {status}"
                + (f": {count} failing row(s)" if count is not None else "")
                + (f" — {msg}" if msg and status == "error" else ""),
                examples=_failing_rows(con, sql, month) if status != "error" else [],
            )
            (warnings if status == "warn" else failures).append(check)
    return failures, warnings


# --------------------------------------------------------------------------- the gate


def new_attempt_id() -> str:
    """A sortable, unique id for one attempt: UTC timestamp plus a short random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def _late_warnings(frames: dict[str, Any]) -> list[Check]:
    df = frames.get("submission_status")
    if df is None or "status" not in df.columns:
        return []
    late = df[df["status"] == "late"].to_dict("records")
    if not late:
        return []
    examples = [_row_example(r, ["due_on", "accepted_at"]) for r in late]
    named = ", ".join(f"{e.get('unit_code')}/{e.get('form_code')}" for e in examples)
    return [Check("W4", "late submissions", "gate", f"late (unit/form): {named}", examples)]


def check(
    month: str,
    paths: Paths | None = None,
    build_result: Any = None,
    revised_months: list[str] | None = None,
) -> GateResult:
    """Run the gate for a month on the working warehouse and write its report.

    dbt test results come from `build_result` (a `zonewh.warehouse.build` result), or else
    from the saved `run_results.json` of a build that covered the month."""
    p = paths or default_paths()
    attempt = new_attempt_id()
    failures: list[Check] = []
    warnings: list[Check] = []
    notes: list[str] = []
    outcomes: dict[str, bool] = {}
    if not p.warehouse.exists():
        failures.append(
            Check("B2", "warehouse exists", "gate", f"no working warehouse at {p.warehouse}")
        )
    else:
        frames, missing = month_frames(month, p.warehouse)
        for mart in missing:
            failures.append(Check("B2", f"{mart}: mart exists", "gate", f"marts.{mart} is missing"))
        status = frames.get("submission_status")
        if status is not None and status.empty:
            failures.append(
                Check(
                    "B1",
                    "submission_status: month present",
                    "gate",
                    f"marts.submission_status has no rows for {month}",
                )
            )
        ge_checks, outcomes = run_suites(month, frames, p)
        failures += ge_checks
        results = build_result if build_result is not None else saved_dbt_results(month, p)
        names = [str(_get(n, "name") or _get(n, "unique_id") or "") for n in _dbt_nodes(results)]
        if not any(_CODE.match(n.split(".")[-1]) and "w4_" in n for n in names):
            warnings += _late_warnings(frames)  # dbt has no W4 test of its own
        if results is None:
            notes.append("no dbt test results covering this month were found")
        else:
            dbt_fail, dbt_warn = dbt_checks(results, month, p.warehouse)
            failures += dbt_fail
            warnings += dbt_warn
    if revised_months:
        warnings.append(
            Check(
                "W5",
                "revisions",
                "gate",
                f"resubmissions changed published months: {', '.join(revised_months)}",
                [{"month": m} for m in revised_months],
            )
        )
    failures.sort(key=lambda c: (c.code, c.name))
    warnings.sort(key=lambda c: (c.code, c.name))
    result = GateResult(
        month=month,
        attempt_id=attempt,
        checked_at=datetime.now(UTC).isoformat(timespec="seconds"),
        passed=not failures,
        failures=failures,
        warnings=warnings,
        checkpoints=outcomes,
        notes=notes,
    )
    write_report(result, p)
    return result


def write_report(result: GateResult, p: Paths) -> tuple[Path, Path]:
    """Write the attempt's JSON and HTML report under reports/YYYY-MM/gate/."""
    folder = p.reports / result.month / "gate"
    folder.mkdir(parents=True, exist_ok=True)
    result.report_json = folder / f"{result.attempt_id}.json"
    result.report_html = folder / f"{result.attempt_id}.html"
    data = asdict(result)
    data["report_json"] = str(result.report_json)
    data["report_html"] = str(result.report_html)
    data["data_docs"] = str(gx_state_dir(p) / "data_docs" / "local_site" / "index.html")
    result.report_json.write_text(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    result.report_html.write_text(render_html(result), encoding="utf-8")
    return result.report_json, result.report_html


def _checks_html(title: str, checks: list[Check]) -> str:
    if not checks:
        return f"<h2>{html.escape(title)}</h2><p>none</p>"
    parts = [f"<h2>{html.escape(title)} ({len(checks)})</h2>"]
    for c in checks:
        parts.append(
            f"<h3>{html.escape(c.code)} · {html.escape(c.name)} "
            f"<small>({html.escape(c.source)})</small></h3><p>{html.escape(c.message)}</p>"
        )
        if c.examples:
            cols = list(dict.fromkeys(k for e in c.examples for k in e))
            head = "".join(f"<th>{html.escape(k)}</th>" for k in cols)
            body = "".join(
                "<tr>"
                + "".join(f"<td>{html.escape(str(e.get(k, '')))}</td>" for k in cols)
                + "</tr>"
                for e in c.examples
            )
            parts.append(f"<table><tr>{head}</tr>{body}</table>")
    return "\n".join(parts)


def render_html(result: GateResult) -> str:
    """The report as a small standalone HTML page."""
    verdict = "PASSED 通过" if result.passed else "BLOCKED 未通过"
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>数据质量闸门 gate {html.escape(result.month)} · {html.escape(result.attempt_id)}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 6px;font-size:90%}}</style></head><body>
<h1>数据质量闸门 Data-quality gate — {html.escape(result.month)}: {verdict}</h1>
<p>attempt {html.escape(result.attempt_id)}, checked at {html.escape(result.checked_at)}</p>
{_checks_html("Blocking failures 阻断项", result.failures)}
{_checks_html("Warnings 警告项", result.warnings)}
{"".join(f"<p><em>{html.escape(n)}</em></p>" for n in result.notes)}
</body></html>
"""


def build_data_docs(p: Paths | None = None) -> Path:
    """Build Great Expectations' Data Docs (every stored validation) once; return the index.

    Checkpoints carry no Data Docs action: rebuilding the site after every validation
    grows with the number of stored results and would dominate a month's run."""
    context = get_context(state=gx_state_dir(p))
    context.build_data_docs()
    return gx_state_dir(p) / "data_docs" / "local_site" / "index.html"


if __name__ == "__main__":  # pragma: no cover - `python -m zonewh.gate` rewrites the suites
    ensure_suites(update=True)
