"""File moves that readers can never catch half-done: copy to a hidden name, fsync, rename."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def make_read_only(path: Path) -> None:
    """r--r--r--: readers open the published files read-only (DuckDB cannot lock them
    for writing), and nothing but the next publication replaces them."""
    os.chmod(path, READ_ONLY)


def atomic_copy(source: Path, target: Path, tag: str, read_only: bool = False) -> Path:
    """Copy to a hidden temporary name in the target's folder, then rename over the target."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{tag}")
    shutil.copyfile(source, tmp)
    fsync_file(tmp)
    if read_only:
        make_read_only(tmp)
    os.replace(tmp, target)
    fsync_dir(target.parent)
    return target


def atomic_replace(source: Path, target: Path) -> None:
    """Rename `source` over `target` (same folder) and make it durable."""
    fsync_file(source)
    os.replace(source, target)
    fsync_dir(target.parent)


def swap_link(link: Path, target_name: str, tag: str) -> None:
    """Point the symbolic link `link` at `target_name` (relative, in the same folder) in one
    rename: a reader following it sees the old folder or the new one, never neither."""
    tmp = link.with_name(f".{link.name}.link-{tag}")
    tmp.unlink(missing_ok=True)
    os.symlink(target_name, tmp)
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link) if link.is_dir() else link.unlink()
    os.replace(tmp, link)
    fsync_dir(link.parent)
