"""End-to-end fixtures shared by the run, fault and seed tests: the demo's files written once,
and a home where the demo's 2019-01 is published (built once per session, copied per test)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from homes import BASE


@pytest.fixture(scope="session")
def demo_landing(tmp_path_factory) -> Path:
    from zonewh.demo import write_demo

    landing = tmp_path_factory.mktemp("demo") / "landing"
    write_demo(landing)
    return landing


@pytest.fixture(scope="session")
def published_base(tmp_path_factory, demo_landing) -> Path:
    """A home with the demo's 2019-01 run and published."""
    from zonewh.config import Paths
    from zonewh.steps import run_month

    root = tmp_path_factory.mktemp("base") / "home"
    p = Paths(home=root, landing=root / "landing").ensure()
    shutil.copytree(demo_landing / BASE, p.landing / BASE)
    result = run_month(BASE, p)
    assert result.published, [(c.code, c.message_en) for c in result.gate.failures]
    return root
