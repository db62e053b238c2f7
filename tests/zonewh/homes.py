"""Homes for end-to-end tests: the demo's files, a home with 2019-01 published, copies of it."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

BASE, MONTH = "2019-01", "2019-02"


def hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder` (links followed), by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def copy_home(
    base: Path, target: Path, demo_landing: Path, months: tuple[str, ...] = (MONTH,)
) -> Path:
    """A copy of a published home with the demo files of `months` added to its landing."""
    shutil.copytree(base, target, symlinks=True)
    for month in months:
        shutil.copytree(demo_landing / month, target / "landing" / month)
    return target
