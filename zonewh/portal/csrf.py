"""CSRF protection: a token kept in the signed session, repeated in every form.

Each session (signed-in or not: the login form has one too) holds a random token in the
session cookie, which only the server can read and sign. Every form carries it in a hidden
field `csrftoken` (`csrf_token()` gives it to the templates); every POST, PUT, PATCH or DELETE
outside `/api/` must send the same value, else 403. A cross-site page can make a browser
send the cookie, but cannot read the page to learn the token.

Two layers: `CsrfGate`, an ASGI middleware inside the session layer, refuses an unsafe
request without a session token at once, before its body is read (an upload from nowhere is
not even received); `check_csrf`, a dependency of every route, compares the form's field
with the session's token once the form is parsed.

Why not a library: `asgi-csrf` (a middleware that checks plain form posts) fails on
multipart forms with the python-multipart release in the lock (its `FormParser` call uses an
argument the parser no longer takes), `starlette-csrf` only reads a header (forms would need
JavaScript), and `fastapi-csrf-protect` parses urlencoded bodies by string replacement and
must be called in each route. The API takes no cookie (Bearer tokens only), so it needs none.
"""

from __future__ import annotations

import secrets

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from .deps import Refused

FIELD = "csrftoken"
SESSION_KEY = "csrf"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def csrf_token(request: Request) -> str:
    """The session's token (made on first use)."""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


def _exempt(path: str) -> bool:
    return path.startswith("/api/")


def _refusal() -> Refused:
    return Refused(
        403,
        "表单已过期或来源不明（安全校验未通过），未予处理。请返回上一页，刷新后重新提交。",
        "CSRF check failed: the form's token is missing or does not match; nothing was done",
    )


async def check_csrf(request: Request) -> None:
    """Every unsafe request outside the API: the form's `csrftoken` equals the session's."""
    if request.method in SAFE_METHODS or _exempt(request.url.path):
        return
    expected = request.session.get(SESSION_KEY)
    form = await request.form()
    given = form.get(FIELD)
    if (
        not isinstance(expected, str)
        or not isinstance(given, str)
        or not secrets.compare_digest(given.encode(), expected.encode())
    ):
        raise _refusal()


class CsrfGate:
    """Refuse an unsafe request whose session holds no token, before its body is read."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] not in SAFE_METHODS
            and not _exempt(scope["path"])
            and not isinstance((scope.get("session") or {}).get(SESSION_KEY), str)
        ):
            from .security import plain_response

            exc = _refusal()
            await plain_response(scope, send, 403, "安全校验未通过", exc.message_zh, exc.message_en)
            return
        await self.app(scope, receive, send)
