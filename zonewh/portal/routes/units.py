"""A unit's month: the forms it owes with due dates and status, templates, uploads, receipts and
the history of every version. Its submitters see their own unit only; the office every unit."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from .. import desk, remind, uploads
from ..app import render
from ..deps import Refused, address_of, month_of, need_unit, portal_of, web_user
from ..guidance import advice
from ..storage import Account

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _unit(request: Request, account: Account, unit: str, month: str) -> tuple[str, str]:
    """The checked unit and month: 403 for another unit, 400 for a bad month, 404 for a unit
    that does not exist."""
    need_unit(account, unit)
    m = month_of(month)
    from ingest.months import parse_month
    from ingest.reference import load_reference

    if load_reference().unit(unit, parse_month(m)) is None and load_reference().unit(unit) is None:
        raise Refused(404, f"没有代码为“{unit}”的单位。", f"no unit {unit!r}")
    return unit, m


@router.get("/units/{unit}/months/{month}")
def unit_page(
    request: Request, unit: str, month: str, account: Annotated[Account, Depends(web_user)]
) -> Any:
    unit, m = _unit(request, account, unit, month)
    portal = portal_of(request)
    view = desk.unit_month(portal.paths, portal.store, m, unit)
    from ingest.months import add_months, month_text, parse_month

    first = parse_month(m)
    return render(
        request,
        "unit.html.j2",
        unit=unit,
        month=m,
        view=view,
        banner=remind.banner(view.owed, desk.today_cst(), portal.settings.remind_days),
        previous=month_text(add_months(first, -1)),
        following=month_text(add_months(first, 1)),
        max_upload=portal.settings.max_upload_bytes,
    )


@router.get("/units/{unit}/months/{month}/templates/{form_code}")
def template(
    request: Request,
    unit: str,
    month: str,
    form_code: str,
    account: Annotated[Account, Depends(web_user)],
) -> Any:
    """The form's Excel template for the unit and month, pre-filled."""
    from ingest.forms import FORMS

    from ...form_templates import TemplateError, load_context, write_form

    unit, m = _unit(request, account, unit, month)
    portal = portal_of(request)
    form = FORMS.get(form_code)
    if form is None:
        raise Refused(404, f"没有代码为“{form_code}”的报表。", f"no form {form_code!r}")
    try:
        ctx = load_context(m, portal.paths)
    except TemplateError as exc:
        raise Refused(409, exc.message_zh, exc.message_en) from None
    due = next((d for u, f, d in ctx.expected if u == unit and f == form_code), None)
    if due is None:
        raise Refused(
            404,
            f"{desk.unit_label(ctx.ref, unit, m)}在 {m} 无需报送{desk.form_label(form_code)}。",
            f"unit {unit} owes no {form_code} for {m}",
        )
    with tempfile.TemporaryDirectory(prefix="template-") as tmp:
        path = write_form(Path(tmp) / f"{form_code}.xlsx", ctx, form, unit, due)
        body = path.read_bytes()
    portal.store.audit(
        "download",
        account.name,
        role=account.role,
        unit_code=unit,
        address=address_of(request),
        month=m,
        subject=f"template {form_code}",
    )
    name = f"{form_code}.xlsx"
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"},
    )


@router.post("/units/{unit}/months/{month}/uploads")
def upload(
    request: Request,
    unit: str,
    month: str,
    file: Annotated[UploadFile, File()],
    account: Annotated[Account, Depends(web_user)],
) -> Any:
    """Store the file in the landing tree, check it at once, show its receipt."""
    unit, m = _unit(request, account, unit, month)
    received = receive_upload(request, account, unit, m, file)
    return RedirectResponse(
        f"/units/{unit}/months/{m}/receipts?file={quote(received.file_name)}", status_code=303
    )


def receive_upload(
    request: Request, account: Account, unit: str, month: str, file: UploadFile
) -> uploads.Received:
    """Read the upload (within the limit), then `uploads.accept` it; audited."""
    portal = portal_of(request)
    limit = portal.settings.max_upload_bytes
    if not file.filename:
        raise Refused(400, "请选择要上传的文件。", "no file was chosen")
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise Refused(
            413,
            f"文件超过 {limit // 1024 // 1024} MB 的上限，未予接收。",
            f"file larger than {limit} bytes; not stored",
        )
    return accept_upload(
        request,
        account,
        unit,
        month,
        file.filename,
        data,
        f"{len(data)} bytes, as {file.filename!r}",
    )


def accept_upload(
    request: Request,
    account: Account,
    unit: str,
    month: str,
    file_name: str,
    data: bytes,
    detail: str,
) -> uploads.Received:
    """`uploads.accept` the bytes read within the limit, and put the upload in the audit log
    (the web form and the API alike)."""
    portal = portal_of(request)
    received = uploads.accept(
        portal.paths, portal.store, month, unit, file_name, data, account.name, portal.loader
    )
    receipt = received.receipt or {}
    portal.store.audit(
        "upload",
        account.name,
        role=account.role,
        unit_code=unit,
        address=address_of(request),
        month=month,
        subject=received.file_name,
        outcome=str(receipt.get("status") or "received"),
        detail=detail[:500],
    )
    return received


@router.get("/units/{unit}/months/{month}/receipts")
def receipt_page(
    request: Request,
    unit: str,
    month: str,
    account: Annotated[Account, Depends(web_user)],
    file: str = "",
    version: int | None = None,
) -> Any:
    """A receipt: the file name's latest (the check's, until loaded), or a version's own."""
    unit, m = _unit(request, account, unit, month)
    portal = portal_of(request)
    receipt = desk.read_receipt(portal.paths, m, unit, file, version)
    waiting = receipt is None and any(
        u["file_name"] == file and u["loaded_at"] is None for u in portal.store.uploads_of(m, unit)
    )
    if receipt is None and not waiting:
        raise Refused(404, "没有找到这份回执。", f"no receipt for {file!r}")
    return render(
        request,
        "receipt.html.j2",
        unit=unit,
        month=m,
        file=file,
        receipt=receipt,
        waiting=waiting or (receipt is not None and receipt.get("loaded") is False),
        advice=advice,
    )
