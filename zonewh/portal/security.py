"""ASGI layers around the app: secure headers and the request body limit (CSRF: `csrf.py`).

- `SecureHeaders` sets a Content-Security-Policy without inline scripts (`script-src 'self'`,
  `frame-ancestors 'none'`), X-Frame-Options DENY, nosniff, a referrer policy, and
  `Cache-Control: no-store` on pages (not on static assets); HSTS over https. A response
  that sets its own CSP (a served report page, with its inline styles) keeps it.
- `BodyLimit` refuses a body larger than its limit before reading it: a Content-Length over
  the limit is answered 413 at once, and a body without one (chunked) is counted as it
  streams and cut off when it passes the limit.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
REPORT_CSP = (
    "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
"""For report pages the portal serves as they were written (inline styles, no scripts)."""


class SecureHeaders:
    """Add the secure headers to every HTTP response."""

    def __init__(self, app: ASGIApp, https: bool = False):
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                have = {k.lower() for k, _ in headers}
                extra = [
                    (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                if b"content-security-policy" not in have:
                    extra.append((b"content-security-policy", PAGE_CSP.encode()))
                if not static and b"cache-control" not in have:
                    extra.append((b"cache-control", b"no-store"))
                if self.https:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                headers += [(k, v) for k, v in extra if k not in have]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(Exception):
    """The request body passed its limit while streaming."""


class BodyLimit:
    """Refuse request bodies over a limit: by Content-Length before reading, else while
    streaming. Upload routes (paths ending in `upload_suffixes`) get `upload_limit`, every
    other route `form_limit`."""

    def __init__(
        self,
        app: ASGIApp,
        upload_limit: int,
        form_limit: int = 256 * 1024,
        upload_suffixes: tuple[str, ...] = ("/uploads", "/submissions"),
    ):
        self.app = app
        self.upload_limit = upload_limit
        self.form_limit = form_limit
        self.upload_suffixes = upload_suffixes

    def limit_for(self, path: str) -> int:
        if path.rstrip("/").endswith(self.upload_suffixes):
            # the multipart envelope (boundaries, the csrf field) on top of the file
            return self.upload_limit + 64 * 1024
        return self.form_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await _too_large(scope, send, limit, status=400)
                return
            if declared > limit:
                await _too_large(scope, send, limit)
                return
        seen = 0
        started = False
        exceeded = False

        async def counted() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            if exceeded:
                # the app answered the cut-off body (a parse error): answer 413 instead
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _too_large(scope, send, limit)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except BodyTooLarge:
            if not started:
                started = True
                await _too_large(scope, send, limit)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


async def _too_large(scope: Scope, send: Send, limit: int, status: int = 413) -> None:
    if status == 400:
        zh, en, title = "请求的 Content-Length 无效。", "invalid Content-Length", "请求无效"
    else:
        zh = f"上传的内容超过 {_mb(limit)} 的上限，未予接收。请检查是否选错了文件。"
        en = f"request body larger than the limit of {_mb(limit)}; nothing was stored"
        title = "文件过大"
    await plain_response(scope, send, status, title, zh, en, close=True)


async def plain_response(
    scope: Scope,
    send: Send,
    status: int,
    title: str,
    message_zh: str,
    message_en: str,
    close: bool = False,
) -> None:
    """A refusal sent from a middleware: JSON under /api/, else a small Chinese page."""
    if scope["path"].startswith("/api/"):
        body = json.dumps(
            {"detail": {"message_en": message_en, "message_zh": message_zh}}, ensure_ascii=False
        )
        ctype = b"application/json"
    else:
        body = _plain_page(title, message_zh, message_en)
        ctype = b"text/html; charset=utf-8"
    headers = [(b"content-type", ctype)]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body.encode("utf-8")})


def _plain_page(title: str, zh: str, en: str) -> str:
    from html import escape

    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="/static/portal.css"></head>'
        f'<body><main class="narrow"><h1>{escape(title)}</h1><p>{escape(zh)}</p>'
        f'<p class="muted" lang="en">{escape(en)}</p><p><a href="/">返回首页</a></p>'
        "</main></body></html>"
    )
