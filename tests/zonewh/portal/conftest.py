"""Portal fixtures: a home where the demo's 2019-01 is ingested (the year's plan, so units owe
progress forms) with accounts of every role, copied per test; the app on it (its loader
running) with a test client; signing in as a person would (the login form and its token)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from portal_client import ACCOUNTS, PASSWORD, SECRET


@pytest.fixture(scope="session")
def portal_base(tmp_path_factory, demo_landing) -> Path:
    """A home with the demo's 2019-01 ingested and the test accounts."""
    from ingest.intake import ingest_month
    from zonewh.config import Paths
    from zonewh.portal.accounts import add

    root = tmp_path_factory.mktemp("portal-base") / "home"
    p = Paths(home=root, landing=root / "landing").ensure()
    shutil.copytree(demo_landing / "2019-01", p.landing / "2019-01")
    report = ingest_month("2019-01", p)
    assert report.rejected == 0 and report.accepted > 30
    for name, (unit, role) in ACCOUNTS.items():
        add(p, name, unit, role, PASSWORD, display_name=f"{name} 测试", email=f"{name}@example.org")
    return root


@pytest.fixture
def portal_home(portal_base, tmp_path, monkeypatch):
    """A copy of the base home for one test (ZONEWH_HOME points at it)."""
    from zonewh.config import Paths

    root = tmp_path / "home"
    shutil.copytree(portal_base, root, symlinks=True)
    monkeypatch.setenv("ZONEWH_HOME", str(root))
    monkeypatch.delenv("ZONEWH_LANDING", raising=False)
    return Paths(home=root, landing=root / "landing")


@pytest.fixture
def portal_app(portal_home):
    from zonewh.portal import PortalSettings, create_app

    return create_app(PortalSettings(secret_key=SECRET, loader_poll_s=0.2), portal_home)


@pytest.fixture
def client(portal_app) -> Iterator:
    from fastapi.testclient import TestClient

    with TestClient(portal_app, base_url="http://127.0.0.1") as c:
        yield c
