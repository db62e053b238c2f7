"""`ingest.validate.common`: the rules shared by several forms (signs of numbers, dates within the month); for each rule a passing and a failing file."""

from __future__ import annotations

import pytest
from rulecases import Case, case_id, cases_of, check_fails, check_passes

from ingest.settings import IntakePaths
from ingest.validate import common

CASES = cases_of(common)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_rule_passes(base_home: IntakePaths, case: Case) -> None:
    check_passes(base_home, case)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_rule_fails(base_home: IntakePaths, case: Case) -> None:
    check_fails(base_home, case)
