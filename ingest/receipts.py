"""Receipts: a JSON file and a Chinese HTML page for every submitted file.

Both sit at `receipts/<YYYY-MM>/<unit_code>/<file name>.json|.html` under the home folder:
that address always holds the receipt of the latest version of the file name. Each version
also keeps its own, written once and never rewritten: `<file name>.v<N>.json|.html`
(`<file name>.<short hash>.json|.html` for a file whose form could not be told). A receipt
of a file checked but not yet recorded (`"loaded": false`, 已校验，待入库) is written at
the latest address only.

A receipt speaks to the clerk who filled the form: the unit and the form by their Chinese
names, times in Beijing time, each problem's Excel cell with its header, the value, what was
expected and what to do, whether the file was late, and how, where and by when to
resubmit. The contract fields of docs/FORMS.md are kept as they are; these are added.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import jinja2

from .errors import Problem
from .months import MonthError
from .settings import CST
from .wording import date_zh, deadline_zh, form_label, form_name, forms_zh, month_zh, time_zh

STATUS_ZH = {
    "accepted": "已受理",
    "accepted_with_warnings": "已受理（有提醒）",
    "rejected": "退回",
}
"""The verdict a receipt opens with."""
CHECKED_ZH = "已校验，待入库"
"""What a receipt of a file checked but not yet recorded says (`"loaded": false`)."""


@dataclass(frozen=True)
class ReceiptFacts:
    """What a receipt tells a person besides the check's result: who, which form, when it
    was due, how the form was told, and where a new version goes."""

    unit_name: str | None = None
    due_on: date | None = None
    """The calendar's due date of the form (of the first form owed, when the form could not
    be told); None when there is none."""
    identified_by: str | None = None
    """`file_name`, `header_row` (a name without a form code), None when not told."""
    header_row: int | None = None
    next_version: int | None = None
    """The version a resubmission would be (None when the form could not be told)."""
    where: str = ""
    """Where a file is handed in: the portal's address, or the landing folder
    (`landing/2019-07/lce/`, relative to the home)."""
    is_portal: bool = False
    owed: list[str] = field(default_factory=list)
    """When the form could not be told: the forms the unit owes that month (else the forms
    its header row matches), named in the resubmission advice."""
    earlier_on_time: int | None = None
    """The version accepted on time before this one, when there is one (a late correction
    does not make the form late)."""


def deadline_of(due: date) -> datetime:
    """The end of the due day in China Standard Time."""
    return datetime.combine(due + timedelta(days=1), time(0), tzinfo=CST)


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
    facts: ReceiptFacts | None = None,
) -> dict[str, Any]:
    """The receipt as a JSON-ready dict: the fields of docs/FORMS.md, counts and lineage,
    then what a person reads (names, Beijing times, lateness, how to resubmit).

    `loaded` is False for a file checked but not recorded yet (no version, nothing loaded)."""
    facts = facts or ReceiptFacts()
    if submitted_at.tzinfo is None:
        submitted_at = submitted_at.replace(tzinfo=CST)
    due = facts.due_on
    is_late = None if due is None or form_code is None else submitted_at >= deadline_of(due)
    receipt: dict[str, Any] = {
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
        "unit_name": facts.unit_name,
        "form_name": form_name(form_code),
        "month_zh": _month_zh(month),
        "submitted_at_zh": time_zh(submitted_at),
        "due_on": due.isoformat() if due else None,
        "due_on_zh": date_zh(due) if due else None,
        "deadline_zh": f"{deadline_zh(due)}（北京时间）" if due else None,
        "is_late": is_late,
        "late_notice_zh": _late_notice(status, submitted_at, due, is_late, facts),
        "identified_by": facts.identified_by,
        "identified_zh": _identified(form_code, facts),
        "verdict_zh": CHECKED_ZH if not loaded and status != "rejected" else STATUS_ZH[status],
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
                "cell": p.cell,
                "expected_zh": p.expected_zh,
                "fix_zh": p.fix_zh,
            }
            for p in problems
        ],
    }
    receipt["how_to_resubmit"] = how_to_resubmit(receipt, facts, submitted_at)
    receipt["message_zh"], receipt["message_en"] = _summary(receipt, facts)
    return receipt


def _month_zh(month: str) -> str:
    """`2019年7月`, or the text as given when it is not a month."""
    try:
        return month_zh(month)
    except MonthError:
        return month


def _identified(form_code: str | None, facts: ReceiptFacts) -> str | None:
    """How the form was told, when it was told from the header row."""
    if facts.identified_by != "header_row" or form_code is None:
        return None
    row = f"第 {facts.header_row} 行" if facts.header_row else ""
    return f"文件名不以报表代码开头，已根据{row}表头识别为{form_label(form_code)}"


def _late_notice(
    status: str,
    submitted_at: datetime,
    due: date | None,
    is_late: bool | None,
    facts: ReceiptFacts,
) -> str | None:
    """The late notice of an accepted file submitted after the end of its due day."""
    if not is_late or status == "rejected" or due is None:
        return None
    text = f"本表于{time_zh(submitted_at)}报送，晚于截止时间{deadline_zh(due)}（北京时间）"
    if facts.earlier_on_time is not None:
        return (
            f"{text}，作为更正版本受理；本表已有按时受理的版本（第 {facts.earlier_on_time} 版），"
            "仍按按时报送记录"
        )
    return f"{text}，已按逾期记录"


def how_to_resubmit(
    receipt: dict[str, Any], facts: ReceiptFacts, submitted_at: datetime
) -> dict[str, Any]:
    """How, where and by when a new version is handed in, as fields and as one text."""
    code, unit, month = receipt["form_code"], receipt["unit_code"], receipt["month"]
    if facts.is_portal:
        where_zh = f"登录报送平台 {facts.where} 上传（报告月份 {month}，报送单位 {unit}）"
    else:
        where_zh = f"放入报送文件夹 {facts.where}"
    if code:
        example = f"{code}_第{facts.next_version or 2}版.xlsx"
        name_zh = (
            f"文件名以报表代码“{code}”开头，可在后面加“_”和说明，如 {code}.xlsx 或 {example}；"
            "用中文命名时，表头行须与模板一致"
        )
    elif facts.owed:
        example = f"{facts.owed[0]}.xlsx"
        name_zh = (
            f"文件名以所报报表的代码开头（{forms_zh(facts.owed)}），如 {example}；"
            "用中文命名时，表头行须与模板一致"
        )
    else:
        example = ""
        name_zh = "文件名以所报报表的代码开头（如 econ_indicators.xlsx）"
    due = facts.due_on
    past = due is not None and submitted_at >= deadline_of(due)
    if due is None:
        by_zh = "本单位本月没有应报送的报表，无截止时间"
    elif not past:
        by_zh = f"{deadline_zh(due)}（北京时间）前"
    elif receipt["status"] == "rejected":
        by_zh = f"{deadline_zh(due)}（北京时间）已过，请尽快报送，受理时按逾期记录"
    else:
        by_zh = f"{deadline_zh(due)}（北京时间）已过；更正版本不改变本表已记录的报送时间"
    if facts.next_version:
        version_zh = (
            f"再次报送的文件是新版本（第 {facts.next_version} 版），以最新受理的版本为准；"
            "本版本的文件和回执保留不变"
        )
    else:
        version_zh = "再次报送的文件是新版本，以最新受理的版本为准；本次的文件和回执保留不变"
    if receipt["status"] == "rejected":
        lead = "请按问题清单修改后重新报送"
    else:
        lead = "如需更正，修改后再次报送"
    return {
        "where": facts.where,
        "is_portal": facts.is_portal,
        "where_zh": where_zh,
        "file_name_zh": name_zh,
        "example_name": example,
        "due_on": due.isoformat() if due else None,
        "by_zh": by_zh,
        "is_past_due": past,
        "version_zh": version_zh,
        "text_zh": f"{lead}：{where_zh}；{name_zh}；截止时间：{by_zh}；{version_zh}。",
    }


def _summary(receipt: dict[str, Any], facts: ReceiptFacts) -> tuple[str, str]:
    """One sentence for the top of the receipt, in Chinese and English."""
    unit = (
        f"{facts.unit_name}（{receipt['unit_code']}）" if facts.unit_name else receipt["unit_code"]
    )
    name = Path(receipt["file"]).name
    code = receipt["form_code"]
    what = f"{receipt['month_zh']}{form_label(code)}" if code else f"文件“{name}”"
    version = f"（第 {receipt['version']} 版）" if receipt["version"] else ""
    status = receipt["status"]
    head = f"{unit}报送的{what}{version}"
    first = receipt["problems"][0] if receipt["problems"] else {}
    whole = first.get("row") is None and first.get("cell") is None and first.get("expected_zh")
    if status == "rejected" and receipt["errors"] == 1 and whole:
        # rejected as a whole (the unit, the form, the plan): the cause and what to do
        text = f"{head}退回，本表未入库：{first['expected_zh']}。怎么办：{first['fix_zh']}。"
    elif status == "rejected":
        text = (
            f"{head}退回：发现 {receipt['errors']} 个错误，本表未入库。"
            f"请按问题清单修改后重新报送（截止时间：{receipt['how_to_resubmit']['by_zh']}）。"
        )
    elif not receipt["loaded"]:
        text = f"{head}已通过校验，待入库；入库后以正式回执为准。"
    elif status == "accepted_with_warnings":
        text = (
            f"{head}已受理（有提醒），载入 {receipt['rows_loaded']} 行；"
            f"有 {receipt['warnings']} 条提醒，不影响受理，建议下次改正。"
        )
    else:
        text = f"{head}已受理，载入 {receipt['rows_loaded']} 行。"
    for extra in (receipt["identified_zh"], receipt["late_notice_zh"]):
        if extra:
            text += f"{extra}。"
    english = (
        f"{receipt['file']}: {status}"
        + (f", version {receipt['version']}" if receipt["version"] else "")
        + f", {receipt['errors']} error(s), {receipt['warnings']} warning(s), "
        f"{receipt['rows_loaded']} row(s) loaded"
        + (", late" if receipt["is_late"] else "")
        + (", identified from its header row" if receipt["identified_zh"] else "")
    )
    return text, english


@functools.cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("ingest", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def render_html(receipt: dict[str, Any], unit_name: str | None = None) -> str:
    """The Chinese HTML page of a receipt (self-contained, every value escaped)."""
    code = receipt.get("form_code")
    sheets = {p["sheet"] for p in receipt["problems"] if p["sheet"]}
    return (
        _env()
        .get_template("receipt.html.j2")
        .render(
            r=receipt,
            title=form_label(code) if code else Path(receipt["file"]).name,
            verdict_zh=receipt.get("verdict_zh") or STATUS_ZH.get(receipt["status"], ""),
            checked_zh=CHECKED_ZH if receipt.get("loaded") is False else None,
            unit_name=unit_name or receipt.get("unit_name"),
            form_zh=form_label(code) if code else "未能识别",
            one_sheet=next(iter(sheets)) if len(sheets) == 1 else None,
            how=receipt.get("how_to_resubmit") or {},
            headline=_headline(receipt),
        )
    )


def _headline(receipt: dict[str, Any]) -> str:
    """The summary without the notices the page shows in boxes of their own."""
    text = receipt.get("message_zh") or ""
    for key in ("identified_zh", "late_notice_zh"):
        if receipt.get(key):
            text = text.replace(f"{receipt[key]}。", "")
    return text


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
