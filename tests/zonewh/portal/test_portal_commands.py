"""`zonewh users add/token/disable`, `zonewh remind` (through a real SMTP server on this
machine), the demo's accounts, and the stage file a run started by the portal writes."""

from __future__ import annotations

import json
import time

import pytest
from typer.testing import CliRunner

from zonewh.cli import app
from zonewh.portal.storage import PortalStore

MONTH = "2019-02"


def test_users_add_token_disable(portal_home):
    runner = CliRunner()
    r = runner.invoke(
        app,
        [
            "users",
            "add",
            "wcj",
            "--unit",
            "wcj",
            "--role",
            "submitter",
            "--password-stdin",
            "--email",
            "wcj@example.org",
        ],
        input="a long enough password\n",
    )
    assert r.exit_code == 0, r.output
    store = PortalStore.of_home(portal_home.home)
    account = store.user("wcj")
    assert account.role == "submitter" and account.password_hash.startswith("$argon2id$")
    again = runner.invoke(
        app,
        ["users", "add", "wcj", "--unit", "wcj", "--role", "submitter", "--password-stdin"],
        input="a long enough password\n",
    )
    assert again.exit_code == 2 and "exists" in again.output
    for args, said in [
        (["--unit", "nope", "--role", "submitter"], "unknown unit"),
        (["--unit", "wcj", "--role", "boss"], "role"),
        (["--role", "submitter"], "--unit"),
    ]:
        r = runner.invoke(
            app, ["users", "add", "x1", *args, "--password-stdin"], input="a long enough password\n"
        )
        assert r.exit_code == 2 and said in r.output, r.output
    short = runner.invoke(
        app,
        ["users", "add", "x2", "--unit", "wcj", "--role", "submitter", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code == 2 and "10 characters" in short.output
    token = runner.invoke(app, ["users", "token", "wcj"]).output.strip()
    assert token.startswith("zwh_") and len(token) > 40
    with store.connect() as con:
        hashes = [r[0] for r in con.execute("select token_hash from tokens").fetchall()]
    assert token not in hashes and len(hashes) == 1
    assert store.user_of_token(token).name == "wcj"
    assert runner.invoke(app, ["users", "disable", "wcj"]).exit_code == 0
    assert store.user_of_token(token) is None and store.user("wcj").disabled
    assert runner.invoke(app, ["users", "disable", "nobody"]).exit_code == 2


def test_remind_sends_each_unit_the_forms_it_still_owes(portal_home, monkeypatch):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message) -> None:
            received.append(message)

    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("ZONEWH_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("ZONEWH_SMTP_PORT", str(port))
        monkeypatch.setenv("ZONEWH_SMTP_FROM", "duchashi@example.org")
        monkeypatch.setenv("ZONEWH_PORTAL_URL", "https://portal.example.org/")
        r = CliRunner().invoke(app, ["remind", "--month", MONTH])
        assert r.exit_code == 0, r.output
    finally:
        controller.stop()
    by_to = {m["To"]: m for m in received}
    assert set(by_to) == {"lce@example.org", "drc@example.org"}
    text = by_to["lce@example.org"].get_payload(decode=True).decode("utf-8")
    assert "重点项目建设进展月报（project_progress）" in text and "2019年3月5日" in text
    assert "https://portal.example.org/" in text
    assert "sent 2 reminder(s)" in r.output
    assert "no e-mail address on file" in r.output  # units without an account are named


def test_remind_without_smtp_says_so(portal_home, monkeypatch):
    monkeypatch.delenv("ZONEWH_SMTP_HOST", raising=False)
    r = CliRunner().invoke(app, ["remind", "--month", MONTH])
    assert r.exit_code == 2 and "ZONEWH_SMTP_HOST" in r.output
    dry = CliRunner().invoke(app, ["remind", "--month", MONTH, "--dry-run"])
    assert dry.exit_code == 0 and "lce → lce@example.org" in dry.output


def test_the_banner_before_and_after_the_due_day():
    from datetime import date

    from zonewh.portal.desk import OwedForm
    from zonewh.portal.remind import banner

    owed = [
        OwedForm("project_progress", date(2019, 3, 5), "missing", 0, 0, None),
        OwedForm("project_issues", date(2019, 3, 5), "on_time", 1, 0, None),
    ]
    assert banner(owed, date(2019, 2, 20), 4) is None
    soon = banner(owed, date(2019, 3, 2), 4)
    assert soon.level == "soon" and "还有 3 天" in soon.text and "project_progress" in soon.text
    assert "project_issues" not in soon.text
    assert "今天" in banner(owed, date(2019, 3, 5), 4).text
    assert banner(owed, date(2019, 3, 6), 4).level == "overdue"
    assert banner(owed[1:], date(2019, 3, 2), 4) is None


def test_demo_accounts_are_made_once_with_random_passwords(portal_home):
    from zonewh.portal.accounts import demo_accounts
    from zonewh.portal.auth import verify_password

    first = demo_accounts(portal_home, ["2019-01"])
    made = {a.name: a for a in first if a.password}
    assert {"agr", "ist", "scc", "ins"} <= set(made)  # lce, drc, office, analyst exist already
    store = PortalStore.of_home(portal_home.home)
    for a in made.values():
        assert len(a.password) >= 12 and verify_password(
            store.user(a.name).password_hash, a.password
        )
    assert len({a.password for a in made.values()}) == len(made)
    assert all(a.password is None for a in demo_accounts(portal_home, ["2019-01"]))


def test_a_run_writes_its_stage_file(tmp_path):
    from rich.console import Console

    from zonewh.progress import StageRecorder, progress_bar

    path = tmp_path / "stage.json"
    with progress_bar(Console(file=open(tmp_path / "out.txt", "w"))) as progress:
        recorder = StageRecorder(progress, path, MONTH)
        assert json.loads(path.read_text())["stage"] == "start"
        task = recorder.add_task(MONTH, total=5)
        for stage in ("ingest", "build", "gate"):
            recorder.update(task, description=f"{MONTH} {stage}")
            assert json.loads(path.read_text())["stage"] == stage
            recorder.advance(task)
        recorder.write({"stage": "done", "exit_code": 1})
    assert json.loads(path.read_text()) | {"at": None} == {
        "month": MONTH,
        "at": None,
        "stage": "done",
        "exit_code": 1,
    }
    assert time.time() > 0


@pytest.mark.parametrize("role", ["office", "analyst"])
def test_office_and_analyst_accounts_default_their_unit(portal_home, role):
    r = CliRunner().invoke(
        app,
        ["users", "add", f"new-{role}", "--role", role, "--password-stdin"],
        input="a long enough password\n",
    )
    assert r.exit_code == 0, r.output
    assert PortalStore.of_home(portal_home.home).user(f"new-{role}").unit_code in ("ins", "drc")
