"""`ingest.validate.projects`: key_project_plan, project_progress and project_issues; for each rule a passing and a failing file."""

from __future__ import annotations

import pytest
from rulecases import Case, case_id, cases_of, check_fails, check_passes

from ingest.settings import IntakePaths
from ingest.validate import projects

CASES = cases_of(projects)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_rule_passes(base_home: IntakePaths, case: Case) -> None:
    check_passes(base_home, case)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_rule_fails(base_home: IntakePaths, case: Case) -> None:
    check_fails(base_home, case)
