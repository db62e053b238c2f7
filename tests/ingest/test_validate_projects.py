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


def test_figures_in_messages_read_as_people_write_them(base_home: IntakePaths) -> None:
    """The figures a message shows carry no ".0" and no float noise: "上月累计 1200 + 本月 800
    = 2000 万元", not "1200.0 + 800.0 = 2000.0" or "2000.0000000000002"."""
    import copy

    from rulecases import run

    by_rule = {(c.rule, c.month): c for c in cases_of(projects)}
    for key in [
        ("ytd_chain", "2019-02"),
        ("ytd_chain", "2019-01"),
        ("ytd_within_total", "2019-01"),
    ]:
        case = by_rule[key]
        rows = case.bad(copy.deepcopy(case.base))
        result = run(base_home, case.form, case.unit, case.month, rows)
        messages = [p.message_zh + p.message_en for p in result.problems if p.rule == case.rule]
        assert messages, key
        for text in messages:
            assert ".0 " not in text and ".0）" not in text and "999999" not in text, text
