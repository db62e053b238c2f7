"""`ingest.landing`: the files of a month folder and the month folders present."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ingest.landing import discover, is_inside, landing_months


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


def test_discover_lists_misplaced_files_and_skips_hidden_ones(tmp_path: Path) -> None:
    good = _write(tmp_path / "2019-01" / "ist" / "investment_signings.csv", b"abc")
    _write(tmp_path / "2019-01" / "stray.csv")
    _write(tmp_path / "2019-01" / "ist" / "sub" / "deep.csv")
    _write(tmp_path / "2019-01" / "ist" / ".hidden.csv")
    _write(tmp_path / "2019-01" / "ist" / "~$lock.xlsx")
    outside = _write(tmp_path / "outside" / "x.csv")
    os.symlink(outside.parent, tmp_path / "2019-01" / "linked")
    found = {f.rel: f for f in discover(tmp_path, "2019-01")}
    assert set(found) == {
        "2019-01/ist/investment_signings.csv",
        "2019-01/stray.csv",
        "2019-01/ist/sub/deep.csv",
        "2019-01/linked/x.csv",
    }
    f = found["2019-01/ist/investment_signings.csv"]
    assert (f.unit_code, f.month, f.size) == ("ist", "2019-01", 3)
    assert f.sha256 == hashlib.sha256(b"abc").hexdigest()
    assert f.form is not None and f.form.code == "investment_signings"
    assert found["2019-01/stray.csv"].unit_code == ""
    assert is_inside(good, tmp_path)
    assert not is_inside(tmp_path / "2019-01" / "linked" / "x.csv", tmp_path)
