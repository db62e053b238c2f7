"""Where intake finds things: China Standard Time, the reference folder, a home's folders.

Nothing here reads the environment. Every entry point of the package takes an
`IntakePaths` from its caller (or anything with the same attributes, such as the
application's own paths, which extend it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta, timezone
from pathlib import Path

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
