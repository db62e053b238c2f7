"""Great Expectations: the checks it is the right tool for (B10), on the month's marts.

dbt tests the relational rules (B1–B9, W1–W4). Great Expectations looks at each mart's month
as a whole: value ranges, value sets, and that the month's rows are there. The suites are
declared here (`expectation_specs`), committed as JSON in `expectations/` (a File Data
Context: `python -m zonewh.gate.suites` rewrites them after a change here or in the reference
data), and run on DataFrames read from the snapshot the gate judges.
`tests/expectations/` fails when the committed suites differ from these declarations.
"""

from __future__ import annotations

import csv
import logging
import os
from pathlib import Path
from typing import Any

from ..config import EXPECTATIONS_DIR, REFERENCE_DIR, Paths
from ..config import paths as default_paths
from .outcome import MAX_ROWS, Finding
from .values import json_value

log = logging.getLogger(__name__)

CODE = "B10"
PROJECT_STATUSES = ("前期", "在建", "竣工", "投产")
ISSUE_STATUSES = ("未解决", "解决中", "已解决")
SUBMISSION_STATUSES = ("on_time", "late", "rejected", "missing", "waived")
MARTS = (
    "economic_indicators",
    "project_investment",
    "project_issues",
    "investment_signings",
    "campaign_scores",
    "campaign_rewards",
    "submission_status",
)
"""The monthly marts the suites judge (the others are published as they are)."""


def _e(kind: str, name: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": kind, "kwargs": kwargs, "meta": {"code": CODE, "name": name}}


def _setting(key: str, default: str, reference: Path = REFERENCE_DIR) -> str:
    with (reference / "settings.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["key"] == key:
                return row["value"]
    return default


def _reward_range(reference: Path = REFERENCE_DIR) -> tuple[float, float]:
    """The smallest and largest amount any reward rule gives (万元)."""
    with (reference / "reward_rules.csv").open(encoding="utf-8") as fh:
        amounts = [float(r["amount_wan"]) for r in csv.DictReader(fh) if r["amount_wan"]]
    return min([0.0, *amounts]), max([0.0, *amounts])


def expectation_specs(reference: Path = REFERENCE_DIR) -> dict[str, list[dict[str, Any]]]:
    """Every mart's expectations, as data (class name, kwargs, meta)."""
    districts = int(_setting("city_district_count", "11", reference))
    low, high = _reward_range(reference)
    between = "ExpectColumnValuesToBeBetween"
    in_set = "ExpectColumnValuesToBeInSet"
    return {
        "economic_indicators": [
            _e(
                in_set,
                "growth_basis is a catalog basis",
                column="growth_basis",
                value_set=["comparable", "nominal", "none"],
            ),
            _e(
                between,
                "yoy_growth_pct within -100..1000",
                column="yoy_growth_pct",
                min_value=-100,
                max_value=1000,
            ),
            _e(
                between,
                "target_completion_pct within 0..1000",
                column="target_completion_pct",
                min_value=0,
                max_value=1000,
            ),
            _e(
                between,
                f"city_rank within 1..{districts}",
                column="city_rank",
                min_value=1,
                max_value=districts,
            ),
        ],
        "project_investment": [
            *[
                _e(between, f"{c} not negative", column=c, min_value=0)
                for c in ("total_investment_wan", "annual_plan_wan", "invested_ytd_wan")
            ],
            _e(
                between,
                "time_progress_pct within 0..100",
                column="time_progress_pct",
                min_value=0,
                max_value=100,
            ),
            _e(
                between,
                "plan_completion_pct within 0..1000",
                column="plan_completion_pct",
                min_value=0,
                max_value=1000,
            ),
            _e(
                in_set,
                "status in 前期/在建/竣工/投产",
                column="status",
                value_set=list(PROJECT_STATUSES),
            ),
            _e(between, "open_issues not negative", column="open_issues", min_value=0),
        ],
        "project_issues": [
            _e(
                in_set,
                "status in 未解决/解决中/已解决",
                column="status",
                value_set=list(ISSUE_STATUSES),
            ),
            _e(between, "days_open not negative", column="days_open", min_value=0),
        ],
        "investment_signings": [
            _e(
                in_set,
                "size_band in >=10亿/1-10亿/<1亿",
                column="size_band",
                value_set=[">=10亿", "1-10亿", "<1亿"],
            ),
            _e(
                between,
                "agreed_investment_wan above 0",
                column="agreed_investment_wan",
                min_value=0,
                strict_min=True,
            ),
        ],
        "campaign_scores": [
            _e(between, "total_score not negative", column="total_score", min_value=0),
            _e(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                "total_score within max_score",
                column_A="max_score",
                column_B="total_score",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
            _e(between, "rank at least 1", column="rank", min_value=1),
            _e(
                in_set,
                "unit_group in town/village/department",
                column="unit_group",
                value_set=["town", "village", "department"],
            ),
        ],
        "campaign_rewards": [
            _e("ExpectColumnValuesToNotBeNull", "amount_wan given", column="amount_wan"),
            _e(
                between,
                f"amount_wan within the rules' range ({low:g}..{high:g})",
                column="amount_wan",
                min_value=low,
                max_value=high,
            ),
        ],
        "submission_status": [
            _e("ExpectTableRowCountToBeBetween", "the month's submissions are listed", min_value=1),
            _e(
                in_set,
                "status a known status",
                column="status",
                value_set=list(SUBMISSION_STATUSES),
            ),
        ],
    }


# ---------------------------------------------------------------- the File Data Context

_GX: Any = None
_CONTEXTS: dict[tuple[Path, Path], Any] = {}
"""Open contexts by (root, state folder): opening one costs about a second."""


def _gx() -> Any:
    """Import great_expectations once per process, quietly, with its analytics off."""
    global _GX
    if _GX is None:
        os.environ["GX_ANALYTICS_ENABLED"] = "false"
        for name in ("great_expectations", "great_expectations.core"):
            logging.getLogger(name).setLevel(logging.WARNING)
        import great_expectations as gx

        _GX = gx
    return _GX


def state_dir(p: Paths | None = None) -> Path:
    """Where a home keeps Great Expectations' run state: validation results and Data Docs.

    The context in `expectations/` holds only what is committed (suites, validation
    definitions, checkpoints); its config names `${ZONEWH_GX_STATE}` for the rest, so no run
    ever writes into the checkout."""
    return (p or default_paths()).home / "gx"


def get_context(root: Path = EXPECTATIONS_DIR, state: Path | None = None) -> Any:
    """The committed File Data Context, its run state in `state` (default: this home's)."""
    state = (state or state_dir()).resolve()
    key = (root.resolve(), state)
    if key not in _CONTEXTS:
        gx = _gx()
        os.environ["ZONEWH_GX_STATE"] = str(state)
        _CONTEXTS[key] = gx.get_context(mode="file", context_root_dir=str(root))
    return _CONTEXTS[key]


def build_suite(mart: str) -> Any:
    """The ExpectationSuite of a mart, from its declaration."""
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
        lambda: context.suites.add_or_update(build_suite(mart)),
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


# ---------------------------------------------------------------- running


def month_frames(con: Any, month: str) -> tuple[dict[str, Any], list[str]]:
    """Each judged mart's rows for the month as a DataFrame; also the marts that are absent."""
    present = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    frames: dict[str, Any] = {}
    missing: list[str] = []
    for mart in MARTS:
        if mart not in present:
            missing.append(mart)
            continue
        df = con.sql(
            f"select * from marts.{mart} where month = ?::date", params=[f"{month}-01"]
        ).df()
        for column in df.columns:  # DECIMAL money arrives as objects: judge numbers
            if (
                df[column].dtype == object
                and df[column].map(type).astype(str).str.contains("Decimal").any()
            ):
                df[column] = df[column].astype(float)
        frames[mart] = df
    return frames, missing


def _columns(kwargs: dict[str, Any]) -> list[str]:
    cols = [kwargs[k] for k in ("column", "column_A", "column_B") if kwargs.get(k)]
    return cols + list(kwargs.get("column_list") or [])


KEY_COLUMNS = (
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
    "responsible_unit",
    "owner_unit",
)


def findings(month: str, frames: dict[str, Any], missing: list[str], p: Paths) -> list[Finding]:
    """Run each mart's checkpoint on its month; one finding per expectation."""
    out = [
        Finding(
            CODE,
            "great_expectations",
            f"{mart}: mart present",
            "fail",
            1,
            f"marts.{mart} is missing from the warehouse",
        )
        for mart in missing
    ]
    context = get_context(state=state_dir(p))
    ensure_suites(context)
    for mart, df in frames.items():
        df = df.reset_index(drop=True)
        result = context.checkpoints.get(f"gate_{mart}").run(
            batch_parameters={"dataframe": df}, run_id=_run_id(month, mart)
        )
        for run in result.run_results.values():
            for r in run.results:
                cfg = r.expectation_config
                name = f"{mart}: {(cfg.meta or {}).get('name', cfg.type)}"
                exc = (r.exception_info or {}).get("exception_message")
                if exc:
                    out.append(
                        Finding(
                            CODE,
                            "great_expectations",
                            name,
                            "error",
                            0,
                            f"{name}: could not run: {exc}",
                        )
                    )
                    continue
                if r.success:
                    out.append(Finding(CODE, "great_expectations", name, "pass"))
                    continue
                res = r.result or {}
                indices = [i for i in res.get("unexpected_index_list") or [] if isinstance(i, int)]
                keep = [c for c in (*KEY_COLUMNS, *_columns(dict(cfg.kwargs))) if c in df.columns]
                rows = [
                    {c: json_value(row[c]) for c in dict.fromkeys(keep)}
                    for row in df.iloc[indices[:MAX_ROWS]].to_dict("records")
                ]
                count = int(res.get("unexpected_count") or len(indices) or 1)
                if cfg.type == "expect_table_row_count_to_be_between":
                    message = f"marts.{mart} has {res.get('observed_value', 0)} rows for {month}"
                    rows = [{"month": f"{month}-01", "mart": mart}]
                else:
                    message = f"marts.{mart}: {count} row(s) fail '{(cfg.meta or {}).get('name')}'"
                out.append(Finding(CODE, "great_expectations", name, "fail", count, message, rows))
    return out


def _run_id(month: str, mart: str) -> Any:
    """Name the validation run after the month, so Data Docs say which month it covers."""
    from great_expectations.core.run_identifier import RunIdentifier

    return RunIdentifier(run_name=f"{month} {mart}")


VENDOR_DIR = EXPECTATIONS_DIR / "plugins" / "custom_data_docs" / "vendor"
"""Local copies of the styles and scripts Data Docs pages load from CDNs (its README)."""

CDN_FILES = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "js/bootstrap.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "js/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "js/popper.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "css/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "js/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css": "css/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css": "css/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js": "js/bootstrap-table-filter-control.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": "css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": "js/bootstrap-datepicker.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css": "css/bootstrap-prefers-dark.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "css/fontawesome.min.css",
}
UNUSED_SCRIPTS = (
    "https://cdn.jsdelivr.net/npm/vega@5",
    "https://cdn.jsdelivr.net/npm/vega-lite@5",
    "https://cdn.jsdelivr.net/npm/vega-embed@6",
)


def make_offline(site: Path) -> int:
    """Point every page of a Data Docs site at the local copies of its assets (copied into
    `static/vendor/`), so the pages work without network. Returns the pages rewritten."""
    import re
    import shutil

    target = site / "static" / "vendor"
    shutil.copytree(VENDOR_DIR, target, dirs_exist_ok=True)
    pages = 0
    for page in [*site.rglob("*.html"), *site.glob("static/styles/*.css")]:
        text = page.read_text("utf-8")
        up = os.path.relpath(target, page.parent)
        for url in UNUSED_SCRIPTS:
            text = re.sub(rf'<script src="{re.escape(url)}"></script>\s*', "", text)
        for url, local in CDN_FILES.items():
            text = text.replace(url, f"{up}/{local}")
        text = re.sub(r'\s+integrity="sha\d+-[^"]+"\s+crossorigin="anonymous"', "", text)
        # GE's logos come from its asset server, the page's one tagged with the context's id
        images = os.path.relpath(site / "static" / "images", page.parent)
        text = re.sub(
            r"https://great-expectations-web-assets\.s3[\w.-]*\.amazonaws\.com/[\w.-]+\.png(\?[^\"')\s]*)?",
            f"{images}/logo-long.png",
            text,
        )
        page.write_text(text, "utf-8")
        pages += 1
    return pages


def build_data_docs(p: Paths | None = None) -> Path:
    """Build Great Expectations' Data Docs (every stored validation, each named by its month
    and mart), working offline; return the index.

    Checkpoints carry no Data Docs action: rebuilding the site after every validation
    grows with the number of stored results and would dominate a month's run."""
    context = get_context(state=state_dir(p))
    context.build_data_docs()
    site = state_dir(p) / "data_docs" / "local_site"
    make_offline(site)
    return site / "index.html"


if __name__ == "__main__":  # pragma: no cover - `python -m zonewh.gate.suites` rewrites them
    ensure_suites(update=True)
