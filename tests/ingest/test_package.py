"""The package as a whole: it imports nothing after it (no `zonewh`), imports its own
modules plainly (no guarded imports that would skip a check), and its docstrings cite
documents that exist."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import ingest

PACKAGE = Path(ingest.__file__).resolve().parent
REPO = PACKAGE.parent
SOURCES = sorted(PACKAGE.rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(tree: ast.AST) -> list[str]:
    """Absolute module names imported anywhere in a module (relative imports excluded)."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_the_package_has_modules() -> None:
    names = {_module_name(p) for p in SOURCES}
    assert {"ingest.intake", "ingest.store", "ingest.months", "ingest.validate.driver"} <= names


def test_no_module_imports_zonewh() -> None:
    offenders = {
        _module_name(path): name
        for path in SOURCES
        for name in _imported(ast.parse(path.read_text("utf-8")))
        if name == "zonewh" or name.startswith("zonewh.")
    }
    assert offenders == {}


def test_own_modules_are_imported_relatively() -> None:
    absolute = {
        _module_name(path): name
        for path in SOURCES
        for name in _imported(ast.parse(path.read_text("utf-8")))
        if name == "ingest" or name.startswith("ingest.")
    }
    assert absolute == {}


def test_importing_every_module_loads_no_zonewh() -> None:
    modules = sorted(_module_name(p) for p in SOURCES)
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('zonewh', 'ingest'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    loaded = json.loads(out.stdout)
    assert set(modules) <= set(loaded)
    assert [m for m in loaded if m.split(".")[0] == "zonewh"] == []


def test_no_guarded_imports() -> None:
    """An `except ImportError` around an import could silently skip a check."""
    guarded = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
                if names & {"ImportError", "ModuleNotFoundError"}:
                    guarded.append(f"{_module_name(path)}:{node.lineno}")
    assert guarded == []


def test_intake_needs_its_safety_checks() -> None:
    """With the safety module unavailable, intake does not import (it never runs unchecked)."""
    code = (
        "import sys\n"
        "sys.modules['ingest.safety'] = None\n"
        "try:\n"
        "    import ingest.intake\n"
        "except ImportError:\n"
        "    print('refused')\n"
        "else:\n"
        "    print('imported')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "refused"


def test_cited_documents_exist() -> None:
    cited: dict[str, str] = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for doc in re.findall(r"[\w./-]*\b[A-Z][A-Z_]*\.md\b", node.value):
                    cited[doc] = _module_name(path)
    assert cited, "the package cites the intake contract"
    missing = {doc: where for doc, where in cited.items() if not (REPO / doc).is_file()}
    assert missing == {}
    assert "docs/FORMS.md" in cited
