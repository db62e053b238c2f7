"""What the bulletin reads from the published file, read once and read-only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from ingest.months import month_end

from .gate_report import GateReport, GateWarning, read_gate_report

Row = dict[str, Any]

LAGGING_THRESHOLD_PP = -10.0
"""Used when the published `reference.settings` has no `lagging_threshold_pp`."""


class BulletinError(RuntimeError):
    """The bulletin cannot be written (no published file, or the month is not published)."""


@dataclass
class BulletinData:
    """Every figure of one month's bulletin, as rows of the published marts."""

    month: dt.date
    source: Path
    indicators: list[Row]
    """economic_indicators from January of the year through the month."""
    catalog: list[Row]
    projects: list[Row]
    issues: list[Row]
    signings: list[Row]
    """investment_signings of the year through the month."""
    scores: list[Row]
    """campaign_scores of the year through the month."""
    rewards: list[Row]
    """campaign_rewards of the year through the month."""
    submissions: list[Row]
    publications: list[Row]
    unit_names: dict[str, str] = field(default_factory=dict)
    cluster_names: dict[str, str] = field(default_factory=dict)
    campaigns: dict[str, Row] = field(default_factory=dict)
    reward_rules: list[Row] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)
    """reference.settings (key → value as text)."""
    form_names: dict[str, str] = field(default_factory=dict)
    """Form names as published in marts.submissions (form_code → form_name)."""
    gate: GateReport | None = None
    """The gate report of the attempt that published the month."""

    def unit(self, code: str | None) -> str:
        """The unit's name (villages as `town/village`), or the code when unknown."""
        if not code:
            return ""
        return self.unit_names.get(code, code)

    def setting(self, key: str, default: str) -> str:
        """A value of reference.settings, or `default` when the key is absent or empty."""
        value = self.settings.get(key)
        return default if value is None or not str(value).strip() else str(value).strip()

    @property
    def lagging_threshold_pp(self) -> float:
        """Gap to time progress (points, negative) below which a project is lagging."""
        try:
            return float(self.setting("lagging_threshold_pp", str(LAGGING_THRESHOLD_PP)))
        except ValueError:
            return LAGGING_THRESHOLD_PP

    @property
    def publication(self) -> Row | None:
        """The month's latest successful publication (a publication_log row)."""
        published = [p for p in self.publications if p.get("published")]
        return max(published, key=lambda p: p["attempted_at"]) if published else None

    @property
    def gate_warnings(self) -> list[GateWarning]:
        """The warnings of the publishing attempt's gate report (none without a report)."""
        return self.gate.warnings if self.gate else []


def plain(value: Any) -> Any:
    """A DECIMAL value as a float (money and rounded percentages may be DECIMAL)."""
    return float(value) if isinstance(value, Decimal) else value


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[Row]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [{n: plain(v) for n, v in zip(names, r)} for r in cur.fetchall()]


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    }


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        f"{s}.{t}"
        for s, t in con.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    }


def _unit_names(units: list[Row], month: dt.date) -> dict[str, str]:
    """Names valid at the month's end (else the latest version); villages as `town/village`."""
    end = month_end(month)
    best: dict[str, Row] = {}
    for u in sorted(units, key=lambda r: r.get("valid_from") or dt.date.min):
        start, stop = u.get("valid_from"), u.get("valid_to")
        valid = (start is None or start <= end) and (stop is None or stop >= month)
        if valid or u["unit_code"] not in best:
            best[u["unit_code"]] = u
    names = {c: u.get("unit_name") or c for c, u in best.items()}
    for c, u in best.items():
        if u.get("unit_type") == "village" and u.get("parent_code") in names:
            names[c] = f"{names[u['parent_code']]}/{names[c]}"
    return names


def published_months(paths: Any = None) -> list[str]:
    """Every month (`YYYY-MM`) with a successful publication in the published file, in order."""
    from ..config import paths as default_paths

    published = (paths or default_paths()).published
    if not published.exists():
        return []
    con = duckdb.connect(str(published), read_only=True)
    try:
        if "marts.publication_log" not in _tables(con):
            return []
        rows = con.execute(
            "select distinct strftime(month, '%Y-%m') as m from marts.publication_log "
            "where published order by m"
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def load(month: dt.date, published: Path, reports: Path) -> BulletinData:
    """Read the month's figures from the published file (opened read-only, closed at once)."""
    if not published.exists():
        raise BulletinError(f"no published file at {published}: publish a month first")
    year_start = dt.date(month.year, 1, 1)
    con = duckdb.connect(str(published), read_only=True)
    try:
        tables = _tables(con)

        def marts(table: str, where: str, params: list[Any]) -> list[Row]:
            if f"marts.{table}" not in tables:
                return []
            return _rows(con, f"select * from marts.{table} where {where}", params)

        def reference(table: str) -> list[Row]:
            if f"reference.{table}" not in tables:
                return []
            return _rows(con, f"select * from reference.{table}")

        month_only = ("month = ?", [month])
        year_to_month = ("month between ? and ?", [year_start, month])
        publications = marts("publication_log", *month_only)
        indicators = marts("economic_indicators", *year_to_month)
        projects = marts("project_investment", *month_only)
        in_month = [r for r in indicators if r["month"] == month]
        if not any(p.get("published") for p in publications) and not (in_month or projects):
            raise BulletinError(f"month {month:%Y-%m} is not published in {published}")
        data = BulletinData(
            month=month,
            source=published,
            indicators=indicators,
            catalog=reference("indicators"),
            projects=projects,
            issues=marts("project_issues", *month_only),
            signings=marts("investment_signings", *year_to_month),
            scores=[  # a score without a rank cannot be placed (the gate keeps them out)
                r
                for r in marts("campaign_scores", *year_to_month)
                if r["rank"] is not None and r["total_score"] is not None
            ],
            rewards=marts("campaign_rewards", *year_to_month),
            submissions=marts("submission_status", *month_only),
            publications=publications,
        )
        data.unit_names = _unit_names(reference("org_units"), month)
        data.cluster_names = {c["cluster_code"]: c["cluster_name"] for c in reference("clusters")}
        data.campaigns = {c["campaign_code"]: c for c in reference("campaigns")}
        data.reward_rules = reference("reward_rules")
        data.settings = {
            str(r["key"]): "" if r.get("value") is None else str(r["value"])
            for r in reference("settings")
            if r.get("key") is not None
        }
        if {"form_code", "form_name"} <= _columns(con, "marts", "submissions"):
            data.form_names = {
                code: name
                for code, name in con.execute(
                    "select form_code, max(form_name) from marts.submissions "
                    "where form_name is not null and form_name <> '' group by form_code"
                ).fetchall()
            }
    finally:
        con.close()
    publication = data.publication
    data.gate = read_gate_report(
        reports,
        f"{month:%Y-%m}",
        str(publication.get("publication_id") or "") if publication else None,
    )
    return data
