"""What every route needs: the portal, the account asking, and refusals that read well.

Web pages know their user by the session cookie; the API only by a Bearer token (so a
browser's cookie can never act on the API, and the API needs no CSRF token). Refusals are a
Chinese page for people and JSON with English and Chinese messages under `/api/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request
from fastapi.responses import FileResponse

from .storage import Account

if TYPE_CHECKING:
    from pathlib import Path

    from .app import Portal


class Refused(Exception):
    """A request refused: HTTP status and the reason in Chinese and English."""

    def __init__(self, status: int, message_zh: str, message_en: str):
        super().__init__(message_en)
        self.status = status
        self.message_zh = message_zh
        self.message_en = message_en


class LoginNeeded(Refused):
    def __init__(self) -> None:
        super().__init__(401, "请先登录。", "not signed in")


def portal_of(request: Request) -> Portal:
    return request.app.state.portal


def address_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def web_user(request: Request) -> Account:
    """The signed-in account of the session cookie; LoginNeeded otherwise."""
    portal = portal_of(request)
    if request.headers.get("authorization"):
        raise Refused(
            400, "网页不接受 Authorization 请求头。", "web pages take no Authorization header"
        )
    sid = request.session.get("sid") if "session" in request.scope else None
    if not isinstance(sid, str):
        raise LoginNeeded
    found = portal.store.session_user(
        sid, portal.settings.session_hours * 3600, portal.settings.idle_minutes * 60
    )
    if found is None:
        request.session.clear()
        raise LoginNeeded
    request.state.account = found[0]
    return found[0]


def api_user(request: Request) -> Account:
    """The account of the request's Bearer token; 401 without a valid one."""
    portal = portal_of(request)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refused(
            401,
            "缺少访问令牌：请在请求头中提供 Authorization: Bearer <令牌>。",
            "missing token: send Authorization: Bearer <token>",
        )
    account = portal.store.user_of_token(token.strip())
    if account is None:
        raise Refused(401, "访问令牌无效或已停用。", "invalid or revoked token")
    request.state.account = account
    return account


def need_unit(account: Account, unit_code: str) -> None:
    """Office sees every unit; a submitter only its own; 403 otherwise."""
    if not account.may_see_unit(unit_code):
        raise Refused(
            403,
            f"无权查看或报送其他单位（{unit_code}）的数据。",
            f"account {account.name} may not see or submit for unit {unit_code}",
        )


def need_office(account: Account) -> None:
    if account.role != "office":
        raise Refused(403, "仅督查室账号可以使用此功能。", "office accounts only")


def need_reader(account: Account) -> None:
    """Published data and bulletins: analysts and the office."""
    if account.role not in ("office", "analyst"):
        raise Refused(403, "仅分析人员和督查室账号可以查看。", "analyst or office accounts only")


def month_of(text: str) -> str:
    """A `YYYY-MM` month, or 400 saying what is wrong in both languages."""
    from ingest.months import MonthError, month_text, parse_month

    try:
        return month_text(parse_month(text))
    except MonthError as exc:
        raise Refused(400, exc.message_zh, exc.message_en) from None


@dataclass(frozen=True)
class Who:
    """An account and where it asks from (for the audit log)."""

    account: Account
    address: str


def download(
    request: Request,
    account: Account,
    path: Path,
    subject: str,
    media_type: str,
    month: str = "",
    filename: str | None = None,
    headers: dict[str, str] | None = None,
) -> FileResponse:
    """A file a reader downloads, put in the audit log first (every download is recorded)."""
    portal_of(request).store.audit(
        "download",
        account.name,
        role=account.role,
        address=address_of(request),
        month=month,
        subject=subject,
    )
    return FileResponse(path, media_type=media_type, filename=filename, headers=headers)
