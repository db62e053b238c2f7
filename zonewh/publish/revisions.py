"""Revisions: published months that received a newly accepted version since their last
publication (W5). They are rebuilt and gated with the next run; one whose own gate fails
stays pending (and keeps being reported) until a run publishes it."""

from __future__ import annotations

from datetime import datetime

from ..config import CST, Paths
from . import log


def _accepted_since(p: Paths) -> dict[str, datetime]:
    """For each month, when its latest accepted version was ingested (raw store)."""
    from ..raw import open_raw

    with open_raw(p) as con:
        rows = con.execute(
            "select strftime(month, '%Y-%m'), max(ingested_at) from raw.submissions "
            "where status in ('accepted', 'accepted_with_warnings') group by 1"
        ).fetchall()
    return {m: at for m, at in rows if at is not None}


def revised_months(month: str, p: Paths) -> list[str]:
    """Published months other than `month` with a version accepted after their publication."""
    done = log.published_months(p)
    if not done:
        return []
    latest = _accepted_since(p)
    out = []
    for m, published_at in done.items():
        at = latest.get(m)
        if m == month or at is None:
            continue
        when = datetime.fromisoformat(published_at)
        if when.tzinfo is None:
            when = when.replace(tzinfo=CST)
        if at.tzinfo is None:
            at = at.replace(tzinfo=CST)
        if at > when:
            out.append(m)
    return sorted(out)
