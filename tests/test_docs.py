"""The project documents itself: every document a docstring or doc cites exists, and the
rules page lists every check as it is declared."""

from __future__ import annotations

import re
from pathlib import Path

from zonewh.gate.checks import CHECKS

REPO = Path(__file__).resolve().parents[1]
SOURCES = [
    *REPO.glob("zonewh/**/*.py"),
    *REPO.glob("ingest/**/*.py"),
    *REPO.glob("dags/*.py"),
    *REPO.glob("bench/*.py"),
    *REPO.glob("docs/*.md"),
    REPO / "README.md",
    *REPO.glob("dbt_project/**/*.yml"),
]


def test_every_cited_document_exists():
    missing = {}
    for path in SOURCES:
        for doc in re.findall(r"\bdocs/[A-Z_]+\.md\b", path.read_text("utf-8")):
            if not (REPO / doc).is_file():
                missing.setdefault(doc, str(path.relative_to(REPO)))
    assert missing == {}


def test_the_rules_page_lists_every_check_with_its_title():
    page = (REPO / "docs" / "RULES.md").read_text("utf-8")
    for check in CHECKS:
        row = next((line for line in page.splitlines() if line.startswith(f"| {check.code} |")), "")
        assert check.title_zh in row, f"docs/RULES.md: {check.code} {check.title_zh}"


def test_docs_cite_no_file_outside_the_repository():
    for path in REPO.glob("docs/*.md"):
        text = path.read_text("utf-8")
        assert "../shared" not in text and "/work/" not in text, path.name
