"""What the pages show, read from intake's raw store (read-only), the home's reports and the
publication log: a unit's month, the office's matrix and who to chase, waivers, gate
attempts, the bulletin archive, published files and the quality scorecard."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ingest.months import add_months, month_text, parse_month

from ..config import CST, Paths
from .storage import PortalStore

STATUS_ZH = {
    "on_time": "按时",
    "late": "逾期",
    "rejected": "被退回",
    "missing": "未报",
    "waived": "已免报",
}
RECEIPT_ZH = {
    "accepted": "已接收",
    "accepted_with_warnings": "已接收（有警告）",
    "rejected": "已退回",
    "received": "已收到，校验中",
    "pending": "已收到，校验中",
    "gone": "文件已不在接收目录",
}


def reporting_month(today: date) -> str:
    """The month being reported now: the previous calendar month."""
    return month_text(add_months(date(today.year, today.month, 1), -1))


def today_cst() -> date:
    return datetime.now(CST).date()


def unit_label(ref: Any, code: str, month: str | date | None = None) -> str:
    """区国土建设环保局（lce）."""
    on = parse_month(month) if month else None
    unit = ref.unit(code, on) or ref.unit(code)
    return f"{unit.name}（{code}）" if unit else code


def form_label(code: str | None) -> str:
    from ingest.forms import FORMS

    if not code:
        return "未识别的报表"
    form = FORMS.get(code)
    return f"{form.title}（{code}）" if form else code


# ---------------------------------------------------------------- a unit's month


@dataclass
class OwedForm:
    form_code: str
    due_on: date
    status: str
    versions: int
    errors: int
    accepted_at: datetime | None
    expected: bool = True


@dataclass
class UnitMonth:
    """What a unit owes in a month and what it has sent."""

    month: str
    unit_code: str
    owed: list[OwedForm]
    history: list[dict[str, Any]]
    pending: list[dict[str, Any]]
    """Uploads received but not loaded yet."""


def unit_month(p: Paths, store: PortalStore, month: str, unit_code: str) -> UnitMonth:
    from ingest.reference import load_reference
    from ingest.status import statuses
    from ingest.store import open_store

    ref = load_reference()
    with open_store(p, read_only=True) as con:
        rows = [r for r in statuses(con, month, ref) if r.unit_code == unit_code]
        history = _dicts(
            con.execute(
                "select file_name, form_code, version, submitted_at, status, errors, warnings, "
                "rows_loaded, receipt_path, reason_zh, submission_id from raw.submissions "
                "where month = ? and unit_code = ? order by submitted_at desc, version desc",
                [parse_month(month), unit_code],
            )
        )
    owed = [
        OwedForm(r.form_code, r.due_on, r.status, r.versions, r.errors, r.accepted_at, r.expected)
        for r in rows
    ]
    recorded = {h["file_name"] for h in history}
    pending = [
        u
        for u in store.uploads_of(month, unit_code)
        if u["loaded_at"] is None and u["file_name"] not in recorded
    ]
    return UnitMonth(month, unit_code, owed, history, pending)


def _dicts(cursor: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# ---------------------------------------------------------------- the office's matrix


@dataclass
class Matrix:
    month: str
    forms: list[str]
    units: list[str]
    cells: dict[tuple[str, str], Any]
    counts: dict[str, int]
    chase: list[dict[str, Any]] = field(default_factory=list)


def matrix(p: Paths, store: PortalStore, month: str) -> Matrix:
    """The month's unit × form matrix and who to chase (missing or rejected, with contacts
    and the latest receipt)."""
    from ingest.forms import FORMS
    from ingest.reference import load_reference
    from ingest.status import statuses
    from ingest.store import open_store

    ref = load_reference()
    with open_store(p, read_only=True) as con:
        rows = statuses(con, month, ref)
        latest = {
            (r["unit_code"], r["form_code"]): r
            for r in _dicts(
                con.execute(
                    "select unit_code, form_code, file_name, version, status, reason_zh, "
                    "submitted_at, receipt_path from raw.submissions where month = ? "
                    "qualify row_number() over (partition by unit_code, form_code "
                    "order by version desc nulls last, submitted_at desc) = 1",
                    [parse_month(month)],
                )
            )
        }
    order = list(FORMS)
    forms = sorted({r.form_code for r in rows}, key=lambda f: order.index(f) if f in order else 99)
    units = sorted({r.unit_code for r in rows})
    cells = {(r.unit_code, r.form_code): r for r in rows}
    counts: dict[str, int] = {s: 0 for s in STATUS_ZH}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    contacts = contacts_by_unit(store)
    chase = [
        {
            "unit_code": r.unit_code,
            "form_code": r.form_code,
            "status": r.status,
            "due_on": r.due_on,
            "versions": r.versions,
            "contacts": contacts.get(r.unit_code, []),
            "latest": latest.get((r.unit_code, r.form_code)),
        }
        for r in rows
        if r.expected and r.status in ("missing", "rejected")
    ]
    return Matrix(month, forms, units, cells, counts, chase)


def contacts_by_unit(store: PortalStore) -> dict[str, list[dict[str, str]]]:
    """The enabled submitter accounts of each unit, with their names and contacts."""
    out: dict[str, list[dict[str, str]]] = {}
    for a in store.users():
        if a.role == "submitter" and not a.disabled:
            out.setdefault(a.unit_code, []).append(
                {"name": a.display_name or a.name, "email": a.email, "phone": a.phone}
            )
    return out


# ---------------------------------------------------------------- waivers


def waivers(p: Paths, month: str) -> dict[str, Any]:
    """The month's recorded waivers (latest row of each, revoked ones too) and the seed's."""
    from ingest.reference import load_reference
    from ingest.store import open_store
    from ingest.waivers import latest_waivers

    with open_store(p, read_only=True) as con:
        recorded = latest_waivers(con, month)
    return {"recorded": recorded, "seed": load_reference().waivers(parse_month(month))}


# ---------------------------------------------------------------- gate reports, publication


def gate_attempts(p: Paths, month: str) -> list[dict[str, Any]]:
    """Each gate attempt of the month, newest first: id, time, verdict, failing checks."""
    folder = p.reports / month / "gate"
    out = []
    for path in sorted(folder.glob("*.json"), reverse=True):
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        out.append(
            {
                "attempt_id": path.stem,
                "checked_at": data.get("checked_at"),
                "passed": bool(data.get("passed")),
                "failing": list(data.get("failing_codes") or []),
                "warnings": list(data.get("warning_codes") or []),
                "has_html": path.with_suffix(".html").is_file(),
            }
        )
    return out


def publication_state(p: Paths, month: str) -> dict[str, Any]:
    from ..publish import log as publication_log

    published = publication_log.published_months(p)
    skipped = [s for s in publication_log.skips(p) if s.get("month") == month]
    return {"published_at": published.get(month), "skips": skipped}


def bulletins(p: Paths) -> list[dict[str, Any]]:
    """Every month with a bulletin, newest first, and its files."""
    out = []
    if not p.reports.is_dir():
        return out
    for folder in sorted(p.reports.iterdir(), reverse=True):
        if not folder.is_dir() or folder.is_symlink():
            continue
        files = [
            name
            for name in ("bulletin.html", "bulletin.pdf", "bulletin.xlsx")
            if (folder / name).is_file()
        ]
        if "bulletin.html" in files:
            out.append({"month": folder.name, "files": files})
    return out


PUBLISHED_KINDS = ("file", "parquet", "vintage")


def published_files(p: Paths) -> dict[str, list[dict[str, Any]]]:
    """The files analysts may download: the publication, each mart as Parquet, each vintage."""
    listing: dict[str, list[dict[str, Any]]] = {k: [] for k in PUBLISHED_KINDS}
    if p.published.is_file():
        listing["file"].append(_file(p.published))
    parquet = p.published_dir / "parquet"
    if parquet.is_dir():
        listing["parquet"] = [_file(f) for f in sorted(parquet.glob("*.parquet")) if f.is_file()]
    if p.vintages.is_dir():
        listing["vintage"] = [
            _file(f) for f in sorted(p.vintages.glob("*.duckdb"), reverse=True) if f.is_file()
        ]
    return listing


def published_file(p: Paths, kind: str, name: str) -> Path | None:
    """The file of that kind and name if it is one of `published_files` (no other path)."""
    for f in published_files(p).get(kind, []):
        if f["name"] == name:
            return f["path"]
    return None


def _file(path: Path) -> dict[str, Any]:
    st = path.stat()
    return {
        "name": path.name,
        "path": path,
        "size": st.st_size,
        "modified": datetime.fromtimestamp(st.st_mtime, CST),
    }


# ---------------------------------------------------------------- the scorecard


@dataclass
class Score:
    unit_code: str
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    returns: int = 0
    """(month, form) pairs with at least one file."""
    first_time_accepted: int = 0
    files: int = 0
    errors: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.expected * 100 if self.expected else None

    @property
    def first_time_rate(self) -> float | None:
        return self.first_time_accepted / self.returns * 100 if self.returns else None

    @property
    def errors_per_file(self) -> float | None:
        return self.errors / self.files if self.files else None

    @property
    def resubmissions(self) -> int:
        return self.files - self.returns


def scorecard(p: Paths, end_month: str, months: int = 12) -> tuple[list[str], list[Score]]:
    """Per unit over the `months` months ending with `end_month`, from `raw.submissions`:
    on-time rate (of the returns the calendar expected, waived ones left out),
    first-time-accepted rate (returns whose first version was accepted), errors per file,
    and resubmissions (files beyond the first of each return)."""
    from ingest.reference import load_reference
    from ingest.status import statuses
    from ingest.store import ACCEPTED, open_store

    ref = load_reference()
    last = parse_month(end_month)
    span = [month_text(add_months(last, -i)) for i in range(months - 1, -1, -1)]
    scores: dict[str, Score] = {}
    with open_store(p, read_only=True) as con:
        held = {
            r[0]
            for r in con.execute(
                "select distinct strftime(month, '%Y-%m') from raw.submissions"
            ).fetchall()
        }
        for m in span:
            if m not in held:
                continue
            for r in statuses(con, m, ref):
                if not r.expected or r.status == "waived":
                    continue
                s = scores.setdefault(r.unit_code, Score(r.unit_code))
                s.expected += 1
                s.on_time += r.status == "on_time"
                s.late += r.status == "late"
                s.missing += r.status in ("missing", "rejected")
        rows = con.execute(
            f"""
            select
                unit_code,
                count(*) as files,
                sum(errors) as errors,
                count(distinct (month, form_code)) as returns,
                count(*) filter (where version = 1 and status in {ACCEPTED}) as first_ok,
            from raw.submissions
            where month between ? and ? and form_code is not null
            group by unit_code
            """,
            [parse_month(span[0]), last],
        ).fetchall()
    for unit, files, errors, returns, first_ok in rows:
        s = scores.setdefault(unit, Score(unit))
        s.files, s.errors, s.returns, s.first_time_accepted = (
            int(files),
            int(errors or 0),
            int(returns),
            int(first_ok),
        )
    return span, sorted(scores.values(), key=lambda s: s.unit_code)


def read_receipt(
    p: Paths, month: str, unit_code: str, file_name: str, version: int | None = None
) -> dict[str, Any] | None:
    """A receipt of the unit's month: the file name's latest, or a version's own."""
    from ingest.store import open_store

    if not file_name or "/" in file_name or "\\" in file_name or file_name in (".", ".."):
        return None
    folder = (p.receipts / month / unit_code).resolve()
    if version is None:
        path = folder / f"{file_name}.json"
    else:
        with open_store(p, read_only=True) as con:
            row = con.execute(
                "select receipt_path from raw.submissions where month = ? and unit_code = ? "
                "and file_name = ? and version = ?",
                [parse_month(month), unit_code, file_name, version],
            ).fetchone()
        if not row or not row[0]:
            return None
        path = (p.home / row[0]).resolve()
    if not path.resolve().is_relative_to(p.receipts.resolve()) or not path.is_file():
        return None
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
