"""An upload: into the landing tree first, then a receipt in seconds, then loaded.

1. `ingest.landing.receive` writes the file whole into `<landing>/<month>/<unit>/` with its
   arrival time as its submission time: from then on nothing can lose it (the intake DAG or
   the next run would take it too).
2. `ingest.intake.check_file` validates it with intake's own code on a read-only connection
   to the raw store, which readers share (a dbt build reads the store the same way), and
   writes its receipt marked not yet loaded (已校验，待入库).
3. The `Loader` thread loads it with `ingest.intake.ingest_file`, which takes the store's
   writer lock as intake does; while a monthly run holds the store it waits, and when it
   cannot have it (`StoreBusy`) it tries again later. A run that finds the file first takes
   it itself (the loader then just reads its outcome); no upload ever makes a run fail.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..config import CST, Paths
from .storage import PortalStore, now_text

log = logging.getLogger(__name__)

BUSY_RETRY_S = 3.0
"""How soon the loader tries again when the store is held."""
MAX_BACKOFF_S = 600.0


@dataclass
class Received:
    """An upload stored and checked."""

    upload_id: int
    rel_path: str
    file_name: str
    receipt: dict[str, Any] | None
    """The check's receipt (`"loaded": false`); None when the check could not run yet."""
    note_en: str = ""


def accept(
    paths: Paths,
    store: PortalStore,
    month: str,
    unit_code: str,
    file_name: str,
    data: bytes,
    uploaded_by: str,
    loader: Loader | None = None,
) -> Received:
    """Store `data` as an upload of `unit_code` for `month`, check it, queue it for loading."""
    import hashlib

    from ingest.intake import check_file
    from ingest.landing import receive

    received_at = datetime.now(CST)
    f = receive(paths, month, unit_code, file_name or "upload", data, received_at)
    upload_id = store.add_upload(
        month=month,
        unit_code=unit_code,
        rel_path=f.rel,
        file_name=f.path.name,
        original_name=(file_name or "")[:500],
        uploaded_by=uploaded_by,
        received_at=received_at.isoformat(timespec="seconds"),
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        checked_status="received",
    )
    receipt: dict[str, Any] | None = None
    note = ""
    try:
        receipt = check_file(paths, f.rel)
        store.update_upload(upload_id, checked_status=receipt["status"])
    except Exception as exc:  # noqa: BLE001 - the file is safe in the landing tree
        note = f"{type(exc).__name__}: {exc}"[:500]
        log.warning("check of %s deferred to the loader: %s", f.rel, note)
        store.update_upload(upload_id, checked_status="pending", last_error=note)
    if loader is not None:
        loader.kick()
    return Received(upload_id, f.rel, f.path.name, receipt, note)


class Loader:
    """Loads the portal's uploads into the raw store, one at a time, as soon as the store's
    writer lock can be had; retries what could not be loaded yet (uploads survive a restart:
    the queue is the `uploads` table)."""

    def __init__(self, paths: Paths, store: PortalStore, poll_s: float = 2.0):
        self.paths = paths
        self.store = store
        self.poll_s = poll_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.loaded = 0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="zonewh-loader", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def kick(self) -> None:
        """Look at the queue now."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.load_due()
            except Exception:  # the loader must outlive any one failure
                log.exception("loader pass failed")
            self._wake.wait(self.poll_s)
            self._wake.clear()

    def load_due(self) -> int:
        """Load every upload whose turn has come; how many were loaded."""
        done = 0
        for upload in self.store.pending_uploads(due_by=now_text()):
            if self._stop.is_set():
                break
            if self.load_one(upload):
                done += 1
        return done

    def load_one(self, upload: dict[str, Any]) -> bool:
        """Load one upload; True when it is now recorded in the raw store."""
        from ingest.intake import ingest_file
        from ingest.store import StoreBusy

        attempts = int(upload["attempts"]) + 1
        try:
            outcome = ingest_file(self.paths, upload["rel_path"])
        except StoreBusy as exc:
            self._later(upload["id"], attempts, BUSY_RETRY_S, str(exc))
            return False
        except FileNotFoundError:
            self.store.update_upload(
                upload["id"],
                attempts=attempts,
                loaded_at=now_text(),
                load_status="gone",
                last_error="the file is no longer in the landing folder",
            )
            return False
        except Exception as exc:  # noqa: BLE001 - tried again later, with a growing pause
            wait = min(MAX_BACKOFF_S, 5.0 * 2 ** min(attempts, 8))
            self._later(upload["id"], attempts, wait, f"{type(exc).__name__}: {exc}")
            log.warning("loading %s failed (try %d): %s", upload["rel_path"], attempts, exc)
            return False
        self.store.update_upload(
            upload["id"],
            attempts=attempts,
            loaded_at=now_text(),
            load_status=outcome.status,
            version=outcome.version,
            submission_id=outcome.submission_id,
            last_error=None,
        )
        self.store.audit(
            "load",
            "system",
            unit_code=upload["unit_code"],
            month=upload["month"],
            subject=upload["file_name"],
            outcome=outcome.status,
            detail=outcome.submission_id,
        )
        self.loaded += 1
        return True

    def _later(self, upload_id: int, attempts: int, wait_s: float, error: str) -> None:
        at = (datetime.now(CST) + timedelta(seconds=wait_s)).isoformat(timespec="seconds")
        self.store.update_upload(
            upload_id, attempts=attempts, next_try_at=at, last_error=error[:500]
        )

    def wait_idle(self, timeout: float) -> bool:
        """Wait until nothing is pending (for tests and the benchmark); True when idle."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.store.pending_uploads():
                return True
            self.kick()
            time.sleep(0.1)
        return not self.store.pending_uploads()
