"""What the bulletin reads: only the published file (DECIMAL or not), its settings and names."""

from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from bulletin_fixture import PUBLISHED_FORM_NAMES, build_published

import zonewh.bulletin
from zonewh.bulletin import build_sections, write_bulletin
from zonewh.bulletin.data import load
from zonewh.bulletin.render import figures
from zonewh.config import Paths

MONTH = dt.date(2019, 6, 1)
PACKAGE = Path(zonewh.bulletin.__file__).parent
ALLOWED = ("ingest", "ingest.settings", "ingest.months")
"""The project's paths and month parser (utilities every step shares), not intake's registry."""
IMPORT_ALL = f"""
ALLOWED = {ALLOWED!r}
import importlib, pkgutil, sys
import zonewh.bulletin as b
for m in pkgutil.walk_packages(b.__path__, "zonewh.bulletin."):
    importlib.import_module(m.name)
print(sorted(m for m in sys.modules if m.split(".")[0] == "ingest" and m not in ALLOWED))
"""


def _paths(tmp_path: Path, name: str, **options) -> Paths:
    p = Paths(home=tmp_path / name, landing=tmp_path / name / "landing").ensure()
    build_published(p.published, **options)
    return p


def test_no_bulletin_module_imports_intake() -> None:
    """The bulletin reads the published file, not intake's registry."""
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) >= 12  # the package, its sections, data, model, render, charts, …
    for path in modules:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            bad = [n for n in names if n.split(".")[0] == "ingest" and n not in ALLOWED]
            assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"
    loaded = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "[]", loaded.stdout


def test_decimal_columns_give_the_same_bulletin(tmp_path: Path) -> None:
    """Money DECIMAL(18,2) and percentages DECIMAL(9,2): floats as rows are read; every
    section's figures equal those of the DOUBLE file (to the published precision)."""
    plain = load(MONTH, _paths(tmp_path, "double").published, tmp_path)
    decimal = load(MONTH, _paths(tmp_path, "decimal", decimal=True).published, tmp_path)
    rows = [r for rs in (decimal.projects, decimal.indicators, decimal.rewards) for r in rs]
    assert rows and not any(isinstance(v, Decimal) for r in rows for v in r.values())
    assert isinstance(decimal.projects[0]["total_investment_wan"], float)
    a, b = figures(build_sections(plain)), figures(build_sections(decimal))
    assert a.keys() == b.keys() and len(a) > 40
    for key, value in a.items():
        if isinstance(value, float):
            assert b[key] == pytest.approx(value, abs=0.01), key
        else:
            assert b[key] == value, key


def test_decimal_file_writes_every_output(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ZONEWH_BULLETIN_PDF", "0")
    p = _paths(tmp_path, "home", decimal=True)
    html, xlsx = write_bulletin("2019-06", p)
    text = html.read_text(encoding="utf-8")
    assert "65.2亿元" in text and "50.4%" in text and xlsx.stat().st_size > 10_000


def test_lagging_threshold_and_closing_block_from_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZONEWH_BULLETIN_PDF", "0")
    settings = {
        "lagging_threshold_pp": "-15",
        "bulletin_main_recipients": "区直各部门",
        "bulletin_copy_recipients": "管委会主任、副主任",
        "bulletin_issuer": "示范区督查室（测试）",
    }
    p = _paths(tmp_path, "home", settings=settings)
    text = write_bulletin("2019-06", p)[0].read_text(encoding="utf-8")
    assert "低于时间进度15个百分点以上" in text and "10个百分点" not in text
    assert "主送：区直各部门" in text and "抄送：管委会主任、副主任" in text
    assert "示范区督查室（测试）" in text

    p = _paths(tmp_path, "defaults")
    text = write_bulletin("2019-06", p)[0].read_text(encoding="utf-8")
    assert "低于时间进度10个百分点以上" in text
    assert "主送：管委会各部门、各乡镇（街道）" in text and "抄送：管委会领导" in text
    assert "示范区管委会督查室" in text


def test_form_names_as_published(tmp_path: Path) -> None:
    """marts.submissions.form_name when published; else the bulletin's own names."""

    def exceptions(p: Paths) -> dict[str, str]:
        section = build_sections(load(MONTH, p.published, p.reports))[4]
        table = next(t for t in section.tables if t.key == "submissions_exceptions")
        return {r[0]: r[1] for r in table.rows}

    published = exceptions(_paths(tmp_path, "with", submissions=True))
    assert published["区招商局"] == PUBLISHED_FORM_NAMES["investment_signings"]
    assert exceptions(_paths(tmp_path, "without"))["区招商局"] == "招商引资签约项目"


def test_the_date_is_the_publications_in_beijing_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Published 2019-07-07 20:30 UTC = 2019-07-08 04:30 in Beijing; written much later."""
    monkeypatch.setenv("ZONEWH_BULLETIN_PDF", "0")
    at = dt.datetime(2019, 7, 7, 20, 30, tzinfo=dt.UTC)
    p = _paths(tmp_path, "home", attempted_at=at)
    text = write_bulletin("2019-06", p)[0].read_text(encoding="utf-8")
    assert "2019年7月8日印发" in text
    assert "2019年7月8日04:30（北京时间）发布" in text
    today = dt.date.today()
    assert f"{today.year}年{today.month}月{today.day}日" not in text
    assert str(p.home) not in text and "zone.duckdb" not in text
