"""The Excel forms each unit fills for a month: one workbook per form it owes.

`write_templates("2019-06", None, out)` writes `<out>/<unit>/<form_code>.xlsx` for every
(unit, form) the submission calendar expects that month. The data sheet comes first: a
title row, the unit/month row, the form's exact headers (`ingest.forms`), the pre-filled
rows (the unit's projects, the month's indicators, the units a campaign scores), blank
rows, then 填报人/审核人/联系电话 lines, which the reader skips as a footer. Every data
column has an Excel data validation with Chinese input and error messages; the header
rows are protected and the data cells unlocked; the sheet prints on A4, one page wide,
with the header rows on every page and page numbers in the footer.

The progress form shows each project's 上月累计 (the year to date of the last accepted
month of the year, 0 in January) in a grey read-only column whose header cell in the
header row is empty, so the reader ignores it. A 填报说明 sheet says where to hand the
file in (the portal at `ZONEWH_PORTAL_URL`, else the landing folder), under which name
and by when; a hidden list sheet holds long dropdowns. Filled in, a workbook is
submitted as is.

The package, by what each part holds: `layout` (where things sit on the sheets, the words
of the checks), `context` (what the month's templates rest on: `load_context`), `content`
(dropdowns, pre-filled rows, data validations), `workbook` (one workbook: `write_form`),
`month` (every template of a month: `write_templates`, `nothing_due`).
"""

from .context import Context, PlanProject, PlanSource, PreviousYtd, TemplateError, load_context
from .layout import FOOTER_LINES, INSTRUCTIONS_SHEET, LIST_SHEET
from .month import nothing_due, write_templates
from .workbook import write_form

__all__ = [
    "FOOTER_LINES",
    "INSTRUCTIONS_SHEET",
    "LIST_SHEET",
    "Context",
    "PlanProject",
    "PlanSource",
    "PreviousYtd",
    "TemplateError",
    "load_context",
    "nothing_due",
    "write_form",
    "write_templates",
]
