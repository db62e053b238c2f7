"""Write, audit, publish: the month goes to `published/zone.duckdb` exactly as it was checked.

`publish(month, gate)` takes the gate's verdict on a snapshot of the build:

- blocked: the attempt is logged (`published: false`, the failing check codes) and nothing
  under `published/` changes;
- passed: a candidate file is built from that snapshot (the month and the revisions the gate
  carried) and the previous publication (the other months), audited against both, copied to
  the home's private copy, renamed over `published/zone.duckdb` (a reader sees the old file or
  the new one, never a half-built one, and no reader can block the rename), kept as the
  month's vintage (an earlier vintage of the month is kept beside it under its publication
  id), exported as Parquet, and only then logged `published: true`.

The publisher never opens a file under `published/` with DuckDB: readers, in whatever mode
they open those files, cannot block or break a publication. The published files are
read-only on disk. One publication at a time per home.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from .. import __version__, failpoints
from ..config import CST, Paths
from ..config import paths as default_paths
from . import log
from .candidate import AuditFailed, audit, export_parquet, write_candidate
from .files import atomic_copy, atomic_replace, fsync_dir, make_read_only, swap_link
from .revisions import revised_months

__all__ = [
    "AuditFailed",
    "PublicationBusy",
    "PublicationFailed",
    "PublishResult",
    "clean_stale",
    "publish",
    "revised_months",
]

log_ = logging.getLogger(__name__)

PRIVATE_COPIES_KEPT = 2
"""Private copies of the latest publications the next candidate is built from."""


class PublicationBusy(RuntimeError):
    """Another publication holds this home's publication lock."""


class PublicationFailed(RuntimeError):
    """An operational failure (disk, permissions, audit): the month was checked and passed,
    but could not be published. `published/` is unchanged."""


@dataclass
class PublishResult:
    """What one publication attempt did."""

    month: str
    published: bool
    publication_id: str
    revised_months: list[str]
    gate: Any
    path: Path | None = None
    vintage: Path | None = None
    parquet: Path | None = None
    row_counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    outcome: str = "blocked"
    """published | blocked | failed"""
    error: str | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "published": self.published,
            "outcome": self.outcome,
            "publication_id": self.publication_id,
            "revised_months": self.revised_months,
            "failing_checks": list(getattr(self.gate, "failing_codes", [])),
            "error": self.error,
        }


@contextmanager
def publication_lock(p: Paths) -> Iterator[None]:
    """One publication at a time per home; a second one fails at once, saying why."""
    from ..locks import locks_dir

    lock_path = locks_dir(p) / "publish.lock"
    with open(lock_path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublicationBusy(
                f"another publication is running for this home (lock {lock_path.name})"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _now() -> datetime:
    return datetime.now(CST)


def _row(
    publication_id: str, month: str, started: datetime, gate: Any, outcome: str, run_by: str
) -> dict[str, Any]:
    return {
        "publication_id": publication_id,
        "month": f"{month}-01",
        "attempted_at": started.isoformat(timespec="seconds"),
        "published": outcome == "published",
        "blocking_failures": len(gate.failures) if gate is not None else 0,
        "warnings": len(gate.warnings) if gate is not None else 0,
        "revised_months": ",".join(getattr(gate, "revised_months", []) or []),
        "software_version": __version__,
        "outcome": outcome,
        "failing_checks": ",".join(getattr(gate, "failing_codes", []) or []),
        "warning_checks": ",".join(c.code for c in getattr(gate, "warnings", []) or []),
        "run_by": run_by,
    }


def _private(p: Paths, publication_id: str) -> Path:
    return log.log_dir(p) / f"{publication_id}.duckdb"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def previous_publication(p: Paths) -> Path | None:
    """The private copy of the latest publication (what the next candidate starts from)."""
    last = log.last_published(p)
    if last is None:
        return None
    path = _private(p, last["publication_id"])
    return path if path.exists() else None


def clean_stale(p: Paths) -> list[str]:
    """Before publishing: finish or undo what a killed publication left.

    The commit point of a publication is the rename of its file over `published/zone.duckdb`;
    its private copy (`publications/<id>.duckdb`) is written just before. A private copy
    that is not in the log is finished when its bytes are the live file's (the Parquet
    link, the vintage and the log row are done now), else removed with its Parquet set and
    logged as interrupted. Candidates and temporaries are removed. Returns what was done."""
    done: list[str] = []
    known = log.known_ids(p)
    live_sha = _sha256(p.published) if p.published.exists() else None
    for private in sorted(log.log_dir(p).glob("*.duckdb")):
        pid = private.stem
        if pid in known:
            continue
        row = _recover_row(private, pid)
        if live_sha is not None and row is not None and _sha256(private) == live_sha:
            _finish(p, private, row)
            done.append(f"finished publication {pid} (it was live but not logged)")
            continue
        private.unlink(missing_ok=True)
        shutil.rmtree(p.published_dir / f".parquet-{pid}", ignore_errors=True)
        log.append(p, _interrupted(pid, row))
        done.append(f"undid interrupted publication {pid} (it never went live)")
    for leftover in sorted(_work(p).iterdir()):
        pid = leftover.name.removeprefix("parquet-").split(".")[0]
        if pid not in log.known_ids(p) and not _private(p, pid).exists():
            log.append(p, _interrupted(pid, None))
        shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink(missing_ok=True)
        done.append(f"removed the unfinished candidate {leftover.name}")
    for leftover in [
        *p.published_dir.glob(".zone.duckdb.incoming-*"),
        *p.published_dir.glob(".zone.duckdb.candidate-*"),
        *p.published_dir.glob(".*.tmp-*"),
        *p.published_dir.glob(".*.link-*"),
        *p.vintages.glob(".*.tmp-*"),
    ]:
        for marker in ("candidate-", "incoming-"):
            pid = leftover.name.split(marker)[-1].split(".")[0]
            if marker in leftover.name and pid not in log.known_ids(p):
                log.append(p, _interrupted(pid, None))
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        done.append(f"removed {leftover.name}")
    for parquet in p.published_dir.glob(".parquet-*"):
        pid = parquet.name.removeprefix(".parquet-")
        if pid not in log.known_ids(p) and not _private(p, pid).exists():
            shutil.rmtree(parquet, ignore_errors=True)
    _prune_parquet(p)
    return done


def _finish(p: Paths, private: Path, row: dict[str, Any]) -> None:
    """Complete a publication whose file went live: Parquet link, vintage, log row."""
    pid = row["publication_id"]
    month = str(row["month"])[:7]
    parquet = _place_parquet(p, _work(p) / f"parquet-{pid}", pid)
    swap_link(p.published_dir / "parquet", parquet.name, pid)
    vintage = p.vintages / f"{month}.duckdb"
    if not vintage.exists() or _sha256(vintage) != _sha256(private):
        _keep_vintage(p, month, private, parquet, pid)
    row = {**row, "published_at": row.get("published_at") or _now().isoformat(timespec="seconds")}
    log.append(p, {**row, "note": "completed after an interrupted publication"})


def _interrupted(publication_id: str, row: dict[str, Any] | None) -> dict[str, Any]:
    row = row or {}
    return {
        "publication_id": publication_id,
        "month": row.get("month"),
        "attempted_at": row.get("attempted_at") or _now().isoformat(timespec="seconds"),
        "published": False,
        "blocking_failures": row.get("blocking_failures") or 0,
        "warnings": row.get("warnings") or 0,
        "revised_months": "",
        "software_version": __version__,
        "outcome": "interrupted",
        "failing_checks": "",
        "warning_checks": "",
        "run_by": "",
        "note": "the publication was interrupted before its file went live",
    }


def _recover_row(private: Path, publication_id: str) -> dict[str, Any] | None:
    """This publication's own log row, read from its private copy (None if unreadable)."""
    try:
        con = duckdb.connect(str(private), read_only=True)
    except duckdb.Error:
        return None
    try:
        cur = con.execute(
            "select * from marts.publication_log where publication_id = ?", [publication_id]
        )
        names = [d[0] for d in cur.description]
        row = cur.fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    if not row:
        return None
    return {
        k: (v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in zip(names, row[0], strict=True)
    }


def _prune_parquet(p: Paths) -> None:
    """Keep the Parquet set the link points at and the one before it."""
    link = p.published_dir / "parquet"
    sets = sorted(p.published_dir.glob(".parquet-*"), key=lambda d: d.stat().st_mtime)
    current = os.readlink(link) if link.is_symlink() else None
    for folder in sets[:-2]:
        if folder.name != current:
            shutil.rmtree(folder, ignore_errors=True)


def _prune_private(p: Paths, keep: str) -> None:
    copies = sorted(log.log_dir(p).glob("*.duckdb"), key=lambda f: f.stat().st_mtime)
    for old in copies[:-PRIVATE_COPIES_KEPT]:
        if old.stem != keep:
            old.unlink(missing_ok=True)


def publish(
    month: str, gate: Any, paths: Paths | None = None, run_by: str = "cli"
) -> PublishResult:
    """Publish `month` if `gate` (its `GateResult`) passed; log the attempt either way.

    Raises PublicationBusy when another publication runs, PublicationFailed for an
    operational failure (the attempt is logged as failed, `published/` unchanged)."""
    p = (paths or default_paths()).ensure()
    with publication_lock(p):
        clean_stale(p)
        return _publish(month, gate, p, run_by)


def _work(p: Paths) -> Path:
    """Where a candidate is made: the home's private area, never `published/`."""
    folder = log.log_dir(p) / "work"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _publish(month: str, gate: Any, p: Paths, run_by: str) -> PublishResult:
    started = _now()
    publication_id = gate.attempt_id
    revised = list(gate.revised_months)
    result = PublishResult(month, False, publication_id, revised, gate)
    if gate.month != month:
        raise PublicationFailed(f"the gate result is for {gate.month}, not {month}")
    if not gate.passed:
        log.append(p, _row(publication_id, month, started, gate, "blocked", run_by))
        result.seconds = (_now() - started).total_seconds()
        return result
    snapshot = gate.snapshot
    if snapshot is None or not Path(snapshot).exists():
        raise _failed(p, result, started, run_by, "the snapshot the gate judged is gone")
    previous = previous_publication(p)
    candidate = _work(p) / f"{publication_id}.duckdb"
    work_parquet = _work(p) / f"parquet-{publication_id}"
    private = _private(p, publication_id)
    incoming = p.published_dir / f".zone.duckdb.incoming-{publication_id}"
    row = _row(publication_id, month, started, gate, "published", run_by)
    try:
        history = [r for r in log.read(p) if r.get("publication_id")]
        write_candidate(candidate, Path(snapshot), previous, [month, *revised], [*history, row])
        failpoints.reached("publish:candidate")
        result.row_counts = audit(
            candidate, Path(snapshot), previous, [month, *revised], publication_id
        )
        export_parquet(candidate, work_parquet)
        make_read_only(candidate)
        atomic_replace(candidate, private)
        failpoints.reached("publish:private")
        atomic_copy(private, incoming, publication_id, read_only=True)
        os.replace(incoming, p.published)  # the commit point: readers see the month
        fsync_dir(p.published_dir)
    except (AuditFailed, OSError, RuntimeError, duckdb.Error) as exc:
        for leftover in (
            candidate,
            candidate.with_name(candidate.name + ".wal"),
            incoming,
            private,
        ):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(work_parquet, ignore_errors=True)
        raise _failed(p, result, started, run_by, f"{type(exc).__name__}: {exc}") from exc
    failpoints.reached("publish:renamed")
    parquet = _place_parquet(p, work_parquet, publication_id)
    swap_link(p.published_dir / "parquet", parquet.name, publication_id)
    failpoints.reached("publish:linked")
    vintage = _keep_vintage(p, month, private, parquet, publication_id)
    failpoints.reached("publish:vintage")
    row["published_at"] = _now().isoformat(timespec="seconds")
    log.append(p, row)
    failpoints.reached("publish:logged")
    shutil.rmtree(work_parquet, ignore_errors=True)
    _prune_private(p, publication_id)
    result.published = True
    result.outcome = "published"
    result.path = p.published
    result.vintage = vintage
    result.parquet = p.published_dir / "parquet"
    result.seconds = (_now() - started).total_seconds()
    return result


def _place_parquet(p: Paths, work_parquet: Path, publication_id: str) -> Path:
    """The publication's Parquet set in `published/.parquet-<id>/` (copied whole to a
    temporary name, then renamed), made from the private copy if the work set is gone."""
    target = p.published_dir / f".parquet-{publication_id}"
    if target.is_dir():
        return target
    if not work_parquet.is_dir():
        export_parquet(_private(p, publication_id), work_parquet)
    tmp = p.published_dir / f".parquet-{publication_id}.tmp-{publication_id}"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(work_parquet, tmp)
    for f in tmp.iterdir():
        make_read_only(f)
    os.replace(tmp, target)
    fsync_dir(p.published_dir)
    return target


def _failed(
    p: Paths, result: PublishResult, started: datetime, run_by: str, why: str
) -> PublicationFailed:
    row = _row(result.publication_id, result.month, started, result.gate, "failed", run_by)
    row["note"] = why[:500]
    log.append(p, row)
    result.outcome, result.error = "failed", why
    return PublicationFailed(f"{result.month} passed its checks but was not published: {why}")


def _keep_vintage(p: Paths, month: str, source: Path, parquet: Path, publication_id: str) -> Path:
    """`vintages/YYYY-MM.duckdb` (+ `YYYY-MM.parquet/`): the month's latest publication; an
    earlier one is kept beside it as `YYYY-MM.<its publication id>.duckdb` (+ `.parquet/`).
    Safe to repeat after an interruption."""
    p.vintages.mkdir(parents=True, exist_ok=True)
    vintage = p.vintages / f"{month}.duckdb"
    folder = p.vintages / f"{month}.parquet"
    earlier = _vintage_id(p, month) or "earlier"
    if vintage.exists() and _sha256(vintage) != _sha256(source):
        os.replace(vintage, p.vintages / f"{month}.{earlier}.duckdb")
    if folder.exists() and not vintage.exists():
        kept = p.vintages / f"{month}.{earlier}.parquet"
        if kept.exists():
            shutil.rmtree(folder)
        else:
            os.replace(folder, kept)
    if not vintage.exists():
        atomic_copy(source, vintage, publication_id, read_only=True)
    if not folder.exists():
        tmp = p.vintages / f".{month}.parquet.tmp-{publication_id}"
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(parquet, tmp)
        for f in tmp.iterdir():
            make_read_only(f)
        os.replace(tmp, folder)
    fsync_dir(p.vintages)
    return vintage


def _vintage_id(p: Paths, month: str) -> str | None:
    """The publication id of the month's current vintage (its latest logged publication)."""
    rows = [r for r in log.read(p) if r.get("published") and str(r.get("month"))[:7] == month]
    return rows[-1]["publication_id"] if rows else None
