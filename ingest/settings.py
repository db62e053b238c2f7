"""Where intake finds things, and how long and how much it may spend on a file.

China Standard Time, the reference folder, a home's folders (`IntakePaths`) and the limits
of a run (`IntakeLimits`). Every entry point of the package takes an `IntakePaths` from its
caller (or anything with the same attributes, such as the application's own paths, which
extend it); the home is never read from the environment. The limits are: a caller may pass
them, else `IntakeLimits.from_env()` reads the `ZONEWH_*` knobs when the run starts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any, ClassVar

CST = timezone(timedelta(hours=8), name="CST")
"""China Standard Time (UTC+8): submission deadlines are judged in it."""

DEFAULT_REFERENCE_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"
"""The reference CSVs of the repository (the same files dbt seeds)."""

RAW_STORE_NAME = "raw.duckdb"
"""The file name of the raw store inside `<home>/warehouse/`."""


@dataclass(frozen=True)
class IntakePaths:
    """The folders and the store intake reads and writes under one home."""

    home: Path
    landing: Path
    """Where submitters' files land: `<landing>/<YYYY-MM>/<unit_code>/<file>`."""

    @property
    def quarantine(self) -> Path:
        """Rejected files, with their receipts."""
        return self.home / "quarantine"

    @property
    def receipts(self) -> Path:
        """The JSON and HTML receipt of every file."""
        return self.home / "receipts"

    @property
    def archive(self) -> Path:
        """Every accepted version, copied as it was read (the landing file may be overwritten)."""
        return self.home / "archive"

    @property
    def intake(self) -> Path:
        """Intake's private working folder: the snapshot of each file being taken, and the
        records of files the portal received whole."""
        return self.home / "intake"

    @property
    def store_dir(self) -> Path:
        """The folder holding the raw store (and, next to it, the files built from it)."""
        return self.home / "warehouse"

    @property
    def raw_store(self) -> Path:
        """The DuckDB file intake writes: schema `raw` and nothing else."""
        return self.store_dir / RAW_STORE_NAME

    def ensure(self) -> IntakePaths:
        """Create the folders (not the store) and return self."""
        for folder in (
            self.home,
            self.landing,
            self.quarantine,
            self.receipts,
            self.archive,
            self.store_dir,
        ):
            folder.mkdir(parents=True, exist_ok=True)
        return self


@dataclass(frozen=True)
class IntakeLimits:
    """How intake waits for files and the store, and what the reader of one file may use."""

    quiet_s: float = 60.0
    """A landing file is taken once its size and modification time have not changed for
    this long (`ZONEWH_QUIET_SECONDS`)."""
    parse_memory_mb: int = 2048
    """Address space of the process that reads untrusted files (`ZONEWH_PARSE_MEMORY_MB`)."""
    parse_s: float = 60.0
    """Time the reader may take for one file (`ZONEWH_PARSE_SECONDS`)."""
    store_wait_s: float = 120.0
    """How long to wait for the raw store's lock (`ZONEWH_STORE_WAIT_SECONDS`)."""

    ENV: ClassVar[dict[str, tuple[str, float]]] = {
        "quiet_s": ("ZONEWH_QUIET_SECONDS", 0.0),
        "parse_memory_mb": ("ZONEWH_PARSE_MEMORY_MB", 256.0),
        "parse_s": ("ZONEWH_PARSE_SECONDS", 1.0),
        "store_wait_s": ("ZONEWH_STORE_WAIT_SECONDS", 0.0),
    }
    """Each limit's environment variable and its smallest allowed value."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> IntakeLimits:
        """The limits set in the environment (the defaults where a variable is unset or
        empty); ValueError naming the variable when a value is not a number or too small."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, (var, smallest) in cls.ENV.items():
            text = (env.get(var) or "").strip()
            if not text:
                continue
            try:
                value = float(text)
            except ValueError:
                value = float("nan")
            if not value >= smallest or value == float("inf"):
                raise ValueError(f"{var} must be a number of at least {smallest:g}, got {text!r}")
            values[name] = int(value) if name == "parse_memory_mb" else value
        return cls(**values)


PORTAL_URL_ENV = "ZONEWH_PORTAL_URL"
"""The web portal's address; when set, receipts send a resubmission there."""


def portal_url(environ: Mapping[str, str] | None = None) -> str | None:
    """The portal address from `ZONEWH_PORTAL_URL` (read when called); None when unset."""
    env = os.environ if environ is None else environ
    return (env.get(PORTAL_URL_ENV) or "").strip() or None
