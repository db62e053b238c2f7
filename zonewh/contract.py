"""The published contract, read from where it is declared: the marts' dbt yml files.

`dbt_project/models/marts/**/_*__models.yml` declare every published table (docs/CONTRACT.md):
its columns with their types and descriptions (enforced by dbt's model contracts) and its
grain (the `b2_grain_unique` test's columns, else `b2_key_not_null`'s). The gate, the
publisher and the tests read this module; nothing else lists the columns again.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from .config import DBT_PROJECT_DIR

MARTS_DIR = DBT_PROJECT_DIR / "models" / "marts"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
LOG_TABLE = "publication_log"
"""The append-only attempts table: declared with the marts, written only by the publisher."""


@dataclass(frozen=True)
class Column:
    """One contract column."""

    name: str
    data_type: str
    description: str
    label_zh: str
    """The Chinese label (`meta.label_zh`); empty when the yml gives none."""


@dataclass(frozen=True)
class Mart:
    """One published table: name, columns in order, grain."""

    name: str
    description: str
    label_zh: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...]
    is_monthly: bool
    """Partitioned by `month` (every mart but the publication log)."""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name}.{name}")

    def ddl(self, schema: str = "marts", if_not_exists: bool = True) -> str:
        """`create table` for an empty table of this contract."""
        cols = ",\n    ".join(f'"{c.name}" {c.data_type}' for c in self.columns)
        exists = "if not exists " if if_not_exists else ""
        return f"create table {exists}{schema}.{self.name} (\n    {cols}\n)"


def _test_columns(tests: list, name: str) -> tuple[str, ...] | None:
    for test in tests or []:
        if isinstance(test, dict) and name in test:
            body = test[name] or {}
            args = body.get("arguments") or body
            columns = args.get("columns")
            if columns:
                return tuple(columns)
    return None


def _mart(model: dict) -> Mart:
    meta = model.get("meta") or (model.get("config") or {}).get("meta") or {}
    columns = tuple(
        Column(
            name=c["name"],
            data_type=str(c.get("data_type", "")),
            description=" ".join(str(c.get("description", "")).split()),
            label_zh=str(((c.get("meta") or {}).get("label_zh")) or ""),
        )
        for c in model.get("columns") or []
    )
    tests = model.get("data_tests") or model.get("tests") or []
    keys = _test_columns(tests, "b2_grain_unique") or _test_columns(tests, "b2_key_not_null")
    return Mart(
        name=model["name"],
        description=" ".join(str(model.get("description", "")).split()),
        label_zh=str(meta.get("label_zh") or ""),
        columns=columns,
        keys=keys or (),
        is_monthly=model["name"] != LOG_TABLE,
    )


@functools.cache
def _read(folder: Path, kind: str = "models") -> dict[str, Mart]:
    import yaml

    marts: dict[str, Mart] = {}
    for path in sorted(folder.rglob("_*.yml")):
        doc = yaml.safe_load(path.read_text("utf-8")) or {}
        for model in doc.get(kind) or []:
            if model.get("columns"):
                marts[model["name"]] = _mart(model)
    return marts


def tables(folder: Path = MARTS_DIR) -> dict[str, Mart]:
    """Every published table by name, the publication log included."""
    return dict(_read(folder))


def monthly_marts(folder: Path = MARTS_DIR) -> dict[str, Mart]:
    """The marts partitioned by month (everything but the publication log)."""
    return {n: m for n, m in _read(folder).items() if m.is_monthly}


def publication_log(folder: Path = MARTS_DIR) -> Mart:
    """The publication log's contract."""
    return _read(folder)[LOG_TABLE]


def reference_tables(folder: Path = SEEDS_DIR) -> dict[str, Mart]:
    """The reference tables (dbt seeds) with their column descriptions, published as they are."""
    return {n: m for n, m in _read(folder, "seeds").items()}
