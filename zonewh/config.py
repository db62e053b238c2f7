"""Where things are: the home folder and its parts, from the environment.

`ZONEWH_HOME` (default `./.zonewh` in the checkout) holds the state;
`ZONEWH_LANDING` overrides the landing folder (default `<home>/landing`).
Every function reads the environment when called, never at import time.
`Paths` extends intake's own `IntakePaths` (landing, quarantine, receipts, archive, the
raw store) with what the rest of the application writes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ingest.settings import CST, DEFAULT_REFERENCE_DIR, IntakePaths

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
REFERENCE_DIR = DEFAULT_REFERENCE_DIR
"""The reference CSVs (dbt seeds), as intake reads them."""
EXPECTATIONS_DIR = REPO_ROOT / "expectations"

__all__ = [
    "CST",
    "DBT_PROJECT_DIR",
    "EXPECTATIONS_DIR",
    "REFERENCE_DIR",
    "REPO_ROOT",
    "HomeError",
    "Paths",
    "paths",
]


class HomeError(RuntimeError):
    """The home folder cannot be used (a file in its place, no permission)."""


@dataclass(frozen=True)
class Paths(IntakePaths):
    """The folders and files of one home."""

    @property
    def warehouse_dir(self) -> Path:
        return self.store_dir

    @property
    def warehouse(self) -> Path:
        """The working DuckDB file that dbt builds (it reads `raw` from the raw store)."""
        return self.warehouse_dir / "zone.duckdb"

    @property
    def published_dir(self) -> Path:
        return self.home / "published"

    @property
    def published(self) -> Path:
        """The file BI tools and analysts open read-only."""
        return self.published_dir / "zone.duckdb"

    @property
    def vintages(self) -> Path:
        return self.published_dir / "vintages"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    def ensure(self) -> Paths:
        """Create the folders (not the files); HomeError when the home cannot hold them."""
        for d in (self.home, self.landing):
            if d.exists() and not d.is_dir():
                raise HomeError(f"{d} is a file, not a folder: set ZONEWH_HOME to a folder")
        try:
            super().ensure()
            for d in (self.published_dir, self.vintages, self.reports):
                d.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HomeError(
                f"cannot create the home's folders under {self.home}: {exc.strerror}"
            ) from None
        return self


def paths() -> Paths:
    """The paths for the current environment."""
    home = Path(os.environ.get("ZONEWH_HOME") or REPO_ROOT / ".zonewh").resolve()
    landing = Path(os.environ.get("ZONEWH_LANDING") or home / "landing").resolve()
    return Paths(home=home, landing=landing)
