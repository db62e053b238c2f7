"""Where things are: the home folder and its parts, from the environment.

`ZONEWH_HOME` (default `./.zonewh` in the checkout) holds the state;
`ZONEWH_LANDING` overrides the landing folder (default `<home>/landing`).
Every function reads the environment when called, never at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta, timezone
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
REFERENCE_DIR = DBT_PROJECT_DIR / "seeds"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"

CST = timezone(timedelta(hours=8), name="CST")
"""China Standard Time: submission deadlines are judged in it."""


class HomeError(RuntimeError):
    """The home folder cannot be used (a file in its place, no permission)."""


@dataclass(frozen=True)
class Paths:
    """The folders and files of one home."""

    home: Path
    landing: Path

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def receipts(self) -> Path:
        return self.home / "receipts"

    @property
    def archive(self) -> Path:
        """Every accepted version, copied as it was read (the landing file may be overwritten)."""
        return self.home / "archive"

    @property
    def warehouse_dir(self) -> Path:
        return self.home / "warehouse"

    @property
    def warehouse(self) -> Path:
        """The working DuckDB file that ingest loads and dbt builds."""
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
            self._make()
        except OSError as exc:
            raise HomeError(
                f"cannot create the home's folders under {self.home}: {exc.strerror}"
            ) from None
        return self

    def _make(self) -> None:
        for d in (
            self.home,
            self.landing,
            self.quarantine,
            self.receipts,
            self.archive,
            self.warehouse_dir,
            self.published_dir,
            self.vintages,
            self.reports,
        ):
            d.mkdir(parents=True, exist_ok=True)


def paths() -> Paths:
    """The paths for the current environment."""
    home = Path(os.environ.get("ZONEWH_HOME") or REPO_ROOT / ".zonewh").resolve()
    landing = Path(os.environ.get("ZONEWH_LANDING") or home / "landing").resolve()
    return Paths(home=home, landing=landing)
