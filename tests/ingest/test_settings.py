"""`ingest.settings`: CST, the reference folder, and a home's intake paths."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from ingest.settings import CST, DEFAULT_REFERENCE_DIR, IntakePaths
from zonewh import config


def test_cst_is_utc_plus_8() -> None:
    assert CST.utcoffset(datetime(2019, 6, 1)) == timedelta(hours=8)


def test_reference_folder_is_the_repositorys_seeds() -> None:
    repo = Path(__file__).resolve().parents[2]
    assert DEFAULT_REFERENCE_DIR == repo / "dbt_project" / "seeds"
    assert (DEFAULT_REFERENCE_DIR / "org_units.csv").is_file()


def test_intake_paths(tmp_path: Path) -> None:
    home = tmp_path / "home"
    p = IntakePaths(home=home, landing=tmp_path / "elsewhere")
    assert p.quarantine == home / "quarantine"
    assert p.receipts == home / "receipts"
    assert p.archive == home / "archive"
    assert p.store_dir == home / "warehouse"
    assert p.raw_store == home / "warehouse" / "raw.duckdb"
    assert not home.exists()
    assert p.ensure() is p
    for folder in (home, p.landing, p.quarantine, p.receipts, p.archive, p.store_dir):
        assert folder.is_dir()
    assert not p.raw_store.exists()
    with pytest.raises(AttributeError):
        p.home = tmp_path  # type: ignore[misc]


def test_application_paths_extend_intake_paths(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ZONEWH_HOME", str(tmp_path / "h"))
    monkeypatch.delenv("ZONEWH_LANDING", raising=False)
    p = config.paths()
    assert isinstance(p, IntakePaths)
    assert p.raw_store == tmp_path / "h" / "warehouse" / "raw.duckdb"
    assert p.warehouse == tmp_path / "h" / "warehouse" / "zone.duckdb"
    assert p.ensure() is p
    assert p.published_dir.is_dir() and p.reports.is_dir() and p.archive.is_dir()
    assert config.CST is CST
    assert config.REFERENCE_DIR == DEFAULT_REFERENCE_DIR
