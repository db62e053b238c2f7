"""Every rule of the intake contract (docs/FORMS.md), run as set-based DuckDB SQL.

`validate` normalises the reader's text table into `_zw_n` (raw text `t_<code>`, blank
flag `b_<code>` and typed value `<code>` of each field, plus `_row`) and collects every
problem in `_zw_p` (all of them; the receipt lists the first `PROBLEM_CAP`). Rules that
need data read the reference and the raw store on the same connection. Everything the
validator creates is temporary, so it runs on a read-only connection.

Modules: `context` (Context, ValidationResult), `problems` (the problems table),
`rows` (the normalised rows), `lookups` (reference and plan tables), the rules by group of
forms (`common`, `indicators`, `projects`, `campaigns`, `signings`), `rules` (the names the
form registry uses), `driver` (`validate`).
"""

from __future__ import annotations

from .context import Context, ValidationResult
from .driver import validate
from .problems import PROBLEM_CAP, WARNING_RULES, fetch_result, reset_problems
from .rows import empty_rows, normalise, typed_expr
from .rules import FIELD_RULES, FORM_RULES

__all__ = [
    "FIELD_RULES",
    "FORM_RULES",
    "PROBLEM_CAP",
    "WARNING_RULES",
    "Context",
    "ValidationResult",
    "empty_rows",
    "fetch_result",
    "normalise",
    "reset_problems",
    "typed_expr",
    "validate",
]
