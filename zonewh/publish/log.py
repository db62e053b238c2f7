"""The publication log of record: every attempt, append-only, in the home.

`<home>/publications/log.jsonl` holds one JSON line per publication attempt (command line,
DAG or portal; published, blocked, failed or interrupted) with the columns of the
`publication_log` contract. Nothing rewrites or deletes a line; dbt never sees this file. A
publication copies the whole log into the `marts.publication_log` table of the file it
publishes; an attempt is written `published: true` only after its file was renamed into place.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..config import Paths


def log_dir(p: Paths) -> Path:
    folder = p.home / "publications"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def log_path(p: Paths) -> Path:
    return log_dir(p) / "log.jsonl"


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def append(p: Paths, row: dict[str, Any]) -> None:
    """Append one attempt (flushed to disk before returning)."""
    line = json.dumps(row, ensure_ascii=False, default=_default) + "\n"
    with open(log_path(p), "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def read(p: Paths) -> list[dict[str, Any]]:
    """Every attempt, oldest first (a torn last line from a crash is ignored)."""
    path = log_path(p)
    if not path.exists():
        return []
    rows = []
    for line in path.read_text("utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            continue
    return rows


def known_ids(p: Paths) -> set[str]:
    return {r.get("publication_id") for r in read(p)}


def published_months(p: Paths) -> dict[str, str]:
    """Each month published so far (directly or as a carried revision) and the time of its
    last publication (ISO text)."""
    done: dict[str, str] = {}
    for row in read(p):
        if not row.get("published"):
            continue
        at = str(row.get("published_at") or row.get("attempted_at"))
        month = str(row.get("month"))[:7]
        for m in [month, *filter(None, str(row.get("revised_months") or "").split(","))]:
            if m not in done or at > done[m]:
                done[m] = at
    return done


def last_published(p: Paths) -> dict[str, Any] | None:
    """The latest successful publication (its log row), if any."""
    rows = [r for r in read(p) if r.get("published")]
    return rows[-1] if rows else None


# ---------------------------------------------------------------- skipped months


def skips_path(p: Paths) -> Path:
    return log_dir(p) / "skips.jsonl"


def record_skip(p: Paths, month: str, reason: str, recorded_by: str) -> dict[str, Any]:
    """The office decides that `month` will not be published (later months of its year may
    then be): kept with its reason, who decided and when; append-only."""
    from ..config import CST

    if not reason.strip():
        raise ValueError("a skip needs a reason")
    row = {
        "month": month,
        "reason": reason.strip(),
        "recorded_by": recorded_by.strip() or "unknown",
        "recorded_at": datetime.now(CST).isoformat(timespec="seconds"),
    }
    with open(skips_path(p), "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
        fcntl.flock(fh, fcntl.LOCK_UN)
    return row


def skips(p: Paths) -> list[dict[str, Any]]:
    path = skips_path(p)
    if not path.exists():
        return []
    out = []
    for line in path.read_text("utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def skipped_months(p: Paths) -> set[str]:
    return {s["month"] for s in skips(p)}
