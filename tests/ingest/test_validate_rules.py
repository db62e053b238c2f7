"""`ingest.validate.rules`: every rule the form registry names exists, is declared once, and
has a case."""

from __future__ import annotations

import pytest
from rulecases import CASES, GROUPS, cases_of, driver_cases, rules_of

from ingest.forms import FORMS
from ingest.validate import FIELD_RULES, FORM_RULES
from ingest.validate.rules import _join


def test_every_registry_rule_has_a_case() -> None:
    named = {r for f in FORMS.values() for fld in f.fields for r in fld.rules}
    named |= {r for f in FORMS.values() for r in f.form_rules}
    assert named <= set(FIELD_RULES) | set(FORM_RULES)
    assert named - {c.rule for c in CASES} == set()


def test_every_declared_rule_is_named_by_a_form() -> None:
    named = {r for f in FORMS.values() for fld in f.fields for r in fld.rules}
    named |= {r for f in FORMS.values() for r in f.form_rules}
    assert set(FIELD_RULES) | set(FORM_RULES) == named


def test_each_case_is_run_by_exactly_one_module() -> None:
    runs = [id(c) for m in GROUPS for c in cases_of(m)] + [id(c) for c in driver_cases()]
    assert sorted(runs) == sorted(id(c) for c in CASES)


def test_groups_declare_disjoint_rules() -> None:
    declared = [r for m in GROUPS for r in rules_of(m)]
    assert len(declared) == len(set(declared))


def test_a_rule_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        _join({"positive": 1}, {"positive": 2})
