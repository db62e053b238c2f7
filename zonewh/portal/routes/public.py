"""Signing in and out, the home page (each role's start page) and the health check."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse

from ..app import render
from ..auth import authenticate
from ..deps import LoginNeeded, address_of, portal_of, web_user
from ..desk import reporting_month, today_cst
from ..storage import Account

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
def healthz() -> JSONResponse:
    """For the container's health check: no auth, no state."""
    return JSONResponse({"status": "ok"})


def _safe_next(target: str | None) -> str:
    """Only a path of this site (no scheme, no host, no `//`)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Any:
    return render(request, "login.html.j2", next=_safe_next(next), error=None, name="")


@router.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=500)],
    next: Annotated[str, Form(max_length=1000)] = "/",
) -> Any:
    portal = portal_of(request)
    address = address_of(request)
    result = authenticate(portal.store, portal.limiter, name, password, address)
    if result.account is None:
        portal.store.audit(
            "login_failed", name.strip()[:100], address=address, outcome=result.reason
        )
        error = (
            "登录尝试过多，请 15 分钟后再试。"
            if result.reason == "limited"
            else "账号或密码不正确，或账号已停用。"
        )
        status = 429 if result.reason == "limited" else 401
        return render(
            request, "login.html.j2", status=status, next=_safe_next(next), error=error, name=name
        )
    account = result.account
    request.session.clear()  # a new session id at every login
    request.session["sid"] = portal.store.new_session(account.id, address)
    portal.store.audit(
        "login",
        account.name,
        role=account.role,
        unit_code=account.unit_code,
        address=address,
        outcome="ok",
    )
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Any:
    portal = portal_of(request)
    sid = request.session.get("sid")
    try:
        account = web_user(request)
    except LoginNeeded:
        account = None
    if isinstance(sid, str):
        portal.store.end_session(sid)
    request.session.clear()
    if account is not None:
        portal.store.audit(
            "logout",
            account.name,
            role=account.role,
            unit_code=account.unit_code,
            address=address_of(request),
        )
    return RedirectResponse("/login", status_code=303)


@router.get("/")
def home(account: Annotated[Account, Depends(web_user)]) -> Any:
    """Each role's start page, for the month being reported now."""
    month = reporting_month(today_cst())
    if account.role == "office":
        return RedirectResponse(f"/office/months/{month}", status_code=303)
    if account.role == "analyst":
        return RedirectResponse("/published", status_code=303)
    return RedirectResponse(f"/units/{account.unit_code}/months/{month}", status_code=303)
