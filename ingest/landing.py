"""The landing folder: which files are there, for which month and unit.

Files are `<landing>/<YYYY-MM>/<unit_code>/<file>`. Discovery lists every file of a month
folder, those in the wrong place too (so they are receipted and rejected, never ignored),
hashes each, and never follows a link into a deeper folder.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .forms import Form, form_for_filename
from .months import MonthError, month_text, parse_month


@dataclass(frozen=True)
class LandingFile:
    """A file found in the landing folder."""

    path: Path
    rel: str
    """The path relative to the landing folder, `/`-separated."""
    month: str
    unit_code: str
    """The unit folder it sits in ('' for a file directly under the month)."""
    sha256: str
    """'' for anything that is not a regular file."""
    size: int
    mtime: float

    @property
    def form(self) -> Form | None:
        """The form its name starts with, if any."""
        return form_for_filename(self.path.name)


def file_digest(path: Path) -> tuple[str, int, float]:
    """Hash, size and mtime of a regular file; ('', size, mtime) for anything else."""
    st = path.lstat()
    if not stat.S_ISREG(st.st_mode):
        return "", st.st_size, st.st_mtime
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest(), st.st_size, st.st_mtime


def discover(landing: Path, month: str) -> list[LandingFile]:
    """Every file under `<landing>/<month>/`, hidden and Office lock files aside.

    Files in the wrong place (directly under the month, in a sub-folder, behind a linked
    folder) are listed too, so that they are receipted and rejected, never ignored. Links
    are listed, never followed into deeper folders.
    """
    root = Path(landing) / month
    found: list[LandingFile] = []
    if not root.is_dir() or root.is_symlink():
        return found

    def add(entry: Path) -> None:
        if entry.name.startswith((".", "~$")):
            return
        rel_parts = entry.relative_to(root).parts
        unit = rel_parts[0] if len(rel_parts) > 1 else ""
        sha, size, mtime = file_digest(entry)
        rel = "/".join((month, *rel_parts))
        found.append(LandingFile(entry, rel, month, unit, sha, size, mtime))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            add(here / name)
        for name in list(dirnames):
            linked = here / name
            if linked.is_symlink():
                for entry in sorted(linked.iterdir()):
                    if not entry.is_dir():
                        add(entry)
    return found


def landing_months(landing: Path) -> list[str]:
    """The `YYYY-MM` folders present in the landing folder, in order."""
    out = []
    if Path(landing).is_dir():
        for d in Path(landing).iterdir():
            try:
                if d.is_dir() and month_text(parse_month(d.name)) == d.name:
                    out.append(d.name)
            except MonthError:
                continue
    return sorted(out)


def is_inside(path: Path, landing: Path) -> bool:
    """True when `path` is a regular file reached through no link, inside `landing`."""
    try:
        resolved = path.resolve(strict=True)
        return (
            not path.is_symlink()
            and resolved == path.absolute()
            and resolved.is_relative_to(Path(landing).resolve())
            and stat.S_ISREG(path.lstat().st_mode)
        )
    except OSError:
        return False
