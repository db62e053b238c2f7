"""Names next to codes in the gate's example rows, so that people read 区国土建设环保局
and 重点项目建设进展月报 rather than `lce` and `project_progress`."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

log = logging.getLogger(__name__)

UNIT_COLUMNS = ("unit_code", "responsible_unit", "owner_unit", "assessed_unit")


@dataclass
class Names:
    """Lookups from codes to names, as valid in one month."""

    units: dict[str, str] = field(default_factory=dict)
    forms: dict[str, str] = field(default_factory=dict)
    projects: dict[str, str] = field(default_factory=dict)
    indicators: dict[str, str] = field(default_factory=dict)
    campaigns: dict[str, str] = field(default_factory=dict)
    clusters: dict[str, str] = field(default_factory=dict)

    def unit(self, code: str | None) -> str:
        return self.units.get(code or "", code or "")

    def form(self, code: str | None) -> str:
        return self.forms.get(code or "", code or "")

    def add_to(self, row: dict[str, Any]) -> dict[str, Any]:
        """The row with a `<x>_name` beside every code this knows (existing names kept)."""
        out = dict(row)
        for column in UNIT_COLUMNS:
            code = row.get(column)
            if code and column != "unit_code":
                out.setdefault(f"{column}_name", self.units.get(code, code))
        pairs = (
            ("unit_code", "unit_name", self.units),
            ("form_code", "form_name", self.forms),
            ("project_code", "project_name", self.projects),
            ("indicator_code", "indicator_name", self.indicators),
            ("campaign_code", "campaign_name", self.campaigns),
            ("cluster", "cluster_name", self.clusters),
        )
        for code_col, name_col, lookup in pairs:
            code = row.get(code_col)
            if code and not out.get(name_col) and code in lookup:
                out[name_col] = lookup[code]
        return out


def _pairs(con: Any, sql: str, params: list[Any] | None = None) -> dict[str, str]:
    try:
        return {str(k): str(v) for k, v in con.execute(sql, params or []).fetchall() if k}
    except Exception as exc:  # noqa: BLE001 - names are a courtesy; codes still show
        log.info("names not read (%s): %s", sql.split()[3] if len(sql.split()) > 3 else sql, exc)
        return {}


def load_names(con: Any, month: str) -> Names:
    """Names valid in `month` from a warehouse (or snapshot) connection."""
    from ingest.forms import FORMS

    first = date.fromisoformat(f"{month}-01")
    units = _pairs(
        con,
        """
        select u.unit_code,
            case when u.unit_type = 'village' and t.unit_name is not null
                then t.unit_name || '/' || u.unit_name else u.unit_name end
        from reference.org_units as u
        left join reference.org_units as t
            on t.unit_code = u.parent_code
            and ? between t.valid_from and coalesce(t.valid_to, date '2999-12-31')
        where ? between u.valid_from and coalesce(u.valid_to, date '2999-12-31')
        """,
        [first, first],
    )
    return Names(
        units=units,
        forms={code: form.title for code, form in FORMS.items()},
        projects=_pairs(
            con,
            "select project_code, any_value(project_name order by month desc) "
            "from marts.project_investment where year(month) = ? group by 1",
            [first.year],
        ),
        indicators=_pairs(con, "select indicator_code, indicator_name from reference.indicators"),
        campaigns=_pairs(con, "select campaign_code, campaign_name from reference.campaigns"),
        clusters=_pairs(con, "select cluster_code, cluster_name from reference.clusters"),
    )
