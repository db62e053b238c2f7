"""The supervision office's desk: the month's matrix and who to chase, waivers, skipping a
month, the gate's reports, starting the month's run and watching it, the quality scorecard
and the audit log. Office accounts only."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from ingest.months import add_months, month_text, parse_month

from .. import desk, runs
from ..app import render
from ..deps import Refused, address_of, download, month_of, need_office, portal_of, web_user
from ..security import REPORT_CSP
from ..storage import Account

router = APIRouter()
ATTEMPT_RE = re.compile(r"[0-9A-Za-z_-]{1,80}\.(html|json)")


def office(account: Annotated[Account, Depends(web_user)]) -> Account:
    need_office(account)
    return account


Office = Annotated[Account, Depends(office)]


def _neighbours(month: str) -> dict[str, str]:
    first = parse_month(month)
    return {
        "previous": month_text(add_months(first, -1)),
        "following": month_text(add_months(first, 1)),
    }


@router.get("/office/months/{month}")
def month_page(request: Request, month: str, account: Office) -> Any:
    m = month_of(month)
    portal = portal_of(request)
    return render(
        request,
        "office_month.html.j2",
        month=m,
        grid=desk.matrix(portal.paths, portal.store, m),
        publication=desk.publication_state(portal.paths, m),
        attempts=desk.gate_attempts(portal.paths, m)[:3],
        **_neighbours(m),
    )


@router.get("/office/months/{month}/waivers")
def waivers_page(request: Request, month: str, account: Office) -> Any:
    m = month_of(month)
    portal = portal_of(request)
    grid = desk.matrix(portal.paths, portal.store, m)
    return render(
        request,
        "waivers.html.j2",
        month=m,
        waivers=desk.waivers(portal.paths, m),
        grid=grid,
        message=request.query_params.get("done"),
        **_neighbours(m),
    )


def _waiver(
    request: Request,
    account: Account,
    month: str,
    unit: str,
    form_code: str,
    reason: str,
    approved_by: str,
    revoke: bool,
) -> Any:
    from ingest.waivers import record_waiver, revoke_waiver

    m = month_of(month)
    portal = portal_of(request)
    action = revoke_waiver if revoke else record_waiver
    try:
        action(
            portal.paths,
            m,
            unit,
            form_code,
            reason,
            approved_by,
            account.display_name or account.name,
        )
    except ValueError as exc:
        raise Refused(
            400,
            "未能登记：请检查单位、报表、理由和批准人是否都已填写、是否有效"
            + ("，以及该报表当月是否确有免报记录。" if revoke else "。"),
            str(exc),
        ) from None
    portal.store.audit(
        "waiver_revoked" if revoke else "waiver",
        account.name,
        role=account.role,
        unit_code=unit,
        address=address_of(request),
        month=m,
        subject=form_code,
        outcome="ok",
        detail=f"reason: {reason}; approved by: {approved_by}",
    )
    done = "revoked" if revoke else "recorded"
    return RedirectResponse(f"/office/months/{m}/waivers?done={done}", status_code=303)


@router.post("/office/months/{month}/waivers")
def record(
    request: Request,
    month: str,
    account: Office,
    unit: Annotated[str, Form(max_length=40)],
    form_code: Annotated[str, Form(max_length=60)],
    reason: Annotated[str, Form(max_length=1000)],
    approved_by: Annotated[str, Form(max_length=200)],
) -> Any:
    return _waiver(request, account, month, unit, form_code, reason, approved_by, revoke=False)


@router.post("/office/months/{month}/waivers/revoke")
def revoke(
    request: Request,
    month: str,
    account: Office,
    unit: Annotated[str, Form(max_length=40)],
    form_code: Annotated[str, Form(max_length=60)],
    reason: Annotated[str, Form(max_length=1000)],
    approved_by: Annotated[str, Form(max_length=200)],
) -> Any:
    return _waiver(request, account, month, unit, form_code, reason, approved_by, revoke=True)


@router.post("/office/months/{month}/skip")
def skip(
    request: Request,
    month: str,
    account: Office,
    reason: Annotated[str, Form(max_length=1000)],
) -> Any:
    """Record that the month will not be published (later months of its year may then be)."""
    from ...publish.log import record_skip

    m = month_of(month)
    portal = portal_of(request)
    if not reason.strip():
        raise Refused(400, "请写明跳过该月的理由。", "a skip needs a reason")
    record_skip(portal.paths, m, reason, account.display_name or account.name)
    portal.store.audit(
        "skip",
        account.name,
        role=account.role,
        address=address_of(request),
        month=m,
        outcome="ok",
        detail=reason[:1000],
    )
    return RedirectResponse(f"/office/months/{m}", status_code=303)


@router.get("/office/months/{month}/gate")
def gate_page(request: Request, month: str, account: Office) -> Any:
    m = month_of(month)
    portal = portal_of(request)
    return render(
        request,
        "gate.html.j2",
        month=m,
        attempts=desk.gate_attempts(portal.paths, m),
        **_neighbours(m),
    )


@router.get("/office/months/{month}/gate/{name}")
def gate_report(request: Request, month: str, name: str, account: Office) -> Any:
    """One attempt's report, as the gate wrote it (HTML with its own styles, or JSON)."""
    m = month_of(month)
    portal = portal_of(request)
    folder = portal.paths.reports / m / "gate"
    path = folder / name
    if not ATTEMPT_RE.fullmatch(name) or not path.is_file() or path.is_symlink():
        raise Refused(404, "没有这份检查报告。", f"no gate report {name!r} for {m}")
    media = "text/html; charset=utf-8" if name.endswith(".html") else "application/json"
    headers = {"Content-Security-Policy": REPORT_CSP}
    return download(request, account, path, f"gate report {name}", media, m, headers=headers)


@router.get("/office/months/{month}/run")
def run_page(request: Request, month: str, account: Office) -> Any:
    m = month_of(month)
    portal = portal_of(request)
    history = portal.store.runs_of(m)
    current = runs.progress(portal.paths, history[0], portal.settings.airflow) if history else None
    from ...locks import current_holder

    holder = current_holder(portal.paths)
    return render(
        request,
        "run.html.j2",
        month=m,
        current=current,
        history=history,
        holder=holder.describe_zh() if holder else None,
        attempts=desk.gate_attempts(portal.paths, m)[:1],
        publication=desk.publication_state(portal.paths, m),
        outcome_zh=runs.OUTCOME_ZH,
        airflow=portal.settings.airflow is not None,
        error=None,
        **_neighbours(m),
    )


@router.post("/office/months/{month}/run")
def start_run(request: Request, month: str, account: Office) -> Any:
    m = month_of(month)
    portal = portal_of(request)
    try:
        run_id = runs.start(portal.paths, portal.store, account, m, portal.settings.airflow)
    except runs.RunRefused as exc:
        portal.store.audit(
            "run_start",
            account.name,
            role=account.role,
            address=address_of(request),
            month=m,
            outcome="refused",
            detail=exc.message_en,
        )
        raise Refused(409, exc.message_zh, exc.message_en) from None
    portal.store.audit(
        "run_start",
        account.name,
        role=account.role,
        address=address_of(request),
        month=m,
        subject=f"run {run_id}",
        outcome="started",
        detail="airflow" if portal.settings.airflow else "process",
    )
    return RedirectResponse(f"/office/months/{m}/run", status_code=303)


@router.get("/office/scorecard")
def scorecard(request: Request, account: Office, end: str | None = None) -> Any:
    portal = portal_of(request)
    last = month_of(end) if end else desk.reporting_month(desk.today_cst())
    span, scores = desk.scorecard(portal.paths, last)
    return render(
        request, "scorecard.html.j2", end=last, span=span, scores=scores, **_neighbours(last)
    )


@router.get("/office/audit")
def audit(
    request: Request, account: Office, before: int | None = None, action: str | None = None
) -> Any:
    portal = portal_of(request)
    rows = portal.store.audit_rows(limit=200, before_id=before, action=action or None)
    return render(request, "audit.html.j2", rows=rows, action=action or "")
