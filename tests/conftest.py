"""Shared fixtures: every test gets its own home folder, never the checkout's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# A file a test has just written is whole: intake takes it at once (the quiet period has its
# own tests, which set it).
os.environ.setdefault("ZONEWH_QUIET_SECONDS", "0")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A fresh ZONEWH_HOME (and its landing folder) for one test; returns the Paths."""
    from zonewh.config import paths

    monkeypatch.setenv("ZONEWH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ZONEWH_LANDING", raising=False)
    return paths().ensure()
