"""The completeness wait: the monthly DAG's sensor waits until every mandatory submission of
the month is in, or until the cut-off (`completeness_cutoff_hours` after the due day), when
it stops waiting and lets the gate decide (B1 then blocks a month still missing returns)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..config import CST, Paths
from .schedule import DEFAULT_CUTOFF_HOURS, cutoff_at


@dataclass(frozen=True)
class Completeness:
    """One poke of the completeness sensor."""

    month: str
    missing: list[tuple[str, str]]
    cutoff_at: str
    is_past_cutoff: bool

    @property
    def is_done(self) -> bool:
        """Stop waiting: everything is in, or the cut-off has passed (the gate then decides)."""
        return not self.missing or self.is_past_cutoff

    @property
    def is_soft_pass(self) -> bool:
        """The wait ended at the cut-off with submissions still missing."""
        return bool(self.missing) and self.is_past_cutoff

    def summary(self) -> dict[str, Any]:
        """A JSON-able record (the sensor's XCom value)."""
        return {
            "month": self.month,
            "missing": [list(pair) for pair in self.missing],
            "cutoff_at": self.cutoff_at,
            "is_past_cutoff": self.is_past_cutoff,
            "is_soft_pass": self.is_soft_pass,
        }


def judge_completeness(
    month: str, missing: list[tuple[str, str]], now: datetime, cutoff_hours: float
) -> Completeness:
    """Decide one poke from the missing (unit, form) pairs and the time."""
    limit = cutoff_at(month, cutoff_hours)
    return Completeness(
        month=month,
        missing=sorted((str(u), str(f)) for u, f in missing),
        cutoff_at=limit.isoformat(),
        is_past_cutoff=now >= limit,
    )


def completeness_poke(
    month: str,
    cutoff_hours: float = DEFAULT_CUTOFF_HOURS,
    now: datetime | None = None,
    home: Paths | None = None,
) -> Completeness:
    """Ask intake which mandatory submissions are missing and judge the wait."""
    from ..steps import missing_mandatory

    missing = list(missing_mandatory(month, paths=home))
    moment = now or datetime.now(tz=CST)
    return judge_completeness(month, missing, moment, cutoff_hours)
