"""Notifications of the monthly DAG: one JSON line per run outcome in
`<home>/notifications/notifications.log`, and an e-mail through the Airflow connection
`smtp_default` to `ZONEWH_NOTIFY_TO` when both exist."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..config import CST, Paths, paths
from .schedule import month_from_context

NOTIFICATION_LOG = Path("notifications") / "notifications.log"


@dataclass
class Notification:
    """One message on the notification channels."""

    event: str  # run_succeeded | run_failed
    dag_id: str
    run_id: str
    month: str | None
    message: str
    at: str = field(default_factory=lambda: datetime.now(tz=CST).isoformat())
    details: dict[str, Any] = field(default_factory=dict)
    channels: list[str] = field(default_factory=list)


def notification_log(home: Paths | None = None) -> Path:
    """`<home>/notifications/notifications.log` (JSON lines)."""
    return (home or paths()).home / NOTIFICATION_LOG


def read_notifications(home: Paths | None = None) -> list[dict[str, Any]]:
    """Every notification written so far, oldest first."""
    log = notification_log(home)
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text("utf-8").splitlines() if line.strip()]


def notify(note: Notification, home: Paths | None = None) -> Notification:
    """Append the notification to the log file and e-mail it when SMTP is configured."""
    try:
        if send_email(note):
            note.channels.append("email")
    except Exception as exc:  # noqa: BLE001 - the log line must be written whatever SMTP does
        note.details["email_error"] = f"{type(exc).__name__}: {exc}"
    note.channels.insert(0, "log")
    log = notification_log(home)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(note), ensure_ascii=False, default=str) + "\n")
    return note


def notification_recipients() -> list[str]:
    """Addresses from `ZONEWH_NOTIFY_TO` (comma-separated)."""
    raw = os.environ.get("ZONEWH_NOTIFY_TO", "")
    return [a.strip() for a in raw.split(",") if a.strip()]


def send_email(note: Notification, conn_id: str = "smtp_default") -> bool:
    """E-mail through the Airflow SMTP connection; False when none is configured."""
    recipients = notification_recipients()
    if not recipients:
        return False
    try:
        from airflow.sdk import BaseHook

        BaseHook.get_connection(conn_id)
    except Exception:  # noqa: BLE001 - an absent connection raises a backend-specific error
        return False
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    subject = f"[zonewh] {note.dag_id} {note.month or ''} {note.event}"
    body = (
        f"<p>{note.message}</p><pre>{json.dumps(note.details, ensure_ascii=False, indent=2)}</pre>"
    )
    with SmtpHook(smtp_conn_id=conn_id) as hook:
        sender = os.environ.get("ZONEWH_NOTIFY_FROM") or hook.from_email or "zonewh@localhost"
        hook.send_email_smtp(to=recipients, subject=subject, html_content=body, from_email=sender)
    return True


def _task_states(context: Mapping[str, Any]) -> dict[str, str]:
    """task_id → state of the run's task instances (empty when the context has no run)."""
    dag_run = context.get("dag_run")
    try:
        return {ti.task_id: str(ti.state) for ti in dag_run.get_task_instances()}  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - a callback must never fail because of its context
        ti = context.get("ti") or context.get("task_instance")
        return {ti.task_id: "failed"} if ti is not None else {}


def _callback_note(context: Mapping[str, Any], event: str) -> Notification:
    try:
        month: str | None = month_from_context(context)
    except ValueError:
        month = None
    dag = context.get("dag")
    dag_id = getattr(dag, "dag_id", None) or str(context.get("dag_id", "?"))
    run_id = str(context.get("run_id") or getattr(context.get("dag_run"), "run_id", "?"))
    home = paths()
    details: dict[str, Any] = {"reason": str(context.get("reason") or "")}
    if event == "run_failed":
        states = _task_states(context)
        failed = sorted(t for t, s in states.items() if s in ("failed", "upstream_failed"))
        details["failed_tasks"] = failed
        if month:
            details["gate_reports"] = str(home.reports / month / "gate")
        if states.get("publish") == "success":
            message = f"{dag_id}: month {month} was published, but {failed} failed"
        else:
            message = f"{dag_id}: month {month} was NOT published; see {failed}"
    else:
        message = f"{dag_id}: month {month} completed"
        if month:
            details["published"] = str(home.published)
    return Notification(
        event=event, dag_id=dag_id, run_id=run_id, month=month, message=message, details=details
    )


def on_run_success(context: Mapping[str, Any]) -> None:
    """DAG success callback: notify."""
    notify(_callback_note(context, "run_succeeded"))


def on_run_failure(context: Mapping[str, Any]) -> None:
    """DAG failure callback: notify."""
    notify(_callback_note(context, "run_failed"))
