"""Receipts: a JSON file and a Chinese HTML page for every submitted file.

Both sit at `receipts/<YYYY-MM>/<unit_code>/<file name>.json|.html` under the home folder:
that address always holds the receipt of the latest version of the file name. Each version
also keeps its own, written once and never rewritten: `<file name>.v<N>.json|.html`
(`<file name>.<short hash>.json|.html` for a file whose form could not be told). A receipt
of a file checked but not yet recorded (`"loaded": false`, 已校验，待入库) is written at
the latest address only.
"""

from __future__ import annotations

import functools
import json
import os
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
CHECKED_ZH = "已校验，待入库"
"""What a receipt of a file checked but not yet recorded says (`"loaded": false`)."""


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
    submission_id: str | None,
    sha256: str,
    loaded: bool = True,
    columns: dict[str, int] | None = None,
) -> dict[str, Any]:
    """The receipt as a JSON-ready dict (the fields of docs/FORMS.md plus counts and lineage).

    `loaded` is False for a file checked but not recorded yet (no version, nothing loaded).
    `columns` (the form's headers → column position, as the reader found them) gives each
    problem of a row and a column its Excel cell (`"cell": "D5"`)."""
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
        "loaded": loaded,
        "problems": [
            {
                "severity": p.severity,
                "rule": p.rule,
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column,
                "cell": _cell(p, columns),
                "value": p.value,
                "message_zh": p.message_zh,
                "message_en": p.message_en,
            }
            for p in problems
        ],
    }


def _cell(p: Problem, columns: dict[str, int] | None) -> str | None:
    """The Excel cell of a problem (`D5`), when its row and column are known."""
    from .readers import column_letter

    if not columns or p.row is None or p.column not in columns:
        return None
    return f"{column_letter(columns[p.column])}{p.row}"


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
            checked_zh=CHECKED_ZH if receipt.get("loaded") is False else None,
            unit_name=unit_name,
        )
    )


def receipt_paths(folder: Path, file_name: str, tag: str | None = None) -> tuple[Path, Path]:
    """Where the JSON and HTML receipts of a file go: `<folder>/<file name>.json|.html`
    (the folder is `receipts/<YYYY-MM>/<unit_code>` for a file in its proper place), or,
    with a `tag` (`v2`, or a short hash), the version's own `<file name>.<tag>.json|.html`."""
    stem = f"{file_name}.{tag}" if tag else file_name
    return Path(folder) / f"{stem}.json", Path(folder) / f"{stem}.html"


def write_receipt(
    folder: Path, receipt: dict[str, Any], unit_name: str | None = None, tag: str | None = None
) -> tuple[Path, Path]:
    """Write the JSON and HTML receipts of `receipt["file"]` into `folder` at the latest
    address and, with a `tag`, as that version's own receipt (created once, never
    rewritten: a name already taken gets `-2`, `-3`…). Returns the version's paths (the
    latest address without a tag)."""
    name = Path(receipt["file"]).name
    text = json.dumps(receipt, ensure_ascii=False, indent=2)
    html = render_html(receipt, unit_name)
    json_path, html_path = receipt_paths(folder, name)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    _replace_text(json_path, text)
    _replace_text(html_path, html)
    if tag is None:
        return json_path, html_path
    for n in range(1, 1000):
        own_json, own_html = receipt_paths(folder, name, tag if n == 1 else f"{tag}-{n}")
        try:
            with own_json.open("x", encoding="utf-8") as out:
                out.write(text)
        except FileExistsError:
            continue
        with own_html.open("w", encoding="utf-8") as out:
            out.write(html)
        return own_json, own_html
    raise FileExistsError(f"no free receipt name for {name} {tag}")


def _replace_text(path: Path, text: str) -> None:
    """Write `path` whole: a reader sees the old receipt or the new one, never half."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
