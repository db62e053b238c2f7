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
import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from .config import EXPECTATIONS_DIR, REFERENCE_DIR, Paths, paths as default_paths

# --------------------------------------------------------------------------- contract

MARTS: dict[str, tuple[str, ...]] = {
    "economic_indicators": (
        "month", "indicator_code", "indicator_name", "cluster", "unit", "value_month",
        "value_ytd", "yoy_growth_pct", "growth_basis", "annual_target",
        "target_completion_pct", "city_rank",
    ),
    "project_investment": (
        "month", "project_code", "project_name", "level", "category", "responsible_unit",
        "town", "total_investment_wan", "annual_plan_wan", "invested_month_wan",
        "invested_ytd_wan", "plan_completion_pct", "time_progress_pct", "progress_gap_pp",
        "is_lagging", "status", "open_issues", "overdue_issues",
    ),
    "project_issues": (
        "month", "issue_code", "project_code", "owner_unit", "raised_on", "due_on", "status",
        "resolved_on", "is_overdue", "days_open",
    ),
    "investment_signings": (
        "month", "signing_code", "project_name", "investor", "signed_on",
        "agreed_investment_wan", "size_band", "project_code",
    ),
    "campaign_scores": (
        "month", "campaign_code", "unit_code", "unit_name", "unit_group", "total_score",
        "max_score", "rank", "previous_rank", "problems_found",
    ),
    "campaign_rewards": (
        "month", "campaign_code", "unit_code", "rule_code", "amount_wan", "reason",
    ),
    "submission_status": (
        "month", "unit_code", "form_code", "due_on", "first_received_at", "accepted_at",
        "versions", "status", "errors", "warnings",
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
    "publication_id", "month", "attempted_at", "published", "blocking_failures",
    "warnings", "revised_months", "software_version",
)

PROJECT_STATUSES = ("前期", "在建", "竣工", "投产")
ISSUE_STATUSES = ("未解决", "解决中", "已解决")
ACCEPTED_SUBMISSION_STATUSES = ("on_time", "late", "waived")

EXAMPLE_COLUMNS = (
    "month", "unit_code", "form_code", "indicator_code", "cluster", "project_code",
    "issue_code", "signing_code", "campaign_code", "rule_code", "status",
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
            _e("ExpectTableColumnsToMatchSet", "B2", "contract columns present",
               column_set=list(columns), exact_match=False),
            *_not_null(keys),
            _e("ExpectCompoundColumnsToBeUnique", "B2", f"grain ({', '.join(keys)}) unique",
               column_list=list(keys)),
        ]
    specs["economic_indicators"] += [
        _e("ExpectColumnValuesToBeInSet", "B8", "growth_basis is a catalog basis",
           column="growth_basis", value_set=["comparable", "nominal", "none"]),
        _e("ExpectColumnValuesToBeBetween", "B5", "yoy_growth_pct plausible (-100..1000)",
           column="yoy_growth_pct", min_value=-100, max_value=1000),
        _e("ExpectColumnValuesToBeBetween", "B4", "target_completion_pct plausible (0..1000)",
           column="target_completion_pct", min_value=0, max_value=1000),
        _e("ExpectColumnValuesToBeBetween", "B8", "city_rank at least 1",
           column="city_rank", min_value=1),
    ]
    specs["project_investment"] += [
        *[
            _e("ExpectColumnValuesToBeBetween", "B3", f"{c} not negative", column=c, min_value=0)
            for c in ("total_investment_wan", "annual_plan_wan", "invested_ytd_wan")
        ],
        _e("ExpectColumnPairValuesAToBeGreaterThanB", "B3",
           "year-to-date investment within total investment",
           column_A="total_investment_wan", column_B="invested_ytd_wan", or_equal=True),
        _e("ExpectColumnValuesToBeBetween", "B3", "time_progress_pct within 0..100",
           column="time_progress_pct", min_value=0, max_value=100),
        _e("ExpectColumnValuesToBeInSet", "B8", "project status in 前期/在建/竣工/投产",
           column="status", value_set=list(PROJECT_STATUSES)),
        _e("ExpectColumnValuesToBeBetween", "B2", "open_issues not negative",
           column="open_issues", min_value=0),
    ]
    specs["project_issues"] += [
        _e("ExpectColumnValuesToNotBeNull", "B8", "issue names its project",
           column="project_code"),
        _e("ExpectColumnValuesToBeInSet", "B8", "issue status in 未解决/解决中/已解决",
           column="status", value_set=list(ISSUE_STATUSES)),
        _e("ExpectColumnValuesToBeBetween", "B2", "days_open not negative",
           column="days_open", min_value=0),
    ]
    specs["investment_signings"] += [
        _e("ExpectColumnValuesToBeInSet", "B8", "size_band in >=10亿/1-10亿/<1亿",
           column="size_band", value_set=[">=10亿", "1-10亿", "<1亿"]),
        _e("ExpectColumnValuesToBeBetween", "B2", "agreed_investment_wan not negative",
           column="agreed_investment_wan", min_value=0),
    ]
    specs["campaign_scores"] += [
        _e("ExpectColumnValuesToBeBetween", "B7", "total_score not negative",
           column="total_score", min_value=0),
        _e("ExpectColumnPairValuesAToBeGreaterThanB", "B7", "total_score within max_score",
           column_A="max_score", column_B="total_score", or_equal=True),
        _e("ExpectColumnValuesToBeBetween", "B7", "rank at least 1", column="rank",
           min_value=1),
        _e("ExpectColumnValuesToBeInSet", "B8", "unit_group in town/village/department",
           column="unit_group", value_set=["town", "village", "department"]),
    ]
    specs["campaign_rewards"] += [
        _e("ExpectColumnValuesToNotBeNull", "B9", "amount_wan is not null", column="amount_wan"),
        _e("ExpectColumnValuesToBeBetween", "B9", "amount_wan within the rules' range (-10..5)",
           column="amount_wan", min_value=-10, max_value=5),
    ]
    specs["submission_status"] += [
        _e("ExpectColumnValuesToBeInSet", "B1",
           "every expected submission accepted or waived",
           column="status", value_set=list(ACCEPTED_SUBMISSION_STATUSES)),
    ]
    return specs


_GX: Any = None
_CONTEXT: Any = None


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


def get_context(root: Path = EXPECTATIONS_DIR) -> Any:
    """The committed File Data Context (opened once per process for the default root)."""
    global _CONTEXT
    if root == EXPECTATIONS_DIR and _CONTEXT is not None:
        return _CONTEXT
    gx = _gx()
    context = gx.get_context(mode="file", context_root_dir=str(root))
    if root == EXPECTATIONS_DIR:
        _CONTEXT = context
    return context


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
        except Exception:  # noqa: BLE001 - GE raises several not-found types
            pass
    return add()


def ensure_suites(context: Any = None, update: bool = False) -> list[str]:
    """Create (or, with update, rewrite) the datasource, suites, validation definitions and
    checkpoints; running it twice changes nothing. Returns the checkpoint names."""
    gx = _gx()
    context = context or get_context()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    bars = context.variables.progress_bars
    if bars is None or bars.globally:
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        context.variables.save()
    source = _get_or_add(
        lambda: context.data_sources.get("marts"),
        lambda: context.data_sources.add_or_update_pandas("marts"),
        False,
    )
    names = []
    for mart in MARTS:
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
                    actions=[gx.checkpoint.UpdateDataDocsAction(name="update_data_docs")],
                    result_format={"result_format": "COMPLETE"},
                )
            ),
            update,
        )
        names.append(f"gate_{mart}")
    return names


if __name__ == "__main__":  # pragma: no cover - `python -m zonewh.gate` rewrites the suites
    ensure_suites(update=True)
