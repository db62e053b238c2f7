"""Reading intake's raw store from the later steps (read-only, never while writing it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .config import Paths


@contextmanager
def open_raw(p: Paths) -> Iterator[Any]:
    """A read-only connection to the raw store (an empty one when nothing was ingested)."""
    from ingest.store import open_store

    con = open_store(p, read_only=True)
    try:
        yield con
    finally:
        con.close()
