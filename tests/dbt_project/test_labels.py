"""Every published table describes itself: every mart and seed, and each of their columns,
has a Chinese label (`meta.label_zh`) and an English description in its yml, which the
publisher writes as the table and column comments."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from zonewh import contract
from zonewh.config import DBT_PROJECT_DIR

MARTS = DBT_PROJECT_DIR / "models" / "marts"
SEEDS = DBT_PROJECT_DIR / "seeds"


def _declared(folder: Path, kind: str) -> dict[str, dict]:
    """Every model (or seed) declared in the folder's yml files, by name."""
    found: dict[str, dict] = {}
    for path in sorted(folder.rglob("_*.yml")):
        for node in (yaml.safe_load(path.read_text("utf-8")) or {}).get(kind) or []:
            found[node["name"]] = node
    return found


def _label(node: dict) -> str:
    meta = node.get("meta") or (node.get("config") or {}).get("meta") or {}
    return str(meta.get("label_zh") or "").strip()


def _lacking(name: str, node: dict) -> list[str]:
    """What of a table and its columns lacks a label or a description."""
    missing = []
    for what, item in [(name, node)] + [(f"{name}.{c['name']}", c) for c in node["columns"]]:
        if not _label(item):
            missing.append(f"{what}: meta.label_zh")
        if not str(item.get("description") or "").strip():
            missing.append(f"{what}: description")
    return missing


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


MART_FILES = sorted(p.stem for p in MARTS.rglob("*.sql"))
SEED_FILES = sorted(p.stem for p in SEEDS.glob("*.csv"))


@pytest.mark.parametrize("mart", MART_FILES)
def test_every_mart_and_column_has_a_label_and_a_description(mart):
    declared = _declared(MARTS, "models")
    assert mart in declared and declared[mart].get("columns"), f"{mart} has no columns in yml"
    assert _lacking(mart, declared[mart]) == []


@pytest.mark.parametrize("seed", SEED_FILES)
def test_every_seed_and_column_has_a_label_and_a_description(seed):
    declared = _declared(SEEDS, "seeds")
    assert seed in declared, f"{seed}.csv is not declared in seeds/_seeds.yml"
    with (SEEDS / f"{seed}.csv").open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert [c["name"] for c in declared[seed].get("columns") or []] == header
    assert _lacking(seed, declared[seed]) == []


def test_labels_are_chinese_and_reach_the_contract():
    """What the publisher reads (zonewh.contract) carries them: the comments it writes."""
    tables = {**contract.tables(), **contract.reference_tables()}
    assert set(MART_FILES) | set(SEED_FILES) <= set(tables)
    for table in tables.values():
        for label in [table.label_zh] + [c.label_zh for c in table.columns]:
            assert _has_chinese(label), f"{table.name}: {label!r}"
        assert all(c.description for c in table.columns), table.name


def test_a_missing_label_or_description_is_found():
    node = {
        "description": "A table.",
        "meta": {"label_zh": "表"},
        "columns": [
            {"name": "a", "description": "A.", "meta": {"label_zh": "甲"}},
            {"name": "b", "description": "B."},
            {"name": "c", "config": {"meta": {"label_zh": "丙"}}},
        ],
    }
    assert _lacking("t", node) == ["t.b: meta.label_zh", "t.c: description"]


CONTRACT_DOC = DBT_PROJECT_DIR.parent / "docs" / "CONTRACT.md"


@pytest.mark.parametrize("name", sorted(contract.tables()))
def test_the_contract_page_lists_every_column_with_its_type_and_label(name):
    """docs/CONTRACT.md says what the yml declares: a section per table, naming its grain,
    and a row per column (name, type, label)."""
    text = CONTRACT_DOC.read_text("utf-8")
    table = contract.tables()[name]
    heading = f"### {name} — {table.label_zh}\n"
    assert heading in text, heading
    section = text.split(heading, 1)[1].split("\n### ", 1)[0]
    keys = table.keys if len(table.keys) > 1 else ()
    assert not keys or f"`({', '.join(keys)})`" in section, keys
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert [r.split(" | ")[:3] for r in rows] == [
        [f"| `{c.name}`", c.data_type.upper(), c.label_zh] for c in table.columns
    ]
