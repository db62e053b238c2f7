"""Reminders before the due day: a banner in the portal, and e-mails.

The banner shows on a unit's page in the last `remind_days` days up to the due day (the 5th)
for the forms it owes that are not accepted yet, and after the due day for those still
missing. `zonewh remind --month M` e-mails each unit's submitter accounts the forms it still
owes for M, through the SMTP server of `ZONEWH_SMTP_HOST` (for a cron job or the intake DAG).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage

from ..config import Paths
from .desk import form_label, unit_label
from .settings import Smtp
from .storage import PortalStore

OPEN = ("missing", "rejected")
"""Statuses of a form not accepted yet."""


@dataclass
class Banner:
    level: str
    """soon | overdue"""
    text: str


def banner(owed: list, today: date, remind_days: int) -> Banner | None:
    """The reminder for a unit's page (`owed`: its `desk.OwedForm`s), or None."""
    open_forms = [o for o in owed if o.expected and o.status in OPEN]
    if not open_forms:
        return None
    due = min(o.due_on for o in open_forms)
    names = "、".join(form_label(o.form_code) for o in open_forms)
    days = (due - today).days
    if days < 0:
        return Banner(
            "overdue",
            f"已过截止日（{due.month}月{due.day}日）仍未报送或未通过：{names}。请尽快报送。",
        )
    if days <= remind_days:
        when = "今天" if days == 0 else f"还有 {days} 天"
        return Banner(
            "soon",
            f"报送截止日为 {due.month}月{due.day}日（{when}），以下报表尚未报送或未通过：{names}。",
        )
    return None


@dataclass
class Reminder:
    unit_code: str
    unit_name: str
    to: list[str]
    forms: list[tuple[str, date, str]] = field(default_factory=list)
    """(form code, due day, status)"""


def reminders(p: Paths, store: PortalStore, month: str) -> list[Reminder]:
    """For each unit owing a form of `month` not yet accepted: the forms and its submitters'
    e-mail addresses (empty when none is on file)."""
    from ingest.reference import load_reference
    from ingest.status import month_status

    ref = load_reference()
    emails: dict[str, list[str]] = {}
    for a in store.users():
        if a.role == "submitter" and not a.disabled and a.email:
            emails.setdefault(a.unit_code, []).append(a.email)
    out: dict[str, Reminder] = {}
    for row in month_status(month, p, ref):
        if not row.expected or row.status not in OPEN:
            continue
        r = out.setdefault(
            row.unit_code,
            Reminder(
                row.unit_code, unit_label(ref, row.unit_code, month), emails.get(row.unit_code, [])
            ),
        )
        r.forms.append((row.form_code, row.due_on, row.status))
    return [out[k] for k in sorted(out)]


def message(r: Reminder, month: str, sender: str, portal_url: str | None) -> EmailMessage:
    """The reminder e-mail, in Chinese."""
    msg = EmailMessage()
    msg["Subject"] = f"【报送提醒】{month} 月报尚未报送的报表"
    msg["From"] = sender
    msg["To"] = ", ".join(r.to)
    lines = [f"{r.unit_name}：", "", f"以下 {month} 的报表尚未报送或未通过校验："]
    for form_code, due, status in r.forms:
        state = "未报" if status == "missing" else "被退回，请修改后重新报送"
        lines.append(
            f"  · {form_label(form_code)}，截止 {due.year}年{due.month}月{due.day}日，{state}"
        )
    lines += ["", f"请登录报送平台报送：{portal_url}" if portal_url else "请通过报送平台报送。"]
    lines += ["", "（本邮件由系统自动发送）"]
    msg.set_content("\n".join(lines))
    return msg


def send(smtp: Smtp, messages: list[EmailMessage], timeout: float = 30.0) -> int:
    """Send the messages through one SMTP connection; how many were sent."""
    if not messages:
        return 0
    if smtp.ssl:
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
    with client:
        if smtp.starttls and not smtp.ssl:
            client.starttls(context=ssl.create_default_context())
        if smtp.user:
            client.login(smtp.user, smtp.password or "")
        for msg in messages:
            client.send_message(msg)
    return len(messages)
