"""Published data and the bulletin archive: analysts and the office. Every download is in
the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from .. import desk
from ..app import render
from ..deps import Refused, download, month_of, need_reader, portal_of, web_user
from ..security import REPORT_CSP
from ..storage import Account

router = APIRouter()
BULLETIN_FILES = {
    "bulletin.html": "text/html; charset=utf-8",
    "bulletin.pdf": "application/pdf",
    "bulletin.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def reader(account: Annotated[Account, Depends(web_user)]) -> Account:
    need_reader(account)
    return account


Reader = Annotated[Account, Depends(reader)]


@router.get("/published")
def published(request: Request, account: Reader) -> Any:
    from ...publish import log as publication_log

    portal = portal_of(request)
    log_rows = [r for r in publication_log.read(portal.paths)][-50:][::-1]
    return render(
        request,
        "published.html.j2",
        files=desk.published_files(portal.paths),
        log_rows=log_rows,
        bulletins=desk.bulletins(portal.paths)[:3],
    )


@router.get("/published/files/{kind}/{name}")
def published_file(request: Request, kind: str, name: str, account: Reader) -> Any:
    portal = portal_of(request)
    path = desk.published_file(portal.paths, kind, name)
    if path is None:
        raise Refused(404, "没有这个文件。", f"no published {kind} named {name!r}")
    subject = f"published {kind} {name}"
    return download(request, account, path, subject, "application/octet-stream", filename=name)


@router.get("/bulletins")
def bulletins(request: Request, account: Reader) -> Any:
    portal = portal_of(request)
    return render(request, "bulletins.html.j2", bulletins=desk.bulletins(portal.paths))


@router.get("/bulletins/{month}/{name}")
def bulletin_file(request: Request, month: str, name: str, account: Reader) -> Any:
    m = month_of(month)
    portal = portal_of(request)
    path = portal.paths.reports / m / name
    if name not in BULLETIN_FILES or not path.is_file() or path.is_symlink():
        raise Refused(404, "没有这份通报。", f"no {name} for {m}")
    headers = {"Content-Security-Policy": REPORT_CSP}
    filename = None if name == "bulletin.html" else f"{m}-{name}"  # the page opens in place
    return download(request, account, path, name, BULLETIN_FILES[name], m, filename, headers)
