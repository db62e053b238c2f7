"""Every check is declared once (zonewh/gate/checks.py) and implemented by exactly the one
tool its declaration names, with the declared severity."""

from __future__ import annotations

import re

import yaml

from zonewh.config import DBT_PROJECT_DIR
from zonewh.gate import suites
from zonewh.gate.checks import BY_CODE, CHECKS, sort_key
from zonewh.gate.dbt_results import gate_code

SEVERITY = re.compile(r"severity\s*=\s*['\"](error|warn)['\"]")


def dbt_gate_tests() -> dict[str, tuple[str, str]]:
    """Every gate test dbt runs: name → (code, severity)."""
    found: dict[str, tuple[str, str]] = {}
    for sql in (DBT_PROJECT_DIR / "tests" / "gate").glob("*.sql"):
        code = gate_code(sql.stem)
        severity = SEVERITY.search(sql.read_text("utf-8"))
        found[sql.stem] = (code, severity.group(1) if severity else "error")
    generic = {}
    for sql in (DBT_PROJECT_DIR / "tests" / "generic").glob("*.sql"):
        text = sql.read_text("utf-8")
        for name in re.findall(r"\{%\s*test\s+(\w+)\(", text):
            severity = SEVERITY.search(text)
            generic[name] = severity.group(1) if severity else "error"
    for yml in (DBT_PROJECT_DIR / "models").rglob("_*.yml"):
        doc = yaml.safe_load(yml.read_text("utf-8")) or {}
        for model in doc.get("models") or []:
            for test in model.get("data_tests") or []:
                if isinstance(test, dict):
                    [(kind, body)] = test.items()
                    name = (body or {}).get("name", kind)
                    if gate_code(name) or gate_code(kind):
                        found[name] = (
                            gate_code(name) or gate_code(kind),
                            generic.get(kind, "error"),
                        )
    return found


def test_codes_are_unique_and_ordered():
    codes = [c.code for c in CHECKS]
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes, key=sort_key)
    assert [c for c in codes if c.startswith("B")] == [f"B{i}" for i in range(1, 11)]
    assert [c for c in codes if c.startswith("W")] == [f"W{i}" for i in range(1, 6)]


def test_every_check_speaks_to_people():
    for c in CHECKS:
        assert c.title_zh and c.explanation_zh and c.action_zh and c.acts in ("报送单位", "督查室")
        assert re.search(r"[\u4e00-\u9fff]", c.action_zh), c.code


def test_every_dbt_test_of_the_gate_implements_a_declared_dbt_check_with_its_severity():
    tests = dbt_gate_tests()
    assert tests, "no gate tests found"
    for name, (code, severity) in tests.items():
        assert code in BY_CODE, f"{name}: no declared check {code}"
        declared = BY_CODE[code]
        assert declared.tool == "dbt", f"{name} implements {code}, declared for {declared.tool}"
        assert severity == declared.dbt_severity, (
            f"{name}: severity {severity}, declared {declared.severity}"
        )


def test_every_dbt_check_has_a_dbt_test_and_no_other_tool_has_one():
    by_dbt = {code for code, _ in dbt_gate_tests().values()}
    by_ge = {s["meta"]["code"] for specs in suites.expectation_specs().values() for s in specs}
    assert by_dbt == {c.code for c in CHECKS if c.tool == "dbt"}
    assert by_ge == {c.code for c in CHECKS if c.tool == "great_expectations"}
    assert not by_dbt & by_ge
