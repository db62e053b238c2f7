"""Shared fixtures: every test gets its own home folder, never the checkout's; no tool phones
home from a test."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from zonewh import telemetry

telemetry.disable()
# a test that forgets its `home` fixture still never writes into the checkout's .zonewh
os.environ.setdefault("ZONEWH_HOME", tempfile.mkdtemp(prefix="zonewh-test-home-"))
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
