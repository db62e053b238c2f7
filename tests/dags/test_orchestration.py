"""The orchestration decisions: months from run dates, open months, the completeness wait,
notifications, run settings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from zonewh import orchestration as orch
from zonewh.config import CST


def cst(*args: int) -> datetime:
    return datetime(*args, tzinfo=CST)


def test_parse_and_add_months():
    assert orch.parse_month("2014-12").isoformat() == "2014-12-01"
    assert orch.add_months("2014-12", 1) == "2015-01"
    assert orch.add_months("2015-01", -1) == "2014-12"
    assert orch.add_months("2014-03", -14) == "2013-01"
    for bad in ("2014-13", "2014-1", "14-01", "2014/01", ""):
        with pytest.raises(ValueError, match="YYYY-MM"):
            orch.parse_month(bad)


def test_month_of_instant_is_judged_in_cst():
    # 16:30 UTC on 31 December is already 00:30 on 1 January in CST
    assert orch.month_of_instant(datetime(2014, 12, 31, 16, 30, tzinfo=UTC)) == "2015-01"
    assert orch.month_of_instant(datetime(2014, 12, 31, 15, 59, tzinfo=UTC)) == "2014-12"
    with pytest.raises(ValueError, match="naive"):
        orch.month_of_instant(datetime(2014, 12, 31))


def _core_timetable():
    from airflow.timetables.interval import CronDataIntervalTimetable

    return CronDataIntervalTimetable(orch.MONTHLY_CRON, timezone=orch.ZONE_TIMEZONE)


def test_scheduled_run_for_december_runs_in_january_and_publishes_december():
    """The real schedule: the run after December's interval publishes 2014-12 on 2015-01-06."""
    import pendulum
    from airflow.timetables.base import DataInterval, TimeRestriction

    timetable = _core_timetable()
    november = DataInterval(
        start=pendulum.datetime(2014, 11, 6, 0, 30, tz=orch.ZONE_TIMEZONE),
        end=pendulum.datetime(2014, 12, 6, 0, 30, tz=orch.ZONE_TIMEZONE),
    )
    info = timetable.next_dagrun_info(
        last_automated_data_interval=november,
        restriction=TimeRestriction(earliest=None, latest=None, catchup=True),
    )
    assert info.data_interval.start == pendulum.datetime(2014, 12, 6, 0, 30, tz="Asia/Shanghai")
    assert info.run_after == pendulum.datetime(2015, 1, 6, 0, 30, tz="Asia/Shanghai")
    assert orch.month_for_run(None, info.data_interval.start, info.logical_date) == "2014-12"
    # the run happens after the due day (end of the 5th of M+1, CST)
    assert info.run_after > orch.due_end("2014-12")


def test_first_scheduled_interval_is_the_first_month(monkeypatch):
    import pendulum
    from airflow.timetables.base import TimeRestriction

    monkeypatch.setenv("ZONEWH_FIRST_MONTH", "2019-01")
    start = orch.first_interval_start()
    info = _core_timetable().next_dagrun_info(
        last_automated_data_interval=None,
        restriction=TimeRestriction(earliest=pendulum.instance(start), latest=None, catchup=True),
    )
    assert orch.month_for_run(None, info.data_interval.start) == "2019-01"
    assert info.run_after.in_timezone("Asia/Shanghai").date().isoformat() == "2019-02-06"


def test_manual_run_without_month_publishes_last_month_past_its_due_day():
    import pendulum

    timetable = _core_timetable()
    # triggered on 2015-01-10: December 2014 is past its due day
    interval = timetable.infer_manual_data_interval(
        run_after=pendulum.datetime(2015, 1, 10, 9, tz="Asia/Shanghai")
    )
    assert orch.month_for_run(None, interval.start) == "2014-12"
    # triggered on 2015-01-05 (December still due): the last complete month is November
    interval = timetable.infer_manual_data_interval(
        run_after=pendulum.datetime(2015, 1, 5, 9, tz="Asia/Shanghai")
    )
    assert orch.month_for_run(None, interval.start) == "2014-11"


def test_conf_month_wins_and_is_validated():
    start = cst(2014, 12, 6, 0, 30)
    assert orch.month_for_run("2014-03", start) == "2014-03"
    with pytest.raises(ValueError, match="YYYY-MM"):
        orch.month_for_run("2014-3", start)
    with pytest.raises(ValueError, match="conf month"):
        orch.month_for_run(None, None, None)


@dataclass
class _Run:
    conf: dict
    data_interval_start: datetime | None = None
    logical_date: datetime | None = None


def test_month_from_context_reads_conf_params_then_interval():
    start = cst(2019, 5, 6, 0, 30)
    assert orch.month_from_context({"dag_run": _Run({}, start)}) == "2019-05"
    assert orch.month_from_context({"dag_run": _Run({"month": "2019-02"}, start)}) == "2019-02"
    ctx = {"dag_run": _Run({}), "params": {"month": None}, "data_interval_start": start}
    assert orch.month_from_context(ctx) == "2019-05"
    assert orch.month_from_context({"params": {"month": "2014-08"}}) == "2014-08"


def test_due_end_and_cutoff_cross_the_year():
    assert orch.due_end("2014-12") == cst(2015, 1, 6)
    assert orch.due_end("2019-06") == cst(2019, 7, 6)
    assert orch.cutoff_at("2014-12", 48) == cst(2015, 1, 8)
    with pytest.raises(ValueError, match=">= 0"):
        orch.cutoff_at("2014-12", -1)


def test_completeness_waits_then_soft_passes_at_the_cutoff():
    missing = [("jzxz", "econ_indicators"), ("drc", "project_progress")]
    before = orch.judge_completeness("2014-12", missing, cst(2015, 1, 7, 23, 59), 48)
    assert not before.is_done and not before.is_soft_pass
    assert before.missing == sorted(missing)

    at_cutoff = orch.judge_completeness("2014-12", missing, cst(2015, 1, 8), 48)
    assert at_cutoff.is_done and at_cutoff.is_soft_pass
    summary = at_cutoff.summary()
    assert summary["is_soft_pass"] is True
    assert summary["missing"] == [["drc", "project_progress"], ["jzxz", "econ_indicators"]]
    assert summary["cutoff_at"] == "2015-01-08T00:00:00+08:00"
    json.dumps(summary)  # an XCom value

    # zero hours: stop waiting as soon as the due day is over
    assert orch.judge_completeness("2014-12", missing, cst(2015, 1, 6), 0).is_done


def test_completeness_done_early_when_nothing_is_missing():
    poke = orch.judge_completeness("2014-12", [], cst(2015, 1, 6, 0, 30), 48)
    assert poke.is_done and not poke.is_soft_pass and not poke.is_past_cutoff


def test_open_months_are_recent_months_with_a_landing_folder(tmp_path: Path):
    landing = tmp_path / "landing"
    for month in ("2014-10", "2014-11", "2014-12", "2015-01", "2015-02"):
        (landing / month).mkdir(parents=True)
    (landing / "2014-09").write_text("not a folder")
    as_of = datetime(2015, 1, 9, 16, 30, tzinfo=UTC)  # 2015-01-10 00:30 CST
    assert orch.open_months(as_of, landing) == ["2014-11", "2014-12", "2015-01"]
    # 31 Dec 17:00 UTC is already January in CST
    assert orch.open_months(datetime(2014, 12, 31, 17, tzinfo=UTC), landing) == [
        "2014-11",
        "2014-12",
        "2015-01",
    ]
    assert orch.open_months(datetime(2014, 12, 31, 15, tzinfo=UTC), landing) == [
        "2014-10",
        "2014-11",
        "2014-12",
    ]
    assert orch.open_months(as_of, landing, window=1) == ["2015-01"]
    assert orch.open_months(as_of, tmp_path / "nowhere") == []


def test_notify_appends_json_lines_to_the_home_log(home, monkeypatch):
    monkeypatch.delenv("ZONEWH_NOTIFY_TO", raising=False)
    first = orch.notify(
        orch.Notification("run_failed", "zone_monthly_publication", "r1", "2014-12", "blocked")
    )
    orch.notify(
        orch.Notification("run_succeeded", "zone_monthly_publication", "r2", "2015-01", "ok")
    )
    log = home.home / "notifications" / "notifications.log"
    lines = log.read_text("utf-8").splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0])["event"] == "run_failed"
    assert first.channels == ["log"]
    notes = orch.read_notifications()
    assert [n["month"] for n in notes] == ["2014-12", "2015-01"]
    assert notes[1]["channels"] == ["log"]


def test_no_email_without_an_smtp_connection(home, monkeypatch):
    monkeypatch.setenv("ZONEWH_NOTIFY_TO", "duchashi@example.org")
    monkeypatch.delenv("AIRFLOW_CONN_SMTP_DEFAULT", raising=False)
    note = orch.Notification("run_failed", "d", "r", "2014-12", "blocked")
    assert orch.send_email(note) is False


def test_failure_callback_names_month_failed_tasks_and_reports(home):
    @dataclass
    class _Ti:
        task_id: str
        state: str

    class _FailedRun(_Run):
        def get_task_instances(self):
            return [
                _Ti("ingest", "success"),
                _Ti("gate", "failed"),
                _Ti("publish", "upstream_failed"),
            ]

    class _Dag:
        dag_id = "zone_monthly_publication"

    ctx = {
        "dag": _Dag(),
        "run_id": "manual__1",
        "reason": "task_failure",
        "dag_run": _FailedRun({"month": "2014-12"}),
    }
    orch.on_run_failure(ctx)
    (note,) = orch.read_notifications()
    assert note["event"] == "run_failed" and note["month"] == "2014-12"
    assert note["details"]["failed_tasks"] == ["gate", "publish"]
    assert note["details"]["gate_reports"] == str(home.reports / "2014-12" / "gate")
    assert "NOT published" in note["message"]


def test_success_callback_without_month_still_notifies(home):
    orch.on_run_success({"run_id": "x", "dag_id": "zone_monthly_publication"})
    (note,) = orch.read_notifications()
    assert note["event"] == "run_succeeded" and note["month"] is None


def test_run_settings_and_dbt_mode():
    ctx = {"dag_run": _Run({"dbt_mode": "cosmos"}), "params": {"dbt_mode": "single"}}
    assert orch.run_setting(ctx, "dbt_mode", "x") == "cosmos"
    assert orch.dbt_mode_for(ctx, has_cosmos=True) == "cosmos"
    assert orch.dbt_mode_for(ctx, has_cosmos=False) == "single"
    assert (
        orch.run_setting(
            {"params": {"completeness_cutoff_hours": 6}}, "completeness_cutoff_hours", 48
        )
        == 6
    )
    assert orch.run_setting({}, "completeness_cutoff_hours", 48) == 48
    with pytest.raises(ValueError, match="dbt_mode"):
        orch.dbt_mode_for({"params": {"dbt_mode": "both"}}, has_cosmos=True)


def test_first_interval_start_from_environment(monkeypatch):
    monkeypatch.setenv("ZONEWH_FIRST_MONTH", "2019-01")
    assert orch.first_interval_start() == cst(2019, 1, 6, 0, 30)
    monkeypatch.delenv("ZONEWH_FIRST_MONTH")
    assert orch.first_interval_start() == cst(2014, 1, 6, 0, 30)
    assert orch.first_interval_start() - timedelta(days=5, minutes=30) == cst(2014, 1, 1)


def test_results_cross_between_tasks_unchanged(home):
    """A task hands the next one its result as JSON (XCom): the build result the gate judges
    and the gate result the publisher acts on come back exactly."""
    from zonewh.build import BuildResult, NodeResult
    from zonewh.gate import GateResult, read_report, write_report
    from zonewh.gate.outcome import CheckOutcome
    from zonewh.steps import Built

    node = NodeResult(
        "test.zonewh.b3_x",
        "b3_x",
        "test",
        "fail",
        2,
        "error",
        None,
        0.1,
        "select 1",
        '"zone"."gate_failures"."b3_x"',
    )
    built = Built(
        "2014-11",
        "a1",
        {"2014-11": BuildResult(["2014-11"], {}, False, [node])},
        [],
        home.home / "runs" / "a1" / "warehouse.duckdb",
    )
    back = Built.from_dict(json.loads(json.dumps(built.to_dict())))
    assert back.builds["2014-11"].nodes[0].relation == node.relation
    assert back.builds["2014-11"].nodes[0].compiled_code is None  # not carried between tasks
    assert back.snapshot == built.snapshot and back.attempt_id == "a1"
    result = GateResult(
        month="2014-11",
        attempt_id="a1",
        checked_at="2014-12-06T08:31:00+08:00",
        checks=[
            CheckOutcome(
                "W5", "warned", 1, "revises 2014-10", [{"month": "2014-10-01"}], ["revisions"]
            )
        ],
        revised_months=["2014-10"],
        snapshot=built.snapshot,
    )
    report_json, _ = write_report(result, home)
    for again in (
        GateResult.from_dict(json.loads(json.dumps(result.to_dict()))),
        read_report(report_json),
    ):
        assert again.checks == result.checks and again.revised_months == ["2014-10"]
        assert again.snapshot == built.snapshot and again.passed


def test_failure_after_publication_says_the_month_was_published(home):
    class _Ti:
        def __init__(self, task_id: str, state: str) -> None:
            self.task_id, self.state = task_id, state

    class _Run:
        def __init__(self) -> None:
            self.conf = {"month": "2014-11"}

        def get_task_instances(self):
            return [_Ti("publish", "success"), _Ti("bulletin", "failed")]

    orch.on_run_failure({"dag_id": "zone_monthly_publication", "run_id": "r", "dag_run": _Run()})
    (note,) = orch.read_notifications()
    assert note["details"]["failed_tasks"] == ["bulletin"]
    assert note["message"].endswith("was published, but ['bulletin'] failed")


@pytest.fixture
def smtp_sink():
    """A real SMTP server on localhost (stdlib smtpd) collecting what it receives."""
    import threading
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import asyncore
        import smtpd

    received: list[tuple[str, list[str], bytes]] = []

    class _Sink(smtpd.SMTPServer):
        def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
            received.append((mailfrom, rcpttos, data))

    server = _Sink(("127.0.0.1", 0), None, decode_data=False)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            asyncore.loop(timeout=0.05, count=1)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield server.socket.getsockname()[1], received
    stop.set()
    thread.join(timeout=2)
    server.close()


def test_notification_is_emailed_through_smtp_default(home, monkeypatch, smtp_sink):
    port, received = smtp_sink
    conn = {
        "conn_type": "smtp",
        "host": "127.0.0.1",
        "port": port,
        "extra": {"disable_ssl": True, "disable_tls": True, "from_email": "duchashi@zone.example"},
    }
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(conn))
    monkeypatch.setenv("ZONEWH_NOTIFY_TO", "tongji@zone.example, leader@zone.example")
    note = orch.notify(
        orch.Notification("run_failed", "zone_monthly_publication", "r", "2014-12", "blocked")
    )
    assert note.channels == ["log", "email"]
    ((mail_from, recipients, data),) = received
    assert mail_from == "duchashi@zone.example"
    assert recipients == ["tongji@zone.example", "leader@zone.example"]
    assert b"Subject: [zonewh] zone_monthly_publication 2014-12 run_failed" in data
    assert orch.read_notifications()[0]["channels"] == ["log", "email"]


def test_smtp_failure_still_writes_the_log_line(home, monkeypatch):
    conn = {"conn_type": "smtp", "host": "127.0.0.1", "port": 1, "extra": {"disable_ssl": True}}
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(conn))
    monkeypatch.setenv("ZONEWH_NOTIFY_TO", "tongji@zone.example")
    note = orch.notify(orch.Notification("run_failed", "d", "r", "2014-12", "blocked"))
    assert note.channels == ["log"]
    assert "email_error" in orch.read_notifications()[0]["details"]
