"""Which month a run publishes and when: from the run's data interval, never the wall clock.

The monthly DAG's timetable is `MONTHLY_CRON` in `ZONE_TIMEZONE`: 00:30 on the 6th, the day
after the latest due day of the submission calendar (the 5th of M+1; `tests/dags` check the
two agree). Its data interval runs from the 6th of M to the 6th of M+1, so the run whose
interval starts in M publishes M.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..config import CST

ZONE_TIMEZONE = "Asia/Shanghai"
MONTHLY_CRON = "30 0 6 * *"
"""00:30 CST on the 6th: after the due day (the 5th of M+1, submission_calendar.csv)."""
INTAKE_CRON = "*/10 * * * *"
DEFAULT_CUTOFF_HOURS = 48
"""How long after the end of the due day the completeness sensor waits before letting the
gate decide."""
OPEN_MONTHS_WINDOW = 3
"""The intake DAG watches the current month and the two before it."""


def parse_month(month: str) -> date:
    """`YYYY-MM` → the first day of that month (ingest.months, the one parser)."""
    from ingest.months import parse_month as parse

    return parse(month)


def add_months(month: str, delta: int) -> str:
    """The month `delta` months after `month` (negative goes back), as `YYYY-MM`."""
    from ingest.months import add_months as add
    from ingest.months import month_text

    return month_text(add(parse_month(month), delta))


def month_of_instant(instant: datetime) -> str:
    """The reporting month an aware instant falls in, judged in China Standard Time."""
    if instant.tzinfo is None:
        raise ValueError(f"naive datetime {instant!r}: a run's dates must carry a time zone")
    local = instant.astimezone(CST)
    return f"{local.year:04d}-{local.month:02d}"


def month_for_run(
    conf_month: str | None,
    data_interval_start: datetime | None,
    logical_date: datetime | None = None,
) -> str:
    """The month a run of `zone_monthly_publication` publishes.

    A `month` given in the run's conf (a hand re-run) wins. Otherwise the month is the one the
    run's data interval starts in (CST): a scheduled or backfilled run publishes M, and a
    manual run without a month gets the last interval Airflow considers complete, i.e. the
    last month past its due day.
    """
    if conf_month:
        return add_months(conf_month, 0)
    anchor = data_interval_start or logical_date
    if anchor is None:
        raise ValueError("run has neither a data interval nor a logical date: pass conf month")
    return month_of_instant(anchor)


def month_from_context(context: Mapping[str, Any]) -> str:
    """`month_for_run` from an Airflow task or callback context."""
    dag_run = context.get("dag_run")
    conf = dict(getattr(dag_run, "conf", None) or {})
    params = context.get("params") or {}
    conf_month = conf.get("month") or params.get("month")
    start = context.get("data_interval_start") or getattr(dag_run, "data_interval_start", None)
    logical = context.get("logical_date") or getattr(dag_run, "logical_date", None)
    return month_for_run(conf_month, start, logical)


def due_end(month: str) -> datetime:
    """The end of month M's due day (CST): the day after the latest due date the submission
    calendar gives any mandatory form of M."""
    from ingest.reference import load_reference

    first = parse_month(month)
    due = max(
        (
            e.due_on(first)
            for e in load_reference().calendar
            if e.is_mandatory and e.applies_to(first)
        ),
        default=None,
    )
    if due is None:
        raise ValueError(f"the submission calendar expects nothing mandatory for {month}")
    return datetime(due.year, due.month, due.day, tzinfo=CST) + timedelta(days=1)


def cutoff_at(month: str, cutoff_hours: float) -> datetime:
    """When the completeness wait for a month stops and the gate decides."""
    if cutoff_hours < 0:
        raise ValueError(f"completeness_cutoff_hours must be >= 0, got {cutoff_hours}")
    return due_end(month) + timedelta(hours=cutoff_hours)


def first_interval_start(default_month: str = "2014-01") -> datetime:
    """Start of the monthly DAG's first interval: the cron's time in `ZONEWH_FIRST_MONTH`.

    Catchup creates one run per month from there; set the variable to the first month the
    warehouse should hold."""
    first = parse_month(os.environ.get("ZONEWH_FIRST_MONTH") or default_month)
    minute, hour, day = (int(x) for x in MONTHLY_CRON.split()[:3])
    return datetime(first.year, first.month, day, hour, minute, tzinfo=CST)


def open_months(as_of: datetime, landing: Path, window: int = OPEN_MONTHS_WINDOW) -> list[str]:
    """Months the intake DAG ingests: among the `window` months up to `as_of` (CST), those
    whose landing folder exists. Oldest first."""
    current = month_of_instant(as_of)
    candidates = [add_months(current, -k) for k in range(window - 1, -1, -1)]
    return [m for m in candidates if (landing / m).is_dir()]
