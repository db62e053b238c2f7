"""Rules of investment_signings beyond the shared ones (positive amounts and signing dates
within the month, in `common`): each signing code once."""

from __future__ import annotations

from ..forms import Form
from .common import unique
from .context import Context, FormRule


def f_signing_codes_unique(ctx: Context, form: Form) -> tuple[str, str]:
    return "签约编号", unique("signing_code", "t_signing_code")


FORM_RULES: dict[str, FormRule] = {
    "signing_codes_unique": f_signing_codes_unique,
}
