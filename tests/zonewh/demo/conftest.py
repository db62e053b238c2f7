"""The demo written once per test session, and read back: every file and the current
version of each (month, unit, form)."""

from __future__ import annotations

from pathlib import Path

import pytest
from demo_readback import Submitted, read_all

from zonewh.demo import DEMO_MONTHS, REJECTED_FILE, write_demo


@pytest.fixture(scope="session")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "landing"
    months = write_demo(root)
    assert months == list(DEMO_MONTHS)
    return root


@pytest.fixture(scope="session")
def files(landing: Path) -> list[Submitted]:
    return read_all(landing)


@pytest.fixture(scope="session")
def current(files: list[Submitted]) -> dict[tuple[str, str, str], Submitted]:
    """The current version of each (month, unit, form): the latest file not rejected."""
    out: dict[tuple[str, str, str], Submitted] = {}
    for f in sorted(files, key=lambda f: f.mtime):
        if f.rel != REJECTED_FILE:
            out[(f.month, f.unit, f.form)] = f
    return out
