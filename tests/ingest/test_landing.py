"""`ingest.landing`: the files of a month folder and the month folders present."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from ingest.landing import NotWhole, discover, entry, is_inside, is_quiet, landing_months, take


def _write(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_landing_months_take_only_well_formed_month_folders(tmp_path: Path) -> None:
    for name in ("2019-02", "2019-01", "2019-6", "2019-13", "misc", "1989-12"):
        (tmp_path / name).mkdir()
    _write(tmp_path / "2019-03")  # a file, not a folder
    assert landing_months(tmp_path) == ["2019-01", "2019-02"]
    assert landing_months(tmp_path / "absent") == []


def test_discover_lists_every_entry_and_nothing_behind_a_link(tmp_path: Path) -> None:
    good = _write(tmp_path / "2019-01" / "ist" / "investment_signings.csv", b"abc")
    _write(tmp_path / "2019-01" / "stray.csv")
    _write(tmp_path / "2019-01" / "ist" / "sub" / "deep.csv")
    _write(tmp_path / "2019-01" / "ist" / ".hidden.csv")
    _write(tmp_path / "2019-01" / "ist" / "~$lock.xlsx")
    outside = _write(tmp_path / "outside" / "x.csv")
    os.symlink(outside.parent, tmp_path / "2019-01" / "linked")
    os.symlink(outside, tmp_path / "2019-01" / "ist" / "investment_signings_link.csv")
    found = {f.rel: f for f in discover(tmp_path, "2019-01")}
    assert {rel: f.kind for rel, f in found.items()} == {
        "2019-01/ist/investment_signings.csv": "file",
        "2019-01/stray.csv": "file",
        "2019-01/ist/sub/deep.csv": "file",
        "2019-01/ist/.hidden.csv": "hidden",
        "2019-01/ist/~$lock.xlsx": "lock",
        "2019-01/linked": "link",
        "2019-01/ist/investment_signings_link.csv": "link",
    }
    f = found["2019-01/ist/investment_signings.csv"]
    assert (f.unit_code, f.month, f.size) == ("ist", "2019-01", 3)
    # discovery opens no file: the hash comes from the copy intake takes
    assert f.sha256 == "" and f.snapshot is None
    assert f.form is not None and f.form.code == "investment_signings"
    assert found["2019-01/stray.csv"].unit_code == ""
    assert found["2019-01/linked"].unit_code == ""
    assert found["2019-01/linked"].size == len(str(outside.parent))  # the link's own size
    assert is_inside(good, tmp_path)
    assert not is_inside(tmp_path / "2019-01" / "linked" / "x.csv", tmp_path)


def test_a_linked_month_is_one_entry(tmp_path: Path) -> None:
    outside = _write(tmp_path / "outside" / "ist" / "investment_signings.csv")
    (tmp_path / "landing").mkdir()
    os.symlink(outside.parent.parent, tmp_path / "landing" / "2019-07")
    assert landing_months(tmp_path / "landing") == ["2019-07"]
    (f,) = discover(tmp_path / "landing", "2019-07")
    assert (f.rel, f.kind, f.unit_code, f.sha256) == ("2019-07", "link", "", "")
    assert entry(tmp_path / "landing", "2019-07/ist/investment_signings.csv").rel == "2019-07"


def test_take_copies_once_and_hashes_the_copy(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    path = _write(landing / "2019-01" / "ist" / "investment_signings.csv", b"abc")
    os.utime(path, (1_500_000_000, 1_500_000_000))
    (f,) = discover(landing, "2019-01")
    folder = tmp_path / "intake"
    folder.mkdir()
    taken = take(landing, f, folder)
    assert taken.sha256 == hashlib.sha256(b"abc").hexdigest()
    assert taken.snapshot is not None and taken.snapshot.parent.parent == folder
    assert taken.snapshot.name == path.name and taken.snapshot.read_bytes() == b"abc"
    assert taken.snapshot.stat().st_mtime == 1_500_000_000
    assert taken.source == taken.snapshot and f.source == path


def test_take_refuses_a_file_that_changed_since_it_was_listed(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    path = _write(landing / "2019-01" / "ist" / "investment_signings.csv", b"abc")
    (f,) = discover(landing, "2019-01")
    path.write_bytes(b"abcdef")
    folder = tmp_path / "intake"
    folder.mkdir()
    with pytest.raises(NotWhole):
        take(landing, f, folder)
    assert list(folder.iterdir()) == []


def test_quiet_period(tmp_path: Path) -> None:
    path = _write(tmp_path / "2019-01" / "ist" / "investment_signings.csv")
    (f,) = discover(tmp_path, "2019-01")
    assert not is_quiet(f, 60.0, now=f.mtime + 59)
    assert is_quiet(f, 60.0, now=f.mtime + 60)
    os.symlink(path, tmp_path / "2019-01" / "ist" / "investment_signings_2.csv")
    link = {g.rel: g for g in discover(tmp_path, "2019-01")}[
        "2019-01/ist/investment_signings_2.csv"
    ]
    assert is_quiet(link, 60.0, now=link.mtime)  # a link is whole at once


def test_take_refuses_a_file_that_grows_during_the_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    landing = tmp_path / "landing"
    path = _write(landing / "2019-01" / "ist" / "investment_signings.csv", b"abc" * 1000)
    (f,) = discover(landing, "2019-01")
    real_read = os.read
    grown: list[bool] = []

    def read_while_written(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        if not grown:
            grown.append(True)
            with path.open("ab") as writer:  # the writer goes on while intake copies
                writer.write(b"more")
        return data

    monkeypatch.setattr(os, "read", read_while_written)
    folder = tmp_path / "intake"
    folder.mkdir()
    with pytest.raises(NotWhole, match="changed while it was copied"):
        take(landing, f, folder)
    monkeypatch.undo()
    assert list(folder.iterdir()) == []
