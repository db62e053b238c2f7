"""`ingest.settings`: CST, the reference folder, and a home's intake paths."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from ingest.settings import CST, DEFAULT_REFERENCE_DIR, IntakeLimits, IntakePaths
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


def test_intake_limits_from_the_environment() -> None:
    assert IntakeLimits.from_env({}) == IntakeLimits(
        quiet_s=60.0, parse_memory_mb=2048, parse_s=60.0, store_wait_s=120.0
    )
    limits = IntakeLimits.from_env(
        {
            "ZONEWH_QUIET_SECONDS": "0",
            "ZONEWH_PARSE_MEMORY_MB": "1024",
            "ZONEWH_PARSE_SECONDS": "5.5",
            "ZONEWH_STORE_WAIT_SECONDS": " ",
        }
    )
    assert limits == IntakeLimits(quiet_s=0.0, parse_memory_mb=1024, parse_s=5.5)
    for var, value in (
        ("ZONEWH_QUIET_SECONDS", "-1"),
        ("ZONEWH_PARSE_MEMORY_MB", "100"),
        ("ZONEWH_PARSE_SECONDS", "soon"),
        ("ZONEWH_STORE_WAIT_SECONDS", "inf"),
    ):
        with pytest.raises(ValueError, match=var):
            IntakeLimits.from_env({var: value})


def test_the_intake_folder_is_the_homes(tmp_path: Path) -> None:
    assert IntakePaths(home=tmp_path, landing=tmp_path / "l").intake == tmp_path / "intake"
