"""The six sections of the monthly bulletin, one module each, built from the published marts.

`build(data)` returns them in order; each module's `build(data)` returns its own section.
"""

from __future__ import annotations

from ..data import BulletinData
from ..model import Section, fmt
from . import campaigns, economy, projects, quality, signings, submissions
from .campaigns import _lists
from .common import GROUP_LABELS, ytd_label
from .economy import previous_growth
from .projects import project_totals

MODULES = (economy, projects, signings, campaigns, submissions, quality)
"""The sections in the bulletin's order."""


def build(data: BulletinData) -> list[Section]:
    """The six sections in order."""
    return [module.build(data) for module in MODULES]


__all__ = [
    "GROUP_LABELS",
    "MODULES",
    "_lists",
    "build",
    "fmt",
    "previous_growth",
    "project_totals",
    "ytd_label",
]
