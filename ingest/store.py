"""The raw store: intake's own DuckDB file, `<home>/warehouse/raw.duckdb`, schema `raw`.

`raw.<form>` holds the typed rows of accepted files with their lineage,
`raw.submissions` one row per landing file seen (rejected ones too), `raw.problems`
every problem found, `raw.forms` the form registry (rewritten from `forms.py` whenever
the store is opened for writing), `raw.waivers` the waivers recorded by the office
(append-only). Only intake writes the store; everything else opens it read-only.

DuckDB allows one process to write a file, and no reader while it does. The store is
shared through an `fcntl` lock beside it (`raw.duckdb.lock`): readers hold it shared
(`reading`, and `open_store(read_only=True)` for its connection's life), the writer
exclusive (`open_store`). Each side waits for the other up to `store_wait_s`
(`ZONEWH_STORE_WAIT_SECONDS`, default 120), then fails with `StoreBusy`, one message
naming the store and the holder. A waiting process says so by holding
`raw.duckdb.wait`; a writer taking files one by one (`StoreConnection.is_wanted`) lets
it in between two files.
"""

from __future__ import annotations

import fcntl
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Self

import duckdb

from .forms import FORMS, raw_table_ddl
from .settings import IntakeLimits, IntakePaths

SUBMISSIONS_DDL = """
create table if not exists raw.submissions (
    submission_id VARCHAR,
    file_path VARCHAR,
    file_name VARCHAR,
    sha256 VARCHAR,
    size_bytes BIGINT,
    unit_code VARCHAR,
    form_code VARCHAR,
    month DATE,
    version INTEGER,
    submitted_at TIMESTAMPTZ,
    ingested_at TIMESTAMPTZ,
    status VARCHAR,
    errors INTEGER,
    warnings INTEGER,
    rows_loaded INTEGER,
    receipt_path VARCHAR,
    quarantine_path VARCHAR,
    archive_path VARCHAR,
    reason_zh VARCHAR,
    reason_en VARCHAR
)
"""

PROBLEMS_DDL = """
create table if not exists raw.problems (
    submission_id VARCHAR,
    severity VARCHAR,
    rule VARCHAR,
    sheet VARCHAR,
    "row" INTEGER,
    "column" VARCHAR,
    value VARCHAR,
    message_zh VARCHAR,
    message_en VARCHAR
)
"""

FORMS_DDL = """
create table if not exists raw.forms (
    form_code VARCHAR,
    form_name VARCHAR,
    submitted_by VARCHAR
)
"""

WAIVERS_DDL = """
create table if not exists raw.waivers (
    month DATE,
    unit_code VARCHAR,
    form_code VARCHAR,
    reason VARCHAR,
    approved_by VARCHAR,
    recorded_by VARCHAR,
    recorded_at TIMESTAMPTZ,
    revoked BOOLEAN
)
"""

STORE_ALIAS = "raw_store"
"""The catalog name the raw store is attached under by `open_store`."""

ACCEPTED = ("accepted", "accepted_with_warnings")
"""The `raw.submissions.status` values of a file whose rows were loaded."""

_HOLDER_RE = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


class StoreBusy(RuntimeError):
    """The raw store is held by another process for longer than this one would wait."""


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and its tables when missing."""
    con.execute("create schema if not exists raw")
    for form in FORMS.values():
        con.execute(raw_table_ddl(form))
    con.execute(SUBMISSIONS_DDL)
    con.execute(PROBLEMS_DDL)
    con.execute(FORMS_DDL)
    con.execute(WAIVERS_DDL)


def registry_rows() -> list[tuple[str, str, str]]:
    """The rows of `raw.forms`: every form of the registry, in its order."""
    return [(f.code, f.title, f.submitted_by) for f in FORMS.values()]


def write_forms(con: duckdb.DuckDBPyConnection) -> None:
    """Rewrite `raw.forms` from the registry (left as is when it already matches)."""
    rows = registry_rows()
    have = con.execute("select form_code, form_name, submitted_by from raw.forms").fetchall()
    if sorted(have) == sorted(rows):
        return
    con.execute("begin transaction")
    try:
        con.execute("delete from raw.forms")
        con.executemany("insert into raw.forms values (?, ?, ?)", rows)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """True when `raw.<name>` exists (a store written before it was added may lack it)."""
    return bool(
        con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw' and table_name = ?",
            [name],
        ).fetchall()[0][0]
    )


# ---------------------------------------------------------------- the lock


class StoreLock:
    """This process's hold on the store's lock file: shared (a reader) or exclusive (the
    writer). `acquire` waits, saying so through the wait file, up to `wait_s`."""

    def __init__(self, store: Path, exclusive: bool):
        self.store = Path(store)
        self.exclusive = exclusive
        self.path = lock_path(self.store)
        self.wait_path = self.store.with_name(self.store.name + ".wait")
        self._handle: IO[bytes] | None = None

    @property
    def is_held(self) -> bool:
        return self._handle is not None

    def acquire(self, wait_s: float) -> None:
        """Take the lock, waiting up to `wait_s` seconds; StoreBusy naming the holder."""
        if self._handle is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+b")
        mode = fcntl.LOCK_EX if self.exclusive else fcntl.LOCK_SH
        try:
            if not _try_lock(handle, mode):
                self._wait(handle, mode, wait_s)
        except BaseException:
            handle.close()
            raise
        self._handle = handle

    def _wait(self, handle: IO[bytes], mode: int, wait_s: float) -> None:
        deadline = time.monotonic() + wait_s
        with self.wait_path.open("a+b") as waiting:
            fcntl.flock(waiting, fcntl.LOCK_SH)
            while not _try_lock(handle, mode):
                left = deadline - time.monotonic()
                if left <= 0:
                    holders = lock_holders(self.path)
                    raise StoreBusy(busy_message(self.store, holders=holders, waited_s=wait_s))
                time.sleep(min(0.05, left))

    def release(self) -> None:
        if self._handle is not None:
            handle, self._handle = self._handle, None
            handle.close()

    def is_wanted(self) -> bool:
        """True when another process waits for the store (holds the wait file)."""
        try:
            fd = os.open(self.wait_path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            return False
        with os.fdopen(fd, "rb") as waiting:
            return not _try_lock(waiting, fcntl.LOCK_EX)

    def let_in(self, patience_s: float = 2.0) -> None:
        """Release the lock and give a waiting process the time to take it (until nobody
        waits any more, at most `patience_s`)."""
        self.release()
        deadline = time.monotonic() + patience_s
        while self.is_wanted() and time.monotonic() < deadline:
            time.sleep(0.01)


def _try_lock(handle: IO[bytes], mode: int) -> bool:
    try:
        fcntl.flock(handle, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def lock_path(store: Path) -> Path:
    """The lock file beside a store (`raw.duckdb.lock`)."""
    return Path(store).with_name(Path(store).name + ".lock")


def lock_holders(path: Path) -> list[str]:
    """Who holds the lock file `path` (from /proc/locks), as `process <pid> (<program>)`;
    [] when it cannot be told."""
    try:
        st = os.stat(path)
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return []
    device = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    pids: list[int] = []
    for line in lines:
        fields = line.split()
        if "->" in fields or len(fields) < 6 or fields[5] != device:
            continue
        pid = int(fields[4]) if fields[4].isdigit() else 0
        if pid and pid != os.getpid() and pid not in pids:
            pids.append(pid)
    return [f"process {pid} ({_program(pid)})" for pid in pids]


def _program(pid: int) -> str:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "unknown program"
    words = [a.decode("utf-8", "replace") for a in argv if a][:3]
    if words:
        words[0] = Path(words[0]).name
    return " ".join(" ".join(words).split())[:80] or "unknown program"


@contextmanager
def reading(paths: IntakePaths, wait_s: float | None = None) -> Iterator[None]:
    """Hold the store's lock shared (for a reader that opens the store itself, such as a
    dbt build): the writer waits until the block ends. Waits up to `wait_s` (default
    `ZONEWH_STORE_WAIT_SECONDS`) for a writer to finish, then StoreBusy."""
    lock = StoreLock(paths.raw_store, exclusive=False)
    lock.acquire(_wait_s(wait_s))
    try:
        yield
    finally:
        lock.release()


def _wait_s(wait_s: float | None) -> float:
    return IntakeLimits.from_env().store_wait_s if wait_s is None else wait_s


# ---------------------------------------------------------------- connections


class StoreConnection:
    """A DuckDB connection to the raw store that holds the store's lock until closed.

    Everything a `duckdb.DuckDBPyConnection` does, it does (`execute`, `sql`, `register`…);
    `close()` (or leaving a `with` block) closes the connection and releases the lock."""

    def __init__(self, con: duckdb.DuckDBPyConnection, lock: StoreLock | None):
        self._con = con
        self._lock = lock

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection itself."""
        return self._con

    def is_wanted(self) -> bool:
        """True when another process waits for the store."""
        return self._lock is not None and self._lock.is_wanted()

    def close(self) -> None:
        try:
            self._con.close()
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def let_in(self) -> None:
        """Close, and give the process waiting for the store the time to take it."""
        lock, self._lock = self._lock, None
        try:
            self._con.close()
        finally:
            if lock is not None:
                lock.let_in()


def open_store(
    paths: IntakePaths, read_only: bool = False, wait_s: float | None = None
) -> StoreConnection:
    """A connection to the raw store of `paths`, its catalog the default one (`STORE_ALIAS`),
    holding the store's lock (shared when `read_only`, else exclusive) until closed.

    Writing creates the folder, the file and the schema when missing, and rewrites
    `raw.forms`. A read-only open of a store that does not exist yet gives an in-memory
    connection holding the empty schema, so readers need no special case. Waits up to
    `wait_s` (default `ZONEWH_STORE_WAIT_SECONDS`) for the lock, and for a process that
    holds the file without it, then raises `StoreBusy`.

    The file is attached under `STORE_ALIAS`: a file named `raw.duckdb` opened directly
    would be a catalog `raw` next to the schema `raw`, and `raw.submissions` ambiguous.
    """
    store = paths.raw_store
    if read_only and not store.exists():
        con = duckdb.connect()
        ensure_schema(con)
        return StoreConnection(con, None)
    wait = _wait_s(wait_s)
    deadline = time.monotonic() + wait
    if not read_only:
        store.parent.mkdir(parents=True, exist_ok=True)
    lock = StoreLock(store, exclusive=not read_only)
    lock.acquire(wait)
    try:
        con = _attach(store, read_only, deadline)
        if not read_only:
            ensure_schema(con)
            write_forms(con)
    except BaseException:
        lock.release()
        raise
    return StoreConnection(con, lock)


def _attach(store: Path, read_only: bool, deadline: float) -> duckdb.DuckDBPyConnection:
    """Attach the store, retrying while a process that ignores the lock file holds it."""
    mode = " (read_only)" if read_only else ""
    while True:
        con = duckdb.connect()
        try:
            con.execute(f"attach {_literal(str(store))} as {STORE_ALIAS}{mode}")
        except duckdb.IOException as exc:
            con.close()
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise StoreBusy(busy_message(store, exc)) from None
            time.sleep(0.1)
            continue
        except BaseException:
            con.close()
            raise
        con.execute(f"use {STORE_ALIAS}")
        return con


def _literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def busy_message(
    store: Path,
    exc: BaseException | None = None,
    holders: list[str] | None = None,
    waited_s: float | None = None,
) -> str:
    """One English sentence naming the store and, when it can be told, what holds it
    (`holders`, or DuckDB's own words in `exc`)."""
    match = _HOLDER_RE.search(str(exc)) if exc is not None else None
    if holders:
        holder = ", ".join(holders)
    elif match:
        holder = f"process {match.group('pid')} ({match.group('program')})"
    else:
        holder = "another process"
    waited = f" (waited {waited_s:g} s)" if waited_s else ""
    return (
        f"the raw store {store} is in use: {holder} holds its lock{waited}; "
        "try again when that process has finished"
    )
