"""The landing folder: what is there, whether it is whole, and intake's private copy of it.

Files are `<landing>/<YYYY-MM>/<unit_code>/<file>`. Discovery lists every entry of a month
folder without opening any file: files in the wrong place too, links, hidden files and
Office lock files (so that each is receipted and rejected, never ignored). It walks with
directory handles opened without following links, so nothing behind a link is ever
listed, opened or hashed: a link, at any level, is an entry of its own.

A file is taken only once it is whole (`is_quiet`): its modification time is at least
the quiet period old, or the portal received it whole (`receive`). Taking it (`take`)
copies it once to a private snapshot under `<home>/intake/`, hashing the bytes copied;
a file whose size or modification time changed during the copy is left for the next
run. Everything after (the checks, the reader, the archive) uses that one copy.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from .forms import Form, form_for_filename
from .months import MonthError, month_text, parse_month
from .safety import MAX_CSV_BYTES, MAX_XLSX_BYTES, UNIT_RE
from .settings import IntakePaths

MAX_DEPTH = 6
"""How deep discovery descends below a month folder (deeper folders are entries)."""
COPY_CAP = max(MAX_CSV_BYTES, MAX_XLSX_BYTES)
"""A file larger than this is hashed but not copied: it is refused on its size."""
RECEIVED_DIR = "received"
"""Under `<home>/intake/`: one record per file the portal received whole."""
MAX_NAME_BYTES = 180
"""The longest stored name (bytes, UTF-8) of a received file: receipts, archive and
quarantine names add to it, and file systems stop at 255."""

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


@dataclass(frozen=True)
class LandingFile:
    """An entry found in the landing folder (a file, or a link, hidden file, lock file…)."""

    path: Path
    rel: str
    """The path relative to the landing folder, `/`-separated."""
    month: str
    unit_code: str
    """The unit folder it sits in ('' for an entry directly under the month)."""
    sha256: str
    """The SHA-256 of the bytes taken; '' before `take`, and for anything that is not a
    regular file (nothing behind a link is hashed)."""
    size: int
    mtime: float
    kind: str = "file"
    """file | link | hidden | lock | other (`safety.ENTRY_KINDS`), as discovery saw it."""
    mtime_ns: int = 0
    inode: int = 0
    is_dir: bool = False
    """A folder (hidden, or too deep to descend into), listed as an entry of its own."""
    snapshot: Path | None = None
    """Intake's private copy (set by `take`): what is checked, read and archived."""

    @property
    def form(self) -> Form | None:
        """The form its name starts with, if any."""
        return form_for_filename(self.path.name)

    @property
    def source(self) -> Path:
        """What to read: the private copy once taken, else the landing file itself."""
        return self.snapshot or self.path

    @property
    def key(self) -> str:
        """A short hash telling this version of the entry apart: of its bytes when taken,
        else of its path and modification time."""
        if self.sha256:
            return self.sha256[:8]
        return hashlib.sha256(f"{self.rel}\0{self.mtime_ns}".encode()).hexdigest()[:8]


class NotWhole(RuntimeError):
    """A landing file changed (or vanished) while intake copied it: it is not whole yet."""


# ---------------------------------------------------------------- discovery


def landing_months(landing: Path) -> list[str]:
    """The `YYYY-MM` entries of the landing folder, in order: month folders, and links
    named like one (they are discovered as one rejected entry)."""
    out = []
    if Path(landing).is_dir():
        for d in Path(landing).iterdir():
            try:
                is_month = month_text(parse_month(d.name)) == d.name
            except MonthError:
                continue
            if is_month and (d.is_symlink() or stat.S_ISDIR(d.lstat().st_mode)):
                out.append(d.name)
    return sorted(out)


def discover(landing: Path, month: str) -> list[LandingFile]:
    """Every entry under `<landing>/<month>/`, in name order, opening no file.

    Regular files anywhere below the month (misplaced ones too), and, as entries of their
    own, links (never followed), hidden files and folders, Office lock files (`~$…`) and
    anything that is not a regular file. A month that is itself a link is one entry.
    """
    found: list[LandingFile] = []
    try:
        root = os.open(landing, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return found
    try:
        try:
            st = os.stat(month, dir_fd=root, follow_symlinks=False)
        except OSError:
            return found
        if stat.S_ISLNK(st.st_mode):
            found.append(_entry(Path(landing), (month,), st, "link"))
        elif stat.S_ISDIR(st.st_mode):
            with _opened_dir(month, root) as fd:
                if fd is None:
                    found.append(_entry(Path(landing), (month,), st, "link"))
                else:
                    _walk(Path(landing), fd, (month,), found)
    finally:
        os.close(root)
    return found


@contextmanager
def _opened_dir(name: str, parent: int) -> Iterator[int | None]:
    """A handle on the folder `name` inside `parent`, or None when it is (now) a link."""
    try:
        fd = os.open(name, _DIR_FLAGS, dir_fd=parent)
    except OSError:
        yield None
        return
    try:
        yield fd
    finally:
        os.close(fd)


def _walk(landing: Path, fd: int, parts: tuple[str, ...], found: list[LandingFile]) -> None:
    with os.scandir(fd) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        here = (*parts, entry.name)
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        mode = st.st_mode
        if stat.S_ISLNK(mode):
            found.append(_entry(landing, here, st, "link"))
        elif entry.name.startswith("."):
            found.append(_entry(landing, here, st, "hidden"))
        elif entry.name.startswith("~$"):
            found.append(_entry(landing, here, st, "lock"))
        elif stat.S_ISDIR(mode) and len(here) <= MAX_DEPTH:
            with _opened_dir(entry.name, fd) as sub:
                if sub is None:
                    found.append(_entry(landing, here, st, "link"))
                else:
                    _walk(landing, sub, here, found)
        elif stat.S_ISREG(mode):
            found.append(_entry(landing, here, st, "file"))
        else:
            found.append(_entry(landing, here, st, "other"))


def _entry(landing: Path, parts: tuple[str, ...], st: os.stat_result, kind: str) -> LandingFile:
    unit = parts[1] if len(parts) > 2 else ""
    return LandingFile(
        path=landing.joinpath(*parts),
        rel="/".join(parts),
        month=parts[0],
        unit_code=unit,
        sha256="",
        size=st.st_size,
        mtime=st.st_mtime,
        kind=kind,
        mtime_ns=st.st_mtime_ns,
        inode=st.st_ino,
        is_dir=stat.S_ISDIR(st.st_mode),
    )


def entry(landing: Path, rel: str) -> LandingFile:
    """The landing entry at `rel` (as discovery would list it); FileNotFoundError when
    there is none or `rel` leaves the landing folder."""
    parts = tuple(p for p in rel.replace("\\", "/").split("/") if p not in ("", "."))
    if not parts or ".." in parts:
        raise FileNotFoundError(rel)
    with _parent_dir(Path(landing), parts) as fd:
        if fd is None:
            found = _linked_ancestor(Path(landing), parts)
            if found is None:
                raise FileNotFoundError(rel)
            return found
        st = os.stat(parts[-1], dir_fd=fd, follow_symlinks=False)
    name, mode = parts[-1], st.st_mode
    if stat.S_ISLNK(mode):
        kind = "link"
    elif name.startswith("."):
        kind = "hidden"
    elif name.startswith("~$"):
        kind = "lock"
    else:
        kind = "file" if stat.S_ISREG(mode) else "other"
    return _entry(Path(landing), parts, st, kind)


def _linked_ancestor(landing: Path, parts: tuple[str, ...]) -> LandingFile | None:
    """The first link on the way to `parts`, as its own entry (None when none)."""
    for i in range(1, len(parts)):
        with _parent_dir(landing, parts[:i]) as fd:
            if fd is None:
                return None
            try:
                st = os.stat(parts[i - 1], dir_fd=fd, follow_symlinks=False)
            except OSError:
                return None
            if stat.S_ISLNK(st.st_mode):
                return _entry(landing, parts[:i], st, "link")
    return None


@contextmanager
def _parent_dir(landing: Path, parts: tuple[str, ...]) -> Iterator[int | None]:
    """A handle on the folder holding `parts[-1]`, reached through no link (None if not)."""
    fd = os.open(landing, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts[:-1]:
            try:
                sub = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError:
                os.close(fd)
                fd = -1
                yield None
                return
            os.close(fd)
            fd = sub
        yield fd
    finally:
        if fd >= 0:
            os.close(fd)


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


# ---------------------------------------------------------------- whole files


def is_quiet(f: LandingFile, quiet_s: float, now: float | None = None) -> bool:
    """True when the entry has not changed for `quiet_s` seconds (its modification time is
    that old). A link or a folder has no content being written: it is whole at once."""
    if f.kind == "link" or f.is_dir:
        return True
    return (time.time() if now is None else now) - f.mtime >= quiet_s


def _open_file(landing: Path, rel: str) -> int:
    """A read handle on the regular file at `rel`, reached through no link."""
    parts = tuple(rel.split("/"))
    with _parent_dir(landing, parts) as fd:
        if fd is None:
            raise NotWhole(f"{rel}: a folder on its way is gone or is a link")
        try:
            return os.open(parts[-1], _FILE_FLAGS, dir_fd=fd)
        except OSError as exc:
            raise NotWhole(f"{rel}: {exc.strerror}") from None


def _same(st: os.stat_result, f: LandingFile) -> bool:
    return stat.S_ISREG(st.st_mode) and (st.st_size, st.st_mtime_ns, st.st_ino) == (
        f.size,
        f.mtime_ns,
        f.inode,
    )


def digest(landing: Path, f: LandingFile) -> str:
    """The SHA-256 of a regular landing file as it is now (read through no link);
    NotWhole when it is no longer the file discovery saw."""
    fd = _open_file(Path(landing), f.rel)
    try:
        if not _same(os.fstat(fd), f):
            raise NotWhole(f"{f.rel} changed since it was listed")
        h = hashlib.sha256()
        while chunk := os.read(fd, 1 << 20):
            h.update(chunk)
        if not _same(os.fstat(fd), f):
            raise NotWhole(f"{f.rel} changed while it was read")
        return h.hexdigest()
    finally:
        os.close(fd)


def take(landing: Path, f: LandingFile, folder: Path) -> LandingFile:
    """Copy a regular landing file once into a new folder under `folder` (keeping its
    name), hashing the bytes copied; the entry with `sha256` and `snapshot` set.

    A file larger than `COPY_CAP` is hashed, not copied (`snapshot` stays None: it is
    refused on its size). NotWhole when the file is not the one discovery saw, or its
    size or modification time changed during the copy (it is left for the next run).
    """
    fd = _open_file(Path(landing), f.rel)
    target: Path | None = None
    try:
        if not _same(os.fstat(fd), f):
            raise NotWhole(f"{f.rel} changed since it was listed")
        h = hashlib.sha256()
        if f.size <= COPY_CAP:
            target = Path(tempfile.mkdtemp(prefix="f", dir=folder)) / f.path.name
            with target.open("xb") as out:
                while chunk := os.read(fd, 1 << 20):
                    h.update(chunk)
                    out.write(chunk)
            os.utime(target, ns=(f.mtime_ns, f.mtime_ns))
        else:
            while chunk := os.read(fd, 1 << 20):
                h.update(chunk)
        after = os.fstat(fd)
        try:
            still = entry(Path(landing), f.rel)
        except OSError:
            raise NotWhole(f"{f.rel} vanished while it was copied") from None
        if not _same(after, f) or (still.size, still.mtime_ns, still.inode) != (
            f.size,
            f.mtime_ns,
            f.inode,
        ):
            raise NotWhole(f"{f.rel} changed while it was copied")
    except BaseException:
        if target is not None:
            discard(target)
        raise
    finally:
        os.close(fd)
    return replace(f, sha256=h.hexdigest(), snapshot=target)


def discard(snapshot: Path | None) -> None:
    """Remove a snapshot and the folder `take` made for it."""
    if snapshot is None:
        return
    with suppress(OSError):
        snapshot.unlink()
    with suppress(OSError):
        snapshot.parent.rmdir()


# ---------------------------------------------------------------- portal uploads


def safe_name(name: str) -> str:
    """A file name that is safe to store: folder parts joined by `_` (`.` and `..` dropped),
    no NUL or control characters, no `..`, not hidden, at most `MAX_NAME_BYTES` bytes (the
    extension kept); Chinese and other letters are kept as they are."""
    name = unicodedata.normalize("NFC", name)
    parts = [p for p in re.split(r"[/\\]", name) if p not in ("", ".", "..")]
    name = "_".join(parts)
    name = re.sub(r'[\x00-\x1f\x7f:*?"<>|]', "_", name)
    name = re.sub(r"\.{2,}", ".", name)
    name = name.strip().lstrip(".~$ ").rstrip(". ")
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 10:
        stem, ext = name, ""
    ext = f".{ext}" if ext else ""
    stem = stem or "upload"
    while len((stem + ext).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem + ext


def receive(
    paths: IntakePaths,
    month: str,
    unit_code: str,
    file_name: str,
    data: bytes,
    received_at: datetime,
) -> LandingFile:
    """Store an uploaded file in the landing tree, whole, and return its entry.

    The file goes to `<landing>/<month>/<unit_code>/<safe name>` (`safe_name`; a name
    already there gets a suffix `_2`, `_3`…: nothing is overwritten), written under a
    temporary name and linked into place, its modification time `received_at` (its
    submission time). It is whole on arrival: intake takes it without a quiet period.
    ValueError for a malformed month or unit code.
    """
    month = month_text(parse_month(month))
    if not UNIT_RE.match(unit_code or ""):
        raise ValueError(f"unit code must be letters, digits, '_' or '-', got {unit_code!r}")
    folder = paths.landing / month / unit_code
    paths.landing.mkdir(parents=True, exist_ok=True)
    for part in (paths.landing / month, folder):
        if part.is_symlink():
            raise ValueError(f"{part.relative_to(paths.landing)} is a link, not a folder")
        part.mkdir(exist_ok=True)
    name = safe_name(file_name)
    stamp = received_at.timestamp()
    fd, tmp = tempfile.mkstemp(prefix=".receiving-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.utime(tmp, (stamp, stamp))
        target = _link_free_name(Path(tmp), folder, name)
    finally:
        with suppress(OSError):
            os.unlink(tmp)
    f = entry(paths.landing, f"{month}/{unit_code}/{target.name}")
    f = replace(f, sha256=hashlib.sha256(data).hexdigest())
    _record_received(paths, f)
    return f


def _link_free_name(tmp: Path, folder: Path, name: str) -> Path:
    """Give `tmp` the name `name` in `folder`, or `stem_2.ext`, … when taken (never
    replacing a file)."""
    stem, ext = os.path.splitext(name)
    for n in range(1, 10_000):
        candidate = folder / (name if n == 1 else f"{stem}_{n}{ext}")
        try:
            os.link(tmp, candidate)
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(f"no free name for {name!r} in {folder.name}")


def _received_record(paths: IntakePaths, rel: str) -> Path:
    return paths.intake / RECEIVED_DIR / (hashlib.sha256(rel.encode()).hexdigest() + ".json")


def _record_received(paths: IntakePaths, f: LandingFile) -> None:
    record = _received_record(paths, f.rel)
    record.parent.mkdir(parents=True, exist_ok=True)
    body = {"rel": f.rel, "size": f.size, "mtime_ns": f.mtime_ns, "inode": f.inode}
    tmp = record.with_suffix(".tmp")
    tmp.write_text(json.dumps(body), encoding="utf-8")
    os.replace(tmp, record)


def was_received(paths: IntakePaths, f: LandingFile) -> bool:
    """True when the portal received this very file (same size, time and inode) whole."""
    try:
        body = json.loads(_received_record(paths, f.rel).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return (body.get("size"), body.get("mtime_ns"), body.get("inode")) == (
        f.size,
        f.mtime_ns,
        f.inode,
    )


def forget_received(paths: IntakePaths, f: LandingFile) -> None:
    """Drop the record of a received file once intake has taken it."""
    with suppress(OSError):
        _received_record(paths, f.rel).unlink()
