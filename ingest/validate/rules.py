"""The rules by the names the form registry (`ingest.forms`) gives them.

Each group module declares its own rules; this module joins them and refuses a name
declared twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from . import campaigns, common, indicators, projects, signings
from .context import FieldRule, FormRule

R = TypeVar("R")


def _join(*groups: Mapping[str, R]) -> dict[str, R]:
    """One mapping from several; a name in two groups is a programming error."""
    joined: dict[str, R] = {}
    for group in groups:
        twice = joined.keys() & group.keys()
        if twice:
            raise ValueError(f"rule(s) declared twice: {', '.join(sorted(twice))}")
        joined.update(group)
    return joined


FIELD_RULES: dict[str, FieldRule] = _join(
    common.FIELD_RULES, indicators.FIELD_RULES, projects.FIELD_RULES, campaigns.FIELD_RULES
)
"""Column rules by name: each gives SQL yielding (row, value, expected_zh, expected_en)."""

ROW_CONDITIONS: dict[str, str] = _join(indicators.ROW_CONDITIONS)
"""Row conditions by name (SQL over `_zw_n`), for `forms.Field.required_unless`."""

FORM_RULES: dict[str, FormRule] = _join(
    indicators.FORM_RULES, projects.FORM_RULES, campaigns.FORM_RULES, signings.FORM_RULES
)
"""Whole-file rules by name: each gives (column header, SQL)."""
