"""The app factory: `create_app(settings, paths)` builds the FastAPI app with its routes (by
audience), its templates and static assets, the session, CSRF, body-limit and secure-header
layers, and starts the upload loader with the app."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from ..config import CST, Paths
from ..config import paths as default_paths
from . import desk
from .auth import LoginLimiter
from .csrf import CsrfGate, check_csrf, csrf_token
from .deps import LoginNeeded, Refused
from .security import BodyLimit, SecureHeaders
from .settings import PortalSettings
from .storage import PortalStore
from .uploads import Loader

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "zonewh_session"


@dataclass
class Portal:
    """The app's shared parts."""

    settings: PortalSettings
    paths: Paths
    store: PortalStore
    limiter: LoginLimiter
    loader: Loader


@functools.cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["bj"] = beijing
    env.filters["day_zh"] = day_zh
    env.filters["form_label"] = desk.form_label
    env.filters["size"] = size_text
    env.filters["pct"] = lambda v: "—" if v is None else f"{v:.1f}%"
    env.filters["num"] = lambda v, d=2: "—" if v is None else f"{v:.{d}f}"
    env.globals["STATUS_ZH"] = desk.STATUS_ZH
    env.globals["RECEIPT_ZH"] = desk.RECEIPT_ZH
    return env


def beijing(value: Any) -> str:
    """A time in Beijing time: 2019年2月3日 10:00."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=CST)
        value = value.astimezone(CST)
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    return str(value)


def day_zh(value: date | None) -> str:
    return "—" if value is None else f"{value.year}年{value.month}月{value.day}日"


def size_text(n: int | None) -> str:
    if n is None:
        return "—"
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n = n / 1024
    return str(n)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page: the template with the request, the account, the portal and a CSRF field."""
    portal: Portal = request.app.state.portal
    account = getattr(request.state, "account", None)

    def csrf_field() -> Markup:
        return Markup('<input type="hidden" name="csrftoken" value="{}">').format(
            csrf_token(request)
        )

    ref = _reference()
    html = (
        _env()
        .get_template(template)
        .render(
            request=request,
            account=account,
            settings=portal.settings,
            csrf_field=csrf_field,
            unit_label=lambda code, month=None: desk.unit_label(ref, code, month),
            **context,
        )
    )
    return HTMLResponse(html, status_code=status)


def _reference() -> Any:
    from ingest.reference import load_reference

    return load_reference()


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def refused(request: Request, exc: Refused) -> Any:
    """A refusal: JSON under /api/, the login page for a missing session, else a page."""
    if _wants_json(request):
        return JSONResponse(
            {"detail": {"message_en": exc.message_en, "message_zh": exc.message_zh}},
            status_code=exc.status,
            headers={"WWW-Authenticate": "Bearer"} if exc.status == 401 else None,
        )
    if isinstance(exc, LoginNeeded) and request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    titles = {400: "请求有误", 401: "请先登录", 403: "无权访问", 404: "未找到", 409: "无法执行"}
    return render(
        request,
        "error.html.j2",
        status=exc.status,
        title=titles.get(exc.status, "出错了"),
        message_zh=exc.message_zh,
        message_en=exc.message_en,
    )


def create_app(settings: PortalSettings, paths: Paths | None = None) -> FastAPI:
    """The portal for the home of `paths` (default: the environment's)."""
    from .routes import api, office, public, reading, units

    p = (paths or default_paths()).ensure()
    store = PortalStore.of_home(p.home)
    portal = Portal(
        settings=settings,
        paths=p,
        store=store,
        limiter=LoginLimiter(settings.login_limit_account, settings.login_limit_address),
        loader=Loader(p, store, settings.loader_poll_s),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        portal.loader.start()
        try:
            yield
        finally:
            portal.loader.stop()

    app = FastAPI(
        title="zonewh 报送平台",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
        dependencies=[Depends(check_csrf)],
    )
    app.state.portal = portal
    for module in (public, units, office, reading, api):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused) -> Any:
        return refused(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Any:
        zh = {404: "页面不存在。", 405: "不支持该请求方式。"}.get(exc.status_code, "请求无法处理。")
        return refused(request, Refused(exc.status_code, zh, str(exc.detail)))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Any:
        fields = ", ".join(".".join(str(x) for x in e.get("loc", ())) for e in exc.errors())
        return refused(
            request,
            Refused(400, f"请求缺少或写错了内容（{fields}）。", f"invalid request: {fields}"),
        )

    # Outermost last: headers on everything, the body limit before anything reads a body,
    # the session, then the CSRF gate (which needs the session).
    app.add_middleware(CsrfGate)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=int(settings.session_hours * 3600),
        same_site="lax",
        https_only=settings.https,
    )
    app.add_middleware(BodyLimit, upload_limit=settings.max_upload_bytes)
    app.add_middleware(SecureHeaders, https=settings.https)
    return app
