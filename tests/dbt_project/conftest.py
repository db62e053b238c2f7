"""Fixtures for the dbt project tests: a small raw warehouse in a fresh home."""

from __future__ import annotations

import pytest

from .rawdata import write_small_warehouse


@pytest.fixture
def small_warehouse(home):
    """A home whose raw store holds the small data set; returns the Paths."""
    write_small_warehouse(home)
    return home
