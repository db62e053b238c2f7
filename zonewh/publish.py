"""Write, audit, publish: the month's marts go to `published/zone.duckdb` atomically.

A candidate file is built next to the published one (a copy of the current publication with
the month's rows, and any revised months' rows, replaced from the working warehouse), audited
read-only, then renamed over `published/zone.duckdb`. A reader opening the published file at
any moment sees either the previous publication or the new one, never a half-built month.
When the gate blocks, nothing under `published/` is touched; the attempt is logged in the
working warehouse and carried into the next successful publication's log.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from ingest.store import open_store

from . import __version__
from .config import Paths
from .config import paths as default_paths
from .gate import MART_KEYS, MARTS, PUBLICATION_LOG_COLUMNS, Check, GateResult

log = logging.getLogger(__name__)

PUBLICATION_LOG_DDL = """
create table if not exists marts.publication_log (
    publication_id varchar,
    month date,
    attempted_at timestamptz,
    published boolean,
    blocking_failures integer,
    warnings integer,
    revised_months varchar,
    software_version varchar,
)
"""


class AuditFailed(RuntimeError):
    """The candidate file is not fit to publish."""


@dataclass
class PublishResult:
    """What one publication attempt did."""

    month: str
    published: bool
    publication_id: str
    revised_months: list[str]
    gate: GateResult
    path: Path | None = None
    vintage: Path | None = None
    row_counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _first(month: str) -> str:
    return f"{month}-01"


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _atomic_copy(source: Path, target: Path, tag: str) -> None:
    """Copy to a hidden temporary name in the target folder, then rename over the target."""
    tmp = target.with_name(f".{target.name}.tmp-{tag}")
    shutil.copyfile(source, tmp)
    _fsync_file(tmp)
    os.replace(tmp, target)
    _fsync_dir(target.parent)


def _tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = ? and table_schema = ? order by table_name",
        [catalog, schema],
    ).fetchall()
    return [r[0] for r in rows]


# --------------------------------------------------------------------------- attempts log


def log_attempt(p: Paths, row: dict[str, Any]) -> None:
    """Append one attempt to the working warehouse's `marts.publication_log`."""
    with duckdb.connect(str(p.warehouse)) as con:
        con.execute("create schema if not exists marts")
        con.execute(PUBLICATION_LOG_DDL)
        con.execute(
            f"insert into marts.publication_log ({', '.join(PUBLICATION_LOG_COLUMNS)}) "
            "values (?, ?::date, ?, ?, ?, ?, ?, ?)",
            [row[c] for c in PUBLICATION_LOG_COLUMNS],
        )


def _attempt_row(
    publication_id: str,
    month: str,
    attempted_at: datetime,
    published: bool,
    gate: GateResult,
    revised: list[str],
) -> dict[str, Any]:
    return {
        "publication_id": publication_id,
        "month": _first(month),
        "attempted_at": attempted_at,
        "published": published,
        "blocking_failures": len(gate.failures),
        "warnings": len(gate.warnings),
        "revised_months": ",".join(revised),
        "software_version": __version__,
    }


# --------------------------------------------------------------------------- revisions


def published_months(p: Paths) -> dict[str, datetime]:
    """Months published so far (from the working log, revisions included) and when each
    was last published."""
    if not p.warehouse.exists():
        return {}
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        if "publication_log" not in _tables(con, _catalog(con), "marts"):
            return {}
        rows = con.execute(
            "select strftime(month, '%Y-%m'), revised_months, attempted_at "
            "from marts.publication_log where published"
        ).fetchall()
    done: dict[str, datetime] = {}
    for month, revised, at in rows:
        for m in [month, *(revised or "").split(",")]:
            if m and (m not in done or at > done[m]):
                done[m] = at
    return done


def _catalog(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("select current_database()").fetchone()[0]


def revised_months(month: str, p: Paths | None = None) -> list[str]:
    """Published months other than `month` with a version accepted after their publication
    (the accepted versions are read from the raw store, read-only)."""
    p = p or default_paths()
    done = published_months(p)
    if not done:
        return []
    with open_store(p, read_only=True) as con:
        rows = con.execute(
            "select strftime(month, '%Y-%m') as m, max(ingested_at) from raw.submissions "
            "where status in ('accepted', 'accepted_with_warnings') group by 1"
        ).fetchall()
    return sorted(
        m for m, latest in rows if m != month and m in done and latest and latest > done[m]
    )


# --------------------------------------------------------------------------- candidate


def _write_candidate(candidate: Path, p: Paths, months: list[str]) -> None:
    """Fill a fresh candidate: the current publication's tables as they are, with the months'
    mart rows replaced from the working warehouse; reference data and the log copied whole."""
    firsts = [_first(m) for m in months]
    marks = ", ".join("?::date" for _ in firsts)
    with duckdb.connect(str(candidate)) as con:
        con.execute(f"attach '{p.warehouse}' as wh (read_only)")
        old: set[tuple[str, str]] = set()
        if p.published.exists():
            con.execute(f"attach '{p.published}' as pub (read_only)")
            old = {
                (s, t)
                for s, t in con.execute(
                    "select table_schema, table_name from information_schema.tables "
                    "where table_catalog = 'pub' and table_type = 'BASE TABLE'"
                ).fetchall()
            }
        for schema in {"marts", "reference"} | {s for s, _ in old}:
            con.execute(f"create schema if not exists {schema}")
        for mart in MARTS:
            sql = f"select * from wh.marts.{mart} where month in ({marks})"
            params = list(firsts)
            if ("marts", mart) in old:
                sql += f" union all by name select * from pub.marts.{mart} where month not in ({marks})"
                params += firsts
            con.execute(f"create table marts.{mart} as {sql} order by all", params)
        references = _tables(con, "wh", "reference")
        for table in references:
            con.execute(f"create table reference.{table} as select * from wh.reference.{table}")
        con.execute(PUBLICATION_LOG_DDL)
        con.execute(
            f"insert into marts.publication_log select {', '.join(PUBLICATION_LOG_COLUMNS)} "
            "from wh.marts.publication_log order by attempted_at, publication_id"
        )
        done = {("marts", m) for m in MARTS} | {("marts", "publication_log")}
        done |= {("reference", t) for t in references}
        for schema, table in sorted(old - done):
            con.execute(f"create table {schema}.{table} as select * from pub.{schema}.{table}")
        con.execute("detach wh")
        if old:
            con.execute("detach pub")
        con.execute("checkpoint")


def audit(candidate: Path, p: Paths, months: list[str], publication_id: str) -> dict[str, int]:
    """Check the candidate read-only: contract columns, unique keys, the months' row counts
    equal to the working warehouse's, and this publication in the log. Returns row counts."""
    problems: list[str] = []
    counts: dict[str, int] = {}
    with duckdb.connect(str(candidate), read_only=True) as con:
        con.execute(f"attach '{p.warehouse}' as wh (read_only)")
        for mart, columns in MARTS.items():
            have = {
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_catalog = current_database() and table_schema = 'marts' "
                    "and table_name = ?",
                    [mart],
                ).fetchall()
            }
            absent = [c for c in columns if c not in have]
            if absent:
                problems.append(f"marts.{mart} lacks {', '.join(absent)}")
                continue
            keys = ", ".join(MART_KEYS[mart])
            dupes = con.execute(
                f"select count(*) from (select {keys} from marts.{mart} "
                f"group by all having count(*) > 1)"
            ).fetchone()[0]
            if dupes:
                problems.append(f"marts.{mart}: {dupes} duplicated keys ({keys})")
            for month in months:
                sql = "select count(*) from {} where month = ?::date"
                got = con.execute(sql.format(f"marts.{mart}"), [_first(month)]).fetchone()[0]
                want = con.execute(sql.format(f"wh.marts.{mart}"), [_first(month)]).fetchone()[0]
                if got != want:
                    problems.append(f"marts.{mart} {month}: {got} rows, working has {want}")
                counts[f"{mart}:{month}"] = got
        if not counts.get(f"submission_status:{months[0]}"):
            problems.append(f"marts.submission_status has no rows for {months[0]}")
        logged = con.execute(
            "select count(*) from marts.publication_log where publication_id = ? and published",
            [publication_id],
        ).fetchone()[0]
        if logged != 1:
            problems.append(f"publication_log lacks {publication_id}")
    if problems:
        raise AuditFailed("; ".join(problems))
    return counts


# --------------------------------------------------------------------------- publish


def publish(
    month: str,
    paths: Paths | None = None,
    gate_result: GateResult | None = None,
    revised: list[str] | None = None,
    build_result: Any = None,
) -> PublishResult:
    """Gate the month (unless a gate result is given) and publish it atomically.

    `revised` names earlier published months rebuilt for revisions (W5); by default they
    are found from the working warehouse (published months with versions accepted since)."""
    p = (paths or default_paths()).ensure()
    with publication_lock(p):
        return _publish(month, p, gate_result, revised, build_result)


class PublicationBusy(RuntimeError):
    """Another publication holds this home's lock."""


@contextmanager
def publication_lock(p: Paths) -> Iterator[None]:
    """One publication at a time per home; a second one fails at once, saying why.

    The lock file lives in the home, not in `published/`, which only publication changes."""
    lock_path = p.home / ".publish.lock"
    with open(lock_path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublicationBusy(
                f"another publication is running for {p.home} (lock {lock_path})"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _publish(
    month: str,
    p: Paths,
    gate_result: GateResult | None,
    revised: list[str] | None,
    build_result: Any,
) -> PublishResult:
    from . import gate as gate_module

    started = datetime.now(UTC)
    revised = sorted(set(revised if revised is not None else revised_months(month, p)) - {month})
    gate = gate_result or gate_module.check(
        month, p, build_result=build_result, revised_months=revised
    )
    publication_id = gate.attempt_id
    result = PublishResult(month, False, publication_id, revised, gate)
    if not gate.passed:
        log_attempt(p, _attempt_row(publication_id, month, started, False, gate, revised))
        result.seconds = (datetime.now(UTC) - started).total_seconds()
        return result
    log_attempt(p, _attempt_row(publication_id, month, started, True, gate, revised))
    months = [month, *revised]
    candidate = p.published_dir / f".zone.duckdb.candidate-{publication_id}"
    try:
        _write_candidate(candidate, p, months)
        result.row_counts = audit(candidate, p, months, publication_id)
        _fsync_file(candidate)
        os.replace(candidate, p.published)
        _fsync_dir(p.published_dir)
    except Exception as exc:
        _unlog(p, publication_id)
        gate.failures.append(Check("B2", "publication audit", "publish", str(exc)))
        gate.passed = False
        log_attempt(p, _attempt_row(publication_id, month, started, False, gate, revised))
        gate_module.write_report(gate, p)
        for leftover in (candidate, candidate.with_name(candidate.name + ".wal")):
            leftover.unlink(missing_ok=True)
        result.seconds = (datetime.now(UTC) - started).total_seconds()
        if isinstance(exc, (AuditFailed, duckdb.Error)):
            return result
        raise
    p.vintages.mkdir(parents=True, exist_ok=True)
    vintage = p.vintages / f"{month}.duckdb"
    _atomic_copy(p.published, vintage, publication_id)
    result.published = True
    result.path = p.published
    result.vintage = vintage
    result.seconds = (datetime.now(UTC) - started).total_seconds()
    return result


def _unlog(p: Paths, publication_id: str) -> None:
    """Drop a provisional 'published' row when the candidate failed."""
    with duckdb.connect(str(p.warehouse)) as con:
        con.execute("delete from marts.publication_log where publication_id = ?", [publication_id])
