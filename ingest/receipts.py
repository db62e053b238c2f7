"""Receipts: a JSON file and a Chinese HTML page for every submitted file.

Both sit at `receipts/<YYYY-MM>/<unit_code>/<file name>.json|.html` under the home folder.
"""

from __future__ import annotations

import functools
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from .errors import Problem
from .forms import FORMS

STATUS_ZH = {
    "accepted": "已接收",
    "accepted_with_warnings": "已接收（有警告）",
    "rejected": "已退回，请修改后重新报送",
}


def receipt_dict(
    *,
    file: str,
    unit_code: str,
    form_code: str | None,
    month: str,
    submitted_at: datetime,
    version: int | None,
    status: str,
    problems: list[Problem],
    problem_count: int,
    errors: int,
    warnings: int,
    rows_loaded: int,
    submission_id: str,
    sha256: str,
) -> dict[str, Any]:
    """The receipt as a JSON-ready dict (the fields of docs/FORMS.md plus counts and lineage)."""
    return {
        "file": file,
        "unit_code": unit_code,
        "form_code": form_code,
        "month": month,
        "submitted_at": submitted_at.isoformat(timespec="seconds"),
        "version": version,
        "status": status,
        "problem_count": problem_count,
        "errors": errors,
        "warnings": warnings,
        "rows_loaded": rows_loaded,
        "submission_id": submission_id,
        "sha256": sha256,
        "problems": [
            {
                "severity": p.severity,
                "rule": p.rule,
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column,
                "value": p.value,
                "message_zh": p.message_zh,
                "message_en": p.message_en,
            }
            for p in problems
        ],
    }


@functools.cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("ingest", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def render_html(receipt: dict[str, Any], unit_name: str | None = None) -> str:
    """The Chinese HTML page of a receipt (self-contained, every value escaped)."""
    form = FORMS.get(receipt.get("form_code") or "")
    return (
        _env()
        .get_template("receipt.html.j2")
        .render(
            r=receipt,
            title=form.title if form else receipt["file"],
            status_zh=STATUS_ZH.get(receipt["status"], receipt["status"]),
            unit_name=unit_name,
        )
    )


def receipt_paths(folder: Path, file_name: str) -> tuple[Path, Path]:
    """Where the JSON and HTML receipts of a file go: `<folder>/<file name>.json|.html`
    (the folder is `receipts/<YYYY-MM>/<unit_code>` for a file in its proper place)."""
    return Path(folder) / f"{file_name}.json", Path(folder) / f"{file_name}.html"


def write_receipt(
    folder: Path, receipt: dict[str, Any], unit_name: str | None = None
) -> tuple[Path, Path]:
    """Write the JSON and HTML receipts of `receipt["file"]` into `folder`; returns their
    paths."""
    json_path, html_path = receipt_paths(folder, Path(receipt["file"]).name)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(receipt, ensure_ascii=False, indent=2), encoding="utf-8")
    html_path.write_text(render_html(receipt, unit_name), encoding="utf-8")
    return json_path, html_path
