"""The sandbox: untrusted files are checked and read in a separate process, with limits.

Parsing a submitted file (the zip and XML checks of `safety.check_content`, fastexcel,
the CSV decoder and scanner, the result as Arrow) is the riskiest thing intake does:
a crafted file may exhaust memory, run for ever, or crash a native library. So it
happens in a worker process (`python -m ingest.sandbox`) that:

- has an address-space limit (`RLIMIT_AS`, `IntakeLimits.parse_memory_mb`);
- is given `IntakeLimits.parse_s` seconds per request, then killed;
- refuses a result above `MAX_OUTPUT_CELLS` (rows × columns) or `MAX_OUTPUT_BYTES`;
- is long-lived (one per run: starting an interpreter per file would cost more than
  reading a small file), and started again after a crash.

Whatever goes wrong (a signal, a timeout, a limit) becomes that file's rejection with a
reason in Chinese and English; the run goes on with the next file. The result travels
back as an Arrow IPC file in the sandbox's own temporary folder.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any, Self

from .errors import FileRejected, Problem
from .forms import FORMS, Form
from .readers import SheetData
from .settings import IntakeLimits

log = logging.getLogger(__name__)

MAX_OUTPUT_CELLS = 40_000_000
"""The most cells (rows × columns) the reader may hand back for one file."""
MAX_OUTPUT_BYTES = 1 << 30
"""The most bytes of Arrow data the reader may hand back for one file."""
STARTUP_S = 60.0
"""How long a new worker may take to import its libraries."""
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
TIMED_OUT = b"\0timed out"
"""What `Sandbox._reply` gives when the deadline comes before a reply."""
WORKER_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MALLOC_ARENA_MAX": "2",
    "ARROW_DEFAULT_MEMORY_POOL": "system",
    "PYTHONUNBUFFERED": "1",
}
"""The worker's environment on top of the caller's: allocators that reserve gigabytes of
address space up front (per-thread malloc arenas, Arrow's mimalloc) would make the
address-space limit meaningless, so the worker uses few arenas and the system allocator."""


def worker_command() -> list[str]:
    """The command that starts a worker (its limits are passed as arguments)."""
    return [sys.executable, "-m", "ingest.sandbox"]


class Sandbox:
    """A worker process that checks and reads untrusted files; `check` and `read` raise
    `FileRejected` for anything the file does to it. Use as a context manager (or call
    `close`). Safe to share between threads (one request at a time)."""

    def __init__(self, limits: IntakeLimits | None = None):
        self.limits = limits or IntakeLimits.from_env()
        self._proc: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self._lock = threading.Lock()
        self._tmp: Path | None = None
        self._stderr: IO[bytes] | None = None
        self._count = 0
        self.started = 0
        """How many workers were started (a crash or a timeout starts a new one)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ requests

    def check(self, path: Path) -> None:
        """The content checks of `safety.check_content` on `path`, in the worker."""
        self._call({"op": "check", "path": str(path)}, Path(path))

    def read(self, path: Path, form: Form, check: bool = False) -> SheetData:
        """`readers.read_submission(path, form)`, in the worker; the table comes back as
        Arrow. With `check`, the content checks run first, in the same request."""
        import pyarrow as pa

        with self._lock:
            self._count += 1
            out = self._folder() / f"{self._count}.arrow"
        request = {"op": "read", "path": str(path), "form": form.code, "out": str(out)}
        try:
            reply = self._call({**request, "check": check}, Path(path))
            table = pa.ipc.open_file(pa.memory_map(str(out))).read_all()
        finally:
            out.unlink(missing_ok=True)
        return SheetData(
            reply["sheet"],
            reply["header_row"],
            reply["headers"],
            table,
            reply["extra"],
            reply["missing"],
            dict(reply.get("columns") or {}),
        )

    def _call(self, request: dict[str, Any], path: Path) -> dict[str, Any]:
        with self._lock:
            reply = self._exchange(request, path)
        if reply.get("ok"):
            return reply
        if "problems" in reply:
            raise FileRejected([Problem(**p) for p in reply["problems"]])
        if reply.get("limit") == "memory":
            raise out_of_memory(path, self.limits)
        if reply.get("limit") == "output":
            raise too_much_output(path, reply["rows"], reply["columns"], reply["bytes"])
        raise internal_error(path, reply.get("error") or "no reply")

    def _exchange(self, request: dict[str, Any], path: Path) -> dict[str, Any]:
        """Send one request and wait for its reply, within the time limit."""
        proc = self._worker()
        try:
            assert proc.stdin is not None
            proc.stdin.write(json.dumps(request).encode() + b"\n")
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            rc = self._reap()
            raise crashed(path, rc) from None
        deadline = time.monotonic() + self.limits.parse_s
        line = self._reply(deadline)
        if line is TIMED_OUT:
            self._kill()
            raise timed_out(path, self.limits)
        if line is None:
            rc = self._reap()
            raise crashed(path, rc)
        return json.loads(line)

    def _reply(self, deadline: float) -> bytes | None:
        """The next line the worker writes; None when it ended first, `TIMED_OUT` when the
        deadline came first."""
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        fd = proc.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return TIMED_OUT
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return TIMED_OUT
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    # ------------------------------------------------------------ the worker

    def _folder(self) -> Path:
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="zonewh-sandbox-"))
        return self._tmp

    def _worker(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        if self._proc is not None:
            self._reap()
        env = dict(os.environ)
        env.update(WORKER_ENV)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(PACKAGE_ROOT), env.get("PYTHONPATH", "")) if p
        )
        if self._stderr is not None:
            self._stderr.close()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the worker
        self._proc = subprocess.Popen(
            [*worker_command(), str(self.limits.parse_memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            cwd=self._folder(),
            close_fds=True,
        )
        self._buffer = b""
        self.started += 1
        ready = self._reply(time.monotonic() + max(STARTUP_S, self.limits.parse_s))
        if ready in (None, TIMED_OUT) or not json.loads(ready).get("ready"):
            rc = self._reap() if self._proc.poll() is not None else self._kill()
            raise RuntimeError(
                f"the file reader process did not start (exit {rc}): {self._stderr_tail()}"
            )
        return self._proc

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.seek(0, os.SEEK_END)
            size = self._stderr.tell()
            self._stderr.seek(max(0, size - 2000))
            return self._stderr.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""

    def _kill(self) -> int | None:
        if self._proc is None:
            return None
        self._proc.kill()
        return self._reap()

    def _reap(self) -> int | None:
        """Wait for a finished (or killed) worker; its exit code; logs what it said."""
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        try:
            rc = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        tail = self._stderr_tail()
        if rc and tail:
            log.warning("file reader process ended with %s: %s", rc, tail[-1000:])
        return rc

    def close(self) -> None:
        """Stop the worker and remove the temporary folder."""
        with self._lock:
            proc = self._proc
            if proc is not None and proc.poll() is None:
                proc.kill()  # it holds nothing worth a clean exit
            self._reap()
            if self._stderr is not None:
                self._stderr.close()
                self._stderr = None
            if self._tmp is not None:
                shutil.rmtree(self._tmp, ignore_errors=True)
                self._tmp = None


_SHARED: dict[IntakeLimits, Sandbox] = {}
_SHARED_LOCK = threading.Lock()


def shared(limits: IntakeLimits) -> Sandbox:
    """A sandbox for this process and these limits, kept for the next call (the portal
    checks files one at a time); stopped when the process exits."""
    with _SHARED_LOCK:
        if not _SHARED:
            atexit.register(close_shared)
        box = _SHARED.get(limits)
        if box is None:
            box = _SHARED[limits] = Sandbox(limits)
        return box


def close_shared() -> None:
    """Stop the shared sandboxes."""
    with _SHARED_LOCK:
        for box in _SHARED.values():
            box.close()
        _SHARED.clear()


# ---------------------------------------------------------------- rejections

ADVICE_ZH = "请检查文件能否在 Excel 中正常打开，删除多余的行、列和工作表，另存为 .xlsx 后重新报送"
ADVICE_EN = (
    "check that it opens in Excel, remove unused rows, columns and sheets, save it again "
    "as .xlsx and resubmit"
)


def _problem(rule: str, path: Path, zh: str, en: str, value: str | None = None) -> FileRejected:
    name = Path(path).name
    return FileRejected(
        Problem(
            "error",
            rule,
            None,
            None,
            None,
            value,
            f"文件“{name}”：文件过大或已损坏，{zh}；{ADVICE_ZH}",
            f"file '{name}': the file is too large or damaged: {en}; {ADVICE_EN}",
        )
    )


def crashed(path: Path, rc: int | None) -> FileRejected:
    """The worker died while reading `path`."""
    if rc is not None and rc < 0:
        try:
            how = signal.Signals(-rc).name
        except ValueError:
            how = f"signal {-rc}"
    else:
        how = f"exit {rc}"
    return _problem(
        "reader_crashed",
        path,
        f"读取该文件时读取程序异常终止（{how}），文件未被处理",
        f"the reader stopped abnormally while reading it ({how})",
        value=how,
    )


def timed_out(path: Path, limits: IntakeLimits) -> FileRejected:
    """The worker took longer than the time limit."""
    return _problem(
        "reader_timeout",
        path,
        f"读取超过 {limits.parse_s:g} 秒仍未完成，已停止",
        f"reading it took longer than {limits.parse_s:g} s and was stopped",
        value=f"{limits.parse_s:g} s",
    )


def out_of_memory(path: Path, limits: IntakeLimits) -> FileRejected:
    """Reading needed more memory than the limit."""
    return _problem(
        "reader_memory",
        path,
        f"读取所需内存超过上限 {limits.parse_memory_mb} MB",
        f"reading it needs more memory than the limit of {limits.parse_memory_mb} MB",
        value=f"{limits.parse_memory_mb} MB",
    )


def too_much_output(path: Path, rows: int, columns: int, size: int) -> FileRejected:
    """The result is larger than the output limits."""
    return _problem(
        "reader_output",
        path,
        f"读取结果有 {rows:,} 行 × {columns} 列（{size / 2**20:,.0f} MB），超过上限"
        f"（{MAX_OUTPUT_CELLS:,} 个单元格、{MAX_OUTPUT_BYTES // 2**20:,} MB）",
        f"it reads as {rows:,} rows × {columns} columns ({size / 2**20:,.0f} MB), over the "
        f"caps ({MAX_OUTPUT_CELLS:,} cells, {MAX_OUTPUT_BYTES // 2**20:,} MB)",
        value=f"{rows}x{columns}",
    )


def internal_error(path: Path, detail: str) -> FileRejected:
    """An unexpected failure while reading (never a traceback)."""
    name = Path(path).name
    return FileRejected.reason(
        "internal_read_error",
        f"文件“{name}”：文件读取时发生内部错误，无法处理；请检查文件能否在 Excel 中正常打开，"
        "或另存后重新报送",
        f"file '{name}': internal read error: {detail}"[:500],
    )


# ---------------------------------------------------------------- in the worker


def _serve(memory_mb: int) -> None:
    """The worker's loop: one JSON request per line on stdin, one reply per line."""
    import resource

    import duckdb

    from . import readers, safety

    reply_fd = os.dup(1)
    os.dup2(2, 1)
    replies = os.fdopen(reply_fd, "wb", buffering=0)
    limit = memory_mb * 2**20
    con = duckdb.connect(
        config={
            "threads": str(min(os.cpu_count() or 1, 4)),
            "memory_limit": f"{max(memory_mb // 2, 128)}MB",
            "autoinstall_known_extensions": "false",
            "autoload_known_extensions": "false",
        }
    )
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no core of a file

    def answer(body: dict[str, Any]) -> None:
        replies.write(json.dumps(body, ensure_ascii=False).encode() + b"\n")

    answer({"ready": True})
    for line in sys.stdin.buffer:
        request = json.loads(line)
        path = Path(request["path"])
        try:
            if request["op"] == "check" or request.get("check"):
                safety.check_content(path)
            if request["op"] == "check":
                answer({"ok": True})
                continue
            data = readers.read_submission(path, FORMS[request["form"]], con)
            answer(_deliver(data, Path(request["out"])))
        except FileRejected as exc:
            answer({"ok": False, "problems": [asdict(p) for p in exc.problems]})
        except (MemoryError, duckdb.OutOfMemoryException):
            answer({"ok": False, "limit": "memory"})
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - a reader panic is a BaseException
            text = str(exc).replace(str(path), path.name).replace(str(path.parent), "")
            if "memory" in text.lower() and "alloc" in text.lower():
                answer({"ok": False, "limit": "memory"})
            else:
                answer({"ok": False, "error": f"{type(exc).__name__}: {text}"[:400]})


def _deliver(data: SheetData, out: Path) -> dict[str, Any]:
    """Write the table as Arrow IPC to `out` (within the output limits); the reply."""
    import pyarrow as pa

    table = data.table
    cells = table.num_rows * max(table.num_columns, 1)
    if cells > MAX_OUTPUT_CELLS or table.nbytes > MAX_OUTPUT_BYTES:
        return {
            "ok": False,
            "limit": "output",
            "rows": table.num_rows,
            "columns": table.num_columns,
            "bytes": table.nbytes,
        }
    with pa.OSFile(str(out), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return {
        "ok": True,
        "sheet": data.sheet,
        "header_row": data.header_row,
        "headers": data.headers,
        "extra": data.extra_headers,
        "missing": data.missing_optional,
        "columns": data.columns,
    }


def main(argv: list[str] | None = None) -> None:
    """Entry point of the worker process: `python -m ingest.sandbox <memory MB>`."""
    args = sys.argv[1:] if argv is None else argv
    _serve(int(args[0]) if args else IntakeLimits().parse_memory_mb)


if __name__ == "__main__":
    main()
