"""The JSON API, for units whose own systems export the forms (Bearer token from
`zonewh users token`; no cookie is accepted here).

- `POST /api/v1/months/{YYYY-MM}/submissions` (multipart `file`; office accounts add `unit`):
  the receipt JSON of docs/FORMS.md, `"loaded": false` until the loader has loaded it;
- `GET /api/v1/months/{YYYY-MM}/receipts` (`?unit=`): every receipt of the month, the unit's
  own for a submitter, all (or one unit's) for the office;
- `GET /api/v1/months/{YYYY-MM}/status`: the month's unit × form status (office).

401 without a valid token, 403 for another unit's data, 400 for a bad month.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ..deps import Refused, api_user, month_of, need_office, need_unit, portal_of
from ..storage import Account
from .units import accept_upload

router = APIRouter(prefix="/api/v1")


def _unit_for(account: Account, unit: str | None) -> str:
    """The unit a call is about: a submitter's own (403 for another); the office names one."""
    if account.role == "submitter":
        target = unit or account.unit_code
    elif account.role == "office":
        if not unit:
            raise Refused(
                400, "督查室账号请用 unit 字段指明报送单位。", "office accounts must give unit"
            )
        target = unit
    else:
        target = unit or ""
    need_unit(account, target)
    return target


@router.post("/months/{month}/submissions")
async def submit(request: Request, month: str) -> JSONResponse:
    """Upload one return; its receipt in seconds."""
    account = await run_in_threadpool(api_user, request)
    m = month_of(month)
    if account.role == "analyst":
        need_unit(account, "")  # before reading the body
    portal = portal_of(request)
    form = await request.form(max_files=1, max_fields=4)
    unit_field = form.get("unit")
    unit = _unit_for(account, unit_field if isinstance(unit_field, str) else None)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise Refused(
            400, "请用 multipart 字段 file 上传文件。", "send the file as multipart field 'file'"
        )
    limit = portal.settings.max_upload_bytes
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise Refused(413, "文件超过上传上限，未予接收。", f"file larger than {limit} bytes")
    from ingest.reference import load_reference

    if load_reference().unit(unit) is None:
        raise Refused(404, f"没有代码为“{unit}”的单位。", f"no unit {unit!r}")
    received = await run_in_threadpool(
        accept_upload, request, account, unit, m, upload.filename, data, "api"
    )
    receipt = received.receipt
    if receipt is None:
        return JSONResponse(
            {
                "file": received.rel_path,
                "unit_code": unit,
                "month": m,
                "status": "received",
                "loaded": False,
                "message_en": "stored; the check runs when the raw store is free",
                "message_zh": "已收到，待原始库空闲时校验入库",
            },
            status_code=202,
        )
    return JSONResponse(receipt)


@router.get("/months/{month}/receipts")
def receipts(request: Request, month: str, unit: str | None = None) -> JSONResponse:
    account = api_user(request)
    m = month_of(month)
    portal = portal_of(request)
    if account.role == "office":
        if unit:
            need_unit(account, unit)
        units = [unit] if unit else None
    else:
        units = [_unit_for(account, unit)]
    return JSONResponse({"month": m, "receipts": month_receipts(portal, m, units)})


def month_receipts(portal: Any, month: str, units: list[str] | None) -> list[dict[str, Any]]:
    """Every version's receipt (from `raw.submissions`) and the receipts of uploads not yet
    loaded, of `units` (None: all)."""
    from ingest.months import parse_month
    from ingest.store import open_store

    p = portal.paths
    with open_store(p, read_only=True) as con:
        rows = con.execute(
            "select unit_code, file_name, receipt_path from raw.submissions where month = ? "
            "order by submitted_at, version",
            [parse_month(month)],
        ).fetchall()
    out = []
    recorded = set()
    for unit_code, file_name, receipt_path in rows:
        if units is not None and unit_code not in units:
            continue
        recorded.add((unit_code, file_name))
        if receipt_path:
            body = _read(p.home / receipt_path)
            if body is not None:
                out.append(body)
    for u in portal.store.uploads_of(month):
        if (units is not None and u["unit_code"] not in units) or u["loaded_at"] is not None:
            continue
        if (u["unit_code"], u["file_name"]) in recorded:
            continue
        body = _read(p.receipts / month / u["unit_code"] / f"{u['file_name']}.json")
        if body is not None:
            out.append(body)
    return out


def _read(path: Any) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


@router.get("/months/{month}/status")
def status(request: Request, month: str) -> JSONResponse:
    account = api_user(request)
    need_office(account)
    m = month_of(month)
    from ingest.status import month_status

    rows = month_status(m, portal_of(request).paths)
    return JSONResponse(
        {
            "month": m,
            "status": [
                {
                    "unit_code": r.unit_code,
                    "unit_name": r.unit_name,
                    "form_code": r.form_code,
                    "due_on": r.due_on.isoformat(),
                    "status": r.status,
                    "versions": r.versions,
                    "errors": r.errors,
                    "warnings": r.warnings,
                    "first_received_at": _iso(r.first_received_at),
                    "accepted_at": _iso(r.accepted_at),
                    "expected": r.expected,
                }
                for r in rows
            ],
        }
    )


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
