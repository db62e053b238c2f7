"""Who may run a month, and who may write the working warehouse, at a time.

Two locks, both under `<home>/locks/`:

- **The run lease** (`run.json`): one monthly run at a time per home, from ingest to
  publish, whoever starts it (`zonewh run`, `zonewh publish`, the monthly DAG, the portal).
  A lease names its holder (what, which month, process, since when). A command-line holder
  holds it while its process lives; an Airflow run spans several task processes, so its
  lease is renewed by each task and expires on its own if the run dies. A second run is
  refused at once with a message naming the holder, or waits for it (`wait_s`).
- **The warehouse writer lock** (`warehouse.lock`): DuckDB allows one writer per file. Every
  step that writes `warehouse/zone.duckdb` (dbt, the snapshot) holds it, so two writers
  queue instead of failing with DuckDB's lock error.

Both are `fcntl` locks on files of the home: they work across processes on one machine
(the deployment's scheduler, workers and portal share the home's volume).
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .config import CST, Paths

DEFAULT_AIRFLOW_TTL = timedelta(hours=3)
"""How long an Airflow run's lease lasts without a renewal (each task renews it)."""


class Busy(RuntimeError):
    """Another run (or writer) holds the lock; `holder` says who."""

    def __init__(self, what: str, holder: Holder | None, path: Path):
        self.what = what
        self.holder = holder
        self.path = path
        who = holder.describe() if holder else "another process"
        super().__init__(f"{what} is busy: {who} holds it (lock {path.name} in {path.parent})")

    @property
    def message_zh(self) -> str:
        who = self.holder.describe_zh() if self.holder else "另一个进程"
        return f"{'月度运行' if self.what == 'the monthly run' else '数据仓库写入'}正在进行：{who}。请等它结束后再试。"


@dataclass
class Holder:
    """Who holds a lock."""

    kind: str
    """cli | airflow | portal"""
    label: str
    """What it is doing, e.g. `zonewh run --month 2019-06` or the Airflow run id."""
    month: str | None = None
    pid: int = field(default_factory=os.getpid)
    host: str = field(default_factory=socket.gethostname)
    started_at: str = field(default_factory=lambda: datetime.now(CST).isoformat(timespec="seconds"))
    expires_at: str | None = None
    """For leases that outlive their process (Airflow): when the lease lapses unrenewed."""
    holder_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def describe(self) -> str:
        month = f" for {self.month}" if self.month else ""
        return f"{self.label}{month} (pid {self.pid} on {self.host}, since {self.started_at})"

    def describe_zh(self) -> str:
        month = f"（{self.month}）" if self.month else ""
        return f"{self.label}{month}，进程 {self.pid}@{self.host}，开始于 {self.started_at}"

    def is_alive(self, now: datetime | None = None) -> bool:
        """A lease with an expiry lives until then; one without lives with its process."""
        now = now or datetime.now(CST)
        if self.expires_at:
            return datetime.fromisoformat(self.expires_at) > now
        if self.host != socket.gethostname():
            return True  # cannot tell: assume alive
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def locks_dir(p: Paths) -> Path:
    folder = p.home / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _acquire(handle: Any, exclusive: bool, wait_s: float) -> bool:
    """Take an fcntl lock on an open file within `wait_s` seconds; False when not had."""
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)


@contextmanager
def _flock(path: Path, exclusive: bool = True, wait_s: float = 0.0) -> Iterator[Any]:
    """Hold an fcntl lock on `path`; TimeoutError when not had within `wait_s`."""
    with open(path, "a+") as handle:
        if not _acquire(handle, exclusive, wait_s):
            raise TimeoutError(f"lock {path.name} not had within {wait_s:g}s")
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ---------------------------------------------------------------- the run lease


def _lease_path(p: Paths) -> Path:
    return locks_dir(p) / "run.json"


def current_holder(p: Paths) -> Holder | None:
    """The live holder of the run lease, if any."""
    path = _lease_path(p)
    with _flock(path.with_suffix(".lock"), wait_s=5):
        return _live_holder(path)


def _live_holder(path: Path) -> Holder | None:
    try:
        data = json.loads(path.read_text("utf-8"))
        holder = Holder(**data)
    except (OSError, ValueError, TypeError):
        return None
    return holder if holder.is_alive() else None


def acquire_run(p: Paths, holder: Holder, wait_s: float = 0.0) -> Holder:
    """Take the run lease for `holder`, or raise Busy naming the one who has it.

    A holder already holding it (same holder_id) renews it; a dead or expired lease is
    taken over."""
    path = _lease_path(p)
    deadline = time.monotonic() + wait_s
    while True:
        with _flock(path.with_suffix(".lock"), wait_s=5):
            other = _live_holder(path)
            if other is None or other.holder_id == holder.holder_id:
                tmp = path.with_name(f".{path.name}.{holder.holder_id}")
                tmp.write_text(json.dumps(asdict(holder), ensure_ascii=False), "utf-8")
                os.replace(tmp, path)
                return holder
        if time.monotonic() >= deadline:
            raise Busy("the monthly run", other, path)
        time.sleep(min(2.0, max(0.1, deadline - time.monotonic())))


def renew_run(p: Paths, holder: Holder, ttl: timedelta = DEFAULT_AIRFLOW_TTL) -> Holder:
    """Extend an expiring lease (Airflow tasks call this as they start)."""
    holder.expires_at = (datetime.now(CST) + ttl).isoformat(timespec="seconds")
    return acquire_run(p, holder)


def release_run(p: Paths, holder_id: str) -> bool:
    """Give the lease back if `holder_id` has it; True when released."""
    path = _lease_path(p)
    with _flock(path.with_suffix(".lock"), wait_s=5):
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return False
        if data.get("holder_id") != holder_id:
            return False
        path.unlink(missing_ok=True)
        return True


@contextmanager
def run_lease(p: Paths, holder: Holder, wait_s: float = 0.0) -> Iterator[Holder]:
    """Hold the run lease for the duration of the block (a command-line run)."""
    acquire_run(p, holder, wait_s)
    try:
        yield holder
    finally:
        release_run(p, holder.holder_id)


# ---------------------------------------------------------------- the writer lock


@contextmanager
def warehouse_writer(
    p: Paths, holder: Holder | None = None, wait_s: float = 600.0
) -> Iterator[None]:
    """Hold the working warehouse's writer lock (waits up to `wait_s` for another writer;
    Busy naming it after that)."""
    path = locks_dir(p) / "warehouse.lock"
    info = path.with_suffix(".holder")
    with open(path, "a+") as handle:
        if not _acquire(handle, True, wait_s):
            try:
                other = Holder(**json.loads(info.read_text("utf-8")))
            except (OSError, ValueError, TypeError):
                other = None
            raise Busy("the working warehouse", other, path)
        try:
            me = holder or Holder("cli", "warehouse writer")
            info.write_text(json.dumps(asdict(me), ensure_ascii=False), "utf-8")
            yield
        finally:
            info.unlink(missing_ok=True)
            fcntl.flock(handle, fcntl.LOCK_UN)
